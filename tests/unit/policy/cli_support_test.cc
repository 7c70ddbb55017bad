// Helpers behind the policy CLI commands.
#include <gtest/gtest.h>

#include "policy/cli_support.h"
#include "policy/crosswalk.h"

namespace concord::policy {
namespace {

TEST(CliSupport, SplitCommaDropsBlanksAndSpaces) {
  EXPECT_EQ(splitComma("EU, CN,,US-CA"), (std::vector<std::string>{"EU", "CN", "US-CA"}));
  EXPECT_TRUE(splitComma("").empty());
}

TEST(CliSupport, VocabularyNextToThePacks) {
  const std::string packs = std::string(CONCORD_SOURCE_DIR) + "/packs";
  EXPECT_EQ(resolveVocabulary("", {packs}), packs + "/vocabulary.yaml");
  EXPECT_EQ(resolveVocabulary("", {packs + "/eu-ai-act.yaml"}), packs + "/vocabulary.yaml");
  EXPECT_EQ(resolveVocabulary("mine.yaml", {packs}), "mine.yaml");
}

TEST(CliSupport, DatesAndFormats) {
  EXPECT_EQ(*dayOrToday("1970-01-02"), 1);
  EXPECT_EQ(*dayOrToday(""), todayUtc());
  EXPECT_FALSE(dayOrToday("yesterday"));
  EXPECT_EQ(parseFormat("md"), Format::kMd);
  EXPECT_FALSE(parseFormat("xml"));
}

}  // namespace
}  // namespace concord::policy
