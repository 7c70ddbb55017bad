// Malformed packs never throw out of loadProgram: truncations and byte flips of a valid pack
// (a cheap stand-in for the fuzz target) end in diagnostics or a program, nothing else.
#include <gtest/gtest.h>

#include <random>

#include "policy/program.h"
#include "test_util.h"

namespace concord::policy {
namespace {

const char* kPack = R"YAML(pack: { id: p, jurisdiction: EU, severity: binding, sources: [a] }
rules:
  - id: R1
    cite: "Art. 1"
    concept: label.explicit
    effective: { from: 2026-08-02, until: 2030-01-01 }
    priority: 3
    when: { principal.jurisdictions: [EU], request.findings: { kind: ["pii.*"], min_score: 0.5 }, not: [{ deployment.user_facing: false }], system.training_flop: { gte: 1e20, lt: 1e30 } }
    then: { action: label, placement: start, text: { en: "AI" }, implicit: [producer] }
  - id: R2
    cite: "Art. 2"
    concept: logging.retention_min
    binds: [provider, deployer]
    then: { action: log, content: hash, retention_min_days: 183, retention_max_days: 365 }
)YAML";

TEST(Robustness, TruncationsAndByteFlipsDoNotThrow) {
  const std::string base = kPack;
  ASSERT_TRUE(loadProgram(testing::inlineOptions({base})).ok());
  std::mt19937 rng(42);
  const char kBytes[] = "{}[]:,-#&*!|>'\"%@` \n\tx0.";
  int loaded = 0, failed = 0;
  for (size_t cut = 0; cut < base.size(); cut += 3) {
    auto r = loadProgram(testing::inlineOptions({base.substr(0, cut)}));
    (r.ok() ? loaded : failed)++;
  }
  for (int i = 0; i < 1500; ++i) {
    std::string m = base;
    for (int k = 0; k < 3; ++k) m[rng() % m.size()] = kBytes[rng() % (sizeof kBytes - 1)];
    EXPECT_NO_THROW({
      auto r = loadProgram(testing::inlineOptions({m}));
      (r.ok() ? loaded : failed)++;
    });
  }
  EXPECT_GT(failed, 0);
  EXPECT_GT(loaded, 0);
}

}  // namespace
}  // namespace concord::policy
