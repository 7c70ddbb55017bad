#include "label/sketch.h"

#include <gtest/gtest.h>

namespace concord::label {
namespace {

const char* kText =
    "The European Union requires providers of general purpose AI systems to mark their outputs "
    "in a machine readable format. Deployers must disclose deep fakes. The obligations apply "
    "from August 2026, and the Commission publishes guidelines on how to meet them.";

TEST(Sketch, IdenticalUpToCaseAndPunctuationAndWhitespace) {
  std::string shouted = kText;
  for (char& c : shouted) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_EQ(similarity(sketchText(kText), sketchText(shouted)), 1.0);
  EXPECT_EQ(similarity(sketchText("a, b;  c\n d"), sketchText("a b c d")), 1.0);
}

TEST(Sketch, SmallEditStaysSimilarUnrelatedDoesNot) {
  std::string edited = kText;
  edited.replace(edited.find("Deployers"), 9, "Users");
  double near = similarity(sketchText(kText), sketchText(edited));
  double far = similarity(sketchText(kText), sketchText("Completely different words about cooking pasta with "
                                                        "tomatoes garlic olive oil and fresh basil leaves."));
  EXPECT_GT(near, 0.6);
  EXPECT_LT(far, 0.2);
}

TEST(Sketch, CjkUsesCharacterShingles) {
  const char* zh = "人工智能生成合成内容标识办法自二零二五年九月一日起施行，服务提供者应当添加显式标识。";
  const char* zh_edit = "人工智能生成合成内容标识办法自二零二五年九月一日起施行，服务提供者必须添加显式标识。";
  Sketch a = sketchText(zh), b = sketchText(zh_edit);
  EXPECT_GT(a.shingles, 30u);  // one token per character, not one per "word"
  EXPECT_GT(similarity(a, b), 0.6);
  EXPECT_LT(similarity(a, sketchText("今天天气很好，我们去公园散步吧，顺便买点水果回家。")), 0.2);
}

TEST(Sketch, HangulUsesCharacterShinglesToo) {
  const char* ko = "인공지능 기본법은 생성형 인공지능의 결과물에 인공지능이 생성했다는 사실을 표시하도록 요구합니다.";
  const char* ko_edit = "인공지능 기본법은 생성형 인공지능 결과물에 인공지능이 생성했다는 사실을 표시하도록 규정합니다.";
  Sketch a = sketchText(ko);
  EXPECT_GT(a.shingles, 30u);
  EXPECT_GT(similarity(a, sketchText(ko_edit)), 0.5);
}

TEST(Sketch, EmptyAndTinyTexts) {
  Sketch e = sketchText("  ,.; ");
  EXPECT_EQ(e.shingles, 0u);
  EXPECT_EQ(similarity(e, e), 0.0);
  EXPECT_EQ(similarity(sketchText("hi there"), sketchText("hi there")), 1.0);
  EXPECT_LT(similarity(sketchText("hi there"), sketchText("bye there")), 1.0);
}

TEST(Sketch, BytesRoundTrip) {
  Sketch a = sketchText(kText), b;
  ASSERT_TRUE(Sketch::fromBytes(a.toBytes(), b));
  EXPECT_EQ(a.bins, b.bins);
  EXPECT_EQ(a.shingles, b.shingles);
  EXPECT_FALSE(Sketch::fromBytes("short", b));
  EXPECT_EQ(bandKeys(a), bandKeys(b));
}

}  // namespace
}  // namespace concord::label
