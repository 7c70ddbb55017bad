#include "label/json_span.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <random>

namespace concord::label {
namespace {

TEST(JsonSpans, FindsMembersAndDecodesStrings) {
  JsonSpans j;
  std::string doc = R"( {"a":[1,-2.5e3,true,false,null],"b":{"c":"x\u00e9\ud83d\ude00\n\"q\""}} )";
  ASSERT_TRUE(j.parse(doc));
  uint32_t b = j.member(j.root(), "b");
  ASSERT_TRUE(j.isObject(b));
  EXPECT_EQ(j.str(j.member(b, "c")), "xé😀\n\"q\"");
  EXPECT_TRUE(j.isArray(j.member(j.root(), "a")));
  EXPECT_EQ(j.member(j.root(), "zz"), JsonNode::kNone);
  EXPECT_EQ(j.raw(j.member(j.root(), "a")), "[1,-2.5e3,true,false,null]");
}

TEST(JsonSpans, RejectsMalformed) {
  JsonSpans j;
  for (const char* bad : {"", "{", "}", "{\"a\"}", "{\"a\":}", "[1,]", "{\"a\":1,}", "\"\x01\"",
                          "\"\\q\"", "\"\\u12\"", "tru", "nul", "{} {}", "[\"a\" \"b\"]"})
    EXPECT_FALSE(j.parse(bad)) << bad;
  std::string deep(200, '[');
  EXPECT_FALSE(j.parse(deep + std::string(200, ']')));  // depth limit, no stack overflow
}

TEST(JsonSpans, EscapeRoundTrip) {
  std::string all;
  for (int c = 1; c < 128; ++c) all += static_cast<char>(c);
  all += "日本語";
  std::string esc;
  appendJsonEscaped(esc, all);
  std::string back;
  ASSERT_TRUE(decodeJsonString(esc, back));
  EXPECT_EQ(back, all);
  EXPECT_EQ(nlohmann::json::parse("\"" + esc + "\"").get<std::string>(), all);
}

// Differential check on random mutations of a real body: whatever nlohmann accepts, the span
// scanner accepts too (it may be looser on numbers), and labelling keeps it valid JSON.
TEST(JsonSpans, MutatedBodiesNeverCrashAndValidStaysValid) {
  const std::string base = R"({"id":"x","choices":[{"index":0,"message":{"role":"assistant","content":"Hi \"there\"\n\u00e9"},"finish_reason":"stop"}],"usage":{"total_tokens":3}})";
  std::mt19937 rng(1);
  const char alphabet[] = "{}[]\",:\\u0123456789abcdefnrtl -+.eE\x01\xc3\xa9";
  int valid = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string m = base;
    int edits = 1 + rng() % 3;
    for (int k = 0; k < edits; ++k) {
      size_t pos = rng() % m.size();
      switch (rng() % 3) {
        case 0: m[pos] = alphabet[rng() % (sizeof alphabet - 1)]; break;
        case 1: m.erase(pos, 1); break;
        default: m.insert(pos, 1, alphabet[rng() % (sizeof alphabet - 1)]);
      }
    }
    JsonSpans j;
    bool ours = j.parse(m);
    bool theirs = nlohmann::json::accept(m);
    if (theirs) {
      ++valid;
      EXPECT_TRUE(ours) << m;
    }
    if (ours) j.str(j.root());  // decoding must not crash either
  }
  EXPECT_GT(valid, 100);
}

}  // namespace
}  // namespace concord::label
