#include "label/stream_labeler.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace concord::label {
namespace {

using nlohmann::json;

std::string chunk(std::string_view delta, std::string_view finish = "null") {
  return std::string(R"({"id":"chatcmpl-9","object":"chat.completion.chunk","created":1700,"model":"gpt-4o-mini","system_fingerprint":"fp_1","choices":[{"index":0,"delta":)") +
         std::string(delta) + R"(,"logprobs":null,"finish_reason":)" + std::string(finish) + "}]}";
}

// Splits SSE text into the JSON payloads of its `data:` events, checking the framing.
std::vector<json> events(const std::string& sse) {
  std::vector<json> out;
  size_t pos = 0;
  while (pos < sse.size()) {
    size_t end = sse.find("\n\n", pos);
    EXPECT_NE(end, std::string::npos) << "event not terminated";
    if (end == std::string::npos) break;
    std::string ev = sse.substr(pos, end - pos);
    EXPECT_EQ(ev.rfind("data: ", 0), 0u) << ev;
    EXPECT_EQ(ev.find('\n'), std::string::npos) << "multi-line data";
    out.push_back(json::parse(ev.substr(6)));
    pos = end + 2;
  }
  return out;
}

// Runs a stream through the labeler and returns the concatenated content deltas plus all
// emitted events (parsed).
std::string run(StreamLabeler& l, const std::vector<std::string>& upstream, std::vector<json>* all,
                std::string_view provenance = {}) {
  std::string sse;
  for (const auto& u : upstream) {
    StreamEvents e = l.feed(u);
    sse += e.before + "data: " + u + "\n\n" + e.after;
  }
  sse += l.finish(provenance);
  *all = events(sse);
  std::string content;
  for (const auto& ev : *all)
    for (const auto& c : ev["choices"])
      if (c.contains("delta") && c["delta"].contains("content") && c["delta"]["content"].is_string())
        content += c["delta"]["content"].get<std::string>();
  return content;
}

const std::vector<std::string> kStream = {
    chunk(R"({"role":"assistant","content":""})"), chunk(R"({"content":"Hel"})"),
    chunk(R"({"content":"lo"})"), chunk("{}", R"("stop")")};

TEST(StreamLabeler, StartLabelBeforeFirstContentWithSameMeta) {
  StreamLabeler l(Endpoint::kChatCompletions, Placement::kStart, "AI 生成");
  std::vector<json> evs;
  EXPECT_EQ(run(l, kStream, &evs), "AI 生成\n\nHello");
  ASSERT_EQ(evs.size(), 5u);
  const json& label = evs[1];  // after the role chunk, before "Hel"
  EXPECT_EQ(label["choices"][0]["delta"]["content"], "AI 生成\n\n");
  EXPECT_FALSE(label["choices"][0]["delta"].contains("role"));
  for (const char* k : {"id", "object", "created", "model", "system_fingerprint"})
    EXPECT_EQ(label[k], evs[0][k]) << k;
  EXPECT_EQ(l.answerText(), "Hello");
  EXPECT_EQ(l.labelsEmitted(), 1);
}

TEST(StreamLabeler, EndLabelBeforeFinishChunk) {
  StreamLabeler l(Endpoint::kChatCompletions, Placement::kEnd, "AI");
  std::vector<json> evs;
  EXPECT_EQ(run(l, kStream, &evs), "Hello\n\nAI");
  ASSERT_EQ(evs.size(), 5u);
  EXPECT_EQ(evs[3]["choices"][0]["delta"]["content"], "\n\nAI");
  EXPECT_EQ(evs[4]["choices"][0]["finish_reason"], "stop");
}

TEST(StreamLabeler, EndLabelAfterFinishChunkThatCarriesContent) {
  StreamLabeler l(Endpoint::kChatCompletions, Placement::kEnd, "AI");
  std::vector<json> evs;
  EXPECT_EQ(run(l, {chunk(R"({"role":"assistant","content":"Hi"})", R"("stop")")}, &evs),
            "Hi\n\nAI");
}

TEST(StreamLabeler, EndLabelAtFinishWithoutFinishReasonPlusProvenanceChunk) {
  StreamLabeler l(Endpoint::kChatCompletions, Placement::kEnd, "AI");
  std::vector<json> evs;
  EXPECT_EQ(run(l, {chunk(R"({"content":"x"})")}, &evs, R"({"cid":"abc"})"), "x\n\nAI");
  ASSERT_EQ(evs.size(), 3u);
  EXPECT_TRUE(evs[2]["choices"].empty());
  EXPECT_EQ(evs[2]["concord"]["provenance"]["cid"], "abc");
  EXPECT_EQ(evs[2]["id"], "chatcmpl-9");
}

TEST(StreamLabeler, RoleAddedWhenFirstChunkCarriesContent) {
  StreamLabeler l(Endpoint::kChatCompletions, Placement::kStart, "AI");
  auto e = l.feed(chunk(R"({"role":"assistant","content":"x"})"));
  std::vector<json> evs = events(e.before);
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0]["choices"][0]["delta"]["role"], "assistant");
}

TEST(StreamLabeler, FirstTurnSkippedLaterInConversation) {
  StreamLabeler l(Endpoint::kChatCompletions, Placement::kFirstTurn, "AI", 3);
  std::vector<json> evs;
  EXPECT_EQ(run(l, kStream, &evs), "Hello");
  EXPECT_EQ(l.labelsEmitted(), 0);
}

TEST(StreamLabeler, ToolCallOnlyStreamGetsNoLabel) {
  StreamLabeler l(Endpoint::kChatCompletions, Placement::kEnd, "AI");
  std::vector<json> evs;
  run(l, {chunk(R"({"role":"assistant","content":null,"tool_calls":[]})"), chunk("{}", R"("tool_calls")")},
      &evs);
  EXPECT_EQ(l.labelsEmitted(), 0);
}

TEST(StreamLabeler, EachChoiceLabelledOnce) {
  StreamLabeler l(Endpoint::kChatCompletions, Placement::kStart, "AI");
  auto a = l.feed(R"({"id":"c","choices":[{"index":0,"delta":{"content":"a"}},{"index":1,"delta":{"content":"b"}}]})");
  auto b = l.feed(R"({"id":"c","choices":[{"index":1,"delta":{"content":"c"}}]})");
  std::vector<json> evs = events(a.before);
  ASSERT_EQ(evs.size(), 2u);
  EXPECT_EQ(evs[1]["choices"][0]["index"], 1);
  EXPECT_TRUE(b.before.empty());
  EXPECT_EQ(l.answerText(), "a");
}

TEST(StreamLabeler, SeveralLabelsOneChunkEachSideSameTextAsBody) {
  std::vector<LabelApplied> stack = {{"CN-LBL-4", "start", "【AI生成】"},
                                     {"EU-AIA-50.1", "first_turn", "You are talking to an AI."},
                                     {"KR-AIBA-31.2", "end", "AI 생성"}};
  StreamLabeler l(Endpoint::kChatCompletions, stack, 1);
  std::vector<json> evs;
  std::string text = run(l, kStream, &evs);
  EXPECT_EQ(text, composeLabeledText("Hello", stack));
  EXPECT_EQ(evs.size(), 6u);  // 4 upstream + one start chunk + one end chunk
  EXPECT_EQ(l.labelsEmitted(), 2);
  EXPECT_EQ(textHash(text, stack), answerHash(l.answerText(), stack));
}

TEST(StreamLabeler, CompletionsStream) {
  StreamLabeler l(Endpoint::kCompletions, Placement::kStart, "AI");
  auto e = l.feed(R"({"id":"cmpl-1","object":"text_completion","created":5,"model":"m","choices":[{"text":"x","index":0,"logprobs":null,"finish_reason":null}]})");
  std::vector<json> evs = events(e.before);
  ASSERT_EQ(evs.size(), 1u);
  EXPECT_EQ(evs[0]["choices"][0]["text"], "AI\n\n");
  EXPECT_EQ(evs[0]["object"], "text_completion");
}

TEST(StreamLabeler, GarbagePassesThrough) {
  StreamLabeler l(Endpoint::kChatCompletions, Placement::kStart, "AI");
  auto e = l.feed("not json");
  EXPECT_TRUE(e.before.empty());
  EXPECT_TRUE(e.after.empty());
  EXPECT_EQ(l.unparsed(), 1);
}

}  // namespace
}  // namespace concord::label
