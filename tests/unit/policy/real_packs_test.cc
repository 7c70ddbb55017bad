// The shipped packs (packs/*.yaml): they compile clean, decide a typical EU chat request, and
// consensus reports T9 as irreconcilable (issue: "T9 must be reported as such"). Also decide()
// from several threads on one shared Program.
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <thread>

#include "policy/crosswalk.h"
#include "policy/program.h"
#include "policy/yaml_source.h"

namespace concord::policy {
namespace {

std::shared_ptr<const Program> shipped() {
  LoadOptions o;
  o.vocabulary_path = std::string(CONCORD_SOURCE_DIR) + "/packs/vocabulary.yaml";
  o.pack_paths = {std::string(CONCORD_SOURCE_DIR) + "/packs"};
  auto r = loadProgram(o);
  EXPECT_TRUE(r.ok()) << r.error().message;
  return r.ok() ? *r : nullptr;
}

TEST(RealPacks, CompileClean) {
  LoadOptions o;
  o.vocabulary_path = std::string(CONCORD_SOURCE_DIR) + "/packs/vocabulary.yaml";
  o.pack_paths = {std::string(CONCORD_SOURCE_DIR) + "/packs"};
  std::vector<Diagnostic> diags;
  auto r = loadProgram(o, &diags);
  ASSERT_TRUE(r.ok()) << r.error().message;
  for (const auto& d : diags) ADD_FAILURE() << formatDiagnostic(d);
  EXPECT_GT((*r)->rules().size(), 0u);
}

TEST(RealPacks, ConsensusReportsT9) {
  auto p = shipped();
  ASSERT_TRUE(p);
  Consensus c = buildConsensus(*p, {"EU", "CN", "US-CA"});
  EXPECT_FALSE(c.ok);
  bool t9 = false;
  for (const auto& x : c.conflicts) t9 = t9 || (x.tension_id == "T9" && x.irreconcilable);
  EXPECT_TRUE(t9);
}

TEST(RealPacks, ConsensusWithoutConflictLoadsBack) {
  auto p = shipped();
  ASSERT_TRUE(p);
  Consensus c = buildConsensus(*p, {"EU", "KR"});
  ASSERT_TRUE(c.ok) << renderConflicts(c.conflicts, Format::kTable);
  LoadOptions o;
  o.vocabulary_path = std::string(CONCORD_SOURCE_DIR) + "/packs/vocabulary.yaml";
  o.pack_texts = {{"consensus.yaml", c.pack_yaml}};
  auto back = loadProgram(o);
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(static_cast<int>((*back)->rules().size()), c.rules);
}

TEST(RealPacks, CrosswalkSurfacesTensionsOfChosenJurisdictions) {
  auto p = shipped();
  ASSERT_TRUE(p);
  Crosswalk cw = buildCrosswalk(*p, {"EU", "CN", "US-CA"});
  std::set<std::string> ids;
  for (const auto& c : cw.conflicts)
    if (!c.tension_id.empty()) ids.insert(c.tension_id);
  for (const char* t : {"T1", "T2", "T3", "T4", "T5", "T6", "T7", "T9", "T12", "T17"}) EXPECT_TRUE(ids.count(t)) << t;
  // No catalogue tension involves Japan or Singapore.
  for (const auto& c : buildCrosswalk(*p, {"JP", "SG"}).conflicts) EXPECT_TRUE(c.tension_id.empty()) << c.tension_id;
}

TEST(RealPacks, ConcurrentDecidesAgree) {
  auto p = shipped();
  ASSERT_TRUE(p);
  auto dep = p->compileDeployment({{"deployment.user_facing", {"true"}}});
  ASSERT_TRUE(dep.ok()) << dep.error().message;
  Principal principal;
  principal.jurisdictions = {"EU", "CN"};
  Facts f;
  f.principal = &principal;
  f.deployment = &*dep;
  f.endpoint = "chat.completions";
  f.model = "gpt-4o";
  f.day = *parseDay("2026-12-01");
  const size_t expected = p->decide(f, {}).rules.size();
  EXPECT_GT(expected, 0u);
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i)
        if (p->decide(f, {}).rules.size() != expected) ++mismatches;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace concord::policy
