// Crosswalk, consensus (merge rules, tensions, T9, loadable output), assess and the pack-test
// runner on small inline packs.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "policy/assess.h"
#include "policy/crosswalk.h"
#include "policy/pack_tests.h"
#include "policy/yaml_source.h"
#include "test_util.h"

namespace concord::policy {
namespace {

const char* kEu = R"YAML(
pack: { id: eu, jurisdiction: EU }
rules:
  - id: EU-LBL
    cite: "Art. 50"
    concept: label.explicit
    effective: { from: 2026-08-02 }
    enforced_by: gateway
    when: { principal.jurisdictions: EU }
    then: { action: label, placement: first_turn, waivable: false, text: { en: "AI system" } }
  - id: EU-LOG
    cite: "Art. 19"
    concept: logging.retention_min
    enforced_by: gateway
    when: { principal.jurisdictions: EU }
    then: { action: log, retention_min_days: 183 }
  - id: EU-INC
    cite: "Art. 73"
    concept: incident.serious
    mode: assess
    when: { system.markets: EU }
    then: { action: notify, within_hours: 360 }
  - id: EU-FRONTIER
    cite: "Art. 51"
    concept: frontier_compute
    mode: assess
    when: { system.markets: EU, system.training_flop: { gt: 1.0e25 } }
    then: { action: document, text: "systemic risk" }
)YAML";

const char* kCn = R"YAML(
pack: { id: cn, jurisdiction: CN }
rules:
  - id: CN-LBL
    cite: "Labeling Art. 4"
    concept: label.explicit
    effective: { from: 2025-09-01 }
    when: { principal.jurisdictions: CN }
    then: { action: label, placement: start, waivable: true, text: { zh: "人工智能生成" } }
  - id: CN-LOG
    cite: "Labeling Art. 9"
    concept: logging.retention_min
    when: { principal.jurisdictions: CN }
    then: { action: log, retention_min_days: 180 }
  - id: CN-ROUTE
    cite: "PIPL Art. 38"
    concept: transfer.cross_border
    when: { principal.jurisdictions: CN, request.findings: { kind: "pii.*" } }
    then: { action: route, require_region: [CN] }
  - id: CN-VALUES
    cite: "Interim Art. 4(1)"
    concept: procurement.neutrality
    when: { principal.jurisdictions: CN }
    then: { action: document, content_policy: core_values }
)YAML";

const char* kUs = R"YAML(
pack: { id: us, jurisdiction: US }
rules:
  - id: US-CA-INC
    jurisdiction: US-CA
    cite: "SB 53"
    concept: incident.serious
    mode: assess
    when: { system.markets: US-CA }
    then: { action: notify, within_hours: 24 }
  - id: US-CA-FRONTIER
    jurisdiction: US-CA
    cite: "SB 53"
    concept: frontier_compute
    mode: assess
    when: { system.markets: US-CA, system.training_flop: { gt: 1.0e26 } }
    then: { action: document, text: "frontier framework" }
  - id: US-NEUTRAL
    cite: "EO 14319"
    concept: procurement.neutrality
    when: { principal.jurisdictions: US }
    then: { action: document, content_policy: neutral }
  - id: US-MAXLOG
    jurisdiction: US-CA
    cite: "privacy"
    concept: logging.retention_min
    when: { principal.jurisdictions: US-CA }
    then: { action: log, retention_max_days: 90 }
)YAML";

std::shared_ptr<const Program> load(std::vector<std::string> packs) {
  auto r = loadProgram(testing::inlineOptions(std::move(packs)));
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? *r : nullptr;
}

TEST(Crosswalk, MatrixAgreementsAndParameterDifferences) {
  auto p = load({kEu, kCn});
  Crosswalk cw = buildCrosswalk(*p, {"EU", "CN"});
  const CrosswalkRow* label = nullptr;
  const CrosswalkRow* route = nullptr;
  for (const auto& r : cw.rows) {
    if (r.concept_id == "label.explicit") label = &r;
    if (r.concept_id == "transfer.cross_border") route = &r;
  }
  ASSERT_TRUE(label && route);
  EXPECT_EQ(label->agreement, "all require");
  EXPECT_TRUE(label->params_differ);
  EXPECT_EQ(label->cells[0].term, "transparency (Art. 50)");
  EXPECT_EQ(label->cells[1].params.at("placement"), std::set<std::string>{"start"});
  EXPECT_EQ(route->cells[0].status, "not required");
  EXPECT_EQ(route->agreement, "some require");
  bool t5 = false, waivable = false;
  for (const auto& c : cw.conflicts) {
    if (c.tension_id == "T5") t5 = true;
    if (c.kind == "parameter" && c.description.find("waivable") != std::string::npos) waivable = true;
  }
  EXPECT_TRUE(t5);  // EU and CN are both in T5
  EXPECT_TRUE(waivable);
  EXPECT_NE(renderCrosswalk(cw, Format::kMd).find("| `label.explicit` |"), std::string::npos);
  EXPECT_NE(renderCrosswalk(cw, Format::kJson).find("\"all require\""), std::string::npos);
}

TEST(Crosswalk, RetentionFloorAboveCeilingIsAConflict) {
  auto p = load({kEu, kUs});
  Crosswalk cw = buildCrosswalk(*p, {"EU", "US-CA"});
  bool found = false;
  for (const auto& c : cw.conflicts)
    if (c.kind == "retention") {
      found = true;
      EXPECT_TRUE(c.irreconcilable);
    }
  EXPECT_TRUE(found);
}

TEST(Crosswalk, TensionsOnlyForChosenJurisdictions) {
  auto p = load({kEu});
  auto ts = tensionsFor(p->vocabulary(), {"EU"});
  EXPECT_TRUE(ts.empty());
  ts = tensionsFor(p->vocabulary(), {"EU", "US-CO"});
  ASSERT_EQ(ts.size(), 2u);  // T5 (EU, US-CO) and T9 (EU, US matches US-CO)
  EXPECT_FALSE(ts[1]->irreconcilableFor({"EU", "US-CO"}));  // T9 needs CN and US
  EXPECT_TRUE(ts[1]->irreconcilableFor({"CN", "US-CO"}));
}

TEST(Consensus, T9IsIrreconcilable) {
  auto p = load({kEu, kCn, kUs});
  Consensus c = buildConsensus(*p, {"EU", "CN", "US-CA"});
  EXPECT_FALSE(c.ok);
  bool t9 = false;
  for (const auto& x : c.conflicts)
    if (x.tension_id == "T9") t9 = x.irreconcilable;
  EXPECT_TRUE(t9);
  EXPECT_TRUE(c.pack_yaml.empty());
}

TEST(Consensus, StrictestParametersInALoadablePack) {
  const char* kCnNoValues = kCn;
  auto p2 = load({kEu, kCnNoValues});
  Consensus ok = buildConsensus(*p2, {"EU", "CN"});
  ASSERT_TRUE(ok.ok) << renderConflicts(ok.conflicts, Format::kTable);
  // The output loads with the same vocabulary.
  auto back = loadProgram(testing::inlineOptions({ok.pack_yaml}));
  ASSERT_TRUE(back.ok()) << back.error().message << "\n" << ok.pack_yaml;
  const Program& cp = **back;
  // Labels: both languages, never waivable, one rule per distinct condition (EU and CN merged).
  int labels = 0;
  for (const auto& r : cp.rules()) {
    if (r.concept_id == "label.explicit") {
      ++labels;
      EXPECT_FALSE(r.label.waivable);
      EXPECT_EQ(r.label.text.size(), 2u);
      EXPECT_EQ(r.label.placement, Placement::kFirstTurn);
    }
    if (r.concept_id == "logging.retention_min") EXPECT_EQ(r.retention_min_days, 183);  // highest minimum
    if (r.concept_id == "transfer.cross_border") EXPECT_EQ(r.require_region, std::vector<std::string>{"CN"});
    if (r.concept_id == "incident.serious") EXPECT_EQ(r.param("within_hours")->list[0], "360");
  }
  EXPECT_EQ(labels, 1);
  // Data-origin routing stays per jurisdiction: an EU user with PII is not pinned to CN.
  Principal eu;
  eu.jurisdictions = {"EU"};
  FindingFact f[] = {{"pii.email", 1.0}};
  Facts facts;
  facts.principal = &eu;
  facts.findings = f;
  facts.day = *parseDay("2026-12-01");
  Decision d = cp.decide(facts, {});
  EXPECT_FALSE(d.route_constrained);
  EXPECT_EQ(d.log.retention_min_days, 183);
  Principal cn;
  cn.jurisdictions = {"CN"};
  facts.principal = &cn;
  EXPECT_TRUE(cp.decide(facts, {}).route_constrained);
}

TEST(Consensus, LowestComputeTriggerAndShortestClock) {
  // kUs also caps retention at 90 days for US-CA, below the EU floor: irreconcilable.
  auto p = load({kEu, kUs});
  Consensus c = buildConsensus(*p, {"EU", "US-CA"});
  EXPECT_FALSE(c.ok);
  const char* kUsNoNeutral = R"YAML(
pack: { id: us, jurisdiction: US }
rules:
  - id: US-CA-INC
    jurisdiction: US-CA
    cite: "SB 53"
    concept: incident.serious
    mode: assess
    when: { system.markets: US-CA }
    then: { action: notify, within_hours: 24 }
  - id: US-CA-FRONTIER
    jurisdiction: US-CA
    cite: "SB 53"
    concept: frontier_compute
    mode: assess
    when: { system.markets: US-CA, system.training_flop: { gt: 1.0e26 } }
    then: { action: document, text: "frontier framework" }
)YAML";
  auto p2 = load({kEu, kUsNoNeutral});
  Consensus ok = buildConsensus(*p2, {"EU", "US-CA"});
  ASSERT_TRUE(ok.ok) << renderConflicts(ok.conflicts, Format::kTable);
  auto back = loadProgram(testing::inlineOptions({ok.pack_yaml}));
  ASSERT_TRUE(back.ok()) << back.error().message;
  for (const auto& r : (*back)->rules()) {
    if (r.concept_id == "incident.serious") EXPECT_EQ(r.param("within_hours")->list[0], "24");
    if (r.concept_id == "frontier_compute") {
      const Pred& range = (*back)->predicates()[static_cast<size_t>(r.preds.back())];
      EXPECT_DOUBLE_EQ(range.lo, 1e25) << (*back)->describePred(r.preds.back());
    }
  }
}

TEST(Assess, ManifestBindsRulesWithStatusAndConditions) {
  auto p = load({kEu, kCn, kUs});
  auto m = parseManifest("m.yaml", R"YAML(
system:
  name: Bot
  markets: [EU, US-CA]
  user_regions: [EU]
  training_flop: 3.0e25
)YAML");
  ASSERT_TRUE(m.ok()) << m.error().message;
  Assessment a = assess(*p, *m, *parseDay("2026-01-01"), false);
  ASSERT_TRUE(a.by_jurisdiction.count("EU"));
  ASSERT_TRUE(a.by_jurisdiction.count("US-CA"));
  EXPECT_FALSE(a.by_jurisdiction.count("CN"));
  std::map<std::string, const AssessItem*> by_id;
  for (const auto& [_, items] : a.by_jurisdiction)
    for (const auto& it : items) by_id[it.rule->id] = &it;
  ASSERT_TRUE(by_id.count("EU-LBL"));
  EXPECT_EQ(by_id["EU-LBL"]->status, "not yet in force");
  EXPECT_TRUE(by_id["EU-LBL"]->concord_enforces);
  EXPECT_TRUE(by_id.count("EU-FRONTIER"));      // 3e25 > 1e25
  EXPECT_FALSE(by_id.count("US-CA-FRONTIER"));  // 3e25 < 1e26
  EXPECT_TRUE(by_id.count("US-CA-INC"));
  EXPECT_FALSE(by_id["US-CA-INC"]->concord_enforces);
  std::string json = renderAssessment(a, Format::kJson);
  EXPECT_NE(json.find("\"EU-FRONTIER\""), std::string::npos);
  EXPECT_EQ(parseManifest("m.yaml", "system: { name: x }").error().code, "policy.missing_field");
  EXPECT_EQ(parseManifest("m.yaml", "system: { markets: [EU], colour: red }").error().code, "policy.unknown_key");
}

TEST(Assess, UnknownRequestFactsMakeRulesConditional) {
  auto p = load({kEu, kCn});
  auto m = parseManifest("m.yaml", "system: { markets: [CN] }");
  ASSERT_TRUE(m.ok());
  Assessment a = assess(*p, *m, *parseDay("2026-12-01"), false);
  bool found = false;
  for (const auto& it : a.by_jurisdiction["CN"])
    if (it.rule->id == "CN-ROUTE") {
      found = true;
      EXPECT_TRUE(it.conditional);
      EXPECT_EQ(it.depends_on, std::vector<std::string>{"request.findings"});
    }
  EXPECT_TRUE(found);
}

TEST(PackTests, RunnerReportsPassFailAndCoverage) {
  auto p = load({kEu, kCn});
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("policy_pack_tests_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "t.yaml") << R"YAML(
tests:
  - name: "CN user with PII is pinned to CN"
    as_of: 2026-12-01
    facts:
      principal.jurisdictions: [CN]
      request.findings: [{ kind: pii.phone, score: 0.9 }]
      route.region: US
    expect: { action: deny, rules: [CN-ROUTE, CN-LBL], not_rules: [EU-LBL] }
  - name: "deliberately wrong"
    as_of: 2026-12-01
    facts: { principal.jurisdictions: [EU] }
    expect: { action: allow, rules: [CN-LBL] }
  - name: "bad fact"
    facts: { deployment.nope: true }
    expect: { action: allow }
)YAML";
  PackTestReport rep = runPackTests(*p, {dir.string()});
  EXPECT_EQ(rep.passed, 1);
  EXPECT_EQ(rep.failed, 2);
  std::string text = renderPackTestReport(rep, false);
  EXPECT_NE(text.find("expected rule CN-LBL to fire"), std::string::npos);
  EXPECT_NE(text.find("policy.unknown_fact"), std::string::npos);
  EXPECT_NE(text.find("rule EU-LOG has no positive test case"), std::string::npos);
  EXPECT_EQ(text.substr(text.rfind('\n', text.size() - 2) + 1), "1 passed, 2 failed\n");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace concord::policy
