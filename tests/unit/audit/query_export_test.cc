// Export (jsonl, csv, filters) over segments and query through the SQLite index, which is
// rebuilt when missing and caught up incrementally. Real files in a temporary directory.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "audit/audit_index.h"
#include "audit/exporter.h"
#include "audit_test_util.h"

namespace concord::audit {
namespace {

using namespace concord::audit::testing;

class AuditQueryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    base_ = std::filesystem::temp_directory_path() / ("concord-query-" + std::to_string(::getpid()));
    std::filesystem::remove_all(base_);
    std::filesystem::create_directories(base_);
    opts_.dir = (base_ / "audit").string();
    opts_.signing_key_path = (base_ / "key").string();
    opts_.group_commit_ms = 0;
    write(0, 10);
  }
  void TearDown() override { std::filesystem::remove_all(base_); }

  // Records i in [from, to): tenant a/b alternating, every third denied by rule r.deny,
  // one clock second apart.
  void write(int from, int to) {
    auto log = AuditLog::open(opts_, PosixFileSystem::instance(), clock_);
    ASSERT_TRUE(log) << log.error().message;
    for (int i = from; i < to; ++i) {
      AuditRecord r = makeRecord("ex-" + std::to_string(i), i % 2 ? "b" : "a");
      if (i % 3 == 0) {
        r.action = "deny";
        r.rules = {{"r.deny", "Art. 5", "deny"}};
        r.status = 403;
      }
      r.tenant = i % 2 ? "b" : "a";
      std::atomic<bool> done{false};
      ASSERT_TRUE((*log)->append(r, [&](Status) { done = true; }));
      while (!done) std::this_thread::sleep_for(std::chrono::microseconds(100));
      clock_.advanceMicros(1'000'000);
    }
  }

  std::filesystem::path base_;
  AuditOptions opts_;
  FakeClock clock_;
};

TEST_F(AuditQueryTest, ExportJsonlAndCsvWithFilters) {
  auto& fs = PosixFileSystem::instance();
  std::ostringstream all;
  auto n = exportRecords(fs, opts_.dir, {}, ExportFormat::kJsonl, all);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 10u);
  std::istringstream lines(all.str());
  std::string line;
  int seq = 0;
  while (std::getline(lines, line)) EXPECT_EQ(nlohmann::json::parse(line)["seq"], seq++);
  RecordFilter f;
  f.tenant = "a";
  f.decision = "deny";
  std::ostringstream csv;
  n = exportRecords(fs, opts_.dir, f, ExportFormat::kCsv, csv);
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 2u);  // i = 0, 6
  EXPECT_EQ(csv.str().substr(0, 9), "seq,ts_us");
  EXPECT_NE(csv.str().find("ex-6"), std::string::npos);
  EXPECT_EQ(csv.str().find("ex-3"), std::string::npos);
}

TEST_F(AuditQueryTest, QueryThroughIndexRebuildsAndCatchesUp) {
  auto& fs = PosixFileSystem::instance();
  std::string path = opts_.dir + "/index.sqlite";
  {
    auto idx = AuditIndex::open(path);
    ASSERT_TRUE(idx);
    EXPECT_TRUE((*idx)->rebuiltForTest());
    EXPECT_EQ(*(*idx)->update(fs, opts_.dir), 10u);
    RecordFilter f;
    f.rule_id = "r.deny";
    auto rows = (*idx)->query(f);
    ASSERT_TRUE(rows);
    ASSERT_EQ(rows->size(), 4u);  // 0, 3, 6, 9
    EXPECT_EQ((*rows)[1].exchange_id, "ex-3");
    EXPECT_EQ((*rows)[1].status, 403);
    RecordFilter g;  // a fresh filter (assigning {} trips a GCC 12 -Wrestrict false positive)
    g.tenant = "b";
    g.from_us = FakeClock().nowMicros() + 2'000'000;
    g.to_us = FakeClock().nowMicros() + 6'000'000;
    rows = (*idx)->query(g);
    ASSERT_TRUE(rows);
    ASSERT_EQ(rows->size(), 2u);  // 3, 5
    EXPECT_EQ((*rows)[0].exchange_id, "ex-3");
  }
  write(10, 13);
  {
    auto idx = AuditIndex::open(path);
    EXPECT_FALSE((*idx)->rebuiltForTest());
    EXPECT_EQ(*(*idx)->update(fs, opts_.dir), 3u);  // only the new ones
    EXPECT_EQ((*idx)->query({})->size(), 13u);
  }
  std::filesystem::remove(path);
  {
    auto idx = AuditIndex::open(path);
    EXPECT_TRUE((*idx)->rebuiltForTest());
    EXPECT_EQ(*(*idx)->update(fs, opts_.dir), 13u);
  }
  // Garbage in place of the index: rebuilt, not an error.
  { std::ofstream(path) << "this is not a database at all, not even close................................"; }
  auto idx = AuditIndex::open(path);
  ASSERT_TRUE(idx) << idx.error().message;
  EXPECT_EQ(*(*idx)->update(fs, opts_.dir), 13u);
}

TEST(AuditFilter, ParsesTimes) {
  int64_t t = 0;
  ASSERT_TRUE(parseTimeMicros("2026-01-01T00:00:00Z", t));
  EXPECT_EQ(t, 1'767'225'600'000'000);
  ASSERT_TRUE(parseTimeMicros("2026-01-01", t));
  EXPECT_EQ(t, 1'767'225'600'000'000);
  ASSERT_TRUE(parseTimeMicros("123", t));
  EXPECT_EQ(t, 123);
  EXPECT_FALSE(parseTimeMicros("yesterday", t));
}

}  // namespace
}  // namespace concord::audit
