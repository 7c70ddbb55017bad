// The governance steps of the request path (detect → decide → label → audit) are called in
// that order, with each step's output handed to the next: a Snapshot with recording fake
// Steps is swapped into the real gateway and one exchange runs through the real listener.
#include <gtest/gtest.h>

#include <boost/asio/awaitable.hpp>
#include <mutex>

#include "fake_upstream.h"
#include "gateway_fixture.h"
#include "proxy/router.h"
#include "proxy/steps.h"
#include "test_client.h"
#include "test_util.h"

namespace concord::testing {
namespace {

using proxy::Verdict;

struct Journal {
  std::mutex mutex;
  std::vector<std::string> calls;
  std::vector<proxy::ExchangeRecord> records;
  void add(std::string call) {
    std::lock_guard lock(mutex);
    calls.push_back(std::move(call));
  }
  std::vector<std::string> snapshot() {
    std::lock_guard lock(mutex);
    return calls;
  }
};

class RecordingDetect final : public proxy::DetectStep {
 public:
  RecordingDetect(Journal& j, bool fail) : j_(j), fail_(fail) {}
  Status detect(const proxy::StepInput& in, std::vector<proxy::FindingRef>& findings) override {
    j_.add("detect:" + std::to_string(in.view.segments.size()));
    if (fail_) return makeError("detect.broken", "scanner exploded");
    findings.push_back({"pii.email", 1, 0, 5, 0.9f});
    return Status();
  }

 private:
  Journal& j_;
  bool fail_;
};

class RecordingDecide final : public proxy::DecideStep {
 public:
  RecordingDecide(Journal& j, Verdict::Action action) : j_(j), action_(action) {}
  Verdict decide(const proxy::StepInput& in, const std::vector<proxy::FindingRef>& findings) override {
    j_.add("decide:" + std::to_string(findings.size()) + ":" + in.principal.tenant);
    Verdict v;
    v.action = action_;
    v.rules.push_back({"test.rule-1", "Test Act Art. 1", action_ == Verdict::Action::kDeny ? "deny" : "label"});
    v.message = "denied by the test rule";
    return v;
  }

 private:
  Journal& j_;
  Verdict::Action action_;
};

// Written against both shapes of LabelStep (synchronous, and awaitable with the upstream name)
// so that this test keeps compiling while that interface moves: whichever pair is virtual in
// the base overrides it, the other pair is an unused overload. Hence no `override` here.
class RecordingLabel final : public proxy::LabelStep {
 public:
  explicit RecordingLabel(Journal& j) : j_(j) {}
  proxy::LabelResult labelBody(const proxy::StepInput&, const Verdict& verdict, std::string&) {
    j_.add("label:" + (verdict.rules.empty() ? std::string() : verdict.rules[0].id));
    return {{"test.rule-1"}, {}};
  }
  boost::asio::awaitable<proxy::LabelResult> labelBody(const proxy::StepInput& in, const Verdict& verdict,
                                                       std::string_view, std::string& body) {
    co_return labelBody(in, verdict, body);
  }
  std::unique_ptr<proxy::StreamLabel> labelStream(const proxy::StepInput&, const Verdict&) {
    j_.add("label_stream");
    return nullptr;
  }
  std::unique_ptr<proxy::StreamLabel> labelStream(const proxy::StepInput& in, const Verdict& verdict,
                                                  std::string_view) {
    return labelStream(in, verdict);
  }

 private:
  Journal& j_;
};

class RecordingAudit final : public proxy::AuditStep {
 public:
  explicit RecordingAudit(Journal& j) : j_(j) {}
  bool record(proxy::ExchangeRecord&& record, std::function<void(bool)> on_durable) override {
    j_.add("audit:" + std::to_string(record.status));
    {
      std::lock_guard lock(j_.mutex);
      j_.records.push_back(std::move(record));
    }
    if (on_durable) on_durable(true);
    return true;
  }
  bool healthy() const override { return true; }

 private:
  Journal& j_;
};

class StepsOrder : public ::testing::Test {
 protected:
  void SetUp() override {
    GatewayOptions o;
    o.upstreams.push_back({.name = "alpha", .base_url = up_.baseUrl(), .models = {"gpt-test"}});
    gw_ = std::make_unique<GatewayFixture>(o);
  }

  // Swaps in a snapshot of the same config with recording steps.
  void useSteps(bool detect_fails, Verdict::Action action) {
    auto& gateway = gw_->setup().gateway();
    const auto current = gateway.snapshot();
    auto next = std::make_shared<proxy::Snapshot>();
    next->config = current->config;
    next->program = current->program;
    next->router = std::make_unique<proxy::Router>(*current->config);
    next->upstream_keys = current->upstream_keys;
    next->generation = current->generation + 1;
    next->steps.detect = std::make_shared<RecordingDetect>(journal_, detect_fails);
    next->steps.decide = std::make_shared<RecordingDecide>(journal_, action);
    next->steps.label = std::make_shared<RecordingLabel>(journal_);
    next->steps.audit = std::make_shared<RecordingAudit>(journal_);
    gateway.swap(std::move(next));
  }

  std::vector<std::string> waitCalls(size_t n) {
    for (int i = 0; i < 200 && journal_.snapshot().size() < n; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    return journal_.snapshot();
  }

  FakeUpstream up_{"alpha"};
  std::unique_ptr<GatewayFixture> gw_;
  Journal journal_;
};

TEST_F(StepsOrder, JsonAnswerGoesThroughDetectDecideLabelAudit) {
  useSteps(false, Verdict::Action::kAllow);
  auto r = TestClient::request(gw_->port(), "POST", "/v1/chat/completions", gw_->key(), chatBody("gpt-test"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(waitCalls(4), (std::vector<std::string>{"detect:2", "decide:1:acme", "label:test.rule-1", "audit:200"}));
  std::lock_guard lock(journal_.mutex);
  ASSERT_EQ(journal_.records.size(), 1u);
  const auto& rec = journal_.records[0];
  ASSERT_EQ(rec.findings.size(), 1u);
  EXPECT_EQ(rec.findings[0].kind, "pii.email");
  ASSERT_EQ(rec.rules.size(), 1u);
  EXPECT_EQ(rec.rules[0].id, "test.rule-1");
  EXPECT_EQ(rec.labels, (std::vector<std::string>{"test.rule-1"}));
  EXPECT_EQ(rec.prompt_tokens, 12);
}

TEST_F(StepsOrder, StreamGoesThroughDetectDecideLabelAudit) {
  useSteps(false, Verdict::Action::kAllow);
  auto r = TestClient::request(gw_->port(), "POST", "/v1/chat/completions", gw_->key(), chatBody("gpt-test", true));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(r->body.ends_with("data: [DONE]\n\n"));
  EXPECT_EQ(waitCalls(4), (std::vector<std::string>{"detect:2", "decide:1:acme", "label_stream", "audit:200"}));
}

TEST_F(StepsOrder, DenyStopsBeforeTheUpstreamAndIsAudited) {
  useSteps(false, Verdict::Action::kDeny);
  auto r = TestClient::request(gw_->port(), "POST", "/v1/chat/completions", gw_->key(), chatBody("gpt-test"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  const auto j = parseJson(r->body);
  EXPECT_EQ(j["error"]["code"], "policy_denied");
  EXPECT_EQ(j["error"]["message"], "denied by the test rule");
  EXPECT_EQ(j["error"]["rules"][0]["id"], "test.rule-1");
  EXPECT_EQ(j["error"]["rules"][0]["cite"], "Test Act Art. 1");
  EXPECT_EQ(up_.requests(), 0);
  EXPECT_EQ(waitCalls(3), (std::vector<std::string>{"detect:2", "decide:1:acme", "audit:403"}));
  std::lock_guard lock(journal_.mutex);
  ASSERT_EQ(journal_.records.size(), 1u);
  EXPECT_EQ(journal_.records[0].verdict, "deny");
}

TEST_F(StepsOrder, FailingDetectorFailsClosed) {
  useSteps(true, Verdict::Action::kAllow);
  auto r = TestClient::request(gw_->port(), "POST", "/v1/chat/completions", gw_->key(), chatBody("gpt-test"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(errorCode(r->body), "detector_failed");
  EXPECT_EQ(up_.requests(), 0);
  EXPECT_EQ(waitCalls(2), (std::vector<std::string>{"detect:2", "audit:503"}));
}

TEST_F(StepsOrder, RequestsRefusedBeforeParsingNeverReachTheSteps) {
  useSteps(false, Verdict::Action::kAllow);
  auto r = TestClient::request(gw_->port(), "POST", "/v1/chat/completions", "", chatBody("gpt-test"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_EQ(waitCalls(1), (std::vector<std::string>{"audit:401"}));
}

}  // namespace
}  // namespace concord::testing
