// Probes, metrics and graceful shutdown of the in-process gateway.
#include <gtest/gtest.h>

#include <thread>

#include "fake_upstream.h"
#include "gateway_fixture.h"
#include "test_client.h"
#include "test_util.h"

namespace concord::testing {
namespace {

TEST(Probes, HealthzReadyzNameTheDownUpstream) {
  FakeUpstream up("alpha");
  GatewayOptions o;
  o.upstreams.push_back({.name = "alpha", .base_url = up.baseUrl(), .models = {"gpt-test"}});
  o.upstreams.push_back({.name = "down-one", .base_url = "http://127.0.0.1:" + std::to_string(closedPort()) + "/v1",
                         .models = {"gpt-test"}});
  GatewayFixture gw(o);
  gw.probeUpstreams();

  auto h = TestClient::request(gw.port(), "GET", "/healthz", "", "");
  ASSERT_TRUE(h);
  EXPECT_EQ(h->status, 200);
  EXPECT_EQ(parseJson(h->body)["status"], "ok");

  auto r = TestClient::request(gw.port(), "GET", "/readyz", "", "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  const auto j = parseJson(r->body);
  ASSERT_TRUE(j.is_object()) << r->body;
  EXPECT_EQ(j["ready"], false);
  ASSERT_EQ(j["upstreams_down"].size(), 1u);
  EXPECT_EQ(j["upstreams_down"][0]["name"], "down-one");
  EXPECT_FALSE(j["upstreams_down"][0]["reason"].get<std::string>().empty());
  ASSERT_EQ(j["upstreams_up"].size(), 1u);
  EXPECT_EQ(j["upstreams_up"][0]["name"], "alpha");
}

TEST(Probes, ReadyzIs200WhenEveryUpstreamIsUp) {
  FakeUpstream up("alpha");
  GatewayOptions o;
  o.upstreams.push_back({.name = "alpha", .base_url = up.baseUrl(), .models = {"gpt-test"}});
  GatewayFixture gw(o);
  gw.probeUpstreams();
  auto r = TestClient::request(gw.port(), "GET", "/readyz", "", "");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(parseJson(r->body)["ready"], true);
}

TEST(Metrics, RequestsAreCountedByEndpointStatusUpstreamAndTenant) {
  FakeUpstream up("alpha");
  GatewayOptions o;
  o.upstreams.push_back({.name = "alpha", .base_url = up.baseUrl(), .models = {"gpt-test"}});
  GatewayFixture gw(o);
  for (int i = 0; i < 2; ++i) {
    auto r = TestClient::request(gw.port(), "POST", "/v1/chat/completions", gw.key(), chatBody("gpt-test"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }
  auto bad = TestClient::request(gw.port(), "POST", "/v1/chat/completions", gw.key(), chatBody("nope"));
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 404);
  auto m = TestClient::request(gw.port(), "GET", "/metrics", "", "");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 200);
  EXPECT_TRUE(m->header("content-type").starts_with("text/plain")) << m->header("content-type");
  const std::string& t = m->body;
  EXPECT_NE(t.find("# TYPE concord_requests_total counter"), std::string::npos) << t;
  EXPECT_NE(t.find("concord_requests_total{endpoint=\"chat.completions\",status=\"200\",upstream=\"alpha\",tenant=\"acme\"} 2\n"),
            std::string::npos) << t;
  EXPECT_NE(t.find("concord_requests_total{endpoint=\"chat.completions\",status=\"404\",upstream=\"\",tenant=\"acme\"} 1\n"),
            std::string::npos) << t;
  EXPECT_NE(t.find("concord_request_duration_seconds_count"), std::string::npos);
  EXPECT_NE(t.find("concord_overhead_seconds_bucket{le=\"+Inf\"}"), std::string::npos);
  EXPECT_NE(t.find("concord_in_flight"), std::string::npos);
}

TEST(Shutdown, GracefulStopLetsAnInFlightStreamFinish) {
  FakeUpstream up("alpha");
  up.setDrip(8, 100);  // ~700 ms
  GatewayOptions o;
  o.upstreams.push_back({.name = "alpha", .base_url = up.baseUrl(), .models = {"fake-drip"}});
  GatewayFixture gw(o);
  TestClient idle(gw.port());  // a kept-alive connection with no request: closed at once
  ASSERT_TRUE(idle.sendRequest("GET", "/healthz", "", ""));
  ASSERT_TRUE(idle.readResponse());

  TestClient c(gw.port());
  ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", gw.key(), chatBody("fake-drip", true)));
  auto head = c.readHead();
  ASSERT_TRUE(head);
  ASSERT_TRUE(c.readChunk());
  const auto t0 = SteadyClock::now();
  long stop_ms = -1;
  std::thread stopper([&] {
    gw.stop(3000);
    stop_ms = millisSince(t0);
  });
  EXPECT_TRUE(idle.waitClosed(1000)) << "idle connection kept open while draining";
  std::string rest;
  bool terminated = false;
  for (int i = 0; i < 50; ++i) {
    auto chunk = c.readChunk(3000);
    if (!chunk) break;
    if (chunk->empty()) {
      terminated = true;
      break;
    }
    rest += *chunk;
  }
  stopper.join();
  EXPECT_TRUE(terminated) << "the in-flight stream was cut: " << rest;
  EXPECT_TRUE(rest.ends_with("data: [DONE]\n\n")) << rest;
  EXPECT_EQ(up.streamsCompleted(), 1);
  EXPECT_GE(stop_ms, 400);   // stop waited for the stream ...
  EXPECT_LT(stop_ms, 2500);  // ... and no longer than it took
  TestClient late;
  EXPECT_FALSE(late.connect(gw.port()) && late.sendRequest("GET", "/healthz", "", "") && late.readResponse(500))
      << "a stopped gateway still accepts requests";
}

TEST(Shutdown, GraceExpiryCutsAStreamThatRunsTooLong) {
  FakeUpstream up("alpha");
  up.setDrip(100, 100);  // 10 s
  GatewayOptions o;
  o.upstreams.push_back({.name = "alpha", .base_url = up.baseUrl(), .models = {"fake-drip"}});
  GatewayFixture gw(o);
  TestClient c(gw.port());
  ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", gw.key(), chatBody("fake-drip", true)));
  ASSERT_TRUE(c.readHead());
  const auto t0 = SteadyClock::now();
  gw.stop(300);
  const long ms = millisSince(t0);
  EXPECT_GE(ms, 250);
  EXPECT_LT(ms, 1500);
}

}  // namespace
}  // namespace concord::testing
