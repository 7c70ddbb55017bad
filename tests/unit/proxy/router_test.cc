#include "proxy/router.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "config/config_loader.h"

namespace concord::proxy {
namespace {

std::shared_ptr<const config::Config> twoUpstreams() {
  auto c = config::parseConfig(R"(upstreams:
  - name: primary
    base_url: https://api.example.com/v1
    region: US
    model_origin: US
    models: [gpt-4o, text-embedding-3-small]
    aliases: { fast: gpt-4o-mini, "quote\"d": gpt-4o }
  - name: backup
    base_url: http://127.0.0.1:8000/v1
    region: EU
    model_origin: FR
    models: [gpt-4o, mistral-large]
    aliases: { fast: mistral-small }
)", "t.yaml");
  EXPECT_TRUE(c) << c.error().message;
  return c.value();
}

TEST(Router, CandidatesInConfigOrder) {
  const auto config = twoUpstreams();
  Router router(*config);
  const auto& both = router.candidatesFor("gpt-4o");
  ASSERT_EQ(both.size(), 2u);
  EXPECT_EQ(both[0].upstream->name, "primary");
  EXPECT_EQ(both[0].upstream_index, 0u);
  EXPECT_EQ(both[0].upstream_model, "gpt-4o");
  EXPECT_EQ(both[1].upstream->name, "backup");
  EXPECT_EQ(both[1].upstream_index, 1u);
  const auto& one = router.candidatesFor("mistral-large");
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0].upstream->name, "backup");
  EXPECT_TRUE(router.candidatesFor("nope").empty());
  EXPECT_TRUE(router.candidatesFor("").empty());
  EXPECT_TRUE(router.candidatesFor("GPT-4O").empty());  // model names are case-sensitive
}

TEST(Router, AliasesMapToEachUpstreamsOwnModel) {
  const auto config = twoUpstreams();
  Router router(*config);
  const auto& fast = router.candidatesFor("fast");
  ASSERT_EQ(fast.size(), 2u);
  EXPECT_EQ(fast[0].upstream->name, "primary");
  EXPECT_EQ(fast[0].upstream_model, "gpt-4o-mini");
  EXPECT_EQ(fast[1].upstream->name, "backup");
  EXPECT_EQ(fast[1].upstream_model, "mistral-small");
}

TEST(Router, ModelsJsonListsEveryModelAndAliasOnce) {
  const auto config = twoUpstreams();
  Router router(*config);
  const auto j = nlohmann::json::parse(router.modelsJson());
  EXPECT_EQ(j["object"], "list");
  std::vector<std::pair<std::string, std::string>> seen;
  for (const auto& m : j["data"]) {
    EXPECT_EQ(m["object"], "model");
    EXPECT_TRUE(m["created"].is_number());
    seen.emplace_back(m["id"], m["owned_by"]);
  }
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"gpt-4o", "primary"}, {"text-embedding-3-small", "primary"}, {"fast", "primary"},
      {"quote\"d", "primary"}, {"mistral-large", "backup"}};
  EXPECT_EQ(seen, expected);
}

TEST(Router, AnUpstreamListedTwiceForAModelIsOneCandidate) {
  auto c = config::parseConfig(R"(upstreams:
  - name: solo
    base_url: http://127.0.0.1:8000/v1
    region: EU
    model_origin: FR
    models: [m1]
    aliases: { m1: m1 }
)", "t.yaml");
  ASSERT_TRUE(c);
  Router router(*c.value());
  EXPECT_EQ(router.candidatesFor("m1").size(), 1u);
}

}  // namespace
}  // namespace concord::proxy
