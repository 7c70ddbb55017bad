#include "label/tools.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "label/codec.h"
#include "label/key_ring.h"
#include "label/provenance.h"
#include "label/provenance_index.h"

namespace concord::label {
namespace {
namespace fs = std::filesystem;

class ToolsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("concord-tools-" + randomContentId());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string write(const std::string& name, const std::string& data) {
    std::ofstream(dir_ / name, std::ios::binary) << data;
    return (dir_ / name).string();
  }
  fs::path dir_;
  FakeClock clock_;
};

TEST_F(ToolsTest, KeygenRotateListJwks) {
  std::string keys = (dir_ / "keys").string();
  EXPECT_EQ(runProvenanceTool("list", keys, false, clock_).exit_code, 2);  // no ring yet
  auto g = runProvenanceTool("keygen", keys, false, clock_);
  ASSERT_EQ(g.exit_code, 0) << g.err;
  EXPECT_EQ(runProvenanceTool("keygen", keys, false, clock_).exit_code, 2);
  auto r = runProvenanceTool("rotate", keys, false, clock_);
  ASSERT_EQ(r.exit_code, 0);
  auto l = runProvenanceTool("list", keys, true, clock_);
  ASSERT_EQ(l.exit_code, 0);
  auto j = nlohmann::json::parse(l.out);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[1]["kid"].get<std::string>() + "\n", r.out);
  EXPECT_EQ(j[1]["current"], true);
  auto table = runProvenanceTool("list", keys, false, clock_);
  EXPECT_NE(table.out.find(g.out.substr(0, g.out.size() - 1)), std::string::npos);
  auto jwks = runProvenanceTool("jwks", keys, false, clock_);
  EXPECT_EQ(nlohmann::json::parse(jwks.out)["keys"].size(), 2u);
}

TEST_F(ToolsTest, VerifyWithManifestAndByLookup) {
  std::string keys = (dir_ / "keys").string();
  ASSERT_EQ(runProvenanceTool("keygen", keys, false, clock_).exit_code, 0);
  auto ring = KeyRing::load(keys);
  ASSERT_TRUE(ring.ok());
  std::string answer =
      "Provenance lets anyone check later whether a text came out of the gateway, even after "
      "it was copied into an e-mail, re-wrapped by a mail client or trimmed of its label.";
  std::vector<LabelApplied> labels = {{"KR-AIBA-31.2", "start", "[AI 생성 콘텐츠]"}};
  ManifestContext ctx{"Op", "gw", "0.1.0", "m", "u", "p", labels};
  SignedManifest s;
  s.manifest = makeManifest(ctx, answer, clock_.nowMicros(), (*ring)->currentKid());
  s.canonical = canonicalBytes(s.manifest);
  s.signature = *Signer(*ring).sign(s.canonical);
  std::string db = (dir_ / "prov.db").string();
  {
    auto idx = ProvenanceIndex::open(db);
    ASSERT_TRUE(idx.ok());
    ASSERT_TRUE((*idx)->record(s.manifest, answer).ok());
    ASSERT_TRUE((*idx)->attachSignature(s.manifest.content_id, s.canonical, signatureJson(s.signature)).ok());
  }
  std::string labelled = write("a.txt", composeLabeledText(answer, labels));
  std::string manifest = write("m.json", provenanceJson(s));
  std::string header = write("h.txt", provenanceHeaderValue(s) + "\n");

  VerifyToolOptions o{labelled, manifest, db, keys, false};
  auto v = runVerifyTool(o);
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_EQ(v.out.rfind("verified", 0), 0u);
  o.manifest_path = header;
  EXPECT_EQ(runVerifyTool(o).exit_code, 0);

  o.text_path = write("b.txt", answer + " Extra sentence.");
  auto mod = runVerifyTool(o);
  EXPECT_EQ(mod.exit_code, 1);
  EXPECT_EQ(mod.out.rfind("text_modified", 0), 0u);
  o.json = true;
  auto mod_json = nlohmann::json::parse(runVerifyTool(o).out);
  EXPECT_EQ(mod_json["signature_valid"], true);
  EXPECT_GT(mod_json["similarity"].get<double>(), 0.5);  // the index knows this content id
  EXPECT_LT(mod_json["similarity"].get<double>(), 1.0);
  o.json = false;

  o.manifest_path.clear();  // lookup
  o.json = true;
  auto near = runVerifyTool(o);
  EXPECT_EQ(near.exit_code, 0) << near.out << near.err;
  auto j = nlohmann::json::parse(near.out);
  EXPECT_EQ(j["result"], "near_match");
  EXPECT_EQ(j["signature_valid"], true);
  o.text_path = labelled;
  EXPECT_EQ(nlohmann::json::parse(runVerifyTool(o).out)["result"], "exact_match");
  o.text_path = write("c.txt", "Nothing like anything the gateway said, about gardening in spring.");
  EXPECT_EQ(runVerifyTool(o).exit_code, 1);

  o.text_path = (dir_ / "missing.txt").string();
  EXPECT_EQ(runVerifyTool(o).exit_code, 2);
  o.text_path = labelled;
  o.manifest_path = write("bad.json", "{\"manifest\":1}");
  EXPECT_EQ(runVerifyTool(o).exit_code, 2);
  o.manifest_path.clear();
  o.db_path = (dir_ / "none.db").string();
  EXPECT_EQ(runVerifyTool(o).exit_code, 2);
  EXPECT_FALSE(fs::exists(o.db_path));  // verifying never creates an index
}

}  // namespace
}  // namespace concord::label

namespace concord::label {
namespace {

TEST_F(ToolsTest, PruneRemovesAnswersBeforeTheDateOnly) {
  std::string db = (dir_ / "prov.db").string();
  EXPECT_EQ(runPruneTool(db, "2026-06-01").exit_code, 2) << "no index yet";
  {
    auto idx = ProvenanceIndex::open(db);
    ASSERT_TRUE(idx.ok());
    ManifestContext ctx{"Op", "gw", "0.1.0", "m", "u", "p", {}};
    // 2026-05-31T23:59:59.5Z, 2026-06-01T00:00:00Z (exactly at the cut: kept), 2026-07-01.
    for (int64_t us : {1'780'271'999'500'000LL, 1'780'272'000'000'000LL, 1'782'864'000'000'000LL})
      ASSERT_TRUE((*idx)->record(makeManifest(ctx, "answer " + std::to_string(us), us, "kid"), "answer").ok());
    ASSERT_TRUE((*idx)->flush().ok());
  }
  EXPECT_EQ(runPruneTool(db, "June 1st").exit_code, 2);
  EXPECT_EQ(runPruneTool(db, "2026-06-01T25").exit_code, 2);
  auto r = runPruneTool(db, "2026-06-01T00:00:00Z");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "1\n");
  EXPECT_EQ(runPruneTool(db, "2026-06-02").out, "1\n");
  EXPECT_EQ(*(*ProvenanceIndex::open(db))->size(), 1);
}

}  // namespace
}  // namespace concord::label
