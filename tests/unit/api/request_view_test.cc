#include "api/request_view.h"

#include <gtest/gtest.h>

#include <string>

namespace concord::api {
namespace {

std::string_view rawOf(std::string_view body, const TextSegment& s) {
  return body.substr(s.raw_begin, s.raw_end - s.raw_begin);
}

TEST(RequestView, ChatMessagesBecomeSegmentsWithRolesAndRawSpans) {
  const std::string body =
      R"({"model":"gpt-4o","stream":true,"stream_options":{"include_usage":true},)"
      R"("messages":[{"role":"system","content":"Be brief."},)"
      R"({"content":"Hi \"you\"\n","role":"user"},)"
      R"({"role":"assistant","content":null},)"
      R"({"role":"user","content":[{"type":"text","text":"part one"},{"type":"image_url","image_url":{"url":"data:x"}},{"type":"text","text":"part two"}]}]})";
  RequestParser parser;
  auto v = parser.parse(Endpoint::kChatCompletions, body);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->model, "gpt-4o");
  EXPECT_EQ(rawOf(body, {v->model, v->model_raw_begin, v->model_raw_end}), "\"gpt-4o\"");
  EXPECT_TRUE(v->stream);
  EXPECT_TRUE(v->include_usage);
  EXPECT_EQ(v->user_turns, 2);
  ASSERT_EQ(v->segments.size(), 4u);
  EXPECT_EQ(v->segments[0].text, "Be brief.");
  EXPECT_EQ(v->segments[0].role, SegmentRole::kSystem);
  EXPECT_EQ(v->segments[0].message_index, 0);
  // Role after content: relabelled; text unescaped; raw span is the JSON token with quotes.
  EXPECT_EQ(v->segments[1].text, "Hi \"you\"\n");
  EXPECT_EQ(v->segments[1].role, SegmentRole::kUser);
  EXPECT_EQ(rawOf(body, v->segments[1]), R"("Hi \"you\"\n")");
  EXPECT_EQ(v->segments[2].text, "part one");
  EXPECT_EQ(v->segments[2].message_index, 3);
  EXPECT_EQ(rawOf(body, v->segments[2]), "\"part one\"");
  EXPECT_EQ(v->segments[3].text, "part two");
  EXPECT_EQ(rawOf(body, v->segments[3]), "\"part two\"");
}

TEST(RequestView, RawSpansSurviveWhitespaceAroundTokens) {
  const std::string body = "{ \"model\" : \"m\" ,\n \"messages\" : [ { \"role\" : \"user\" , \"content\" : \"x y\"\t} ] }";
  RequestParser parser;
  auto v = parser.parse(Endpoint::kChatCompletions, body);
  ASSERT_TRUE(v) << v.error().message;
  ASSERT_EQ(v->segments.size(), 1u);
  EXPECT_EQ(rawOf(body, v->segments[0]), "\"x y\"");
  EXPECT_EQ(body.substr(v->model_raw_begin, v->model_raw_end - v->model_raw_begin), "\"m\"");
}

TEST(RequestView, ToolsAreNoticed) {
  RequestParser parser;
  auto v = parser.parse(Endpoint::kChatCompletions,
                        R"({"model":"m","messages":[],"tools":[{"type":"function","function":{"name":"f"}}]})");
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->tools_present);
  EXPECT_FALSE(v->stream);
}

TEST(RequestView, CompletionsPromptStringOrList) {
  RequestParser parser;
  auto a = parser.parse(Endpoint::kCompletions, R"({"model":"m","prompt":"once upon"})");
  ASSERT_TRUE(a);
  ASSERT_EQ(a->segments.size(), 1u);
  EXPECT_EQ(a->segments[0].text, "once upon");
  EXPECT_EQ(a->segments[0].role, SegmentRole::kUser);
  EXPECT_EQ(a->user_turns, 1);
  auto b = parser.parse(Endpoint::kCompletions, R"({"model":"m","prompt":["a","b"]})");
  ASSERT_TRUE(b);
  ASSERT_EQ(b->segments.size(), 2u);
  EXPECT_EQ(b->segments[1].text, "b");
  EXPECT_EQ(b->segments[1].message_index, 1);
  auto tokens = parser.parse(Endpoint::kCompletions, R"({"model":"m","prompt":[1,2,3]})");
  ASSERT_TRUE(tokens);
  EXPECT_TRUE(tokens->segments.empty());  // token ids are not text
}

TEST(RequestView, EmbeddingsInput) {
  RequestParser parser;
  auto v = parser.parse(Endpoint::kEmbeddings, R"({"input":["alpha","beta"],"model":"text-embedding-3-small"})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->model, "text-embedding-3-small");
  ASSERT_EQ(v->segments.size(), 2u);
  EXPECT_EQ(v->segments[0].text, "alpha");
}

TEST(RequestView, ResponsesInputMessagesAndInstructions) {
  const std::string body =
      R"({"model":"m","instructions":"Be kind","input":[{"role":"user","content":[{"type":"input_text","text":"hello"}]},)"
      R"({"role":"assistant","content":[{"type":"output_text","text":"hi"}]}]})";
  RequestParser parser;
  auto v = parser.parse(Endpoint::kResponses, body);
  ASSERT_TRUE(v) << v.error().message;
  ASSERT_EQ(v->segments.size(), 3u);
  EXPECT_EQ(v->segments[0].text, "Be kind");
  EXPECT_EQ(v->segments[0].role, SegmentRole::kSystem);
  EXPECT_EQ(v->segments[1].text, "hello");
  EXPECT_EQ(v->segments[1].role, SegmentRole::kUser);
  EXPECT_EQ(v->segments[2].role, SegmentRole::kAssistant);
  EXPECT_EQ(v->user_turns, 1);
  auto s = parser.parse(Endpoint::kResponses, R"({"model":"m","input":"just text"})");
  ASSERT_TRUE(s);
  ASSERT_EQ(s->segments.size(), 1u);
  EXPECT_EQ(s->user_turns, 1);
}

TEST(RequestView, FieldsOfOtherEndpointsAreIgnored) {
  RequestParser parser;
  auto v = parser.parse(Endpoint::kEmbeddings, R"({"model":"m","messages":[{"role":"user","content":"x"}]})");
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->segments.empty());
}

TEST(RequestView, InvalidJsonIsAClientError) {
  RequestParser parser;
  for (const std::string body : {R"({"model":"m",)", "not json", R"(["model"])", "",
                                 R"({"model":"m","messages":[{"role":"user","content":"x"}})",
                                 R"({"model":"m","stream":"yes"})", R"({"model":42})"}) {
    auto v = parser.parse(Endpoint::kChatCompletions, body);
    ASSERT_FALSE(v) << body;
    EXPECT_EQ(v.error().code, "invalid_json") << body;
    EXPECT_NE(v.error().message.find("not valid JSON"), std::string::npos);
  }
}

TEST(RequestView, MissingModelIsAClientError) {
  RequestParser parser;
  auto v = parser.parse(Endpoint::kChatCompletions, R"({"messages":[]})");
  ASSERT_FALSE(v);
  EXPECT_EQ(v.error().code, "missing_model");
}

TEST(RequestView, ParserIsReusable) {
  RequestParser parser;
  auto a = parser.parse(Endpoint::kChatCompletions, R"({"model":"first","messages":[{"role":"user","content":"a"}]})");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->segments.size(), 1u);
  auto b = parser.parse(Endpoint::kChatCompletions, R"({"model":"second","messages":[]})");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->model, "second");
  EXPECT_TRUE(b->segments.empty());  // nothing left over from the first body
  EXPECT_EQ(b->user_turns, 0);
}

}  // namespace
}  // namespace concord::api
