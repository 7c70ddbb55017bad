// The happy paths through the real listener and exchange: JSON and SSE relay, the other
// endpoints, alias rewrite, upstream key, Concord's headers, audit records, keep-alive and
// pipelining.
#include <gtest/gtest.h>

#include <cstdlib>

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

TEST(Relay, NonStreamingChatIsRelayedWithConcordHeadersAndAudited) {
  FakeUpstream up("alpha");
  ::setenv("CONCORD_IT_ALPHA_KEY", "sk-upstream-alpha-123", 1);
  GatewayOptions o;
  o.upstreams.push_back({.name = "alpha", .base_url = up.baseUrl(), .models = {"gpt-test"},
                         .api_key_env = "CONCORD_IT_ALPHA_KEY"});
  GatewayFixture gw(o);
  const std::string body = chatBody("gpt-test");
  auto r = TestClient::request(gw.port(), "POST", "/v1/chat/completions", gw.key(), body);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  // The upstream's answer, unchanged apart from Concord's own `concord` member (provenance).
  auto answer = parseJson(r->body);
  ASSERT_TRUE(answer.is_object()) << r->body;
  answer.erase("concord");
  EXPECT_EQ(answer, parseJson(up.chatCompletionJson("gpt-test")));
  EXPECT_TRUE(r->body.starts_with(up.chatCompletionJson("gpt-test").substr(0, 200)));
  EXPECT_EQ(r->header("content-type"), "application/json");
  const std::string id = r->header("x-concord-request-id");
  EXPECT_TRUE(id.starts_with("cx-")) << id;
  const std::string overhead = r->header("x-concord-overhead-us");
  ASSERT_FALSE(overhead.empty());
  EXPECT_GE(std::stoll(overhead), 0);
  EXPECT_LT(std::stoll(overhead), 1'000'000);
  EXPECT_EQ(r->header("x-concord-upstream"), "alpha");

  // What the upstream saw: the body unchanged, the upstream's own key, not the client's.
  const auto seen = up.lastRequest();
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.target, "/v1/chat/completions");
  EXPECT_EQ(seen.body, body);
  EXPECT_EQ(seen.headers.at("authorization"), "Bearer sk-upstream-alpha-123");
  EXPECT_EQ(seen.headers.at("content-type"), "application/json");
  EXPECT_EQ(seen.headers.at("host"), "127.0.0.1:" + std::to_string(up.port()));

  const auto rec = gw.waitAuditRecord(id);
  ASSERT_TRUE(rec.is_object()) << "no audit record for " << id;
  EXPECT_EQ(rec["tenant"], "acme");
  EXPECT_EQ(rec["key_id"], GatewayFixture::keyId(gw.key()));
  EXPECT_EQ(rec["endpoint"], "chat.completions");
  EXPECT_EQ(rec["model"], "gpt-test");
  EXPECT_EQ(rec["upstream"], "alpha");
  EXPECT_EQ(rec["status"], 200);
  EXPECT_EQ(rec["attempts"], 1);
  EXPECT_EQ(rec["stream"], false);
  EXPECT_EQ(rec["usage"]["prompt_tokens"], 12);
  EXPECT_EQ(rec["usage"]["completion_tokens"], 7);
  EXPECT_EQ(rec["usage"]["total_tokens"], 19);
  EXPECT_FALSE(rec.contains("error"));
  EXPECT_GE(rec["total_us"].get<int64_t>(), rec["overhead_us"].get<int64_t>());
  ::unsetenv("CONCORD_IT_ALPHA_KEY");
}

TEST(Relay, NoUpstreamKeyMeansNoAuthorizationHeaderUpstream) {
  FakeUpstream up("alpha");
  GatewayFixture gw(oneUpstream(up));
  auto r = TestClient::request(gw.port(), "POST", "/v1/chat/completions", gw.key(), chatBody("gpt-test"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(up.lastRequest().headers.count("authorization"), 0u);  // the client's key never leaks
}

TEST(Relay, CompletionsEmbeddingsResponsesAndModels) {
  FakeUpstream up("alpha");
  GatewayOptions o = oneUpstream(up, {"gpt-test", "text-embedding-test"});
  o.upstreams[0].aliases = {{"embed", "text-embedding-test"}};
  GatewayFixture gw(o);

  auto c = TestClient::request(gw.port(), "POST", "/v1/completions", gw.key(),
                               R"({"model":"gpt-test","prompt":"Say hi","max_tokens":5})");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->status, 200);
  EXPECT_EQ(parseJson(c->body)["object"], "text_completion");
  EXPECT_EQ(up.lastRequest().target, "/v1/completions");

  auto e = TestClient::request(gw.port(), "POST", "/v1/embeddings", gw.key(),
                               R"({"model":"embed","input":["one","two"]})");
  ASSERT_TRUE(e);
  EXPECT_EQ(e->status, 200);
  EXPECT_EQ(parseJson(e->body)["data"][0]["object"], "embedding");
  EXPECT_EQ(up.lastRequest().target, "/v1/embeddings");
  EXPECT_EQ(up.lastRequest().model, "text-embedding-test");

  auto resp = TestClient::request(gw.port(), "POST", "/v1/responses", gw.key(),
                                  R"({"model":"gpt-test","input":"Hello","instructions":"Be brief"})");
  ASSERT_TRUE(resp);
  EXPECT_EQ(resp->status, 200);
  EXPECT_EQ(up.lastRequest().target, "/v1/responses");
  const auto rec = gw.waitAuditRecord(resp->header("x-concord-request-id"));
  ASSERT_TRUE(rec.is_object());
  EXPECT_EQ(rec["endpoint"], "responses");
  EXPECT_EQ(rec["usage"]["prompt_tokens"], 9);  // input_tokens
  EXPECT_EQ(rec["usage"]["completion_tokens"], 2);
  EXPECT_EQ(rec["usage"]["total_tokens"], 11);

  auto m = TestClient::request(gw.port(), "GET", "/v1/models", gw.key(), "");
  ASSERT_TRUE(m);
  EXPECT_EQ(m->status, 200);
  const auto models = parseJson(m->body);
  ASSERT_TRUE(models.is_object()) << m->body;
  EXPECT_EQ(models["object"], "list");
  std::vector<std::string> ids;
  for (const auto& d : models["data"]) {
    ids.push_back(d["id"]);
    EXPECT_EQ(d["object"], "model");
    EXPECT_EQ(d["owned_by"], "alpha");
  }
  EXPECT_EQ(ids, (std::vector<std::string>{"gpt-test", "text-embedding-test", "embed"}));
  const int before = up.requests();
  auto unauth = TestClient::request(gw.port(), "GET", "/v1/models", "", "");
  ASSERT_TRUE(unauth);
  EXPECT_EQ(unauth->status, 401);
  EXPECT_EQ(up.requests(), before);  // the model list is Concord's own, not forwarded
}

TEST(Relay, AliasIsRewrittenToTheUpstreamModelAndNothingElseChanges) {
  FakeUpstream up("alpha");
  GatewayOptions o = oneUpstream(up, {"gpt-test-2025-01-01"});
  o.upstreams[0].aliases = {{"fast", "gpt-test-2025-01-01"}};
  GatewayFixture gw(o);
  // Odd but valid JSON around the model: spaces and an escaped character elsewhere.
  const std::string body =
      R"({ "messages": [{"role":"user","content":"say \"model\": \"fast\""}], "model" : "fast", "temperature": 0.2 })";
  auto r = TestClient::request(gw.port(), "POST", "/v1/chat/completions", gw.key(), body);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  const std::string expected =
      R"({ "messages": [{"role":"user","content":"say \"model\": \"fast\""}], "model" : "gpt-test-2025-01-01", "temperature": 0.2 })";
  EXPECT_EQ(up.lastRequest().body, expected);
  EXPECT_EQ(up.lastRequest().headers.at("content-length"), std::to_string(expected.size()));
  const auto rec = gw.waitAuditRecord(r->header("x-concord-request-id"));
  ASSERT_TRUE(rec.is_object());
  EXPECT_EQ(rec["model"], "fast");  // the audit keeps the name the client used

  // The upstream's own name is served as well, without rewriting.
  auto direct = TestClient::request(gw.port(), "POST", "/v1/chat/completions", gw.key(),
                                    chatBody("gpt-test-2025-01-01"));
  ASSERT_TRUE(direct);
  EXPECT_EQ(direct->status, 200);
  EXPECT_EQ(up.lastRequest().body, chatBody("gpt-test-2025-01-01"));
}

TEST(Relay, StreamIsRelayedEventByEventAsItArrives) {
  FakeUpstream up("alpha");
  up.setDrip(6, 150);  // six events, 150 ms apart: the upstream takes >= 750 ms
  GatewayFixture gw(oneUpstream(up, {"fake-drip"}));
  TestClient c(gw.port());
  const auto t0 = SteadyClock::now();
  ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", gw.key(), chatBody("fake-drip", true)));
  auto head = c.readHead(3000);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->chunked);
  EXPECT_EQ(head->header("content-type"), "text/event-stream; charset=utf-8");
  EXPECT_FALSE(head->header("x-concord-request-id").empty());
  EXPECT_FALSE(head->header("x-concord-overhead-us").empty());
  std::vector<std::string> chunks;
  std::vector<long> at_ms;
  for (int i = 0; i < 50; ++i) {
    auto chunk = c.readChunk(3000);
    ASSERT_TRUE(chunk) << "stream did not terminate";
    if (chunk->empty()) break;
    chunks.push_back(*chunk);
    at_ms.push_back(millisSince(t0));
  }
  ASSERT_GE(chunks.size(), 6u);
  // The first event reached the client long before the upstream finished.
  EXPECT_LT(at_ms.front(), 400) << "first event was held back";
  EXPECT_GE(at_ms.back() - at_ms.front(), 600) << "events arrived together";
  std::string all;
  for (const auto& ch : chunks) {
    EXPECT_TRUE(ch.ends_with("\n\n")) << "a chunk is not whole events: " << ch;
    all += ch;
  }
  const auto data = sseData(all);
  ASSERT_GE(data.size(), 7u);
  EXPECT_EQ(parseJson(data.front())["object"], "chat.completion.chunk");
  EXPECT_EQ(data.back(), "[DONE]");
  EXPECT_EQ(up.streamsCompleted(), 1);
}

TEST(Relay, StreamUsageIsAudited) {
  FakeUpstream up("alpha");
  GatewayFixture gw(oneUpstream(up));
  auto r = TestClient::request(gw.port(), "POST", "/v1/chat/completions", gw.key(),
                               chatBody("gpt-test", true, true));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_TRUE(r->chunked);
  const auto data = sseData(r->body);
  ASSERT_GE(data.size(), 3u);
  EXPECT_EQ(data.back(), "[DONE]");
  bool usage_relayed = false;
  for (const auto& d : data) {
    const auto j = parseJson(d);
    if (j.is_object() && j.contains("usage") && j["usage"].is_object())
      usage_relayed = usage_relayed || j["usage"].value("total_tokens", 0) == 19;
  }
  EXPECT_TRUE(usage_relayed) << r->body;
  const auto rec = gw.waitAuditRecord(r->header("x-concord-request-id"));
  ASSERT_TRUE(rec.is_object());
  EXPECT_EQ(rec["stream"], true);
  EXPECT_EQ(rec["status"], 200);
  EXPECT_EQ(rec["usage"]["prompt_tokens"], 12);
  EXPECT_EQ(rec["usage"]["completion_tokens"], 7);
}

TEST(Relay, KeepAliveServesSeveralRequestsOnOneConnectionAndReusesTheUpstream) {
  FakeUpstream up("alpha");
  GatewayFixture gw(oneUpstream(up));
  TestClient c(gw.port());
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", gw.key(), chatBody("gpt-test", i % 2 == 1)));
    auto r = c.readResponse();
    ASSERT_TRUE(r) << "request " << i;
    EXPECT_EQ(r->status, 200);
    EXPECT_NE(r->header("connection"), "close");
  }
  EXPECT_EQ(up.requests(), 4);
  EXPECT_EQ(up.connections(), 1);  // the upstream connection was pooled and reused
}

TEST(Relay, PipelinedRequestsAreAnsweredInOrder) {
  FakeUpstream up("alpha");
  GatewayFixture gw(oneUpstream(up, {"model-one", "model-two"}));
  auto req = [&](const std::string& model) {
    const std::string body = chatBody(model);
    return "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + gw.key() +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n\r\n" + body;
  };
  TestClient c(gw.port());
  ASSERT_TRUE(c.sendRaw(req("model-one") + req("model-two") + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto first = c.readResponse();
  auto second = c.readResponse();
  auto third = c.readResponse();
  ASSERT_TRUE(first && second && third);
  EXPECT_EQ(first->status, 200);
  EXPECT_EQ(parseJson(first->body)["model"], "model-one");
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(parseJson(second->body)["model"], "model-two");
  EXPECT_EQ(third->status, 200);
  EXPECT_EQ(third->body, R"({"status":"ok"})");
  EXPECT_NE(first->header("x-concord-request-id"), second->header("x-concord-request-id"));
}

TEST(Relay, ExpectContinueIsHonoured) {
  FakeUpstream up("alpha");
  GatewayFixture gw(oneUpstream(up));
  TestClient c(gw.port());
  const std::string body = chatBody("gpt-test");
  ASSERT_TRUE(c.sendRaw("POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + gw.key() +
                        "\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n"));
  // The interim answer comes before the body is sent.
  ASSERT_TRUE(c.waitClosed(100) == false);
  ASSERT_TRUE(c.sendRaw(body));
  auto r = c.readResponse();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

}  // namespace
}  // namespace concord::testing

namespace concord::testing {
namespace {

// A /v1/responses stream ends with response.completed and no [DONE]: relayed as it came (the
// label step adds the provenance to the terminal event), not taken for a stream cut short.
TEST(Relay, ResponsesStreamEndsAtResponseCompletedWithoutAnErrorEvent) {
  FakeUpstream up("alpha");
  const std::vector<std::string> events = {
      R"({"type":"response.created","sequence_number":0,"response":{"id":"resp_1","object":"response","status":"in_progress","output":[]}})",
      R"({"type":"response.output_text.delta","sequence_number":1,"item_id":"msg_1","output_index":0,"content_index":0,"delta":"Hello"})",
      R"({"type":"response.output_text.done","sequence_number":2,"item_id":"msg_1","output_index":0,"content_index":0,"text":"Hello"})",
      R"({"type":"response.completed","sequence_number":3,"response":{"id":"resp_1","object":"response","status":"completed","output":[],"usage":{"input_tokens":9,"output_tokens":2,"total_tokens":11}}})"};
  up.setCannedResponsesStream(events);
  GatewayFixture gw(oneUpstream(up));
  auto r = TestClient::request(gw.port(), "POST", "/v1/responses", gw.key(),
                               R"({"model":"gpt-test","input":"Say hello","stream":true})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  const auto data = sseData(r->body);
  ASSERT_EQ(data.size(), events.size()) << r->body;
  for (size_t i = 0; i + 1 < events.size(); ++i) EXPECT_EQ(data[i], events[i]);
  // The terminal event is the upstream's with the signed provenance of the text "Hello" added.
  const auto completed = parseJson(data.back());
  EXPECT_EQ(completed["type"], "response.completed");
  EXPECT_EQ(completed["response"]["usage"]["total_tokens"], 11);
  const auto& manifest = completed["response"]["concord"]["provenance"]["manifest"];
  EXPECT_EQ(manifest["hash"], "sha256:185f8db32271fe25f561a6fc938b2e264306ec304eda518007d1764826381969")
      << data.back();  // sha256("Hello"): the answer text, not the empty string
  EXPECT_EQ(r->body.find("upstream_truncated"), std::string::npos) << r->body;
  const auto rec = gw.waitAuditRecord(r->header("x-concord-request-id"));
  ASSERT_TRUE(rec.is_object());
  EXPECT_FALSE(rec.contains("error")) << rec.dump();
}

}  // namespace
}  // namespace concord::testing
