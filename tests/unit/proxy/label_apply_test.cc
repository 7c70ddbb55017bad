// LabelApply: which notices go where, for JSON answers and SSE streams (provenance is covered
// end to end in tests/e2e/governance.test.mjs).
#include "proxy/label_apply.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <nlohmann/json.hpp>

namespace concord::proxy {
namespace {

struct Fixture {
  Principal principal;
  api::RequestView view;
  std::vector<RouteCandidate> candidates;
  config::Config config;
  LabelApply step{config, nullptr};
  StepInput input() const { return {principal, view, candidates, 0, "en", 1}; }

  LabelResult labelBody(const Verdict& v, std::string& body) {
    boost::asio::io_context io;
    const StepInput in = input();  // the coroutine keeps a reference: it must outlive io.run()
    auto done = boost::asio::co_spawn(io, step.labelBody(in, v, "up", body), boost::asio::use_future);
    io.run();
    return done.get();
  }
};

constexpr std::string_view kAnswer =
    R"({"id":"c1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"hello"},"finish_reason":"stop"}]})";

std::string contentOf(const std::string& body) {
  return nlohmann::json::parse(body)["choices"][0]["message"]["content"].get<std::string>();
}

TEST(LabelApply, StartAndEndNoticesWrapTheAnswer) {
  Fixture f;
  f.view.endpoint = api::Endpoint::kChatCompletions;
  f.view.user_turns = 3;
  Verdict v;
  v.labels = {{"CN-LBL-4", "start", "AI-generated"}, {"ORG-1", "end", "Checked by ACME"},
              {"EU-AIA-50.1", "first_turn", "You are talking to an AI"}};
  std::string body(kAnswer);
  const auto result = f.labelBody(v, body);
  EXPECT_EQ(contentOf(body), "AI-generated\n\nhello\n\nChecked by ACME");
  // first_turn does not apply on the third user turn, so its rule is not reported as met.
  EXPECT_EQ(result.rule_ids, (std::vector<std::string>{"CN-LBL-4", "ORG-1"}));
}

TEST(LabelApply, FirstTurnNoticeOnlyOnTheFirstTurnAndSharedTextsMerge) {
  Fixture f;
  f.view.endpoint = api::Endpoint::kChatCompletions;
  f.view.user_turns = 1;
  Verdict v;
  v.labels = {{"EU-AIA-50.1", "first_turn", "You are talking to an AI"},
              {"KR-AIBA-31", "start", "You are talking to an AI"}};
  std::string body(kAnswer);
  f.labelBody(v, body);
  EXPECT_EQ(contentOf(body), "You are talking to an AI\n\nhello");
}

TEST(LabelApply, EmbeddingsAndEmptyVerdictsAreLeftAlone) {
  Fixture f;
  f.view.endpoint = api::Endpoint::kEmbeddings;
  Verdict v;
  v.labels = {{"CN-LBL-4", "start", "AI-generated"}};
  std::string body = R"({"data":[{"embedding":[0.1]}]})";
  EXPECT_TRUE(f.labelBody(v, body).rule_ids.empty());
  EXPECT_EQ(body, R"({"data":[{"embedding":[0.1]}]})");
  EXPECT_EQ(f.step.labelStream(f.input(), v, "up"), nullptr);
  f.view.endpoint = api::Endpoint::kChatCompletions;
  EXPECT_EQ(f.step.labelStream(f.input(), Verdict{}, "up"), nullptr);
}

TEST(LabelApply, StreamGetsAnExtraChunkBeforeTheFirstContent) {
  Fixture f;
  f.view.endpoint = api::Endpoint::kChatCompletions;
  f.view.user_turns = 1;
  Verdict v;
  v.labels = {{"CN-LBL-4", "start", "AI-generated"}};
  auto stream = f.step.labelStream(f.input(), v, "up");
  ASSERT_NE(stream, nullptr);
  std::string before, after;
  stream->event(R"({"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"hi"},"finish_reason":null}]})",
                before, after);
  ASSERT_TRUE(before.starts_with("data: ")) << before;
  const auto chunk = nlohmann::json::parse(before.substr(6, before.find("\n\n") - 6));
  EXPECT_EQ(chunk["id"], "c1");
  EXPECT_EQ(chunk["choices"][0]["delta"]["content"].get<std::string>().rfind("AI-generated", 0), 0u);
  EXPECT_TRUE(after.empty());
  EXPECT_EQ(stream->result().rule_ids, (std::vector<std::string>{"CN-LBL-4"}));
}

}  // namespace
}  // namespace concord::proxy
