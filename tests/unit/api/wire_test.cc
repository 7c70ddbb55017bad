// SSE splitting, usage extraction, error bodies and routing.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <random>
#include <string>
#include <vector>

#include "api/endpoint.h"
#include "api/errors.h"
#include "api/sse.h"
#include "api/usage.h"

namespace concord::api {
namespace {

const std::string kStream =
    "data: {\"id\":\"c1\",\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\n\n"
    ": keep-alive comment\n\n"
    "event: message\ndata: {\"id\":\"c1\",\"choices\":[{\"delta\":{\"content\":\"lo\"}}]}\n\n"
    "data: {\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}\n\n"
    "data: [DONE]\n\n";

// Feeds `stream` cut at the given points; returns the concatenation of what came out.
std::string feedCut(const std::string& stream, std::vector<size_t> cuts, std::vector<std::string>* outputs = nullptr) {
  SseSplitter splitter;
  std::string out;
  size_t prev = 0;
  cuts.push_back(stream.size());
  for (size_t cut : cuts) {
    bool ok = false;
    const auto events = splitter.feed(std::string_view(stream).substr(prev, cut - prev), ok);
    EXPECT_TRUE(ok);
    // Whatever comes out is whole events.
    EXPECT_TRUE(events.empty() || events.ends_with("\n\n")) << events;
    if (outputs) outputs->emplace_back(events);
    out += events;
    prev = cut;
  }
  EXPECT_TRUE(splitter.rest().empty());
  return out;
}

TEST(SseSplitter, WholePiecesPassThrough) {
  std::vector<std::string> outs;
  EXPECT_EQ(feedCut(kStream, {}, &outs), kStream);
  ASSERT_EQ(outs.size(), 1u);
}

TEST(SseSplitter, EveryTwoWayCutGivesTheSameEvents) {
  for (size_t cut = 0; cut <= kStream.size(); ++cut) EXPECT_EQ(feedCut(kStream, {cut}), kStream) << cut;
}

TEST(SseSplitter, ByteByByteAndRandomCuts) {
  std::vector<size_t> every;
  for (size_t i = 1; i < kStream.size(); ++i) every.push_back(i);
  std::vector<std::string> outs;
  EXPECT_EQ(feedCut(kStream, every, &outs), kStream);
  size_t non_empty = 0;
  for (const auto& o : outs) non_empty += !o.empty();
  EXPECT_EQ(non_empty, 5u);  // each event leaves as soon as its blank line arrives
  std::mt19937 rng(42);
  for (int round = 0; round < 200; ++round) {
    std::vector<size_t> cuts;
    size_t at = 0;
    while (true) {
      at += 1 + rng() % 40;
      if (at >= kStream.size()) break;
      cuts.push_back(at);
    }
    EXPECT_EQ(feedCut(kStream, cuts), kStream) << "round " << round;
  }
}

TEST(SseSplitter, CrLfEventsAreSplitToo) {
  const std::string crlf = "data: a\r\n\r\ndata: b\r\n\r\n";
  SseSplitter s;
  bool ok;
  EXPECT_EQ(s.feed(crlf.substr(0, 10), ok), "");
  EXPECT_EQ(s.feed(crlf.substr(10), ok), crlf);
}

TEST(SseSplitter, PartialTailIsKeptAndOversizedEventIsReported) {
  SseSplitter s(16);
  bool ok = true;
  EXPECT_EQ(s.feed("data: 1\n\ndata: 2", ok), "data: 1\n\n");
  EXPECT_TRUE(ok);
  EXPECT_EQ(s.rest(), "data: 2");
  s.feed(std::string(32, 'x'), ok);
  EXPECT_FALSE(ok);
}

TEST(SseEvents, DataPayloadsInOrder) {
  std::vector<std::string> data;
  forEachEventData(kStream, [&](std::string_view d) { data.emplace_back(d); });
  ASSERT_EQ(data.size(), 4u);
  EXPECT_EQ(data.back(), "[DONE]");
  EXPECT_TRUE(data[1].find("\"lo\"") != std::string::npos);
  std::vector<std::string> raws, firsts;
  forEachEvent(kStream, [&](std::string_view raw, std::string_view d) {
    raws.emplace_back(raw);
    firsts.emplace_back(d);
  });
  ASSERT_EQ(raws.size(), 5u);
  std::string joined;
  for (const auto& r : raws) joined += r;
  EXPECT_EQ(joined, kStream);     // raw events tile the input
  EXPECT_EQ(firsts[1], "");       // the comment has no data
  EXPECT_EQ(firsts[4], "[DONE]");
}

TEST(Usage, FromAWholeAnswer) {
  const auto u = extractUsage(
      R"({"id":"x","choices":[{"message":{"content":"the \"usage\": {\"prompt_tokens\": 99}"}}],)"
      R"("usage":{"prompt_tokens":12,"completion_tokens":7,"total_tokens":19,"prompt_tokens_details":{"cached_tokens":0}}})");
  EXPECT_TRUE(u.present);
  EXPECT_EQ(u.prompt_tokens, 12);
  EXPECT_EQ(u.completion_tokens, 7);
  EXPECT_EQ(u.total_tokens, 19);
}

TEST(Usage, ResponsesNamesAndMissingTotal) {
  const auto u = extractUsage(R"({"usage":{"input_tokens":9,"output_tokens":2}})");
  EXPECT_TRUE(u.present);
  EXPECT_EQ(u.prompt_tokens, 9);
  EXPECT_EQ(u.completion_tokens, 2);
  EXPECT_EQ(u.total_tokens, 11);
}

TEST(Usage, AbsentOrNull) {
  EXPECT_FALSE(extractUsage(R"({"id":"x","choices":[]})").present);
  EXPECT_FALSE(extractUsage(R"({"id":"x","choices":[],"usage":null})").present);
  EXPECT_FALSE(extractUsage("").present);
  EXPECT_FALSE(extractUsage(R"({"usage":{"prompt_tokens":1)").present);  // cut short
}

TEST(Usage, EmbeddingsHaveNoCompletion) {
  const auto u = extractUsage(R"({"object":"list","usage":{"prompt_tokens":5,"total_tokens":5}})");
  EXPECT_TRUE(u.present);
  EXPECT_EQ(u.prompt_tokens, 5);
  EXPECT_EQ(u.completion_tokens, 0);
  EXPECT_EQ(u.total_tokens, 5);
}

TEST(Errors, OpenAiShapeWithEscaping) {
  const std::string body = errorBody({404, "invalid_request_error", "model_not_found", "model \"x\"\nnot\tserved"});
  const auto j = nlohmann::json::parse(body);
  EXPECT_EQ(j["error"]["message"], "model \"x\"\nnot\tserved");
  EXPECT_EQ(j["error"]["type"], "invalid_request_error");
  EXPECT_EQ(j["error"]["code"], "model_not_found");
  EXPECT_TRUE(j["error"]["param"].is_null());
  EXPECT_EQ(j.size(), 1u);
  EXPECT_EQ(j["error"].size(), 4u);
}

TEST(Errors, ExtraMembersAndControlCharacters) {
  std::string msg = "a";
  msg += '\x01';
  msg += "\\b";
  const std::string body = errorBody({403, "invalid_request_error", "policy_denied", msg}, R"("rules":[{"id":"r1"}])");
  const auto j = nlohmann::json::parse(body);
  EXPECT_EQ(j["error"]["message"], msg);
  EXPECT_EQ(j["error"]["rules"][0]["id"], "r1");
  std::string out;
  appendJsonEscaped(out, std::string("\x1f\"\\", 3));
  EXPECT_EQ(out, "\\u001f\\\"\\\\");
  EXPECT_EQ(badRequest("m").status, 400);
  EXPECT_EQ(badRequest("m").code, "invalid_request");
  EXPECT_EQ(notFound("m", "x").status, 404);
}

TEST(Routes, MethodsPathsAndNames) {
  EXPECT_EQ(routeFor("POST", "/v1/chat/completions").endpoint, Endpoint::kChatCompletions);
  EXPECT_TRUE(routeFor("POST", "/v1/chat/completions").method_allowed);
  EXPECT_FALSE(routeFor("GET", "/v1/chat/completions").method_allowed);
  EXPECT_EQ(routeFor("POST", "/v1/chat/completions/").endpoint, Endpoint::kChatCompletions);
  EXPECT_EQ(routeFor("POST", "/v1/embeddings?x=1").endpoint, Endpoint::kEmbeddings);
  EXPECT_EQ(routeFor("POST", "/v1/completions").endpoint, Endpoint::kCompletions);
  EXPECT_EQ(routeFor("POST", "/v1/responses").endpoint, Endpoint::kResponses);
  EXPECT_EQ(routeFor("GET", "/v1/models").endpoint, Endpoint::kModels);
  EXPECT_TRUE(routeFor("HEAD", "/healthz").method_allowed);
  EXPECT_EQ(routeFor("GET", "/readyz").endpoint, Endpoint::kReadyz);
  EXPECT_EQ(routeFor("GET", "/metrics").endpoint, Endpoint::kMetrics);
  EXPECT_EQ(routeFor("GET", "/v1/chat").endpoint, Endpoint::kUnknown);
  EXPECT_EQ(routeFor("GET", "/").endpoint, Endpoint::kUnknown);
  EXPECT_EQ(routeFor("POST", "/V1/CHAT/COMPLETIONS").endpoint, Endpoint::kUnknown);
  EXPECT_EQ(endpointName(Endpoint::kChatCompletions), "chat.completions");
  EXPECT_EQ(endpointName(Endpoint::kUnknown), "unknown");
  EXPECT_EQ(upstreamPath(Endpoint::kChatCompletions), "/chat/completions");
  EXPECT_EQ(upstreamPath(Endpoint::kEmbeddings), "/embeddings");
  EXPECT_EQ(upstreamPath(Endpoint::kHealthz), "");
}

}  // namespace
}  // namespace concord::api
