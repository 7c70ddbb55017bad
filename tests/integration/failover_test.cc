// Upstream failures: failover on connect refused, 5xx, 429 and timeouts with bounded attempts;
// 502/504 when nothing answers; truncated streams, resets mid-body, total timeouts, and a
// client leaving mid-stream (the upstream request is cancelled).
#include <gtest/gtest.h>

#include "fake_upstream.h"
#include "gateway_fixture.h"
#include "test_client.h"
#include "test_util.h"

namespace concord::testing {
namespace {

std::string downUrl() { return "http://127.0.0.1:" + std::to_string(closedPort()) + "/v1"; }

GatewayOptions pair(const std::string& first_url, const std::string& first_name,
                    const FakeUpstream& second) {
  GatewayOptions o;
  o.upstreams.push_back({.name = first_name, .base_url = first_url, .models = {"gpt-test"}});
  o.upstreams.push_back({.name = second.name(), .base_url = second.baseUrl(), .models = {"gpt-test"}});
  return o;
}

std::optional<HttpResponse> chat(const GatewayFixture& gw, const std::string& model = "gpt-test",
                                 bool stream = false) {
  return TestClient::request(gw.port(), "POST", "/v1/chat/completions", gw.key(), chatBody(model, stream), 10000);
}

TEST(Failover, ConnectRefusedGoesToTheNextUpstream) {
  FakeUpstream beta("beta");
  GatewayFixture gw(pair(downUrl(), "down", beta));
  auto r = chat(gw);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("x-concord-upstream"), "beta");
  EXPECT_EQ(parseJson(r->body)["choices"][0]["message"]["content"], "Hello from beta");
  const auto rec = gw.waitAuditRecord(r->header("x-concord-request-id"));
  ASSERT_TRUE(rec.is_object());
  EXPECT_EQ(rec["attempts"], 2);
  EXPECT_EQ(rec["upstream"], "beta");
}

class FailoverOnStatus : public ::testing::TestWithParam<Behaviour> {};

TEST_P(FailoverOnStatus, RetryableStatusGoesToTheNextUpstream) {
  FakeUpstream alpha("alpha"), beta("beta");
  alpha.setBehaviour(GetParam());
  GatewayOptions o = pair(alpha.baseUrl(), "alpha", beta);
  GatewayFixture gw(o);
  auto r = chat(gw);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("x-concord-upstream"), "beta");
  EXPECT_EQ(alpha.requests(), 1);
  EXPECT_EQ(beta.requests(), 1);
  auto m = TestClient::request(gw.port(), "GET", "/metrics", "", "");
  ASSERT_TRUE(m);
  EXPECT_NE(m->body.find("concord_upstream_retries_total{upstream=\"alpha\",reason=\""), std::string::npos)
      << m->body;
}

INSTANTIATE_TEST_SUITE_P(Statuses, FailoverOnStatus,
                         ::testing::Values(Behaviour::kStatus500, Behaviour::kStatus503,
                                           Behaviour::kStatus429));

TEST(Failover, FirstByteTimeoutGoesToTheNextUpstream) {
  FakeUpstream alpha("alpha"), beta("beta");
  alpha.setBehaviour(Behaviour::kHang);
  GatewayOptions o = pair(alpha.baseUrl(), "alpha", beta);
  o.upstreams[0].first_byte_timeout_ms = 300;
  GatewayFixture gw(o);
  const auto t0 = SteadyClock::now();
  auto r = chat(gw);
  const long ms = millisSince(t0);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->header("x-concord-upstream"), "beta");
  EXPECT_GE(ms, 280);
  EXPECT_LT(ms, 2000);
  // The gateway gave up on the hung upstream by closing its connection.
  EXPECT_TRUE(alpha.waitFor([&] { return alpha.peerClosedEarly() == 1; }, 2000));
}

TEST(Failover, AttemptsAreBoundedAcrossUpstreams) {
  FakeUpstream alpha("alpha"), beta("beta");
  alpha.setBehaviour(Behaviour::kStatus503);
  beta.setBehaviour(Behaviour::kStatus503);
  GatewayOptions o = pair(alpha.baseUrl(), "alpha", beta);
  o.max_attempts = 3;
  GatewayFixture gw(o);
  auto r = chat(gw);
  ASSERT_TRUE(r);
  // Every attempt failed: the last upstream answer is relayed, after exactly three attempts
  // in route order alpha, beta, alpha.
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(alpha.requests() + beta.requests(), 3);
  EXPECT_EQ(alpha.requests(), 2);
  EXPECT_EQ(beta.requests(), 1);
  const auto rec = gw.waitAuditRecord(r->header("x-concord-request-id"));
  ASSERT_TRUE(rec.is_object());
  EXPECT_EQ(rec["attempts"], 3);
}

TEST(Failover, AllUpstreamsDownIs502NamingTheUpstream) {
  GatewayOptions o;
  o.upstreams.push_back({.name = "solo-down", .base_url = downUrl(), .models = {"gpt-test"}});
  GatewayFixture gw(o);
  auto r = chat(gw);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 502);
  EXPECT_EQ(errorCode(r->body), "upstream_unavailable");
  const auto err = parseJson(r->body)["error"];
  EXPECT_NE(err["message"].get<std::string>().find("solo-down"), std::string::npos) << r->body;
  EXPECT_EQ(err["type"], "upstream_error");
  EXPECT_FALSE(r->header("x-concord-request-id").empty());
  const auto rec = gw.waitAuditRecord(r->header("x-concord-request-id"));
  ASSERT_TRUE(rec.is_object());
  EXPECT_EQ(rec["status"], 502);
  EXPECT_EQ(rec["error"], "upstream_unavailable");
  EXPECT_EQ(rec["attempts"], 3);
}

TEST(Failover, TwoUpstreamsDownIs502) {
  GatewayOptions o;
  o.upstreams.push_back({.name = "down-a", .base_url = downUrl(), .models = {"gpt-test"}});
  o.upstreams.push_back({.name = "down-b", .base_url = downUrl(), .models = {"gpt-test"}});
  GatewayFixture gw(o);
  auto r = chat(gw);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 502);
  EXPECT_EQ(errorCode(r->body), "upstream_unavailable");
  const std::string message = parseJson(r->body)["error"]["message"];
  EXPECT_TRUE(message.find("down-a") != std::string::npos || message.find("down-b") != std::string::npos)
      << message;
}

TEST(Timeouts, FirstByteTimeoutIs504) {
  FakeUpstream up("alpha");
  up.setBehaviour(Behaviour::kHang);
  GatewayOptions o;
  o.upstreams.push_back({.name = "alpha", .base_url = up.baseUrl(), .models = {"gpt-test"},
                         .first_byte_timeout_ms = 200});
  o.max_attempts = 2;
  GatewayFixture gw(o);
  const auto t0 = SteadyClock::now();
  auto r = chat(gw);
  const long ms = millisSince(t0);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 504);
  EXPECT_EQ(errorCode(r->body), "upstream_timeout");
  EXPECT_EQ(up.requests(), 2);
  EXPECT_GE(ms, 380);
  EXPECT_LT(ms, 2000);
}

TEST(Timeouts, TotalTimeoutEndsASlowStreamWithAnErrorEvent) {
  FakeUpstream up("alpha");
  up.setDrip(20, 100);  // 2 s in all
  GatewayOptions o;
  o.upstreams.push_back({.name = "alpha", .base_url = up.baseUrl(), .models = {"fake-drip"},
                         .total_timeout_ms = 350});
  GatewayFixture gw(o);
  const auto t0 = SteadyClock::now();
  auto r = chat(gw, "fake-drip", true);
  const long ms = millisSince(t0);
  ASSERT_TRUE(r) << "the stream did not terminate";
  EXPECT_EQ(r->status, 200);
  EXPECT_LT(ms, 1500);
  const auto data = sseData(r->body);
  ASSERT_GE(data.size(), 2u);
  EXPECT_EQ(data.back(), "[DONE]");
  EXPECT_EQ(errorCode(data[data.size() - 2]), "upstream_timeout") << r->body;
}

TEST(Broken, TruncatedStreamEndsWithAnErrorEventAndAProperChunkedEnd) {
  FakeUpstream up("alpha");
  GatewayFixture gw([&] {
    GatewayOptions o;
    o.upstreams.push_back({.name = "alpha", .base_url = up.baseUrl(), .models = {"fake-truncate", "gpt-test"}});
    return o;
  }());
  TestClient c(gw.port());
  const auto t0 = SteadyClock::now();
  ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", gw.key(), chatBody("fake-truncate", true)));
  auto r = c.readResponse(5000);
  ASSERT_TRUE(r) << "client stream hung or was not terminated by a last chunk";
  EXPECT_LT(millisSince(t0), 2000);
  EXPECT_EQ(r->status, 200);
  const auto data = sseData(r->body);
  ASSERT_EQ(data.size(), 4u) << r->body;  // two upstream events, the error, [DONE]
  EXPECT_EQ(parseJson(data[0])["object"], "chat.completion.chunk");
  EXPECT_EQ(parseJson(data[1])["object"], "chat.completion.chunk");
  const auto err = parseJson(data[2]);
  ASSERT_TRUE(err.is_object()) << data[2];
  EXPECT_EQ(err["error"]["code"], "upstream_truncated");
  EXPECT_NE(err["error"]["message"].get<std::string>().find("alpha"), std::string::npos);
  EXPECT_EQ(data[3], "[DONE]");
  // The client connection is still usable.
  ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", gw.key(), chatBody("gpt-test")));
  auto next = c.readResponse();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
  const auto rec = gw.waitAuditRecord(r->header("x-concord-request-id"));
  ASSERT_TRUE(rec.is_object());
  EXPECT_EQ(rec["error"], "upstream_truncated");
}

TEST(Broken, ResetMidBodyIs502) {
  FakeUpstream up("alpha");
  GatewayOptions o;
  o.upstreams.push_back({.name = "alpha", .base_url = up.baseUrl(), .models = {"fake-reset", "gpt-test"}});
  GatewayFixture gw(o);
  auto r = chat(gw, "fake-reset");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 502);
  EXPECT_EQ(errorCode(r->body), "upstream_truncated");
  EXPECT_NE(r->body.find("alpha"), std::string::npos);
  // The broken connection was not pooled: the next request works.
  auto next = chat(gw);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status, 200);
}

TEST(Cancellation, ClientDisconnectMidStreamClosesTheUpstreamConnection) {
  FakeUpstream up("alpha");
  up.setDrip(40, 50);  // 2 s if nobody stops it
  GatewayOptions o;
  o.upstreams.push_back({.name = "alpha", .base_url = up.baseUrl(), .models = {"fake-drip"}});
  GatewayFixture gw(o);
  std::string id;
  {
    TestClient c(gw.port());
    ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", gw.key(), chatBody("fake-drip", true)));
    auto head = c.readHead();
    ASSERT_TRUE(head);
    id = head->header("x-concord-request-id");
    ASSERT_TRUE(c.readChunk());
  }  // the client goes away
  const auto t0 = SteadyClock::now();
  EXPECT_TRUE(up.waitFor([&] { return up.peerClosedEarly() == 1; }, 1500))
      << "the upstream stream was not cancelled";
  EXPECT_LT(millisSince(t0), 1000);
  EXPECT_EQ(up.streamsCompleted(), 0);
  const auto rec = gw.waitAuditRecord(id);
  ASSERT_TRUE(rec.is_object());
  // Regression: the exchange closes the upstream when the client leaves, and the relay then
  // read a cut stream and recorded upstream_truncated.
  EXPECT_EQ(rec["error"], "client_disconnected") << rec.dump();
}

}  // namespace
}  // namespace concord::testing
