// The detectors over upstream answers through the real listener (issue #4): a secret the model
// writes is replaced before the user sees it, whole and streamed (split across SSE events),
// what else the detectors find is left as it is but recorded (kind and span, never the value)
// in the audit record.
#include <gtest/gtest.h>

#include "fake_upstream.h"
#include "gateway_fixture.h"
#include "test_client.h"
#include "test_util.h"

namespace concord::testing {
namespace {

using nlohmann::json;

const std::string kKey = "AKIAQ3EGRUTMXLZH5WVY";
const std::string kAnswer = "Deploy with " + kKey + " and write to ops@example.com when done.";

std::string chatAnswer(const std::string& content) {
  return json({{"id", "chatcmpl-leak"}, {"object", "chat.completion"}, {"created", 1764400000}, {"model", "gpt-test"},
               {"choices", json::array({{{"index", 0}, {"message", {{"role", "assistant"}, {"content", content}}},
                                         {"finish_reason", "stop"}}})},
               {"usage", {{"prompt_tokens", 5}, {"completion_tokens", 20}, {"total_tokens", 25}}}})
      .dump();
}

// The answer in pieces of `size` bytes, one chat.completion.chunk each.
std::vector<std::string> chatStream(const std::string& content, size_t size) {
  std::vector<std::string> events;
  auto chunk = [](json delta, json finish) {
    return json({{"id", "chatcmpl-leak"}, {"object", "chat.completion.chunk"}, {"created", 1764400000},
                 {"model", "gpt-test"},
                 {"choices", json::array({{{"index", 0}, {"delta", std::move(delta)}, {"finish_reason", std::move(finish)}}})}})
        .dump();
  };
  events.push_back(chunk({{"role", "assistant"}, {"content", ""}}, nullptr));
  for (size_t at = 0; at < content.size(); at += size) events.push_back(chunk({{"content", content.substr(at, size)}}, nullptr));
  events.push_back(chunk(json::object(), "stop"));
  return events;
}

class AnswerScanTest : public ::testing::Test {
 protected:
  AnswerScanTest() {
    GatewayOptions o;
    o.upstreams = {{.name = "alpha", .base_url = up_.baseUrl(), .models = {"gpt-test"}}};
    o.detect = true;
    gw_ = std::make_unique<GatewayFixture>(o);
  }
  FakeUpstream up_{"alpha"};
  std::unique_ptr<GatewayFixture> gw_;
};

TEST_F(AnswerScanTest, ASecretInAWholeAnswerIsReplacedAndRecordedWithoutItsValue) {
  up_.setCannedChat(chatAnswer(kAnswer), {});
  auto r = TestClient::request(gw_->port(), "POST", "/v1/chat/completions", gw_->key(), chatBody("gpt-test"));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(r->body.find(kKey), std::string::npos) << r->body;
  const auto content = parseJson(r->body)["choices"][0]["message"]["content"].get<std::string>();
  EXPECT_EQ(content, "Deploy with [AWS_KEY] and write to ops@example.com when done.");
  const auto rec = gw_->waitAuditRecord(r->header("x-concord-request-id"));
  ASSERT_TRUE(rec.is_object());
  const std::string audited = rec.dump();
  EXPECT_EQ(audited.find(kKey), std::string::npos);
  EXPECT_EQ(audited.find("ops@example.com"), std::string::npos);
  EXPECT_NE(audited.find("secret.aws_key"), std::string::npos) << audited;
  EXPECT_NE(audited.find("pii.email"), std::string::npos) << audited;  // found, reported, not redacted
}

TEST_F(AnswerScanTest, ASecretSplitAcrossStreamEventsIsReplacedWhole) {
  for (size_t size : {1u, 3u, 7u, 16u}) {
    up_.setCannedChat(chatAnswer(kAnswer), chatStream(kAnswer, size));
    auto r = TestClient::request(gw_->port(), "POST", "/v1/chat/completions", gw_->key(), chatBody("gpt-test", true));
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    std::string content;
    for (const auto& d : sseData(r->body)) {
      if (d == "[DONE]") continue;
      const auto ev = parseJson(d);
      ASSERT_TRUE(ev.is_object()) << d;
      for (const auto& c : ev["choices"])
        if (c.contains("delta") && c["delta"].contains("content") && c["delta"]["content"].is_string())
          content += c["delta"]["content"].get<std::string>();
    }
    EXPECT_EQ(content, "Deploy with [AWS_KEY] and write to ops@example.com when done.") << "pieces of " << size;
    EXPECT_EQ(r->body.find("AKIA"), std::string::npos) << "pieces of " << size;
    EXPECT_EQ(sseData(r->body).back(), "[DONE]");
  }
}

}  // namespace
}  // namespace concord::testing
