// The tamper matrix: every kind of change to a closed log must make verify fail with a
// precise report. Flip any byte of any file, delete / swap / edit records (with and without
// recomputing CRCs and the chain), truncate a segment, delete or rename segments, replace a
// checkpoint, re-sign with a wrong key.
#include <gtest/gtest.h>

#include "audit/checkpoint.h"
#include "audit_test_util.h"

namespace concord::audit {
namespace {

using namespace concord::audit::testing;
const std::string kDir = "/sim/audit";
const std::string kPub = "/sim/key/audit-signing.key.pub";

// Three sealed segments of `per_segment` records each, closed.
void buildLog(SimulatedFileSystem& fs, FakeClock& clock, int per_segment = 8) {
  for (int seg = 0; seg < 3; ++seg) {
    auto log = AuditLog::open(simOptions(), fs, clock);
    ASSERT_TRUE(log) << log.error().message;
    for (int i = 0; i < per_segment; ++i) {
      (*log)->append(makeRecord(std::to_string(seg * 100 + i)), nullptr);
      clock.advanceMicros(1000);
    }
  }
}

std::string segPath(uint64_t n) { return joinPath(kDir, segmentName(n)); }
std::string ckptPath(uint64_t n) { return joinPath(kDir, checkpointName(n)); }

std::vector<std::string> payloads(SimulatedFileSystem& fs, uint64_t n) {
  std::string bytes = fs.contentsForTest(segPath(n));
  std::vector<std::string> out;
  for (const auto& f : scanFrames(bytes).frames) out.emplace_back(f.payload);
  return out;
}

void writeSegment(SimulatedFileSystem& fs, uint64_t n, const std::vector<std::string>& ps) {
  std::string bytes = fs.contentsForTest(segPath(n)).substr(0, kHeaderSize);
  for (const auto& p : ps) appendFrame(bytes, p);
  fs.setContentsForTest(segPath(n), bytes);
}

// An attacker who knows the format: re-chains every record from segment `from` on, and
// (optionally) re-seals every checkpoint with `key`.
void rechain(SimulatedFileSystem& fs, uint64_t from, const SigningKey* key) {
  Digest prev{};
  Digest prev_ckpt{};
  for (uint64_t n = 0; n < 3; ++n) {
    auto ps = payloads(fs, n);
    std::vector<Digest> leaves;
    auto old = parseCheckpoint(fs.contentsForTest(ckptPath(n)));
    for (auto& p : ps) {
      if (n >= from) {
        auto j = nlohmann::json::parse(p);
        j["prev"] = toHex(prev);
        p = j.dump();
      }
      prev = sha256(p);
      leaves.push_back(prev);
    }
    if (n >= from) writeSegment(fs, n, ps);
    if (key) {
      CheckpointBody b = old->body;
      b.count = leaves.size();
      b.last_hash = prev;
      b.merkle_root = merkleRoot(leaves);
      b.prev_checkpoint = prev_ckpt;
      std::string file = encodeCheckpoint(b, *key);
      fs.setContentsForTest(ckptPath(n), file);
      prev_ckpt = parseCheckpoint(file)->hash();
    } else {
      prev_ckpt = old->hash();
    }
  }
}

struct Case {
  const char* name;
  std::function<void(SimulatedFileSystem&)> tamper;
  std::vector<std::string> expect_codes;  // at least one of these must be reported
};

std::set<std::string> codes(const VerifyReport& r) {
  std::set<std::string> c;
  for (const auto& p : r.problems) c.insert(p.code);
  return c;
}

TEST(AuditTamper, CleanLogVerifies) {
  SimulatedFileSystem fs;
  FakeClock clock;
  buildLog(fs, clock);
  auto rep = verifyDir(fs, kDir, kPub, true);
  EXPECT_TRUE(rep.ok()) << rep.text();
  EXPECT_EQ(rep.records, 24u);
  EXPECT_EQ(rep.checkpoints, 3u);
}

TEST(AuditTamper, Matrix) {
  auto wrong = SigningKey::generate();
  ASSERT_TRUE(wrong);
  std::vector<Case> cases = {
      {"flip a payload byte", [](auto& fs) {
         std::string b = fs.contentsForTest(segPath(1));
         b[b.size() / 2] ^= 0x01;
         fs.setContentsForTest(segPath(1), b);
       }, {"crc_mismatch"}},
      {"edit a record and fix its CRC", [](auto& fs) {
         auto ps = payloads(fs, 1);
         auto j = nlohmann::json::parse(ps[3]);
         j["tenant"] = "someone-else";
         ps[3] = j.dump();
         writeSegment(fs, 1, ps);
       }, {"chain_break"}},
      {"delete a record", [](auto& fs) {
         auto ps = payloads(fs, 1);
         ps.erase(ps.begin() + 4);
         writeSegment(fs, 1, ps);
       }, {"seq_gap", "chain_break"}},
      {"delete the last record of a segment", [](auto& fs) {
         auto ps = payloads(fs, 0);
         ps.pop_back();
         writeSegment(fs, 0, ps);
       }, {"checkpoint_mismatch", "seq_gap"}},
      {"swap two records", [](auto& fs) {
         auto ps = payloads(fs, 1);
         std::swap(ps[2], ps[5]);
         writeSegment(fs, 1, ps);
       }, {"seq_gap", "seq_reorder", "chain_break"}},
      {"swap two records across segments", [](auto& fs) {
         auto a = payloads(fs, 0), b = payloads(fs, 2);
         std::swap(a[1], b[1]);
         writeSegment(fs, 0, a);
         writeSegment(fs, 2, b);
       }, {"seq_gap", "seq_reorder", "chain_break"}},
      {"truncate a segment on a record boundary", [](auto& fs) {
         auto ps = payloads(fs, 2);
         ps.resize(5);
         writeSegment(fs, 2, ps);
       }, {"checkpoint_mismatch"}},
      {"truncate a segment inside a record", [](auto& fs) {
         std::string b = fs.contentsForTest(segPath(2));
         fs.setContentsForTest(segPath(2), b.substr(0, b.size() - 10));
       }, {"torn_tail"}},
      {"truncate a segment to its header", [](auto& fs) {
         fs.setContentsForTest(segPath(1), fs.contentsForTest(segPath(1)).substr(0, kHeaderSize));
       }, {"checkpoint_mismatch"}},
      {"delete a whole segment and its checkpoint", [](auto& fs) {
         ASSERT_TRUE(fs.remove(segPath(1)));
         ASSERT_TRUE(fs.remove(ckptPath(1)));
       }, {"segment_gap"}},
      {"delete a segment, keep its checkpoint", [](auto& fs) { ASSERT_TRUE(fs.remove(segPath(1))); },
       {"missing_segment"}},
      {"delete a checkpoint", [](auto& fs) { ASSERT_TRUE(fs.remove(ckptPath(1))); }, {"missing_checkpoint"}},
      {"rename segments to reorder them", [](auto& fs) {
         std::string a = fs.contentsForTest(segPath(0)), b = fs.contentsForTest(segPath(1));
         fs.setContentsForTest(segPath(0), b);
         fs.setContentsForTest(segPath(1), a);
       }, {"bad_header"}},
      {"replace a checkpoint with another segment's", [](auto& fs) {
         fs.setContentsForTest(ckptPath(1), fs.contentsForTest(ckptPath(2)));
       }, {"checkpoint_mismatch", "checkpoint_chain_break"}},
      {"edit a checkpoint body", [](auto& fs) {
         std::string c = fs.contentsForTest(ckptPath(1));
         auto pos = c.find("\"count\":8");
         c.replace(pos, 9, "\"count\":7");
         fs.setContentsForTest(ckptPath(1), c);
       }, {"bad_signature"}},
      {"re-chain everything after an edit, keep the checkpoints", [](auto& fs) {
         auto ps = payloads(fs, 1);
         auto j = nlohmann::json::parse(ps[0]);
         j["status"] = 451;
         ps[0] = j.dump();
         writeSegment(fs, 1, ps);
         rechain(fs, 1, nullptr);
       }, {"checkpoint_mismatch"}},
      {"re-chain and re-sign with a wrong key", [&](auto& fs) {
         auto ps = payloads(fs, 1);
         auto j = nlohmann::json::parse(ps[0]);
         j["decision"]["action"] = "allow";
         ps[0] = j.dump();
         writeSegment(fs, 1, ps);
         rechain(fs, 1, wrong->get());
       }, {"untrusted_key"}},
      {"re-sign with a wrong key but keep the old key id", [&](auto& fs) {
         auto c = parseCheckpoint(fs.contentsForTest(ckptPath(0)));
         std::string sig = (*wrong)->sign(c->body_bytes);
         fs.setContentsForTest(ckptPath(0), c->body_bytes + "\n" +
                                                toHex(reinterpret_cast<const uint8_t*>(sig.data()), sig.size()) + "\n");
       }, {"bad_signature"}},
  };
  for (const auto& c : cases) {
    SimulatedFileSystem fs;
    FakeClock clock;
    buildLog(fs, clock);
    c.tamper(fs);
    auto rep = verifyDir(fs, kDir, kPub);
    EXPECT_FALSE(rep.ok()) << c.name << ": not detected";
    auto got = codes(rep);
    bool expected = std::any_of(c.expect_codes.begin(), c.expect_codes.end(), [&](auto& e) { return got.count(e); });
    EXPECT_TRUE(expected) << c.name << ": got\n" << rep.text();
    for (const auto& p : rep.problems) EXPECT_FALSE(p.file.empty() || p.message.empty()) << c.name;
  }
}

TEST(AuditTamper, EveryFlippedByteIsCaught) {
  SimulatedFileSystem fs;
  FakeClock clock;
  buildLog(fs, clock, 3);
  // Every byte of segment 1 and checkpoint 1; every 11th byte of the other files (time).
  std::vector<std::pair<std::string, size_t>> files = {{segPath(1), 1}, {ckptPath(1), 1}, {segPath(0), 11},
                                                       {segPath(2), 11}, {ckptPath(0), 11}, {ckptPath(2), 11}};
  VerifyOptions vo;
  vo.dir = kDir;
  vo.trusted_keys = {*loadPublicKeyRaw(fs, kPub)};
  size_t flips = 0, caught = 0;
  for (const auto& [path, stride] : files) {
    const std::string original = fs.contentsForTest(path);
    for (size_t i = 0; i < original.size(); i += stride) {
      std::string b = original;
      b[i] ^= 0x01;
      fs.setContentsForTest(path, b);
      ++flips;
      caught += !verifyLog(fs, vo)->ok();
    }
    fs.setContentsForTest(path, original);
  }
  EXPECT_EQ(caught, flips);
  EXPECT_GT(flips, 2000u);
}

TEST(AuditTamper, ReportNamesSegmentAndOffset) {
  SimulatedFileSystem fs;
  FakeClock clock;
  buildLog(fs, clock);
  auto ps = payloads(fs, 1);
  std::string bytes = fs.contentsForTest(segPath(1));
  auto frames = scanFrames(bytes).frames;
  uint64_t off = frames[3].offset;
  bytes[off + 20] ^= 0x01;
  fs.setContentsForTest(segPath(1), bytes);
  auto rep = verifyDir(fs, kDir, kPub);
  ASSERT_FALSE(rep.ok());
  bool found = false;
  for (const auto& p : rep.problems)
    found |= p.file == segmentName(1) && p.offset == int64_t(off) && p.code == "crc_mismatch";
  EXPECT_TRUE(found) << rep.text();
}

}  // namespace
}  // namespace concord::audit

namespace concord::audit {
namespace {

TEST(AuditTamper, TimeWindowSkipsOldSegmentsButStillChecksTheWindow) {
  SimulatedFileSystem fs;
  FakeClock clock;
  buildLog(fs, clock);
  VerifyOptions vo;
  vo.dir = kDir;
  vo.trusted_keys = {*loadPublicKeyRaw(fs, kPub)};
  vo.from_us = parseCheckpoint(fs.contentsForTest(ckptPath(2)))->body.min_ts;  // only segment 2
  // Damage segment 0's records (not its seal): outside the window, so not seen...
  std::string b = fs.contentsForTest(segPath(0));
  b[b.size() / 2] ^= 1;
  fs.setContentsForTest(segPath(0), b);
  auto rep = verifyLog(fs, vo);
  ASSERT_TRUE(rep);
  EXPECT_TRUE(rep->ok()) << rep->text();
  EXPECT_EQ(rep->skipped_segments, 2u);
  EXPECT_EQ(rep->records, 8u);
  // ...but damage inside the window is.
  std::string c = fs.contentsForTest(segPath(2));
  c[c.size() / 2] ^= 1;
  fs.setContentsForTest(segPath(2), c);
  EXPECT_FALSE(verifyLog(fs, vo)->ok());
  // And a full verify sees both.
  EXPECT_FALSE(verifyDir(fs, kDir, kPub).ok());
}

}  // namespace
}  // namespace concord::audit
