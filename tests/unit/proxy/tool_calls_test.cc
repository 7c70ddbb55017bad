// Tool calls read out of answers (whole and streamed), turned into policy facts, and replaced
// by a well-formed refusal.
#include "proxy/tool_calls.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace concord::proxy {
namespace {

using nlohmann::json;

const char* kAnswer = R"({"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m",
 "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
   {"id":"call_a","type":"function","function":{"name":"transfer_funds","arguments":"{\"amount\":5000,\"to\":{\"iban\":\"DE89\"},\"cc\":[\"a@x\",\"b@y\"]}"}},
   {"id":"call_b","type":"function","function":{"name":"run_shell","arguments":"rm -rf /"}}]},
 "finish_reason":"tool_calls"}],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}})";

TEST(ToolCalls, ReadFromAWholeAnswer) {
  const auto calls = toolCallsInBody(kAnswer);
  ASSERT_EQ(calls.size(), 2u);
  EXPECT_EQ(calls[0].id, "call_a");
  EXPECT_EQ(calls[0].name, "transfer_funds");
  EXPECT_EQ(calls[1].arguments, "rm -rf /");
  EXPECT_TRUE(toolCallsInBody(R"({"choices":[{"message":{"content":"hi"}}]})").empty());
  EXPECT_TRUE(toolCallsInBody("not json").empty());
}

TEST(ToolCalls, FactsFlattenArgumentsAndKeepNumbers) {
  const auto calls = toolCallsInBody(kAnswer);
  ToolCallFacts facts(calls);
  ASSERT_EQ(facts.facts().size(), 2u);
  const auto& transfer = facts.facts()[0];
  EXPECT_EQ(transfer.name, "transfer_funds");
  std::vector<std::pair<std::string, std::string>> seen;
  for (const auto& a : transfer.args) seen.emplace_back(std::string(a.key), std::string(a.text));
  EXPECT_EQ(seen, (std::vector<std::pair<std::string, std::string>>{
                      {"amount", "5000"}, {"cc", "a@x"}, {"cc", "b@y"}, {"to.iban", "DE89"}}));
  EXPECT_TRUE(transfer.args[0].is_number);
  EXPECT_DOUBLE_EQ(transfer.args[0].number, 5000);
  EXPECT_FALSE(transfer.args[1].is_number);
  // Arguments that are not a JSON object are tested as raw text under the empty key.
  ASSERT_EQ(facts.facts()[1].args.size(), 1u);
  EXPECT_EQ(facts.facts()[1].args[0].text, "rm -rf /");
}

TEST(ToolCalls, CollectedFromStreamDeltasAcrossEvents) {
  ToolCallCollector c;
  EXPECT_FALSE(c.event(R"({"id":"x","choices":[{"index":0,"delta":{"content":"Let me pay."}}]})"));
  EXPECT_TRUE(c.event(R"({"id":"chunk-9","created":77,"model":"m1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"send_","arguments":""}}]}}]})"));
  EXPECT_TRUE(c.event(R"({"id":"chunk-9","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"name":"payment","arguments":"{\"amo"}}]}}]})"));
  EXPECT_TRUE(c.event(R"({"id":"chunk-9","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"unt\": 1200}"}}]}}]})"));
  EXPECT_TRUE(c.event(R"({"id":"chunk-9","choices":[{"index":0,"delta":{"tool_calls":[{"index":1,"id":"call_2","function":{"name":"log","arguments":"{}"}}]}}]})"));
  ASSERT_EQ(c.calls().size(), 2u);
  EXPECT_EQ(c.calls()[0].name, "send_payment");
  EXPECT_EQ(c.calls()[0].arguments, R"({"amount": 1200})");
  EXPECT_EQ(c.calls()[0].id, "call_1");
  EXPECT_EQ(c.chunkId(), "chunk-9");
  EXPECT_EQ(c.model(), "m1");
  EXPECT_EQ(c.created(), 77);
  ToolCallFacts facts(c.calls());
  EXPECT_DOUBLE_EQ(facts.facts()[0].args[0].number, 1200);
}

TEST(ToolCalls, AHostileIndexIsIgnored) {
  ToolCallCollector c;
  c.event(R"({"choices":[{"delta":{"tool_calls":[{"index":4000000000,"function":{"name":"x"}}]}}]})");
  EXPECT_TRUE(c.calls().empty());
}

TEST(ToolCalls, RefusalReplacesTheCallsWithAnAssistantMessage) {
  const json out = json::parse(refuseToolCallsInBody(kAnswer, "A reviewer refused: too much."));
  const auto& choice = out["choices"][0];
  EXPECT_FALSE(choice["message"].contains("tool_calls"));
  EXPECT_EQ(choice["message"]["role"], "assistant");
  EXPECT_EQ(choice["message"]["content"], "A reviewer refused: too much.");
  EXPECT_EQ(choice["finish_reason"], "stop");
  EXPECT_EQ(out["usage"]["total_tokens"], 7);
  EXPECT_EQ(out["id"], "chatcmpl-1");
}

TEST(ToolCalls, StreamRefusalIsWellFormedChunks) {
  ToolCallCollector c;
  c.event(R"({"id":"chunk-9","created":77,"model":"m1","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"c","function":{"name":"x","arguments":"{}"}}]}}]})");
  const std::string events = refusalEvents(c, "no \"way\"");
  ASSERT_TRUE(events.ends_with("\n\n"));
  EXPECT_EQ(events.find("[DONE]"), std::string::npos);  // the relay ends the stream
  size_t pos = 0;
  std::vector<json> chunks;
  while ((pos = events.find("data: {", pos)) != std::string::npos) {
    const size_t end = events.find("\n\n", pos);
    chunks.push_back(json::parse(events.substr(pos + 6, end - pos - 6)));
    pos = end;
  }
  ASSERT_EQ(chunks.size(), 2u);
  EXPECT_EQ(chunks[0]["id"], "chunk-9");
  EXPECT_EQ(chunks[0]["object"], "chat.completion.chunk");
  EXPECT_EQ(chunks[0]["choices"][0]["delta"]["content"], "no \"way\"");
  EXPECT_EQ(chunks[1]["choices"][0]["finish_reason"], "stop");
}

TEST(ToolCalls, DescriptionNamesEveryCallWithItsArguments) {
  EXPECT_EQ(describeToolCalls(toolCallsInBody(kAnswer)),
            "transfer_funds({\"amount\":5000,\"to\":{\"iban\":\"DE89\"},\"cc\":[\"a@x\",\"b@y\"]})\nrun_shell(rm -rf /)");
}

}  // namespace
}  // namespace concord::proxy
