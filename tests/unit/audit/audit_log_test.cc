// AuditLog on a simulated disk: round trip, group commit, rotation and sealing, recovery of a
// torn tail, power loss (strict: nothing acknowledged lost), disk full and read-only.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "audit_test_util.h"

namespace concord::audit {
namespace {

using namespace concord::audit::testing;
const std::string kPub = "/sim/key/audit-signing.key.pub";

bool waitFor(const std::function<bool()>& pred, int ms = 5000) {
  for (int i = 0; i < ms; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return pred();
}

struct Acks {
  std::mutex mu;
  std::set<std::string> ok, failed;
  DurableCallback cb(const std::string& id) {
    return [this, id](Status s) {
      std::lock_guard<std::mutex> g(mu);
      (s.ok() ? ok : failed).insert(id);
    };
  }
  size_t okCount() {
    std::lock_guard<std::mutex> g(mu);
    return ok.size();
  }
  size_t total() {
    std::lock_guard<std::mutex> g(mu);
    return ok.size() + failed.size();
  }
};

TEST(AuditLog, AppendsCloseSealsAndVerifies) {
  SimulatedFileSystem fs;
  FakeClock clock;
  auto log = AuditLog::open(simOptions(), fs, clock);
  ASSERT_TRUE(log) << log.error().message;
  Acks acks;
  for (int i = 0; i < 100; ++i) ASSERT_TRUE((*log)->append(makeRecord("ex-" + std::to_string(i)), acks.cb("ex-" + std::to_string(i))));
  ASSERT_TRUE(waitFor([&] { return acks.okCount() == 100; }));
  (*log)->close();
  EXPECT_EQ(idsIn(fs, "/sim/audit").size(), 100u);
  EXPECT_TRUE(fs.exists("/sim/audit/" + checkpointName(0)));
  auto rep = verifyDir(fs, "/sim/audit", kPub, /*require_sealed=*/true);
  EXPECT_TRUE(rep.ok()) << rep.text();
  EXPECT_EQ(rep.records, 100u);
  // Reopen continues the chain in a new segment.
  auto again = AuditLog::open(simOptions(), fs, clock);
  ASSERT_TRUE(again) << again.error().message;
  ASSERT_TRUE((*again)->append(makeRecord("ex-100"), acks.cb("ex-100")));
  (*again)->close();
  rep = verifyDir(fs, "/sim/audit", kPub, true);
  EXPECT_TRUE(rep.ok()) << rep.text();
  EXPECT_EQ(rep.records, 101u);
  EXPECT_EQ(rep.segments, 2u);
}

TEST(AuditLog, SecondWriterIsLockedOut) {
  SimulatedFileSystem fs;
  FakeClock clock;
  auto log = AuditLog::open(simOptions(), fs, clock);
  ASSERT_TRUE(log);
  auto second = AuditLog::open(simOptions(), fs, clock);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, "audit.locked");
}

TEST(AuditLog, GroupCommitBatchesFsyncs) {
  SimulatedFileSystem fs;
  FakeClock clock;
  AuditOptions o = simOptions();
  o.group_commit_ms = 50;
  o.group_commit_records = 64;
  auto log = AuditLog::open(o, fs, clock);
  ASSERT_TRUE(log);
  Acks acks;
  for (int i = 0; i < 640; ++i) ASSERT_TRUE((*log)->append(makeRecord(std::to_string(i)), acks.cb(std::to_string(i))));
  ASSERT_TRUE(waitFor([&] { return acks.okCount() == 640; }));
  auto st = (*log)->stats();
  EXPECT_EQ(st.durable, 640u);
  EXPECT_LE(st.fsyncs, 20u);  // 10 full batches, with slack for timing
  EXPECT_GE(st.fsyncs, 10u);
}

TEST(AuditLog, RotatesBySizeAndAgeAndSealsEachSegment) {
  SimulatedFileSystem fs;
  FakeClock clock;
  AuditOptions o = simOptions();
  o.segment_max_bytes = 2000;
  o.segment_max_age_s = 60;
  auto log = AuditLog::open(o, fs, clock);
  ASSERT_TRUE(log);
  Acks acks;
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE((*log)->append(makeRecord(std::to_string(i)), acks.cb(std::to_string(i))));
    ASSERT_TRUE(waitFor([&] { return acks.okCount() == size_t(i + 1); }));
  }
  uint64_t sealed_by_size = (*log)->stats().segments_sealed;
  EXPECT_GE(sealed_by_size, 3u);
  clock.advanceMicros(61'000'000);
  ASSERT_TRUE((*log)->append(makeRecord("late"), acks.cb("late")));
  ASSERT_TRUE(waitFor([&] { return (*log)->stats().segments_sealed > sealed_by_size; }));
  (*log)->close();
  auto rep = verifyDir(fs, "/sim/audit", kPub, true);
  EXPECT_TRUE(rep.ok()) << rep.text();
  EXPECT_EQ(rep.records, 31u);
}

TEST(AuditLog, BatchedAcknowledgesAtEnqueue) {
  SimulatedFileSystem fs;
  FakeClock clock;
  auto log = AuditLog::open(simOptions(Durability::kBatched), fs, clock);
  ASSERT_TRUE(log);
  bool fired = false;
  ASSERT_TRUE((*log)->append(makeRecord("a"), [&](Status s) { fired = s.ok(); }));
  EXPECT_TRUE(fired);  // before append returned
  (*log)->close();
  EXPECT_EQ(idsIn(fs, "/sim/audit").count("a"), 1u);
}

TEST(AuditLog, QueueFullRejectsWithoutBlocking) {
  SimulatedFileSystem fs;
  FakeClock clock;
  AuditOptions o = simOptions();
  o.queue_capacity = 4;
  o.group_commit_ms = 200;
  o.group_commit_records = 1000;
  auto log = AuditLog::open(o, fs, clock);
  ASSERT_TRUE(log);
  int accepted = 0;
  for (int i = 0; i < 20; ++i) accepted += (*log)->append(makeRecord(std::to_string(i)), nullptr);
  EXPECT_LE(accepted, 5);
  EXPECT_GE((*log)->stats().rejected, 15u);
}

TEST(AuditLog, PowerLossKeepsEveryStrictAcknowledgement) {
  for (bool torn : {false, true}) {
    for (uint32_t seed = 1; seed <= 10; ++seed) {
      SimulatedFileSystem fs;
      FakeClock clock;
      AuditOptions o = simOptions();
      o.segment_max_bytes = 4000;  // cross segment boundaries too
      Acks acks;
      uint64_t appended = 0;
      for (int round = 0; round < 3; ++round) {
        auto log = AuditLog::open(o, fs, clock);
        ASSERT_TRUE(log) << log.error().message;
        int n = 20 + int(seed * 7 % 40);
        for (int i = 0; i < n; ++i) {
          std::string id = std::to_string(round) + "-" + std::to_string(i);
          (*log)->append(makeRecord(id), acks.cb(id));
          ++appended;
          if (i % 5 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
        fs.powerLoss(torn, seed * 31 + round);
        log->reset();  // the machine is down: its writer fails and stops
        fs.reboot();
      }
      auto log = AuditLog::open(o, fs, clock);
      ASSERT_TRUE(log) << log.error().message;
      (*log)->close();
      std::set<std::string> present = idsIn(fs, "/sim/audit");
      for (const auto& id : acks.ok) EXPECT_TRUE(present.count(id)) << "acknowledged " << id << " lost, seed " << seed;
      auto rep = verifyDir(fs, "/sim/audit", kPub, true);
      EXPECT_TRUE(rep.ok()) << "seed " << seed << " torn " << torn << "\n" << rep.text();
    }
  }
}

TEST(AuditLog, TornTailIsCutSavedAndRecorded) {
  SimulatedFileSystem fs;
  FakeClock clock;
  {
    auto log = AuditLog::open(simOptions(), fs, clock);
    ASSERT_TRUE(log);
    Acks acks;
    for (int i = 0; i < 5; ++i) (*log)->append(makeRecord(std::to_string(i)), acks.cb(std::to_string(i)));
    ASSERT_TRUE(waitFor([&] { return acks.okCount() == 5; }));
    fs.powerLoss();
    log->reset();
    fs.reboot();
  }
  std::string path = "/sim/audit/" + segmentName(0);
  std::string bytes = fs.contentsForTest(path);
  std::string extra = encodeFrame("{\"half\":true}");
  fs.setContentsForTest(path, bytes + extra.substr(0, extra.size() - 4));
  auto log = AuditLog::open(simOptions(), fs, clock);
  ASSERT_TRUE(log) << log.error().message;
  (*log)->close();
  bool truncation = false, saved = false;
  auto names = fs.list("/sim/audit");
  ASSERT_TRUE(names);
  for (const auto& n : *names) saved |= n.find(".torn-") != std::string::npos;
  std::string after = fs.contentsForTest(path);
  for (const auto& f : scanFrames(after).frames)
    truncation |= parsePayload(f.payload)->type == "truncation";
  EXPECT_TRUE(truncation);
  EXPECT_TRUE(saved);
  auto rep = verifyDir(fs, "/sim/audit", kPub, true);
  EXPECT_TRUE(rep.ok()) << rep.text();
  EXPECT_EQ(idsIn(fs, "/sim/audit").size(), 5u);
}

void diskFaultScenario(SimulatedFileSystem::Fault fault, Durability durability) {
  SimulatedFileSystem fs;
  FakeClock clock;
  auto log = AuditLog::open(simOptions(durability), fs, clock);
  ASSERT_TRUE(log);
  Acks acks;
  for (int i = 0; i < 10; ++i) ASSERT_TRUE((*log)->append(makeRecord("before-" + std::to_string(i)), acks.cb("before-" + std::to_string(i))));
  ASSERT_TRUE(waitFor([&] { return (*log)->stats().durable == 10; }));
  fs.setFault(fault);
  // The next writes fail: the log turns unhealthy and refuses new records (503 upstream).
  for (int i = 0; i < 5; ++i) (*log)->append(makeRecord("during-" + std::to_string(i)), acks.cb("during-" + std::to_string(i)));
  ASSERT_TRUE(waitFor([&] { return !(*log)->healthy(); }));
  EXPECT_FALSE((*log)->append(makeRecord("refused"), acks.cb("refused")));
  std::this_thread::sleep_for(std::chrono::milliseconds(30));  // a few failed retries
  EXPECT_FALSE((*log)->healthy());
  fs.setFault(SimulatedFileSystem::Fault::kNone);
  ASSERT_TRUE(waitFor([&] { return (*log)->healthy(); }));
  for (int i = 0; i < 5; ++i) ASSERT_TRUE((*log)->append(makeRecord("after-" + std::to_string(i)), acks.cb("after-" + std::to_string(i))));
  ASSERT_TRUE(waitFor([&] { return (*log)->stats().durable >= 15; }));
  (*log)->close();
  std::set<std::string> present = idsIn(fs, "/sim/audit");
  for (const auto& id : acks.ok) EXPECT_TRUE(present.count(id)) << "acknowledged " << id << " lost";
  EXPECT_FALSE(present.count("refused"));
  if (durability == Durability::kStrict) {
    for (const auto& id : acks.failed) EXPECT_FALSE(present.count(id)) << id;
  }
  auto rep = verifyDir(fs, "/sim/audit", kPub, true);
  EXPECT_TRUE(rep.ok()) << rep.text();
}

TEST(AuditLog, DiskFullStrict) { diskFaultScenario(SimulatedFileSystem::Fault::kNoSpace, Durability::kStrict); }
TEST(AuditLog, DiskFullBatched) { diskFaultScenario(SimulatedFileSystem::Fault::kNoSpace, Durability::kBatched); }
TEST(AuditLog, ReadOnlyStrict) { diskFaultScenario(SimulatedFileSystem::Fault::kReadOnly, Durability::kStrict); }
TEST(AuditLog, ReadOnlyBatched) { diskFaultScenario(SimulatedFileSystem::Fault::kReadOnly, Durability::kBatched); }

TEST(AuditLog, KeyRotationIsRecordedAndVerifies) {
  SimulatedFileSystem fs;
  FakeClock clock;
  auto k1 = SigningKey::generate();
  auto k2 = SigningKey::generate();
  {
    auto log = AuditLog::open(simOptions(), fs, clock, *k1);
    ASSERT_TRUE(log);
    (*log)->append(makeRecord("old"), nullptr);
  }
  {
    auto log = AuditLog::open(simOptions(), fs, clock, *k2);
    ASSERT_TRUE(log);
    (*log)->append(makeRecord("new"), nullptr);
  }
  VerifyOptions vo;
  vo.dir = "/sim/audit";
  vo.trusted_keys = {(*k2)->publicKeyRaw()};
  auto rep = verifyLog(fs, vo);
  ASSERT_TRUE(rep);
  EXPECT_TRUE(rep->ok()) << rep->text();
  vo.trusted_keys = {(*k1)->publicKeyRaw()};  // the old key alone cannot vouch for the new
  rep = verifyLog(fs, vo);
  EXPECT_FALSE(rep->ok());
}

TEST(AuditLog, PruneDeletesOnlyOldWholeSegmentsAndRecordsIt) {
  SimulatedFileSystem fs;
  FakeClock clock;
  AuditOptions o = simOptions();
  o.segment_max_age_s = 86400;
  {
    auto log = AuditLog::open(o, fs, clock);
    ASSERT_TRUE(log);
    for (int day = 0; day < 10; ++day) {
      Acks acks;
      (*log)->append(makeRecord("d" + std::to_string(day)), acks.cb("x"));
      ASSERT_TRUE(waitFor([&] { return acks.okCount() == 1; }));
      clock.advanceMicros(86'400'000'000);
    }
    // Now is day 10. Minimum 3 days, maxima 5 and 2 days: older than 5 days goes.
    auto r = (*log)->prune({{3}, {5, 2}});
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_GE(r->deleted_segments.size(), 3u);
    EXPECT_EQ(r->deleted_segments.front(), 0u);
    auto none = (*log)->prune({{30}, {5}});  // a minimum above every maximum wins
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->deleted_segments.empty());
    EXPECT_TRUE((*log)->prune({{}, {}})->deleted_segments.empty());  // no maximum: keep
  }
  std::set<std::string> ids = idsIn(fs, "/sim/audit");
  EXPECT_FALSE(ids.count("d0"));
  EXPECT_TRUE(ids.count("d6"));
  EXPECT_TRUE(ids.count("d9"));
  auto rep = verifyDir(fs, "/sim/audit", kPub, true);
  EXPECT_TRUE(rep.ok()) << rep.text();
  EXPECT_GE(rep.pruned_segments, 3u);
  // Deleting one more segment by hand is caught: no prune record covers it.
  auto names = *fs.list("/sim/audit");
  for (const auto& n : names)
    if (n == segmentName(7)) {
      ASSERT_TRUE(fs.remove("/sim/audit/" + n));
    }
  rep = verifyDir(fs, "/sim/audit", kPub, true);
  EXPECT_FALSE(rep.ok());
}

// The retention a prune applied, and where it came from (the packs' rules), is in the chain.
TEST(AuditLog, PruneRecordNamesTheRetentionSources) {
  SimulatedFileSystem fs;
  FakeClock clock;
  AuditOptions o = simOptions();
  o.segment_max_age_s = 86400;
  {
    auto log = AuditLog::open(o, fs, clock);
    ASSERT_TRUE(log);
    for (int day = 0; day < 6; ++day) {
      Acks acks;
      (*log)->append(makeRecord("d" + std::to_string(day)), acks.cb("x"));
      ASSERT_TRUE(waitFor([&] { return acks.okCount() == 1; }));
      clock.advanceMicros(86'400'000'000);
    }
    RetentionPolicy policy{{2, 1}, {3}, {"rule:ORG-LOG-1", "rule:ORG-LOG-2"}};
    auto r = (*log)->prune(policy);
    ASSERT_TRUE(r) << r.error().message;
    ASSERT_FALSE(r->deleted_segments.empty());
  }
  nlohmann::json prune;
  auto names = *fs.list("/sim/audit");
  for (const auto& n : names) {
    if (!parseSegmentName(n)) continue;
    for (const auto& f : scanFrames(*fs.readFile("/sim/audit/" + n)).frames)
      if (auto p = parsePayload(f.payload); p && p->type == "prune") prune = p->json;
  }
  ASSERT_TRUE(prune.is_object());
  EXPECT_EQ(prune["min_days"], 2);
  EXPECT_EQ(prune["max_days"], 3);
  EXPECT_EQ(prune["sources"], nlohmann::json({"rule:ORG-LOG-1", "rule:ORG-LOG-2"}));
  EXPECT_TRUE(verifyDir(fs, "/sim/audit", kPub, true).ok());
}

}  // namespace
}  // namespace concord::audit
