// Redaction modes and pseudonym restore, including tokens split across stream chunks.
#include "detect/redaction.h"

#include <gtest/gtest.h>

namespace concord::detect {
namespace {

const std::string kText = "mail bob@example.com card 4111111111111111 end";
std::vector<Finding> findings() {
  return {{kinds::kEmail, 5, 20, 0.95f, kDetectorPii}, {kinds::kCard, 26, 42, 0.9f, kDetectorPii},
          {kinds::kInjOverride, 0, 4, 0.9f, kDetectorInjection}};
}

TEST(Redaction, Tag) {
  EXPECT_EQ(redact(kText, findings(), RedactionMode::kTag, nullptr), "mail [EMAIL] card [CARD] end");
}

TEST(Redaction, Mask) {
  EXPECT_EQ(redact(kText, findings(), RedactionMode::kMask, nullptr), "mail ****ecom card ****1111 end");
}

TEST(Redaction, PseudonymsAreStableAndRestored) {
  PseudonymVault vault("tenant-a");
  std::string r1 = redact(kText, findings(), RedactionMode::kPseudonym, &vault);
  EXPECT_EQ(r1, "mail <EMAIL_1> card <CARD_1> end");
  std::string r2 = redact(kText, findings(), RedactionMode::kPseudonym, &vault);
  EXPECT_EQ(r1, r2);
  EXPECT_EQ(vault.restore("Sent to <EMAIL_1>, charged <CARD_1>. <EMAIL_9> stays."),
            "Sent to bob@example.com, charged 4111111111111111. <EMAIL_9> stays.");
}

TEST(Redaction, DifferentValuesGetDifferentTokens) {
  PseudonymVault vault;
  EXPECT_EQ(vault.tokenFor(kinds::kEmail, "a@x.io"), "<EMAIL_1>");
  EXPECT_EQ(vault.tokenFor(kinds::kEmail, "b@x.io"), "<EMAIL_2>");
  EXPECT_EQ(vault.tokenFor(kinds::kEmail, "a@x.io"), "<EMAIL_1>");
}

TEST(Redaction, StreamingRestoreHandlesSplitTokens) {
  PseudonymVault vault;
  vault.tokenFor(kinds::kEmail, "bob@example.com");
  PseudonymRestorer r(vault);
  std::string out;
  for (std::string_view chunk : {"Hello <EM", "AIL_", "1> and < 3 is", " math <EMAIL_1", ">!"}) out += r.feed(chunk);
  out += r.finish();
  EXPECT_EQ(out, "Hello bob@example.com and < 3 is math bob@example.com!");
}

TEST(Redaction, StreamingHoldBackIsBounded) {
  PseudonymVault vault;
  PseudonymRestorer r(vault);
  std::string out = r.feed("<" + std::string(100, 'x'));
  EXPECT_EQ(out.size(), 101u);  // not a token: released at once
}

}  // namespace
}  // namespace concord::detect
