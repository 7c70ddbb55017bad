// Agent tool calls through the real listener (issue #7): the answer's tool calls are decided by
// the shipped org policy (examples/org-policy.yaml, ACME-AGENT-*) before the client sees them.
// Held → approved: delivered unchanged; held → denied or expired: replaced by a well-formed
// assistant message that says why; a deny rule refuses without asking anyone; small calls
// pass. Streaming and non-streaming; the audit record carries the rules and the approval.
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "fake_upstream.h"
#include "gateway_fixture.h"
#include "oversight/approval.h"
#include "oversight/approval_queue.h"
#include "proxy/tool_calls.h"
#include "test_client.h"
#include "test_util.h"

namespace concord::testing {
namespace {

using nlohmann::json;

std::string toolAnswer(const std::string& name, const std::string& arguments) {
  json call = {{"id", "call_1"}, {"type", "function"}, {"function", {{"name", name}, {"arguments", arguments}}}};
  json body = {{"id", "chatcmpl-tool"}, {"object", "chat.completion"}, {"created", 1764400000}, {"model", "gpt-test"},
               {"choices", json::array({{{"index", 0},
                                         {"message", {{"role", "assistant"}, {"content", nullptr}, {"tool_calls", json::array({call})}}},
                                         {"finish_reason", "tool_calls"}}})},
               {"usage", {{"prompt_tokens", 20}, {"completion_tokens", 9}, {"total_tokens", 29}}}};
  return body.dump();
}

// The same call as a stream: a role chunk, the name, the arguments in two pieces, the finish.
std::vector<std::string> toolStream(const std::string& name, const std::string& arguments) {
  auto chunk = [](json delta, json finish) {
    return json({{"id", "chatcmpl-tool"}, {"object", "chat.completion.chunk"}, {"created", 1764400000},
                 {"model", "gpt-test"},
                 {"choices", json::array({{{"index", 0}, {"delta", std::move(delta)}, {"finish_reason", std::move(finish)}}})}})
        .dump();
  };
  const size_t half = arguments.size() / 2;
  return {chunk({{"role", "assistant"}, {"content", nullptr}}, nullptr),
          chunk({{"tool_calls", json::array({{{"index", 0}, {"id", "call_1"}, {"type", "function"},
                                              {"function", {{"name", name}, {"arguments", ""}}}}})}}, nullptr),
          chunk({{"tool_calls", json::array({{{"index", 0}, {"function", {{"arguments", arguments.substr(0, half)}}}}})}}, nullptr),
          chunk({{"tool_calls", json::array({{{"index", 0}, {"function", {{"arguments", arguments.substr(half)}}}}})}}, nullptr),
          chunk(json::object(), "tool_calls")};
}

class ToolHold : public ::testing::Test {
 protected:
  void start(uint32_t hold_max_wait_ms = 0) {
    GatewayOptions o;
    o.upstreams = {{.name = "alpha", .base_url = up_.baseUrl(), .models = {"gpt-test"}}};
    o.policy_vocabulary = std::string(CONCORD_SOURCE_DIR) + "/packs/vocabulary.yaml";
    o.policy_packs = {std::string(CONCORD_SOURCE_DIR) + "/examples/org-policy.yaml"};
    o.keepalive_ms = 100;
    o.hold_max_wait_ms = hold_max_wait_ms;
    gw_ = std::make_unique<GatewayFixture>(o);
  }
  void answerWith(const std::string& name, const std::string& arguments) {
    up_.setCannedChat(toolAnswer(name, arguments), toolStream(name, arguments));
  }
  oversight::ApprovalQueue& queue() { return gw_->setup().approvals(); }
  std::vector<oversight::ApprovalRequest> waitPending(size_t n, int timeout_ms = 3000) {
    const auto until = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      auto p = queue().pending();
      if (p.size() >= n || SteadyClock::now() >= until) return p;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
  // The data of a whole stream, read to its end.
  static std::string readStream(TestClient& c, int timeout_ms = 5000) {
    std::string body;
    const auto until = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
    while (SteadyClock::now() < until) {
      auto chunk = c.readChunk(1000);
      if (!chunk || chunk->empty()) break;
      body += *chunk;
    }
    return body;
  }
  static bool anyToolCalls(const std::vector<std::string>& data) {
    for (const auto& d : data)
      if (d.find("\"tool_calls\"") != std::string::npos) return true;
    return false;
  }

  FakeUpstream up_{"alpha"};
  std::unique_ptr<GatewayFixture> gw_;
};

const std::string kBigTransfer = R"({"amount": 5000, "to": "DE89370400440532013000"})";

TEST_F(ToolHold, HeldTransferApprovedIsDeliveredUnchanged) {
  start();
  answerWith("transfer_funds", kBigTransfer);
  TestClient c(gw_->port());
  ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", gw_->key(), chatBody("gpt-test")));
  const auto pending = waitPending(1);
  ASSERT_EQ(pending.size(), 1u);
  const auto& ap = pending[0];
  EXPECT_EQ(ap.kind, "tool_call");
  ASSERT_EQ(ap.rules.size(), 1u);
  EXPECT_EQ(ap.rules[0].first, "ACME-AGENT-1");
  EXPECT_NE(ap.preview.find("transfer_funds("), std::string::npos) << ap.preview;
  EXPECT_NE(ap.preview.find("5000"), std::string::npos);
  // Bound to exactly these calls: another answer's digest cannot use this approval.
  const std::vector<proxy::ToolCall> calls{{"call_1", "transfer_funds", kBigTransfer}};
  EXPECT_EQ(ap.digest, oversight::sha256Hex(proxy::describeToolCalls(calls)));
  EXPECT_FALSE(c.waitClosed(100));  // the client has nothing yet
  ASSERT_TRUE(queue().approve(ap.id, "finance@acme", "invoice 4711").ok());
  EXPECT_FALSE(queue().consume(ap.id, oversight::sha256Hex("transfer_funds({\"amount\": 9999999})")).ok());

  auto r = c.readResponse(5000);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const auto j = parseJson(r->body);
  const auto& message = j["choices"][0]["message"];
  ASSERT_TRUE(message.contains("tool_calls")) << r->body;
  EXPECT_EQ(message["tool_calls"][0]["function"]["arguments"], kBigTransfer);
  EXPECT_EQ(j["choices"][0]["finish_reason"], "tool_calls");
  const auto audited = gw_->waitAuditRecord(r->header("x-concord-request-id"));
  ASSERT_TRUE(audited.is_object());
  EXPECT_NE(audited.dump().find("ACME-AGENT-1"), std::string::npos) << audited.dump();
  ASSERT_EQ(audited["approvals"].size(), 1u);
  EXPECT_EQ(audited["approvals"][0]["outcome"], "approved");
  EXPECT_EQ(queue().record(ap.id)->state, oversight::ApprovalState::kConsumed);
  // Every step of the approval has its own audit record.
  std::set<std::string> steps;
  for (int i = 0; i < 100 && steps.size() < 3; ++i) {
    steps.clear();
    for (const auto& rec : gw_->auditRecords())
      if (rec.value("id", "").find(ap.id) != std::string::npos) steps.insert(rec.value("endpoint", ""));
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(steps, (std::set<std::string>{"approval.submitted", "approval.approved", "approval.consumed"}));
}

TEST_F(ToolHold, HeldTransferDeniedBecomesAnAssistantMessageWithTheReason) {
  start();
  answerWith("transfer_funds", kBigTransfer);
  TestClient c(gw_->port());
  ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", gw_->key(), chatBody("gpt-test")));
  const auto pending = waitPending(1);
  ASSERT_EQ(pending.size(), 1u);
  ASSERT_TRUE(queue().deny(pending[0].id, "finance@acme", "no invoice on file").ok());
  auto r = c.readResponse(5000);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const auto j = parseJson(r->body);
  const auto& message = j["choices"][0]["message"];
  EXPECT_FALSE(message.contains("tool_calls")) << r->body;
  EXPECT_EQ(message["role"], "assistant");
  EXPECT_NE(message["content"].get<std::string>().find("no invoice on file"), std::string::npos) << r->body;
  EXPECT_EQ(j["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(j["usage"]["total_tokens"], 29);
  const auto audited = gw_->waitAuditRecord(r->header("x-concord-request-id"));
  ASSERT_TRUE(audited.is_object());
  EXPECT_EQ(audited["approvals"][0]["outcome"], "denied");
}

TEST_F(ToolHold, HeldTransferThatNobodyDecidesIsNotDelivered) {
  start(/*hold_max_wait_ms=*/300);
  answerWith("transfer_funds", kBigTransfer);
  auto r = TestClient::request(gw_->port(), "POST", "/v1/chat/completions", gw_->key(), chatBody("gpt-test"));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const auto message = parseJson(r->body)["choices"][0]["message"];
  EXPECT_FALSE(message.contains("tool_calls")) << r->body;
  EXPECT_NE(message["content"].get<std::string>().find("in time"), std::string::npos) << r->body;
}

TEST_F(ToolHold, StreamedCallsAreHeldBackThenDeliveredWhenApproved) {
  start();
  answerWith("transfer_funds", kBigTransfer);
  TestClient c(gw_->port());
  ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", gw_->key(), chatBody("gpt-test", true)));
  auto head = c.readHead(3000);
  ASSERT_TRUE(head);
  ASSERT_EQ(head->status, 200);
  const auto pending = waitPending(1);
  ASSERT_EQ(pending.size(), 1u);
  // While held the client sees at most the role chunk and keep-alive comments, never a call.
  std::string before;
  for (int i = 0; i < 2; ++i) {
    auto chunk = c.readChunk(2000);
    ASSERT_TRUE(chunk);
    before += *chunk;
  }
  EXPECT_NE(before.find(": waiting for human approval"), std::string::npos) << before;
  EXPECT_FALSE(anyToolCalls(sseData(before))) << before;
  ASSERT_TRUE(queue().approve(pending[0].id, "finance@acme", "ok").ok());
  const auto data = sseData(before + readStream(c));
  ASSERT_FALSE(data.empty());
  EXPECT_EQ(data.back(), "[DONE]");
  proxy::ToolCallCollector collected;
  for (const auto& d : data)
    if (d != "[DONE]") collected.event(d);
  ASSERT_EQ(collected.calls().size(), 1u);
  EXPECT_EQ(collected.calls()[0].name, "transfer_funds");
  EXPECT_EQ(collected.calls()[0].arguments, kBigTransfer);
}

TEST_F(ToolHold, StreamedCallsDeniedEndWithARefusalChunk) {
  start();
  answerWith("run_shell", R"({"command": "rm -rf /srv/data"})");
  TestClient c(gw_->port());
  ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", gw_->key(), chatBody("gpt-test", true)));
  const auto pending = waitPending(1);
  ASSERT_EQ(pending.size(), 1u);
  ASSERT_EQ(pending[0].rules.size(), 1u);
  EXPECT_EQ(pending[0].rules[0].first, "ACME-AGENT-2");
  ASSERT_TRUE(queue().deny(pending[0].id, "ops@acme", "not on production").ok());
  auto head = c.readHead(3000);
  ASSERT_TRUE(head);
  const auto data = sseData(readStream(c));
  ASSERT_GE(data.size(), 3u);
  EXPECT_EQ(data.back(), "[DONE]");
  EXPECT_FALSE(anyToolCalls(data));
  std::string content, finish;
  for (const auto& d : data) {
    if (d == "[DONE]") continue;
    const auto ev = parseJson(d);
    ASSERT_TRUE(ev.is_object() && ev.contains("choices")) << d;
    ASSERT_EQ(ev["object"], "chat.completion.chunk") << d;
    if (ev["choices"].empty()) {  // the provenance chunk: it covers the refusal's text
      EXPECT_NE(ev["concord"]["provenance"]["manifest"]["hash"],
                "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855") << d;
      continue;
    }
    const auto& choice = ev["choices"][0];
    if (choice["delta"].contains("content") && choice["delta"]["content"].is_string())
      content += choice["delta"]["content"].get<std::string>();
    if (choice["finish_reason"].is_string()) finish = choice["finish_reason"];
  }
  EXPECT_NE(content.find("not on production"), std::string::npos) << content;
  EXPECT_EQ(finish, "stop");
}

TEST_F(ToolHold, ADenyRuleRefusesWithoutAskingAnyone) {
  start();
  answerWith("send_email", R"({"to": "someone@elsewhere.example", "body": "the numbers"})");
  auto r = TestClient::request(gw_->port(), "POST", "/v1/chat/completions", gw_->key(), chatBody("gpt-test"));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const auto message = parseJson(r->body)["choices"][0]["message"];
  EXPECT_FALSE(message.contains("tool_calls"));
  EXPECT_NE(message["content"].get<std::string>().find("outside acme.example"), std::string::npos) << r->body;
  EXPECT_TRUE(queue().pending().empty());
  EXPECT_TRUE(queue().recent(10).empty());
}

TEST_F(ToolHold, SmallCallsPassUntouched) {
  start();
  answerWith("transfer_funds", R"({"amount": 12.5})");
  auto r = TestClient::request(gw_->port(), "POST", "/v1/chat/completions", gw_->key(), chatBody("gpt-test"));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(parseJson(r->body)["choices"][0]["message"]["tool_calls"][0]["function"]["arguments"], R"({"amount": 12.5})");
  EXPECT_TRUE(queue().recent(10).empty());
}

}  // namespace
}  // namespace concord::testing
