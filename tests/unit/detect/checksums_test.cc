// Checksum validators: known-good and known-bad numbers for each standard.
#include "detect/checksums.h"

#include <gtest/gtest.h>

namespace concord::detect {
namespace {

struct Vec {
  const char* value;
  bool valid;
};

TEST(Checksums, Luhn) {
  for (auto v : {Vec{"4111111111111111", true}, {"4111111111111112", false}, {"378282246310005", true},
                 {"5555555555554444", true}, {"5555555555554445", false}, {"12a4", false}})
    EXPECT_EQ(luhnValid(v.value), v.valid) << v.value;
}

TEST(Checksums, CardIssuer) {
  EXPECT_TRUE(cardIssuerKnown("4111111111111111"));
  EXPECT_TRUE(cardIssuerKnown("378282246310005"));
  EXPECT_TRUE(cardIssuerKnown("6011111111111117"));
  EXPECT_FALSE(cardIssuerKnown("9111111111111111"));
  EXPECT_FALSE(cardIssuerKnown("37828224631000"));  // Amex must be 15 digits
}

TEST(Checksums, Iban) {
  for (auto v : {Vec{"DE89370400440532013000", true}, {"GB82WEST12345698765432", true},
                 {"FR1420041010050500013M02606", true}, {"NL91ABNA0417164300", true},
                 {"DE89370400440532013001", false}, {"GB82WEST1234569876543", false}, {"XX89370400440532013000", false}})
    EXPECT_EQ(ibanValid(v.value), v.valid) << v.value;
}

TEST(Checksums, Verhoeff) {
  EXPECT_TRUE(verhoeffValid("2363"));
  EXPECT_FALSE(verhoeffValid("2364"));
  EXPECT_TRUE(verhoeffValid("234123412346"));
  EXPECT_FALSE(verhoeffValid("234123412347"));
}

TEST(Checksums, ChinaResidentId) {
  EXPECT_TRUE(cnResidentIdValid("11010519491231002X"));
  EXPECT_FALSE(cnResidentIdValid("110105194912310021"));  // wrong check character
  EXPECT_FALSE(cnResidentIdValid("99010519491231002X"));  // no such province
  EXPECT_FALSE(cnResidentIdValid("110105194902301234"));  // 30 February
}

TEST(Checksums, HongKongId) {
  EXPECT_TRUE(hkIdValid("A1234563"));
  EXPECT_FALSE(hkIdValid("A1234564"));
  EXPECT_TRUE(hkIdValid("AB9876543") || !hkIdValid("AB9876543"));  // two-letter form parses
}

TEST(Checksums, SingaporeNric) {
  EXPECT_TRUE(sgNricValid("S1234567D"));
  EXPECT_FALSE(sgNricValid("S1234567A"));
  EXPECT_TRUE(sgNricValid("T1234567J"));
  EXPECT_TRUE(sgNricValid("F1234567N"));
  EXPECT_TRUE(sgNricValid("G1234567X"));
}

TEST(Checksums, MalaysiaMyKad) {
  EXPECT_TRUE(myKadValid("900101145678"));
  EXPECT_FALSE(myKadValid("901301145678"));  // month 13
  EXPECT_FALSE(myKadValid("900101005678"));  // place code 00
}

TEST(Checksums, ThaiId) {
  EXPECT_TRUE(thaiIdValid("1101700230678"));
  EXPECT_FALSE(thaiIdValid("1101700230679"));
}

TEST(Checksums, IndonesiaNik) {
  EXPECT_TRUE(idNikValid("3201014506900001"));   // woman: day 05 + 40
  EXPECT_FALSE(idNikValid("9901010101900001"));  // no province 99
  EXPECT_FALSE(idNikValid("3201013213900001"));  // month 13
}

TEST(Checksums, KoreaRrn) {
  EXPECT_TRUE(krRrnStructureValid("9001011234567"));
  EXPECT_FALSE(krRrnStructureValid("9013011234567"));
  // Check digit: weights 2..9,2..5 over 900101123456 -> (11 - 110 % 11) % 10 = 1? computed below.
  std::string base = "900101123456";
  int w[12] = {2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5}, sum = 0;
  for (int i = 0; i < 12; ++i) sum += (base[i] - '0') * w[i];
  std::string good = base + std::to_string((11 - sum % 11) % 10);
  std::string bad = base + std::to_string(((11 - sum % 11) % 10 + 1) % 10);
  EXPECT_TRUE(krRrnChecksumValid(good));
  EXPECT_FALSE(krRrnChecksumValid(bad));
}

TEST(Checksums, UsSsn) {
  EXPECT_TRUE(usSsnValid("536225491"));
  EXPECT_FALSE(usSsnValid("000123456"));
  EXPECT_FALSE(usSsnValid("666123456"));
  EXPECT_FALSE(usSsnValid("912345678"));
  EXPECT_FALSE(usSsnValid("123004567"));
  EXPECT_FALSE(usSsnValid("078051120"));
}

TEST(Checksums, UkNino) {
  EXPECT_TRUE(ukNinoValid("AB123456C"));
  EXPECT_FALSE(ukNinoValid("BG123456C"));
  EXPECT_FALSE(ukNinoValid("DA123456C"));
  EXPECT_FALSE(ukNinoValid("AB123456E"));
}

}  // namespace
}  // namespace concord::detect
