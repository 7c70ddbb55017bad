// ApprovalQueue: approve/deny/expire, callbacks exactly once (also under concurrency), single
// use bound to the digest, persistence across reopen, and the subscriber events.
#include "oversight/approval_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <thread>

namespace concord::oversight {
namespace {

class ApprovalQueueTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("concord-approvals-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    path_ = (dir_ / "oversight.db").string();
    queue_ = openQueue();
  }
  void TearDown() override {
    queue_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::unique_ptr<ApprovalQueue> openQueue() {
    auto q = ApprovalQueue::open(path_, clock_);
    EXPECT_TRUE(q.ok()) << (q.ok() ? "" : q.error().message);
    return q.ok() ? std::move(q.value()) : nullptr;
  }
  ApprovalRequest request(std::string body = R"({"model":"m","messages":[]})") {
    ApprovalRequest r;
    r.tenant = "acme";
    r.key_id = "k3f9q2mz7a4x";
    r.endpoint = "chat.completions";
    r.model = "gpt-4o";
    r.rules = {{"EU-AIA-14", "AI Act Art. 14"}};
    r.digest = sha256Hex(body);
    r.preview = "user: [REDACTED:email] please decide";
    r.policy_version = "v1";
    r.expires_us = clock_.nowMicros() + 30'000'000;
    return r;
  }

  std::filesystem::path dir_;
  std::string path_;
  FakeClock clock_;
  std::unique_ptr<ApprovalQueue> queue_;
};

TEST_F(ApprovalQueueTest, ApproveCallsBackOnceAndConsumeIsSingleUse) {
  std::vector<Resolution> seen;
  auto id = queue_->submit(request(), [&](Resolution r) { seen.push_back(r); });
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->rfind("ap-", 0), 0u);
  ASSERT_EQ(queue_->pending().size(), 1u);
  EXPECT_EQ(queue_->pending()[0].rules[0].second, "AI Act Art. 14");

  // Not yet approved: cannot be used.
  EXPECT_EQ(queue_->consume(*id, request().digest).error().code, "oversight.not_approved");
  ASSERT_TRUE(queue_->approve(*id, "alice", "looks fine").ok());
  ASSERT_EQ(seen.size(), 1u);
  EXPECT_EQ(seen[0].outcome, Outcome::kApproved);
  EXPECT_EQ(seen[0].approver, "alice");
  EXPECT_EQ(seen[0].reason, "looks fine");
  EXPECT_TRUE(queue_->pending().empty());

  // A second decision is refused and does not call back again.
  EXPECT_EQ(queue_->approve(*id, "bob", "").error().code, "oversight.not_pending");
  EXPECT_EQ(queue_->deny(*id, "bob", "").error().code, "oversight.not_pending");
  EXPECT_EQ(seen.size(), 1u);

  ASSERT_TRUE(queue_->consume(*id, request().digest).ok());
  EXPECT_EQ(queue_->consume(*id, request().digest).error().code, "oversight.already_used");
  EXPECT_EQ(queue_->record(*id)->state, ApprovalState::kConsumed);
}

TEST_F(ApprovalQueueTest, ApprovalIsBoundToTheDigest) {
  auto id = queue_->submit(request(R"({"amount":10})"), [](Resolution) {});
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(queue_->approve(*id, "alice", "").ok());
  // A changed request cannot use the approval ...
  EXPECT_EQ(queue_->consume(*id, sha256Hex(R"({"amount":10000})")).error().code, "oversight.digest_mismatch");
  // ... and the failed attempt does not burn it for the real one.
  EXPECT_TRUE(queue_->consume(*id, sha256Hex(R"({"amount":10})")).ok());
}

TEST_F(ApprovalQueueTest, DenyCarriesTheReasonAndCannotBeConsumed) {
  std::optional<Resolution> seen;
  auto id = queue_->submit(request(), [&](Resolution r) { seen = r; });
  ASSERT_TRUE(queue_->deny(*id, "bob", "recipient unknown").ok());
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->outcome, Outcome::kDenied);
  EXPECT_EQ(seen->reason, "recipient unknown");
  EXPECT_EQ(queue_->consume(*id, request().digest).error().code, "oversight.not_approved");
}

TEST_F(ApprovalQueueTest, ExpireDueExpiresOnlyWhatIsDue) {
  int expired = 0, other = 0;
  auto r1 = request();
  r1.expires_us = clock_.nowMicros() + 1'000'000;
  auto a = queue_->submit(r1, [&](Resolution r) { (r.outcome == Outcome::kExpired ? expired : other)++; });
  auto b = queue_->submit(request(), [&](Resolution r) { (r.outcome == Outcome::kExpired ? expired : other)++; });
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(queue_->expireDue(), 0u);
  clock_.advanceMicros(1'000'000);
  EXPECT_EQ(queue_->expireDue(), 1u);
  EXPECT_EQ(expired, 1);
  EXPECT_EQ(queue_->expireDue(), 0u);  // not twice
  EXPECT_EQ(expired, 1);
  ASSERT_EQ(queue_->pending().size(), 1u);
  EXPECT_EQ(queue_->pending()[0].id, *b);
  EXPECT_EQ(queue_->approve(*a, "alice", "").error().code, "oversight.not_pending");
  EXPECT_EQ(other, 0);
}

TEST_F(ApprovalQueueTest, ApprovingAfterTheExpiryExpiresInstead) {
  std::optional<Resolution> seen;
  auto r = request();
  r.expires_us = clock_.nowMicros() + 10;
  auto id = queue_->submit(r, [&](Resolution res) { seen = res; });
  clock_.advanceMicros(20);  // expireDue has not run yet
  EXPECT_EQ(queue_->approve(*id, "alice", "").error().code, "oversight.expired");
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->outcome, Outcome::kExpired);
  EXPECT_EQ(queue_->consume(*id, r.digest).error().code, "oversight.not_approved");
}

TEST_F(ApprovalQueueTest, AnApprovalTooOldToUseIsRefused) {
  auto id = queue_->submit(request(), [](Resolution) {});
  ASSERT_TRUE(queue_->approve(*id, "alice", "").ok());
  clock_.advanceMicros(31'000'000 + 60'000'000);  // past expiry and the grace
  EXPECT_EQ(queue_->consume(*id, request().digest).error().code, "oversight.expired");
}

TEST_F(ApprovalQueueTest, SubmitValidates) {
  auto r = request();
  r.digest.clear();
  EXPECT_EQ(queue_->submit(r, {}).error().code, "oversight.invalid");
  r = request();
  r.expires_us = clock_.nowMicros();
  EXPECT_EQ(queue_->submit(r, {}).error().code, "oversight.invalid");
  EXPECT_EQ(queue_->approve("ap-nope", "a", "").error().code, "oversight.not_found");
  EXPECT_EQ(queue_->consume("ap-nope", "x").error().code, "oversight.not_found");
}

TEST_F(ApprovalQueueTest, PendingAndDecisionsSurviveAReopen) {
  auto a = queue_->submit(request(), [](Resolution) {});
  auto b = queue_->submit(request(), [](Resolution) {});
  ASSERT_TRUE(queue_->approve(*b, "alice", "ok").ok());
  queue_.reset();

  queue_ = openQueue();
  ASSERT_NE(queue_, nullptr);
  auto pending = queue_->pending();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].id, *a);
  EXPECT_EQ(pending[0].tenant, "acme");
  EXPECT_EQ(pending[0].preview, "user: [REDACTED:email] please decide");
  ASSERT_EQ(pending[0].rules.size(), 1u);
  EXPECT_EQ(pending[0].rules[0].first, "EU-AIA-14");
  // The approval given before the restart is still usable once.
  EXPECT_TRUE(queue_->consume(*b, request().digest).ok());
  // A reloaded pending record can be decided (its callback is gone) and expires as usual.
  EXPECT_TRUE(queue_->deny(*a, "bob", "after restart").ok());
  EXPECT_EQ(queue_->record(*a)->reason, "after restart");
  EXPECT_EQ(queue_->recent(10).size(), 2u);
}

// At shutdown the owner drops the waiters' callbacks while the objects they own can still be
// destroyed safely (an exchange's timer needs its io_context); the records stay pending.
TEST_F(ApprovalQueueTest, DropWaitersReleasesTheCallbacksAndKeepsTheRecords) {
  auto owned = std::make_shared<int>(7);  // stands for what a waiting exchange's callback owns
  int calls = 0;
  auto a = queue_->submit(request(), [owned, &calls](Resolution) { ++calls; });
  auto b = queue_->submit(request(), [owned, &calls](Resolution) { ++calls; });
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(owned.use_count(), 3);
  EXPECT_EQ(queue_->dropWaiters(), 2u);
  EXPECT_EQ(owned.use_count(), 1);  // released now, not when the queue is destroyed
  EXPECT_EQ(queue_->dropWaiters(), 0u);
  EXPECT_EQ(queue_->pendingCount(), 2u);
  // Still decidable and expirable; nobody is called.
  EXPECT_TRUE(queue_->approve(*a, "alice", "late").ok());
  EXPECT_EQ(queue_->record(*a)->state, ApprovalState::kApproved);
  clock_.advanceMicros(31'000'000);
  EXPECT_EQ(queue_->expireDue(), 1u);
  EXPECT_EQ(calls, 0);
}

// A client that leaves while held withdraws its approval: nobody is asked to decide it any more.
TEST_F(ApprovalQueueTest, WithdrawExpiresThePendingApprovalWithoutCallingBack) {
  int calls = 0;
  std::vector<std::string> events;
  queue_->subscribe([&](const std::string& e) { events.push_back(e); });
  auto id = queue_->submit(request(), [&](Resolution) { ++calls; });
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(queue_->withdraw(*id, "the client left").ok());
  EXPECT_EQ(calls, 0);
  EXPECT_EQ(queue_->pendingCount(), 0u);
  auto r = queue_->record(*id);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->state, ApprovalState::kExpired);
  EXPECT_EQ(r->reason, "the client left");
  ASSERT_EQ(events.size(), 2u);
  EXPECT_NE(events[1].find("\"expired\""), std::string::npos) << events[1];
  // Too late to decide, to use, or to withdraw again.
  EXPECT_EQ(queue_->approve(*id, "alice", "").error().code, "oversight.not_pending");
  EXPECT_EQ(queue_->consume(*id, request().digest).error().code, "oversight.not_approved");
  EXPECT_EQ(queue_->withdraw(*id, "again").error().code, "oversight.not_pending");
  EXPECT_EQ(queue_->withdraw("ap-0000000000000000", "x").error().code, "oversight.not_found");
  // Survives a reopen as expired, not pending.
  queue_.reset();
  queue_ = openQueue();
  EXPECT_EQ(queue_->pendingCount(), 0u);
  EXPECT_EQ(queue_->record(*id)->state, ApprovalState::kExpired);
}

// Decided before the withdrawal: the decision stands and the waiter's callback has run.
TEST_F(ApprovalQueueTest, WithdrawAfterADecisionChangesNothing) {
  int calls = 0;
  auto id = queue_->submit(request(), [&](Resolution) { ++calls; });
  ASSERT_TRUE(queue_->deny(*id, "bob", "no").ok());
  EXPECT_EQ(queue_->withdraw(*id, "the client left").error().code, "oversight.not_pending");
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(queue_->record(*id)->state, ApprovalState::kDenied);
}

TEST_F(ApprovalQueueTest, CallbackRunsExactlyOnceUnderConcurrentDecisions) {
  constexpr int kApprovals = 50, kThreads = 6;
  std::vector<std::atomic<int>> calls(kApprovals);
  std::vector<std::string> ids;
  for (int i = 0; i < kApprovals; ++i) {
    auto r = request();
    r.expires_us = clock_.nowMicros() + 1000 + i;
    auto id = queue_->submit(r, [&calls, i](Resolution) { calls[i].fetch_add(1); });
    ASSERT_TRUE(id.ok());
    ids.push_back(*id);
  }
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kApprovals; ++i) {
        if (t == 0 && i == kApprovals / 2) {
          clock_.advanceMicros(1000 + kApprovals / 2);
        }
        if (t % 3 == 0) queue_->expireDue();
        else if (t % 3 == 1 ? queue_->approve(ids[i], "a", "").ok() : queue_->deny(ids[i], "b", "").ok())
          ok.fetch_add(1);
      }
    });
  for (auto& th : threads) th.join();
  clock_.advanceMicros(10'000);
  queue_->expireDue();
  for (int i = 0; i < kApprovals; ++i) EXPECT_EQ(calls[i].load(), 1) << "approval " << i;
  EXPECT_LE(ok.load(), kApprovals);
  EXPECT_TRUE(queue_->pending().empty());
}

TEST_F(ApprovalQueueTest, SubscribersSeeSubmitAndResolve) {
  std::vector<std::string> events;
  const auto sub = queue_->subscribe([&](const std::string& e) { events.push_back(e); });
  auto id = queue_->submit(request(), [](Resolution) {});
  ASSERT_TRUE(queue_->approve(*id, "alice", "fine").ok());
  ASSERT_EQ(events.size(), 2u);
  auto first = nlohmann::json::parse(events[0]);
  EXPECT_EQ(first["event"], "submitted");
  EXPECT_EQ(first["approval"]["id"], *id);
  EXPECT_EQ(first["approval"]["state"], "pending");
  EXPECT_EQ(first["approval"]["rules"][0]["cite"], "AI Act Art. 14");
  auto second = nlohmann::json::parse(events[1]);
  EXPECT_EQ(second["event"], "approved");
  EXPECT_EQ(second["approval"]["approver"], "alice");
  queue_->unsubscribe(sub);
  (void)queue_->submit(request(), [](Resolution) {});
  EXPECT_EQ(events.size(), 2u);
}

TEST_F(ApprovalQueueTest, ACallbackMayCallBackIntoTheQueue) {
  std::string id;
  bool consumed = false;
  auto r = request();
  auto got = queue_->submit(r, [&](Resolution res) {
    if (res.outcome == Outcome::kApproved) consumed = queue_->consume(id, r.digest).ok();
  });
  id = *got;
  ASSERT_TRUE(queue_->approve(id, "alice", "").ok());
  EXPECT_TRUE(consumed);
}

TEST(ApprovalDigest, IsSha256Hex) {
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace concord::oversight
