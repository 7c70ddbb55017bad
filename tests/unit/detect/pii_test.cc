// PII vectors: positive, negative (bad checksum, no context) and obfuscated, per kind.
#include "scan_helpers.h"

namespace concord::detect {
namespace {

using testing::checkVectors;
using testing::Vector;

TEST(Pii, Email) {
  checkVectors({{"write to alice.smith@example.org today", kinds::kEmail, "alice.smith@example.org"},
                {"我的邮箱是 li.wei@qq.com", kinds::kEmail, "li.wei@qq.com"},
                {"john [at] example [dot] com", kinds::kEmail, "john [at] example [dot] com"},
                {"not an email: foo@bar", kinds::kEmail, ""},
                // The start is found by walking back from the '@' (no start-of-match): leading
                // dots are not part of it, every other local-part character is.
                {"see ..first.last+tag@mail.example.co.uk now", kinds::kEmail, "first.last+tag@mail.example.co.uk"},
                {"x,a_b%c-d@example.org", kinds::kEmail, "a_b%c-d@example.org"},
                {"two: a@b.io,c.d@e.fr", kinds::kEmail, "c.d@e.fr"},
                {"发送到" + std::string(60, 'q') + "@example.com", kinds::kEmail, std::string(60, 'q') + "@example.com"}});
}

TEST(Pii, Phone) {
  checkVectors({{"call +44 20 7946 0958 now", kinds::kPhone, "+44 20 7946 0958"},
                {"电话 +86 138 0013 8000", kinds::kPhone, "+86 138 0013 8000"},
                {"phone (415) 555-2671", kinds::kPhone, "(415) 555-2671"},
                {"on 2024-03-01 at noon", kinds::kPhone, ""},
                {"ports 60000-64999 are free", kinds::kPhone, ""},  // regression: ranges
                {"call (555) 555-0123 today", kinds::kPhone, "(555) 555-0123"},
                {"from abroad 0044 20 7946 0958", kinds::kPhone, "0044 20 7946 0958"},
                {"Ｉ was told: call +65 6123 4567", kinds::kPhone, "+65 6123 4567"}});
}

TEST(Pii, Card) {
  checkVectors({{"card 4111 1111 1111 1111 exp", kinds::kCard, "4111 1111 1111 1111"},
                {"amex 378282246310005.", kinds::kCard, "378282246310005"},
                {"order 4111111111111112", kinds::kCard, ""}});
}

TEST(Pii, Iban) {
  checkVectors({{"IBAN DE89 3704 0044 0532 0130 00 please", kinds::kIban, "DE89 3704 0044 0532 0130 00"},
                {"iban GB82WEST12345698765432", kinds::kIban, "GB82WEST12345698765432"},
                {"IBAN DE89 3704 0044 0532 0130 01", kinds::kIban, ""}});
}

TEST(Pii, NationalIds) {
  checkVectors({{"身份证号码 11010519491231002X 请核对", kinds::kCnId, "11010519491231002X"},
                {"身份证号码 110105194912310021", kinds::kCnId, ""},
                {"HKID A123456(3) holder", kinds::kHkId, "A123456(3)"},
                {"HKID A123456(4) holder", kinds::kHkId, ""},
                // Fullwidth brackets inside Chinese text: the digit window stops at other
                // non-ASCII bytes but must take these in.
                {"香港身份證A123456\uFF083\uFF09持有人", kinds::kHkId, "A123456\uFF083\uFF09"},
                {"卡号4111 1111 1111 1111请核对", kinds::kCard, "4111 1111 1111 1111"},
                {"NRIC S1234567D", kinds::kSgNric, "S1234567D"},
                {"NRIC S1234567A", kinds::kSgNric, ""},
                {"MyKad 900101-14-5678", kinds::kMyNric, "900101-14-5678"},
                {"Thai ID 1-1017-00230-67-8", kinds::kThId, "1-1017-00230-67-8"},
                {"Thai ID 1-1017-00230-67-9", kinds::kThId, ""},
                {"NIK KTP 3201014506900001", kinds::kIdNik, "3201014506900001"},
                {"주민등록번호 920922-1021586 입니다", kinds::kKrRrn, "920922-1021586"},
                {"Aadhaar 2341 2341 2346", kinds::kInAadhaar, "2341 2341 2346"},
                {"Aadhaar 2341 2341 2347", kinds::kInAadhaar, ""},
                {"SSN: 536-22-5491", kinds::kUsSsn, "536-22-5491"},
                {"SSN: 666-22-5491", kinds::kUsSsn, ""},
                {"Boston, MA 02110-1301 USA", kinds::kUsSsn, ""},  // regression: ZIP+4
                {"Boston, MA 02110-1301 USA", kinds::kPhone, ""},
                {"NINO AB 12 34 56 C", kinds::kUkNino, "AB 12 34 56 C"},
                {"NINO BG 12 34 56 C", kinds::kUkNino, ""}});
}

TEST(Pii, NetworkAndContextKinds) {
  checkVectors({{"server 192.168.1.20 is down", kinds::kIp, "192.168.1.20"},
                {"host 2001:db8:85a3::8a2e:370:7334 up", kinds::kIp, "2001:db8:85a3::8a2e:370:7334"},
                {"version 1.2.3.4.5", kinds::kIp, ""},
                {"std::vector<int> v;", kinds::kIp, ""},
                {"I was born on 1990-05-17 in Paris", kinds::kDob, "1990-05-17"},
                {"出生日期 1985年3月12日", kinds::kDob, "1985年3月12日"},
                {"the meeting is on 1990-05-17", kinds::kDob, ""},
                {"passport number E12345678", kinds::kPassport, "E12345678"},
                {"护照号码 E12345678", kinds::kPassport, "E12345678"},
                {"ticket E12345678", kinds::kPassport, ""}});
}

TEST(Pii, Obfuscated) {
  // Fullwidth digits and zero-width characters: the span covers the original bytes.
  checkVectors({{"card ４１１１ １１１１ １１１１ １１１１ ok", kinds::kCard, "４１１１ １１１１ １１１１ １１１１"},
                {"mail bob\u200b@example.com", kinds::kEmail, "bob\u200b@example.com"}});
}

}  // namespace
}  // namespace concord::detect
