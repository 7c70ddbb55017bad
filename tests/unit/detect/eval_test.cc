// Eval over the dev sets in tests/data/detect: the figures are printed (they go in the report)
// and floors are asserted so a regression in a detector shows up here.
#include "detect/eval.h"

#include <fstream>

#include "detect/language.h"
#include "scan_helpers.h"

namespace concord::detect {
namespace {

TEST(Eval, TprAtFpr) {
  EXPECT_DOUBLE_EQ(tprAtFpr({0.9f, 0.8f, 0.0f, 0.6f}, {0.0f, 0.0f, 0.7f}, 0.0), 0.5);
  EXPECT_DOUBLE_EQ(tprAtFpr({0.9f, 0.8f}, {0.1f}, 0.01), 1.0);
}

TEST(Eval, PiiDevSet) {
  std::ifstream in(std::string(CONCORD_SOURCE_DIR) + "/tests/data/detect/pii_dev.jsonl");
  ASSERT_TRUE(in);
  auto rep = evaluate(testing::sharedScanner(), in, {});
  ASSERT_TRUE(rep.ok()) << rep.error().message;
  std::printf("%s\n", rep.value().toJson().c_str());
  EXPECT_GT(rep.value().total.fBeta(1), 0.8);
}

TEST(Eval, InjectionDevSet) {
  std::ifstream in(std::string(CONCORD_SOURCE_DIR) + "/tests/data/detect/injection_dev.jsonl");
  ASSERT_TRUE(in);
  auto rep = evaluate(testing::sharedScanner(), in, {});
  ASSERT_TRUE(rep.ok()) << rep.error().message;
  std::printf("%s\n", rep.value().toJson().c_str());
  EXPECT_GT(rep.value().tprAt5, 0.6);
}

TEST(Language, DetectsCommonLanguages) {
  EXPECT_EQ(detectLanguage("The quick brown fox jumps over the lazy dog and runs into the forest."), "en");
  EXPECT_EQ(detectLanguage("我们需要在下周之前完成项目的第一阶段，并向管理层提交详细的进度报告。"), "zh");
  EXPECT_EQ(detectLanguage("الرجاء مراجعة المستند المرفق وإرسال ملاحظاتك قبل نهاية الأسبوع المقبل"), "ar");
  EXPECT_EQ(detectLanguage(""), "und");
}

}  // namespace
}  // namespace concord::detect
