// Connection-level behaviour: HEAD framing, body and idle timeouts, the connection limit,
// stale pooled upstream connections, concurrency across workers, and cancellation of an
// upstream request whose client left before the answer began.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <thread>

#include "fake_upstream.h"
#include "gateway_fixture.h"
#include "test_client.h"
#include "test_util.h"

namespace concord::testing {
namespace {

GatewayOptions oneUpstream(const FakeUpstream& up, std::vector<std::string> models = {"gpt-test"}) {
  GatewayOptions o;
  o.upstreams.push_back({.name = up.name(), .base_url = up.baseUrl(), .models = std::move(models)});
  return o;
}

// Regression: a HEAD answer carried the GET body, so the next response on the connection
// started with stray bytes.
TEST(Connection, HeadAnswerHasNoBodyAndTheNextResponseIsInSync) {
  FakeUpstream up("alpha");
  GatewayFixture gw(oneUpstream(up));
  TestClient c(gw.port());
  ASSERT_TRUE(c.sendRaw("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto head = c.readHead();
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("content-length"), "15");  // what a GET would carry
  auto next = c.readResponse();
  ASSERT_TRUE(next) << "the HEAD answer carried a body";
  EXPECT_EQ(next->status, 200);
  EXPECT_EQ(next->body, R"({"status":"ok"})");
}

TEST(Connection, SlowBodyIsClosedAfterTheBodyTimeout) {
  FakeUpstream up("alpha");
  GatewayOptions o = oneUpstream(up);
  o.body_timeout_ms = 300;
  GatewayFixture gw(o);
  TestClient c(gw.port());
  const auto t0 = SteadyClock::now();
  ASSERT_TRUE(c.sendRaw("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + gw.key() +
                        "\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"model\":"));
  EXPECT_TRUE(c.waitClosed(2000));
  EXPECT_GE(millisSince(t0), 250);
  EXPECT_EQ(up.requests(), 0);
}

TEST(Connection, IdleKeepAliveConnectionIsClosedAfterTheIdleTimeout) {
  FakeUpstream up("alpha");
  GatewayOptions o = oneUpstream(up);
  o.idle_timeout_ms = 400;
  GatewayFixture gw(o);
  TestClient c(gw.port());
  ASSERT_TRUE(c.sendRequest("GET", "/healthz", "", ""));
  ASSERT_TRUE(c.readResponse());
  const auto t0 = SteadyClock::now();
  EXPECT_TRUE(c.waitClosed(2000));
  EXPECT_GE(millisSince(t0), 300);
}

TEST(Connection, ConnectionsBeyondTheLimitAreRefused) {
  FakeUpstream up("alpha");
  GatewayOptions o = oneUpstream(up);
  o.max_connections = 2;
  GatewayFixture gw(o);
  auto a = std::make_unique<TestClient>(gw.port());
  TestClient b(gw.port());
  ASSERT_TRUE(a->sendRequest("GET", "/healthz", "", ""));
  ASSERT_TRUE(a->readResponse());
  ASSERT_TRUE(b.sendRequest("GET", "/healthz", "", ""));
  ASSERT_TRUE(b.readResponse());
  TestClient over(gw.port());
  EXPECT_TRUE(over.waitClosed(1000)) << "a third connection was kept over the limit of two";
  a.reset();  // frees a slot
  bool served = false;
  for (int i = 0; i < 100 && !served; ++i) {
    auto r = TestClient::request(gw.port(), "GET", "/healthz", "", "", 500);
    served = r && r->status == 200;
    if (!served) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(served);
}

TEST(Connection, StalePooledUpstreamConnectionIsReplacedWithoutCountingAnAttempt) {
  FakeUpstream up("alpha");
  up.setCloseAfterResponse(true);
  GatewayOptions o = oneUpstream(up);
  o.max_attempts = 1;  // a stale connection must not use up the only attempt
  GatewayFixture gw(o);
  for (int i = 0; i < 3; ++i) {
    auto r = TestClient::request(gw.port(), "POST", "/v1/chat/completions", gw.key(), chatBody("gpt-test"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200) << "request " << i << ": " << r->body;
  }
  EXPECT_EQ(up.requests(), 3);
  EXPECT_EQ(up.connections(), 3);
}

// BUG (src/proxy/exchange.cc with api::RequestParser): a RequestView's string_views point into
// the worker's RequestParser storage, which the next parse on that worker overwrites. An
// exchange that is suspended (upstream wait, signing) while another exchange on the same worker
// parses its body then reads garbage through view_ (model, segments): here the provenance's
// latent_disclosure.system_name comes out as "\u0000\u0000..." plus invalid UTF-8, so the
// answer is not valid JSON (about 1 answer in 100 with 12 concurrent clients). Fix: give each
// exchange its own padded body buffer and unescape storage (e.g. RequestParser::parse into a
// per-exchange ParsedBody owning both), or copy what is used after the first co_await.
// Enable with the fix (it passed before the label step started awaiting the signer).
TEST(Connection, ConcurrentClientsOnTwoWorkersAreAllServedAndAudited) {
  FakeUpstream up("alpha");
  GatewayOptions o = oneUpstream(up);
  o.workers = 2;
  GatewayFixture gw(o);
  constexpr int kClients = 12, kRequests = 8;
  std::atomic<int> ok{0};
  std::mutex bad_mutex;
  std::vector<std::string> bad;
  std::vector<std::thread> clients;
  for (int t = 0; t < kClients; ++t) {
    clients.emplace_back([&, t] {
      TestClient c(gw.port());
      for (int i = 0; i < kRequests; ++i) {
        if (!c.sendRequest("POST", "/v1/chat/completions", gw.key(), chatBody("gpt-test", (t + i) % 3 == 0))) return;
        auto r = c.readResponse();
        if (!r) return;
        const auto j = parseJson(r->body);
        const bool good = r->status == 200 && (r->chunked ? r->body.ends_with("data: [DONE]\n\n")
                                                          : j.is_object() && j.value("object", "") == "chat.completion");
        if (good) {
          ++ok;
        } else {
          std::lock_guard lock(bad_mutex);
          bad.push_back(std::to_string(r->status) + " chunked=" + std::to_string(r->chunked) + " size=" +
                        std::to_string(r->body.size()) + " tail: " +
                        r->body.substr(r->body.size() > 400 ? r->body.size() - 400 : 0));
        }
      }
    });
  }
  for (auto& c : clients) c.join();
  EXPECT_EQ(ok.load(), kClients * kRequests);
  for (const auto& b : bad) ADD_FAILURE() << "bad answer: " << b;
  EXPECT_EQ(up.requests(), kClients * kRequests);
  size_t audited = 0;
  for (int i = 0; i < 300 && audited < kClients * kRequests; ++i) {
    audited = gw.auditRecords().size();
    if (audited < kClients * kRequests) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(audited, static_cast<size_t>(kClients * kRequests));
}

// Regression: nothing watched the client socket while the exchange waited for the upstream's
// answer (fixed in 8629c02), so a client that left before the first byte was noticed only at
// the first-byte timeout, after which the request was even retried.
TEST(Cancellation, ClientLeavingBeforeTheAnswerCancelsTheUpstreamRequest) {
  FakeUpstream up("alpha");
  up.setBehaviour(Behaviour::kHang);
  GatewayOptions o = oneUpstream(up);
  o.upstreams[0].first_byte_timeout_ms = 3000;
  GatewayFixture gw(o);
  {
    TestClient c(gw.port());
    ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", gw.key(), chatBody("gpt-test")));
    ASSERT_TRUE(up.waitFor([&] { return up.requests() == 1; }, 1000));
  }
  EXPECT_TRUE(up.waitFor([&] { return up.peerClosedEarly() == 1; }, 1000))
      << "the upstream request outlived its client";
  EXPECT_EQ(up.requests(), 1);
}

}  // namespace
}  // namespace concord::testing
