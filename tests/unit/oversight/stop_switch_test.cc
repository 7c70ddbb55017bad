// StopSwitch: scopes, reasons, generation, persistence across reopen, and readers racing writers.
#include "oversight/stop_switch.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

namespace concord::oversight {
namespace {

class StopSwitchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("concord-stops-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    path_ = (dir_ / "concord.db").string();
    sw_ = openSwitch();
  }
  void TearDown() override {
    sw_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::unique_ptr<StopSwitch> openSwitch() {
    auto s = StopSwitch::open(path_, clock_);
    EXPECT_TRUE(s.ok()) << (s.ok() ? "" : s.error().message);
    return s.ok() ? std::move(s.value()) : nullptr;
  }
  std::filesystem::path dir_;
  std::string path_;
  FakeClock clock_;
  std::unique_ptr<StopSwitch> sw_;
};

TEST_F(StopSwitchTest, NothingStoppedByDefault) {
  EXPECT_FALSE(sw_->stopped("acme", "gpt-4o", "openai"));
  EXPECT_TRUE(sw_->active().empty());
}

TEST_F(StopSwitchTest, ScopesMatchOnlyTheirValue) {
  ASSERT_TRUE(sw_->stop(StopScope::kTenant, "acme", "incident 42", "ops").ok());
  std::string reason;
  EXPECT_TRUE(sw_->stopped("acme", "gpt-4o", "", &reason));
  EXPECT_EQ(reason, "tenant acme: incident 42");
  EXPECT_FALSE(sw_->stopped("other", "gpt-4o", ""));

  ASSERT_TRUE(sw_->stop(StopScope::kModel, "deepseek-chat", "model recall", "ops").ok());
  EXPECT_TRUE(sw_->stopped("other", "deepseek-chat", ""));
  EXPECT_FALSE(sw_->stopped("other", "gpt-4o", ""));

  ASSERT_TRUE(sw_->stop(StopScope::kUpstream, "moonshot", "provider breach", "ops").ok());
  EXPECT_FALSE(sw_->stopped("other", "gpt-4o", ""));  // upstream unknown yet
  EXPECT_TRUE(sw_->stopped("other", "gpt-4o", "moonshot", &reason));
  EXPECT_EQ(reason, "upstream moonshot: provider breach");
  EXPECT_EQ(sw_->active().size(), 3u);
}

TEST_F(StopSwitchTest, GlobalStopsEverythingAndResumeUndoesIt) {
  const auto g0 = sw_->generation();
  ASSERT_TRUE(sw_->stop(StopScope::kGlobal, "ignored", "Art. 14 stop drill", "alice").ok());
  EXPECT_GT(sw_->generation(), g0);
  EXPECT_TRUE(sw_->stopped("", "", ""));
  ASSERT_EQ(sw_->active().size(), 1u);
  EXPECT_EQ(sw_->active()[0].value, "");
  EXPECT_EQ(sw_->active()[0].who, "alice");
  const auto g1 = sw_->generation();
  ASSERT_TRUE(sw_->resume(StopScope::kGlobal, "", "alice").ok());
  EXPECT_GT(sw_->generation(), g1);
  EXPECT_FALSE(sw_->stopped("acme", "m", "u"));
  EXPECT_EQ(sw_->resume(StopScope::kGlobal, "", "alice").error().code, "oversight.not_stopped");
}

TEST_F(StopSwitchTest, RestoppingReplacesTheReason) {
  ASSERT_TRUE(sw_->stop(StopScope::kTenant, "acme", "first", "a").ok());
  ASSERT_TRUE(sw_->stop(StopScope::kTenant, "acme", "second", "b").ok());
  ASSERT_EQ(sw_->active().size(), 1u);
  EXPECT_EQ(sw_->active()[0].reason, "second");
}

TEST_F(StopSwitchTest, RejectsIncompleteStops) {
  EXPECT_EQ(sw_->stop(StopScope::kTenant, "", "r", "a").error().code, "oversight.invalid");
  EXPECT_EQ(sw_->stop(StopScope::kGlobal, "", "", "a").error().code, "oversight.invalid");
  EXPECT_EQ(sw_->stop(StopScope::kModel, std::string(300, 'm'), "r", "a").error().code, "oversight.invalid");
  EXPECT_FALSE(parseScope("planet").has_value());
  EXPECT_EQ(*parseScope("upstream"), StopScope::kUpstream);
}

TEST_F(StopSwitchTest, ARestartKeepsTheStop) {
  ASSERT_TRUE(sw_->stop(StopScope::kTenant, "acme", "incident", "ops").ok());
  ASSERT_TRUE(sw_->stop(StopScope::kGlobal, "", "drill", "ops").ok());
  ASSERT_TRUE(sw_->resume(StopScope::kGlobal, "", "ops").ok());
  sw_.reset();
  sw_ = openSwitch();
  ASSERT_NE(sw_, nullptr);
  EXPECT_TRUE(sw_->stopped("acme", "m", ""));
  EXPECT_FALSE(sw_->stopped("other", "m", ""));
  ASSERT_EQ(sw_->active().size(), 1u);
  EXPECT_EQ(sw_->active()[0].reason, "incident");
}

TEST_F(StopSwitchTest, ReadersSeeAConsistentStateWhileWritersFlip) {
  std::atomic<bool> done{false};
  std::atomic<int64_t> checks{0};
  std::thread reader([&] {
    std::string reason;
    while (!done.load()) {
      if (sw_->stopped("acme", "m", "u", &reason)) {
        EXPECT_EQ(reason, "tenant acme: flip");
      }
      checks.fetch_add(1);
    }
  });
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(sw_->stop(StopScope::kTenant, "acme", "flip", "w").ok());
    ASSERT_TRUE(sw_->resume(StopScope::kTenant, "acme", "w").ok());
  }
  done = true;
  reader.join();
  EXPECT_GT(checks.load(), 0);
  EXPECT_FALSE(sw_->stopped("acme", "m", "u"));
}

}  // namespace
}  // namespace concord::oversight
