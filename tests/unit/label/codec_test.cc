#include "label/codec.h"

#include <gtest/gtest.h>

#include <regex>
#include <set>

namespace concord::label {
namespace {

TEST(Codec, Base64urlRoundTripsAllLengths) {
  std::string bytes;
  for (int n = 0; n < 40; ++n) {
    auto enc = base64url(bytes);
    EXPECT_EQ(enc.find_first_of("+/="), std::string::npos);
    auto dec = base64urlDecode(enc);
    ASSERT_TRUE(dec.has_value()) << n;
    EXPECT_EQ(*dec, bytes);
    bytes += static_cast<char>(n * 37 + 250);
  }
  EXPECT_EQ(base64url("\xfb\xff"), "-_8");
}

TEST(Codec, Base64urlRejectsGarbageAndNonCanonicalTails) {
  EXPECT_FALSE(base64urlDecode("ab$d").has_value());
  EXPECT_FALSE(base64urlDecode("a").has_value());
  EXPECT_FALSE(base64urlDecode("-_9").has_value());  // stray low bits
}

TEST(Codec, Sha256KnownVector) {
  EXPECT_EQ(hex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Codec, ContentIdsAreUuidV4AndDistinct) {
  std::regex uuid("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    std::string id = randomContentId();
    EXPECT_TRUE(std::regex_match(id, uuid)) << id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(Codec, Rfc3339) {
  EXPECT_EQ(rfc3339Micros(1'767'225'600'000'001), "2026-01-01T00:00:00.000001Z");
  EXPECT_EQ(rfc3339Micros(-1), "1969-12-31T23:59:59.999999Z");
}

}  // namespace
}  // namespace concord::label
