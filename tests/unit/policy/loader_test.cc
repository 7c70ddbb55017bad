// Loader errors: every stable code with its position and snippet, plus the compiled shape of
// valid packs (predicate dedup, masks, defaults).
#include <gtest/gtest.h>

#include "policy/program.h"
#include "test_util.h"

namespace concord::policy {
namespace {

std::string rulePack(const std::string& rule) {
  return "pack: { id: p, jurisdiction: EU }\nrules:\n" + rule;
}

std::vector<Diagnostic> errorsOf(const std::string& pack_text, bool* ok = nullptr) {
  std::vector<Diagnostic> d;
  auto r = loadProgram(testing::inlineOptions({pack_text}), &d);
  if (ok) *ok = r.ok();
  return d;
}

// The first error (not warning) or an empty diagnostic.
Diagnostic firstError(const std::string& pack_text) {
  for (const auto& d : errorsOf(pack_text))
    if (!d.warning) return d;
  return {};
}

const char* kGood = R"YAML(  - id: R1
    cite: "Art. 1"
    concept: label.explicit
    when: { principal.jurisdictions: EU }
    then: { action: label, placement: start }
)YAML";

TEST(Loader, CleanPackHasNoDiagnostics) {
  bool ok = false;
  EXPECT_TRUE(errorsOf(rulePack(kGood), &ok).empty());
  EXPECT_TRUE(ok);
}

TEST(Loader, UnknownFactWithPositionAndSnippet) {
  Diagnostic d = firstError(rulePack(R"YAML(  - id: R1
    cite: "Art. 1"
    concept: label.explicit
    when: { principal.jurisdiction: EU }
    then: { action: label }
)YAML"));
  EXPECT_EQ(d.code, "policy.unknown_fact");
  EXPECT_EQ(d.file, "pack0.yaml");
  EXPECT_EQ(d.line, 6);
  EXPECT_EQ(d.col, 13);
  EXPECT_EQ(d.snippet, "    when: { principal.jurisdiction: EU }");
  EXPECT_NE(formatDiagnostic(d).find("pack0.yaml:6:13: policy.unknown_fact:"), std::string::npos);
}

TEST(Loader, ErrorMessageListsEveryDiagnostic) {
  auto r = loadProgram(testing::inlineOptions({rulePack(R"YAML(  - id: R1
    cite: "x"
    concept: nope
    when: { nofact: 1 }
    then: { action: label }
)YAML")}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "policy.unknown_concept");
  EXPECT_NE(r.error().message.find("pack0.yaml:5:14: policy.unknown_concept"), std::string::npos);
  EXPECT_NE(r.error().message.find("pack0.yaml:6:13: policy.unknown_fact"), std::string::npos);
}

TEST(Loader, TypeMismatches) {
  auto code = [](const std::string& when) {
    return firstError(rulePack("  - id: R1\n    cite: x\n    concept: label.explicit\n    when: " + when +
                               "\n    then: { action: label }\n")).code;
  };
  EXPECT_EQ(code("{ deployment.user_facing: maybe }"), "policy.type_mismatch");
  EXPECT_EQ(code("{ request.endpoint: chat }"), "policy.type_mismatch");  // not an enum value
  EXPECT_EQ(code("{ system.training_flop: lots }"), "policy.type_mismatch");
  EXPECT_EQ(code("{ system.training_flop: { about: 1 } }"), "policy.type_mismatch");
  EXPECT_EQ(code("{ principal.jurisdictions: { a: b } }"), "policy.type_mismatch");
  EXPECT_EQ(code("{ request.findings: { kind: pii.*, min_score: 2 } }"), "policy.type_mismatch");
  EXPECT_EQ(code("{ date: 2026-02-30 }"), "policy.bad_date");
  EXPECT_EQ(code("{ request.endpoint: chat.completions, deployment.user_facing: true }"), "");
}

TEST(Loader, BadEffectiveDates) {
  Diagnostic d = firstError(rulePack(R"YAML(  - id: R1
    cite: x
    concept: label.explicit
    effective: { from: 2026-8-2 }
    then: { action: label }
)YAML"));
  EXPECT_EQ(d.code, "policy.bad_date");
  EXPECT_EQ(d.line, 6);
  Diagnostic e = firstError(rulePack(R"YAML(  - id: R1
    cite: x
    concept: label.explicit
    effective: { from: 2027-01-01, until: 2026-01-01 }
    then: { action: label }
)YAML"));
  EXPECT_EQ(e.code, "policy.contradiction");
}

TEST(Loader, DuplicateIdAcrossFiles) {
  std::vector<Diagnostic> d;
  auto r = loadProgram(testing::inlineOptions(
      {rulePack(kGood), "pack: { id: q, jurisdiction: CN }\nrules:\n" + std::string(kGood)}), &d);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "policy.duplicate_id");
  EXPECT_EQ(d[0].file, "pack1.yaml");
  EXPECT_NE(d[0].message.find("already defined at pack0.yaml:3"), std::string::npos);
}

TEST(Loader, DuplicatePackId) {
  auto r = loadProgram(testing::inlineOptions({rulePack(kGood), "pack: { id: p, jurisdiction: CN }\n"}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "policy.duplicate_id");
}

TEST(Loader, UnknownConceptAndAction) {
  EXPECT_EQ(firstError(rulePack("  - id: R1\n    cite: x\n    concept: label.explicitt\n    then: { action: label }\n")).code,
            "policy.unknown_concept");
  Diagnostic d = firstError(rulePack("  - id: R1\n    cite: x\n    concept: label.explicit\n    then: { action: block }\n"));
  EXPECT_EQ(d.code, "policy.unknown_action");
  EXPECT_EQ(d.line, 6);
}

TEST(Loader, Contradictions) {
  auto code = [](const std::string& when) {
    return firstError(rulePack("  - id: R1\n    cite: x\n    concept: label.explicit\n    when: " + when +
                               "\n    then: { action: label }\n")).code;
  };
  EXPECT_EQ(code("{ system.training_flop: { gt: 10, lt: 5 } }"), "policy.contradiction");
  EXPECT_EQ(code("{ deployment.user_facing: true, not: { deployment.user_facing: true } }"), "policy.contradiction");
  EXPECT_EQ(code("{ request.endpoint: completions, not: { request.endpoint: [completions, embeddings] } }"),
            "policy.contradiction");
  // A set fact may hold both values, so this is not a contradiction.
  EXPECT_EQ(code("{ deployment.use_case: a, not: { deployment.use_case: b } }"), "");
}

TEST(Loader, BadYamlAndStructure) {
  Diagnostic d = firstError("pack: { id: p, jurisdiction: EU\nrules: [");
  EXPECT_EQ(d.code, "policy.bad_yaml");
  EXPECT_GT(d.line, 0);
  EXPECT_EQ(firstError("rules: []\n").code, "policy.missing_field");
  EXPECT_EQ(firstError(rulePack("  - cite: x\n    concept: label.explicit\n    then: { action: label }\n")).code,
            "policy.missing_field");
  EXPECT_EQ(firstError(rulePack("  - id: R1\n    cite: x\n    concept: label.explicit\n")).code, "policy.missing_field");
}

TEST(Loader, BadValuesAndUnknownKeysAreReported) {
  EXPECT_EQ(firstError(rulePack("  - id: R1\n    cite: x\n    concept: label.explicit\n    confidence: high\n"
                                "    then: { action: label }\n")).code,
            "policy.bad_value");
  EXPECT_EQ(firstError(rulePack("  - id: R1\n    cite: x\n    concept: label.explicit\n    mode: sometimes\n"
                                "    then: { action: label }\n")).code,
            "policy.bad_value");
  bool ok = false;
  auto d = errorsOf(rulePack("  - id: R1\n    cite: x\n    concept: label.explicit\n    colour: red\n"
                             "    then: { action: label, colour: blue }\n"), &ok);
  EXPECT_TRUE(ok);  // unknown keys are warnings
  ASSERT_EQ(d.size(), 2u);
  EXPECT_TRUE(d[0].warning);
  EXPECT_EQ(d[0].code, "policy.unknown_key");
}

TEST(Loader, ThenParameterTypes) {
  EXPECT_EQ(firstError(rulePack("  - id: R1\n    cite: x\n    concept: logging.retention_min\n"
                                "    then: { action: log, retention_min_days: soon }\n")).code,
            "policy.type_mismatch");
  EXPECT_EQ(firstError(rulePack("  - id: R1\n    cite: x\n    concept: logging.retention_min\n"
                                "    then: { action: log, retention_min_days: 400, retention_max_days: 30 }\n")).code,
            "policy.contradiction");
  EXPECT_EQ(firstError(rulePack("  - id: R1\n    cite: x\n    concept: transfer.cross_border\n"
                                "    then: { action: route }\n")).code,
            "policy.missing_field");
  EXPECT_EQ(firstError(rulePack("  - id: R1\n    cite: x\n    concept: label.explicit\n"
                                "    then: { action: label, placement: middle }\n")).code,
            "policy.type_mismatch");
}

TEST(Loader, UnknownFactTypeInVocabulary) {
  LoadOptions o = testing::inlineOptions({});
  o.vocabulary_text = "concepts: {}\nfacts:\n  a.b: { type: colour }\n";
  auto r = loadProgram(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "policy.type_mismatch");
}

TEST(Compiled, PredicatesAreSharedAndMasksSparse) {
  auto r = loadProgram(testing::inlineOptions({rulePack(R"YAML(  - id: A
    cite: x
    concept: label.explicit
    when: { principal.jurisdictions: EU, deployment.user_facing: true }
    then: { action: label }
  - id: B
    cite: y
    concept: logging.retention_min
    when: { principal.jurisdictions: [EU], not: { deployment.user_facing: true } }
    then: { action: log, retention_min_days: 183 }
)YAML")}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  const Program& p = **r;
  EXPECT_EQ(p.predicates().size(), 3u);  // jurisdictions EU, user_facing true, not(...)
  ASSERT_EQ(p.rules().size(), 2u);
  EXPECT_EQ(p.rules()[0].preds[0], p.rules()[1].preds[0]);
  ASSERT_EQ(p.rules()[0].mask.size(), 1u);
  EXPECT_EQ(p.rules()[0].mask[0].second, 0b011u);
  EXPECT_EQ(p.rules()[1].mask[0].second, 0b101u);
  EXPECT_EQ(p.rules()[1].retention_min_days, 183);
  EXPECT_EQ(p.rules()[0].jurisdiction, "EU");  // from pack.jurisdiction
  EXPECT_EQ(p.rules()[0].mode, "runtime");
  EXPECT_EQ(p.describePred(p.rules()[1].preds[1]), "not { deployment.user_facing: true }");
}

}  // namespace
}  // namespace concord::policy
