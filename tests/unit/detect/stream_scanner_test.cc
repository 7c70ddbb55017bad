// StreamScanner: matches split across chunks are found with their stream offsets, and the
// safe offset never passes a match that is still open.
#include "detect/stream_scanner.h"

#include "detect/redaction.h"
#include "scan_helpers.h"

namespace concord::detect {
namespace {

std::shared_ptr<const Scanner> shared() {
  static auto s = std::shared_ptr<const Scanner>(&testing::sharedScanner(), [](const Scanner*) {});
  return s;
}

TEST(StreamScanner, FindsMatchSplitAcrossChunks) {
  ScanScratch scratch;
  StreamScanner ss(shared(), scratch);
  std::vector<Finding> out;
  std::string full;
  for (std::string_view c : {"Reach me at ali", "ce.smith@exam", "ple.org or call +44 20 79", "46 0958 thanks"}) {
    full += c;
    ASSERT_TRUE(ss.feed(c, out).ok());
  }
  ASSERT_TRUE(ss.finish(out).ok());
  bool email = false, phone = false;
  for (const auto& f : out) {
    std::string v = full.substr(f.begin, f.end - f.begin);
    email |= f.kind == kinds::kEmail && v == "alice.smith@example.org";
    phone |= f.kind == kinds::kPhone && v == "+44 20 7946 0958";
  }
  EXPECT_TRUE(email);
  EXPECT_TRUE(phone);
}

TEST(StreamScanner, SafeOffsetHoldsBackTheTail) {
  ScanScratch scratch;
  StreamScanner ss(shared(), scratch, 64);
  std::vector<Finding> out;
  std::string text(200, 'a');
  ASSERT_TRUE(ss.feed(text, out).ok());
  EXPECT_EQ(ss.safeOffset(), 136u);
  ASSERT_TRUE(ss.finish(out).ok());
  EXPECT_EQ(ss.safeOffset(), 200u);
}

TEST(StreamScanner, RedactsSplitSecretWithHoldBack) {
  // A caller releasing only up to safeOffset can redact a key split across chunks.
  ScanScratch scratch;
  StreamScanner ss(shared(), scratch);
  std::string key = "AKIA" + std::string("Q3EGRUTMXLZH5WVY");
  std::string full = "use " + key.substr(0, 9);
  std::vector<Finding> out;
  ASSERT_TRUE(ss.feed(full, out).ok());
  EXPECT_EQ(ss.safeOffset(), 0u);  // nothing released yet: the key could still be growing
  std::string rest = key.substr(9) + " to deploy";
  full += rest;
  ASSERT_TRUE(ss.feed(rest, out).ok());
  ASSERT_TRUE(ss.finish(out).ok());
  EXPECT_EQ(redact(full, out, RedactionMode::kTag, nullptr), "use [AWS_KEY] to deploy");
}

}  // namespace
}  // namespace concord::detect
