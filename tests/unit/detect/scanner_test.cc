// Scanner integration vectors: one database, findings with original spans, thresholds,
// overlap resolution, decoded and normalised rescans.
#include "detect/scanner.h"

#include <gtest/gtest.h>

namespace concord::detect {
namespace {

std::shared_ptr<const Scanner> scanner() {
  static auto s = [] {
    auto r = Scanner::build({});
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.value();
  }();
  return s;
}

std::vector<Finding> scan(std::string_view text) {
  ScanScratch scratch;
  std::vector<Finding> out;
  EXPECT_TRUE(scanner()->scan(text, scratch, out).ok());
  return out;
}

bool has(const std::vector<Finding>& f, std::string_view kind, std::string_view text, std::string_view value) {
  for (const auto& x : f)
    if (x.kind == kind && text.substr(x.begin, x.end - x.begin) == value) return true;
  return false;
}

TEST(Scanner, BuildsOneDatabase) { EXPECT_GT(scanner()->patternCount(), 100u); }

TEST(Scanner, FindsEmailWithOriginalSpan) {
  std::string t = "contact me at alice.smith@example.org please";
  auto f = scan(t);
  EXPECT_TRUE(has(f, kinds::kEmail, t, "alice.smith@example.org"));
}

TEST(Scanner, PlainTextHasNoFindings) {
  auto f = scan("The quick brown fox jumps over the lazy dog. 今天天气很好。 مرحبا بالعالم");
  EXPECT_TRUE(f.empty());
}

}  // namespace
}  // namespace concord::detect
