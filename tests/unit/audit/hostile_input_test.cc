// Hostile input: verify, recovery, export and the index read files an attacker may have written.
// Random bytes, random frames with valid CRCs, and well-chained records with wrong field types
// must give reports or errors — never a crash or an exception.
#include <gtest/gtest.h>

#include <random>
#include <sstream>

#include "audit/checkpoint.h"
#include "audit/exporter.h"
#include "audit_test_util.h"

namespace concord::audit {
namespace {

using namespace concord::audit::testing;
const std::string kDir = "/sim/audit";

std::string randomJsonish(std::mt19937& rng) {
  static const char* kPieces[] = {"{", "}", "[", "]", ",", ":", "\"type\"", "\"prune\"", "\"seq\"", "0", "1",
                                  "-1", "1e400", "\"prev\"", "\"ts\"", "null", "true", "\"first_segment\"",
                                  "\"decision\"", "\"rules\"", "\"x\"", "\"\\u0000\"", "\xff"};
  std::string s;
  int n = int(rng() % 40);
  for (int i = 0; i < n; ++i) s += kPieces[rng() % (sizeof kPieces / sizeof *kPieces)];
  return s.empty() ? "{}" : s;
}

TEST(AuditHostileInput, RandomSegmentsNeverCrashVerifyRecoveryOrExport) {
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    SimulatedFileSystem fs;
    std::string seg = round % 3 == 0 ? std::string() : encodeHeader({0, 1});
    int frames = int(rng() % 6);
    for (int i = 0; i < frames; ++i) appendFrame(seg, randomJsonish(rng));
    if (round % 5 == 0)
      for (int i = 0; i < 50; ++i) seg.push_back(char(rng()));
    fs.setContentsForTest(joinPath(kDir, segmentName(0)), seg);
    if (round % 2) fs.setContentsForTest(joinPath(kDir, checkpointName(0)), randomJsonish(rng) + "\n" + "abcd\n");
    VerifyOptions vo;
    vo.dir = kDir;
    auto rep = verifyLog(fs, vo);
    ASSERT_TRUE(rep);
    std::ostringstream out;
    (void)exportRecords(fs, kDir, {}, ExportFormat::kCsv, out);
    (void)exportRecords(fs, kDir, {}, ExportFormat::kJsonl, out);
    FakeClock clock;
    auto key = SigningKey::generate();
    auto log = AuditLog::open(simOptions(), fs, clock, *key);  // may refuse (corrupt); must not crash
    if (log) (*log)->close();
  }
}

TEST(AuditHostileInput, WellChainedRecordsWithWrongTypes) {
  SimulatedFileSystem fs;
  std::string seg = encodeHeader({0, 1});
  Digest prev{};
  const char* bodies[] = {
      R"({"type":"prune","first_segment":"zero","last_segment":[1]})",
      R"({"type":"key_rotation","old_key":7})",
      R"({"type":"exchange","decision":"deny","findings":{"a":1},"labels":"x","usage":[],"status":"200","content":5})",
      R"({"type":"exchange","decision":{"action":3,"rules":{"id":1}},"tenant":{"x":1}})",
  };
  uint64_t seq = 0;
  for (const char* b : bodies) {
    auto j = nlohmann::json::parse(b);
    j["seq"] = seq++;
    j["prev"] = toHex(prev);
    j["ts"] = 5;
    std::string payload = j.dump();
    appendFrame(seg, payload);
    prev = sha256(payload);
  }
  fs.setContentsForTest(joinPath(kDir, segmentName(0)), seg);
  VerifyOptions vo;
  vo.dir = kDir;
  auto rep = verifyLog(fs, vo);
  ASSERT_TRUE(rep);
  EXPECT_EQ(rep->records, 4u);
  std::ostringstream out;
  auto n = exportRecords(fs, kDir, {}, ExportFormat::kCsv, out);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 4u);
  RecordFilter f;
  f.rule_id = "1";
  f.decision = "deny";
  f.tenant = "t";
  EXPECT_EQ(*exportRecords(fs, kDir, f, ExportFormat::kJsonl, out), 0u);
  for (const auto& line : {std::string(bodies[2]), std::string(bodies[3])})
    (void)recordFromJson(nlohmann::json::parse(line));
}

}  // namespace
}  // namespace concord::audit
