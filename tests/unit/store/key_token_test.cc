#include "store/key_token.h"

#include <gtest/gtest.h>

#include <set>

namespace concord::store {
namespace {

const std::string kGoodId = "abcdefgh2345";
const std::string kGoodSecret(40, 'q');
const std::string kGood = "sk-concord-" + kGoodId + "-" + kGoodSecret;

TEST(KeyToken, GeneratedKeysParseAndDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    auto k = generateKey();
    ASSERT_TRUE(k.ok());
    EXPECT_EQ(k->plain.size(), kKeyPrefix.size() + kKeyIdLength + 1 + kSecretLength);
    auto t = parseKeyToken(k->plain);
    ASSERT_TRUE(t.has_value()) << k->plain;
    EXPECT_EQ(t->id, k->id);
    EXPECT_EQ(t->secret, k->secret);
    EXPECT_TRUE(seen.insert(k->id).second);
  }
}

TEST(KeyToken, ParsesTheDocumentedFormat) {
  auto t = parseKeyToken(kGood);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->id, kGoodId);
  EXPECT_EQ(t->secret, kGoodSecret);
}

TEST(KeyToken, RejectsMalformedTokens) {
  const std::string bad[] = {
      "",
      "sk-concord-",
      "sk-" + kGoodSecret,                                          // OpenAI-style key
      "sk-concorx-" + kGoodId + "-" + kGoodSecret,                  // prefix
      "sk-concord-" + kGoodId + "_" + kGoodSecret,                  // separator
      "sk-concord-ABCDEFGH2345-" + kGoodSecret,                     // upper case id
      "sk-concord-abcdefgh2341-" + kGoodSecret,                     // '1' not in alphabet
      "sk-concord-abcdefgh234-" + kGoodSecret + "q",                // id too short
      "sk-concord-" + kGoodId + "-" + std::string(31, 'q'),         // secret too short
      "sk-concord-" + kGoodId + "-" + std::string(129, 'q'),        // secret too long
      "sk-concord-" + kGoodId + "-" + std::string(39, 'q') + "=",   // bad char in secret
      "sk-concord-" + kGoodId + "-" + std::string(39, 'q') + '\0',  // NUL
      kGood + " ",
  };
  for (const auto& t : bad) EXPECT_FALSE(parseKeyToken(t).has_value()) << t;
}

TEST(KeyToken, KeyIdValidation) {
  EXPECT_TRUE(isValidKeyId(kGoodId));
  EXPECT_FALSE(isValidKeyId("abc"));
  EXPECT_FALSE(isValidKeyId("abcdefgh234!"));
}

TEST(KeyToken, HashIsSha256AndComparesExactly) {
  // SHA-256("abc"), FIPS 180-2 test vector.
  const SecretHash h = hashSecret("abc");
  const unsigned char expected[32] = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea,
                                      0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
                                      0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c,
                                      0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
  const std::string_view stored(reinterpret_cast<const char*>(expected), 32);
  EXPECT_TRUE(equalHashes(h, stored));
  std::string other(stored);
  other[31] ^= 1;
  EXPECT_FALSE(equalHashes(h, other));
  EXPECT_FALSE(equalHashes(h, stored.substr(0, 31)));
}

}  // namespace
}  // namespace concord::store
