#include "label/explicit_label.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace concord::label {
namespace {

using nlohmann::json;

const char* kChat = R"({"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o",
 "choices":[{"index":0,"message":{"role":"assistant","content":"Hello \"world\"\n\u4f60\u597d","refusal":null},"finish_reason":"stop"},
            {"index":1,"message":{"role":"assistant","content":null,"tool_calls":[]},"finish_reason":"tool_calls"}],
 "usage":{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}})";

TEST(ExplicitLabel, ChatStartKeepsJsonValidAndOtherBytes) {
  auto r = labelResponse(kChat, Endpoint::kChatCompletions, Placement::kStart,
                         "[AI生成] \"notice\"\\");
  ASSERT_TRUE(r.ok()) << r.error().message;
  json j = json::parse(r->body);
  EXPECT_EQ(j["choices"][0]["message"]["content"],
            "[AI生成] \"notice\"\\\n\nHello \"world\"\n你好");
  EXPECT_TRUE(j["choices"][1]["message"]["content"].is_null());
  EXPECT_EQ(j["usage"]["total_tokens"], 3);
  EXPECT_EQ(r->labeled_slots, 1);
  EXPECT_EQ(r->answer_text, "Hello \"world\"\n你好");
}

TEST(ExplicitLabel, ChatEndAndEveryChoice) {
  const char* body = R"({"choices":[{"message":{"content":"a"}},{"message":{"content":"b"}}]})";
  auto r = applyExplicitLabel(body, Endpoint::kChatCompletions, Placement::kEnd, "AI");
  ASSERT_TRUE(r.ok());
  json j = json::parse(*r);
  EXPECT_EQ(j["choices"][0]["message"]["content"], "a\n\nAI");
  EXPECT_EQ(j["choices"][1]["message"]["content"], "b\n\nAI");
}

TEST(ExplicitLabel, EmptyContentGetsLabelWithoutSeparator) {
  auto r = applyExplicitLabel(R"({"choices":[{"message":{"content":""}}]})",
                              Endpoint::kChatCompletions, Placement::kEnd, "AI");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(json::parse(*r)["choices"][0]["message"]["content"], "AI");
}

TEST(ExplicitLabel, FirstTurnOnlyWithOneUserMessage) {
  const char* body = R"({"choices":[{"message":{"content":"x"}}]})";
  auto once = applyExplicitLabel(body, Endpoint::kChatCompletions, Placement::kFirstTurn, "AI", 1);
  auto later = applyExplicitLabel(body, Endpoint::kChatCompletions, Placement::kFirstTurn, "AI", 2);
  ASSERT_TRUE(once.ok() && later.ok());
  EXPECT_EQ(json::parse(*once)["choices"][0]["message"]["content"], "AI\n\nx");
  EXPECT_EQ(*later, body);
}

TEST(ExplicitLabel, Completions) {
  auto r = applyExplicitLabel(R"({"object":"text_completion","choices":[{"text":" t","index":0}]})",
                              Endpoint::kCompletions, Placement::kStart, "AI");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(json::parse(*r)["choices"][0]["text"], "AI\n\n t");
}

TEST(ExplicitLabel, ResponsesLabelsFirstOrLastPartOnly) {
  const char* body = R"({"object":"response","output":[
    {"type":"reasoning","summary":[]},
    {"type":"message","role":"assistant","content":[
      {"type":"output_text","text":"one","annotations":[]},
      {"type":"output_text","text":"two","annotations":[]}]}]})";
  auto s = labelResponse(body, Endpoint::kResponses, Placement::kStart, "AI");
  auto e = labelResponse(body, Endpoint::kResponses, Placement::kEnd, "AI");
  ASSERT_TRUE(s.ok() && e.ok());
  json js = json::parse(s->body), je = json::parse(e->body);
  EXPECT_EQ(js["output"][1]["content"][0]["text"], "AI\n\none");
  EXPECT_EQ(js["output"][1]["content"][1]["text"], "two");
  EXPECT_EQ(je["output"][1]["content"][0]["text"], "one");
  EXPECT_EQ(je["output"][1]["content"][1]["text"], "two\n\nAI");
  EXPECT_EQ(s->answer_text, "one\n\ntwo");
}

TEST(ExplicitLabel, ControlCharactersInLabelAreEscaped) {
  std::string label = "A\x01\tB";
  auto r = applyExplicitLabel(R"({"choices":[{"message":{"content":"x"}}]})",
                              Endpoint::kChatCompletions, Placement::kStart, label);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(json::parse(*r)["choices"][0]["message"]["content"], label + "\n\nx");
}

TEST(ExplicitLabel, RejectsMalformedBodies) {
  for (const char* bad : {"", "[]", "{", R"({"choices":[}")", R"({"a":"\x"})", "{} x"}) {
    auto r = applyExplicitLabel(bad, Endpoint::kChatCompletions, Placement::kStart, "AI");
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, "label.bad_json");
    }
  }
}

TEST(ExplicitLabel, NoSlotLeavesBodyUnchanged) {
  const char* body = R"({"object":"list","data":[]})";
  auto r = applyExplicitLabel(body, Endpoint::kChatCompletions, Placement::kStart, "AI");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, body);
}

TEST(AttachProvenance, AddsConcordObject) {
  auto r = attachProvenance(R"({"id":"x"} )", R"({"cid":"c"})");
  ASSERT_TRUE(r.ok());
  json j = json::parse(*r);
  EXPECT_EQ(j["concord"]["provenance"]["cid"], "c");
  EXPECT_EQ(j["id"], "x");
  auto empty = attachProvenance("{}", R"({"cid":"c"})");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(json::parse(*empty)["concord"]["provenance"]["cid"], "c");
}

TEST(AttachProvenance, MergesIntoExistingConcordObject) {
  auto r = attachProvenance(R"({"concord":{"rules":["A"]}})", R"({"cid":"c"})");
  ASSERT_TRUE(r.ok());
  json j = json::parse(*r);
  EXPECT_EQ(j["concord"]["provenance"]["cid"], "c");
  EXPECT_EQ(j["concord"]["rules"][0], "A");
  auto empty = attachProvenance(R"({"concord":{}})", "1");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(json::parse(*empty)["concord"]["provenance"], 1);
  EXPECT_FALSE(attachProvenance(R"({"concord":{"provenance":1}})", "2").ok());
}

}  // namespace
}  // namespace concord::label

namespace concord::label {
namespace {

// The offsets labelResponse records must give the same body as parsing again.
TEST(AttachProvenance, FromLabeledBodyMatchesReparse) {
  const char* bodies[] = {
      R"({"choices":[{"message":{"content":"a\"b"}}],"usage":{}})",
      R"({"concord":{"rules":["R"]},"choices":[{"message":{"content":"x"}},{"message":{"content":"y"}}]})",
      R"({"choices":[{"message":{"content":"x"}}],"concord":{}})",
      R"({"choices":[{"message":{"content":"x"}}],"concord":{ "a":1 } } )",
      R"({ })",
  };
  for (const char* b : bodies) {
    for (Placement p : {Placement::kStart, Placement::kEnd}) {
      auto lb = labelResponse(b, Endpoint::kChatCompletions, p, "标签 \"L\"");
      ASSERT_TRUE(lb.ok());
      auto fast = attachProvenance(*lb, R"({"cid":"c"})");
      auto slow = attachProvenance(lb->body, R"({"cid":"c"})");
      ASSERT_TRUE(fast.ok() && slow.ok()) << b;
      EXPECT_EQ(*fast, *slow) << b;
      EXPECT_EQ(json::parse(*fast)["concord"]["provenance"]["cid"], "c");
    }
  }
  auto dup = labelResponse(R"({"concord":{"provenance":1}})", Endpoint::kChatCompletions, Placement::kEnd, "L");
  EXPECT_FALSE(attachProvenance(*dup, "{}").ok());
}

}  // namespace
}  // namespace concord::label

namespace concord::label {
namespace {

const std::vector<LabelApplied> kStack = {{"CN-LBL-4", "start", "【AI生成】"},
                                          {"EU-AIA-50.1", "first_turn", "You are talking to an AI."},
                                          {"KR-AIBA-31.2", "end", "AI 생성"}};

TEST(MultiLabel, StacksLikeComposeAndHashesTheSame) {
  const char* body = R"({"choices":[{"message":{"content":"Answer."}},{"message":{"content":""}}]})";
  auto first = labelResponse(body, Endpoint::kChatCompletions, kStack, 1);
  ASSERT_TRUE(first.ok());
  json j = json::parse(first->body);
  std::string delivered = j["choices"][0]["message"]["content"];
  EXPECT_EQ(delivered, "You are talking to an AI.\n\n【AI生成】\n\nAnswer.\n\nAI 생성");
  EXPECT_EQ(delivered, composeLabeledText("Answer.", kStack));
  EXPECT_EQ(j["choices"][1]["message"]["content"], composeLabeledText("", kStack));
  EXPECT_EQ(textHash(delivered, kStack), answerHash("Answer.", kStack));

  auto later = labelResponse(body, Endpoint::kChatCompletions, kStack, 2);  // first_turn dropped
  ASSERT_TRUE(later.ok());
  auto applied = appliedLabels(kStack, 2);
  ASSERT_EQ(applied.size(), 2u);
  std::string d2 = json::parse(later->body)["choices"][0]["message"]["content"];
  EXPECT_EQ(d2, "【AI生成】\n\nAnswer.\n\nAI 생성");
  EXPECT_EQ(textHash(d2, applied), answerHash("Answer.", applied));
}

TEST(MultiLabel, ResponsesSplitsStartAndEndOverParts) {
  const char* body = R"({"output":[{"type":"message","content":[{"type":"output_text","text":"one"},{"type":"output_text","text":"two"}]}]})";
  auto r = labelResponse(body, Endpoint::kResponses, kStack, 3);
  ASSERT_TRUE(r.ok());
  json j = json::parse(r->body);
  EXPECT_EQ(j["output"][0]["content"][0]["text"], "【AI生成】\n\none");
  EXPECT_EQ(j["output"][0]["content"][1]["text"], "two\n\nAI 생성");
  EXPECT_EQ(r->labeled_slots, 2);
}

TEST(MultiLabel, WaivedTextIsSkipped) {
  std::vector<LabelApplied> waived = {{"CN-LBL-9", "start", ""}};
  const char* body = R"({"choices":[{"message":{"content":"x"}}]})";
  auto r = labelResponse(body, Endpoint::kChatCompletions, waived, 1);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->body, body);
}

}  // namespace
}  // namespace concord::label
