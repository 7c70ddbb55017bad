// Limits and client errors: every one answered with the right status and an OpenAI-style JSON
// error, nothing forwarded upstream, and the gateway keeps serving others.
#include <gtest/gtest.h>

#include "fake_upstream.h"
#include "gateway_fixture.h"
#include "test_client.h"
#include "test_util.h"

namespace concord::testing {
namespace {

class Limits : public ::testing::Test {
 protected:
  void SetUp() override {
    GatewayOptions o;
    o.upstreams.push_back({.name = "alpha", .base_url = up_.baseUrl(), .models = {"gpt-test", "gpt-other"}});
    o.max_body_bytes = 2048;
    o.max_header_bytes = 1024;
    o.header_timeout_ms = 300;
    gw_ = std::make_unique<GatewayFixture>(o);
  }
  void TearDown() override {
    // Still serving after whatever the test did.
    auto r = TestClient::request(gw_->port(), "POST", "/v1/chat/completions", gw_->key(), chatBody("gpt-test"));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
  }

  // Sends raw bytes on a fresh connection and reads one response.
  std::optional<HttpResponse> raw(const std::string& bytes) {
    TestClient c(gw_->port());
    if (!c.sendRaw(bytes)) return std::nullopt;
    return c.readResponse();
  }

  void expectError(const std::optional<HttpResponse>& r, int status, const std::string& code) {
    ASSERT_TRUE(r) << "no response";
    EXPECT_EQ(r->status, status) << r->body;
    EXPECT_EQ(r->header("content-type"), "application/json");
    const auto j = parseJson(r->body);
    ASSERT_TRUE(j.is_object()) << r->body;
    EXPECT_EQ(j["error"]["code"], code) << r->body;
    EXPECT_TRUE(j["error"]["message"].is_string());
    EXPECT_TRUE(j["error"]["type"].is_string());
    EXPECT_TRUE(j["error"].contains("param"));
    EXPECT_EQ(up_.requests(), 0) << "a refused request reached the upstream";
  }

  FakeUpstream up_{"alpha"};
  std::unique_ptr<GatewayFixture> gw_;
};

TEST_F(Limits, OversizedBodyIs413) {
  const std::string body = chatBody(std::string(3000, 'm'));
  TestClient c(gw_->port());
  ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", gw_->key(), body));
  auto r = c.readResponse();
  expectError(r, 413, "body_too_large");
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(c.waitClosed(1000));
}

TEST_F(Limits, OversizedChunkedBodyIs413) {
  std::string req = "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + gw_->key() +
                    "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 4; ++i) req += "400\r\n" + std::string(1024, ' ') + "\r\n";
  req += "0\r\n\r\n";
  expectError(raw(req), 413, "body_too_large");
}

TEST_F(Limits, OversizedHeadersAre431) {
  const std::string big(2000, 'a');
  expectError(raw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n"), 431,
              "headers_too_large");
}

TEST_F(Limits, SlowlorisIsClosedAfterTheHeaderTimeoutWhileOthersAreServed) {
  TestClient slow(gw_->port());
  const auto t0 = SteadyClock::now();
  ASSERT_TRUE(slow.sendRaw("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n"));
  bool closed = false;
  for (int i = 0; i < 40 && !closed; ++i) {  // one header byte every 50 ms, for at most 2 s
    if (!slow.sendRaw("X")) break;
    closed = slow.waitClosed(50);
    if (i == 1) {
      // Meanwhile another client is served at once.
      const auto t1 = SteadyClock::now();
      auto r = TestClient::request(gw_->port(), "GET", "/healthz", "", "");
      ASSERT_TRUE(r);
      EXPECT_EQ(r->status, 200);
      EXPECT_LT(millisSince(t1), 200);
    }
  }
  closed = closed || slow.waitClosed(1000);
  const long ms = millisSince(t0);
  EXPECT_TRUE(closed) << "the slow connection was never closed";
  EXPECT_GE(ms, 250);
  EXPECT_LT(ms, 1500);
}

TEST_F(Limits, IdleNewConnectionIsClosedAfterTheHeaderTimeout) {
  TestClient c(gw_->port());
  const auto t0 = SteadyClock::now();
  EXPECT_TRUE(c.waitClosed(2000));
  EXPECT_GE(millisSince(t0), 250);
}

TEST_F(Limits, MalformedHttpIs400) {
  expectError(raw("THIS IS NOT HTTP\r\n\r\n"), 400, "malformed_request");
}

TEST_F(Limits, BadContentLengthIs400) {
  expectError(raw("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Length: nope\r\n\r\n"), 400,
              "malformed_request");
}

TEST_F(Limits, MalformedJsonIs400) {
  auto r = TestClient::request(gw_->port(), "POST", "/v1/chat/completions", gw_->key(),
                               R"({"model":"gpt-test","messages":[{"role":"user","content":"hi"}})");
  expectError(r, 400, "invalid_json");
  EXPECT_FALSE(r->header("x-concord-request-id").empty());
}

TEST_F(Limits, MissingModelIs400) {
  expectError(TestClient::request(gw_->port(), "POST", "/v1/chat/completions", gw_->key(),
                                  R"({"messages":[]})"),
              400, "missing_model");
}

TEST_F(Limits, WrongContentTypeIs415) {
  TestClient c(gw_->port());
  ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", gw_->key(), chatBody("gpt-test"), "text/plain"));
  expectError(c.readResponse(), 415, "unsupported_media_type");
}

TEST_F(Limits, UnknownRouteIs404) {
  expectError(TestClient::request(gw_->port(), "POST", "/v1/nope", gw_->key(), "{}"), 404, "unknown_route");
  expectError(TestClient::request(gw_->port(), "GET", "/", "", ""), 404, "unknown_route");
}

TEST_F(Limits, WrongMethodIs405) {
  expectError(TestClient::request(gw_->port(), "GET", "/v1/chat/completions", gw_->key(), ""), 405,
              "method_not_allowed");
}

TEST_F(Limits, UnknownModelIs404) {
  auto r = TestClient::request(gw_->port(), "POST", "/v1/chat/completions", gw_->key(), chatBody("gpt-nope"));
  expectError(r, 404, "model_not_found");
  EXPECT_NE(r->body.find("gpt-nope"), std::string::npos);
}

TEST_F(Limits, MissingKeyIs401) {
  expectError(TestClient::request(gw_->port(), "POST", "/v1/chat/completions", "", chatBody("gpt-test")), 401,
              "invalid_api_key");
}

TEST_F(Limits, WrongKeyIs401) {
  std::string forged = gw_->key();
  forged.back() = forged.back() == 'a' ? 'b' : 'a';
  expectError(TestClient::request(gw_->port(), "POST", "/v1/chat/completions", forged, chatBody("gpt-test")),
              401, "invalid_api_key");
  expectError(TestClient::request(gw_->port(), "POST", "/v1/chat/completions", "sk-garbage", chatBody("gpt-test")),
              401, "invalid_api_key");
}

TEST_F(Limits, RevokedKeyIs401) {
  const std::string key = gw_->createKey({.tenant = "gone"});
  ASSERT_TRUE(gw_->setup().keys().revoke(GatewayFixture::keyId(key)));
  auto r = TestClient::request(gw_->port(), "POST", "/v1/chat/completions", key, chatBody("gpt-test"));
  expectError(r, 401, "revoked_api_key");
}

TEST_F(Limits, ModelNotAllowedForTheKeyIs403) {
  const std::string key = gw_->createKey({.tenant = "narrow", .models = {"gpt-other"}});
  expectError(TestClient::request(gw_->port(), "POST", "/v1/chat/completions", key, chatBody("gpt-test")), 403,
              "model_not_allowed");
  // The model it may use works.
  auto ok = TestClient::request(gw_->port(), "POST", "/v1/chat/completions", key, chatBody("gpt-other"));
  ASSERT_TRUE(ok);
  EXPECT_EQ(ok->status, 200);
}

TEST_F(Limits, RefusalsAreAuditedWithTheirCode) {
  auto r = TestClient::request(gw_->port(), "POST", "/v1/chat/completions", gw_->key(), chatBody("gpt-nope"));
  ASSERT_TRUE(r);
  const auto rec = gw_->waitAuditRecord(r->header("x-concord-request-id"));
  ASSERT_TRUE(rec.is_object());
  EXPECT_EQ(rec["status"], 404);
  EXPECT_EQ(rec["error"], "model_not_found");
  EXPECT_EQ(rec["tenant"], "acme");
}

}  // namespace
}  // namespace concord::testing
