// Checksum validators; see checksums.h. Tables are from the public standards named there.
#include "detect/checksums.h"

#include <array>
#include <cstdint>

namespace concord::detect {
namespace {

int digitAt(std::string_view s, size_t i) { return s[i] - '0'; }

bool allDigits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}

int num(std::string_view s, size_t pos, size_t len) {
  int v = 0;
  for (size_t i = pos; i < pos + len; ++i) v = v * 10 + digitAt(s, i);
  return v;
}

bool prefixIn(std::string_view d, int lo, int hi, size_t len) {
  if (d.size() < len) return false;
  int p = num(d, 0, len);
  return p >= lo && p <= hi;
}

}  // namespace

std::string compactAlnum(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    if (c >= '0' && c <= '9') out.push_back(c);
    else if (c >= 'a' && c <= 'z') out.push_back(static_cast<char>(c - 32));
    else if (c >= 'A' && c <= 'Z') out.push_back(c);
  }
  return out;
}

bool luhnValid(std::string_view d) {
  if (!allDigits(d)) return false;
  int sum = 0;
  bool dbl = false;
  for (size_t i = d.size(); i-- > 0;) {
    int v = digitAt(d, i);
    if (dbl) {
      v *= 2;
      if (v > 9) v -= 9;
    }
    sum += v;
    dbl = !dbl;
  }
  return sum % 10 == 0;
}

bool cardIssuerKnown(std::string_view d) {
  const size_t n = d.size();
  if (!allDigits(d) || n < 12 || n > 19) return false;
  if (d[0] == '4') return n == 13 || n == 16 || n == 19;                       // Visa
  if (prefixIn(d, 51, 55, 2) || prefixIn(d, 2221, 2720, 4)) return n == 16;   // Mastercard
  if (prefixIn(d, 34, 34, 2) || prefixIn(d, 37, 37, 2)) return n == 15;       // Amex
  if (prefixIn(d, 6011, 6011, 4) || prefixIn(d, 644, 649, 3) || prefixIn(d, 65, 65, 2))
    return n >= 16;                                                            // Discover
  if (prefixIn(d, 3528, 3589, 4)) return n >= 16;                              // JCB
  if (prefixIn(d, 62, 62, 2) || prefixIn(d, 81, 81, 2)) return n >= 16;        // UnionPay
  if (prefixIn(d, 300, 305, 3) || prefixIn(d, 36, 36, 2) || prefixIn(d, 38, 39, 2))
    return n >= 14;                                                            // Diners
  if (prefixIn(d, 2200, 2204, 4)) return n >= 16;                              // Mir
  if (prefixIn(d, 50, 50, 2) || prefixIn(d, 56, 69, 2)) return n >= 12;        // Maestro
  return false;
}

namespace {
struct IbanLen {
  char cc[3];
  uint8_t len;
};
// ISO 13616 registry lengths (SWIFT IBAN registry).
constexpr IbanLen kIbanLengths[] = {
    {"AD", 24}, {"AE", 23}, {"AL", 28}, {"AT", 20}, {"AZ", 28}, {"BA", 20}, {"BE", 16}, {"BG", 22},
    {"BH", 22}, {"BI", 27}, {"BR", 29}, {"BY", 28}, {"CH", 21}, {"CR", 22}, {"CY", 28}, {"CZ", 24},
    {"DE", 22}, {"DJ", 27}, {"DK", 18}, {"DO", 28}, {"EE", 20}, {"EG", 29}, {"ES", 24}, {"FI", 18},
    {"FK", 18}, {"FO", 18}, {"FR", 27}, {"GB", 22}, {"GE", 22}, {"GI", 23}, {"GL", 18}, {"GR", 27},
    {"GT", 28}, {"HR", 21}, {"HU", 28}, {"IE", 22}, {"IL", 23}, {"IQ", 23}, {"IS", 26}, {"IT", 27},
    {"JO", 30}, {"KW", 30}, {"KZ", 20}, {"LB", 28}, {"LC", 32}, {"LI", 21}, {"LT", 20}, {"LU", 20},
    {"LV", 21}, {"LY", 25}, {"MC", 27}, {"MD", 24}, {"ME", 22}, {"MK", 19}, {"MN", 20}, {"MR", 27},
    {"MT", 31}, {"MU", 30}, {"NI", 28}, {"NL", 18}, {"NO", 15}, {"OM", 23}, {"PK", 24}, {"PL", 28},
    {"PS", 29}, {"PT", 25}, {"QA", 29}, {"RO", 24}, {"RS", 22}, {"RU", 33}, {"SA", 24}, {"SC", 31},
    {"SD", 18}, {"SE", 24}, {"SI", 19}, {"SK", 24}, {"SM", 27}, {"SO", 23}, {"ST", 25}, {"SV", 28},
    {"TL", 23}, {"TN", 24}, {"TR", 26}, {"UA", 29}, {"VA", 22}, {"VG", 24}, {"XK", 20}, {"YE", 30},
};
}  // namespace

bool ibanValid(std::string_view s) {
  if (s.size() < 15 || s.size() > 34) return false;
  int expected = 0;
  for (const auto& e : kIbanLengths)
    if (s[0] == e.cc[0] && s[1] == e.cc[1]) expected = e.len;
  if (expected == 0 || static_cast<int>(s.size()) != expected) return false;
  if (s[2] < '0' || s[2] > '9' || s[3] < '0' || s[3] > '9') return false;
  uint32_t rem = 0;
  auto feed = [&rem](char c) -> bool {
    if (c >= '0' && c <= '9') {
      rem = (rem * 10 + static_cast<uint32_t>(c - '0')) % 97;
    } else if (c >= 'A' && c <= 'Z') {
      uint32_t v = static_cast<uint32_t>(c - 'A' + 10);
      rem = (rem * 100 + v) % 97;
    } else {
      return false;
    }
    return true;
  };
  for (size_t i = 4; i < s.size(); ++i)
    if (!feed(s[i])) return false;
  for (size_t i = 0; i < 4; ++i)
    if (!feed(s[i])) return false;
  return rem == 1;
}

bool verhoeffValid(std::string_view d) {
  static constexpr uint8_t kD[10][10] = {
      {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 3, 4, 0, 6, 7, 8, 9, 5}, {2, 3, 4, 0, 1, 7, 8, 9, 5, 6},
      {3, 4, 0, 1, 2, 8, 9, 5, 6, 7}, {4, 0, 1, 2, 3, 9, 5, 6, 7, 8}, {5, 9, 8, 7, 6, 0, 4, 3, 2, 1},
      {6, 5, 9, 8, 7, 1, 0, 4, 3, 2}, {7, 6, 5, 9, 8, 2, 1, 0, 4, 3}, {8, 7, 6, 5, 9, 3, 2, 1, 0, 4},
      {9, 8, 7, 6, 5, 4, 3, 2, 1, 0}};
  static constexpr uint8_t kP[8][10] = {
      {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 5, 7, 6, 2, 8, 3, 0, 9, 4}, {5, 8, 0, 3, 7, 9, 6, 1, 4, 2},
      {8, 9, 1, 6, 0, 4, 3, 5, 2, 7}, {9, 4, 5, 3, 1, 2, 6, 8, 7, 0}, {4, 2, 8, 6, 5, 7, 3, 9, 0, 1},
      {2, 7, 9, 3, 8, 0, 6, 4, 1, 5}, {7, 0, 4, 6, 9, 1, 3, 2, 5, 8}};
  if (!allDigits(d)) return false;
  int c = 0;
  size_t i = 0;
  for (size_t k = d.size(); k-- > 0; ++i) c = kD[c][kP[i % 8][digitAt(d, k)]];
  return c == 0;
}

bool dateValid(int y, int m, int d) {
  if (y < 1900 || y > 2100 || m < 1 || m > 12 || d < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  int max = kDays[m - 1];
  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) max = 29;
  return d <= max;
}

bool cnResidentIdValid(std::string_view s) {
  if (s.size() != 18 || !allDigits(s.substr(0, 17))) return false;
  static constexpr int kProvinces[] = {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37,
                                       41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63, 64,
                                       65, 71, 81, 82, 83};
  int prov = num(s, 0, 2);
  bool provOk = false;
  for (int p : kProvinces) provOk |= (p == prov);
  if (!provOk) return false;
  if (!dateValid(num(s, 6, 4), num(s, 10, 2), num(s, 12, 2))) return false;
  static constexpr int kW[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) sum += digitAt(s, i) * kW[i];
  static constexpr char kCheck[] = "10X98765432";
  char c = s[17] == 'x' ? 'X' : s[17];
  return kCheck[sum % 11] == c;
}

bool hkIdValid(std::string_view s) {
  // 1 or 2 letters, 6 digits, check character (digit or 'A').
  size_t letters = 0;
  while (letters < s.size() && s[letters] >= 'A' && s[letters] <= 'Z') ++letters;
  if ((letters != 1 && letters != 2) || s.size() != letters + 7) return false;
  if (!allDigits(s.substr(letters, 6))) return false;
  int sum = 0;
  if (letters == 1) sum += 36 * 9 + (s[0] - 'A' + 10) * 8;
  else sum += (s[0] - 'A' + 10) * 9 + (s[1] - 'A' + 10) * 8;
  for (size_t i = 0; i < 6; ++i) sum += digitAt(s, letters + i) * static_cast<int>(7 - i);
  char c = s.back();
  int check = c == 'A' ? 10 : (c >= '0' && c <= '9' ? c - '0' : -1);
  if (check < 0) return false;
  return (sum + check) % 11 == 0;
}

bool sgNricValid(std::string_view s) {
  if (s.size() != 9 || !allDigits(s.substr(1, 7))) return false;
  char p = s[0], last = s[8];
  if (last < 'A' || last > 'Z') return false;
  if (p == 'M') return true;  // M-series (2022+) check table not public in a citable form
  static constexpr int kW[7] = {2, 7, 6, 5, 4, 3, 2};
  int sum = 0;
  for (size_t i = 0; i < 7; ++i) sum += digitAt(s, i + 1) * kW[i];
  if (p == 'T' || p == 'G') sum += 4;
  int r = sum % 11;
  if (p == 'S' || p == 'T') return "JZIHGFEDCBA"[r] == last;
  if (p == 'F' || p == 'G') return "XWUTRQPNMLK"[r] == last;
  return false;
}

bool myKadValid(std::string_view s) {
  if (s.size() != 12 || !allDigits(s)) return false;
  int yy = num(s, 0, 2), mm = num(s, 2, 2), dd = num(s, 4, 2), pb = num(s, 6, 2);
  if (!dateValid(yy <= 30 ? 2000 + yy : 1900 + yy, mm, dd)) return false;
  bool pbOk = (pb >= 1 && pb <= 16) || (pb >= 21 && pb <= 68) || pb == 71 || pb == 72 ||
              (pb >= 74 && pb <= 79) || (pb >= 82 && pb <= 93) || pb == 98 || pb == 99;
  return pbOk;
}

bool thaiIdValid(std::string_view s) {
  if (s.size() != 13 || !allDigits(s) || s[0] == '0') return false;
  int sum = 0;
  for (size_t i = 0; i < 12; ++i) sum += digitAt(s, i) * static_cast<int>(13 - i);
  return (11 - sum % 11) % 10 == digitAt(s, 12);
}

bool idNikValid(std::string_view s) {
  if (s.size() != 16 || !allDigits(s)) return false;
  static constexpr int kProv[] = {11, 12, 13, 14, 15, 16, 17, 18, 19, 21, 31, 32, 33, 34, 35,
                                  36, 51, 52, 53, 61, 62, 63, 64, 65, 71, 72, 73, 74, 75, 76,
                                  81, 82, 91, 92, 93, 94, 95, 96, 97};
  int prov = num(s, 0, 2);
  bool ok = false;
  for (int p : kProv) ok |= (p == prov);
  if (!ok) return false;
  if (num(s, 2, 2) == 0) return false;  // regency 00 does not exist
  int dd = num(s, 6, 2), mm = num(s, 8, 2), yy = num(s, 10, 2);
  if (dd > 40) dd -= 40;
  if (!dateValid(yy <= 30 ? 2000 + yy : 1900 + yy, mm, dd)) return false;
  return num(s, 12, 4) != 0;
}

bool krRrnStructureValid(std::string_view s) {
  if (s.size() != 13 || !allDigits(s)) return false;
  int g = digitAt(s, 6);
  if (g < 1 || g > 8) return false;
  int century = (g == 1 || g == 2 || g == 5 || g == 6) ? 1900 : 2000;
  return dateValid(century + num(s, 0, 2), num(s, 2, 2), num(s, 4, 2));
}

bool krRrnChecksumValid(std::string_view s) {
  if (!krRrnStructureValid(s)) return false;
  static constexpr int kW[12] = {2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5};
  int sum = 0;
  for (size_t i = 0; i < 12; ++i) sum += digitAt(s, i) * kW[i];
  return (11 - sum % 11) % 10 == digitAt(s, 12);
}

bool usSsnValid(std::string_view s) {
  if (s.size() != 9 || !allDigits(s)) return false;
  int area = num(s, 0, 3), group = num(s, 3, 2), serial = num(s, 5, 4);
  if (area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0) return false;
  if (s == "078051120" || s == "219099999") return false;  // publicly voided numbers
  return true;
}

bool ukNinoValid(std::string_view s) {
  if (s.size() != 9) return false;
  char a = s[0], b = s[1];
  auto bad1 = [](char c) { return c == 'D' || c == 'F' || c == 'I' || c == 'Q' || c == 'U' || c == 'V'; };
  if (a < 'A' || a > 'Z' || b < 'A' || b > 'Z' || bad1(a) || bad1(b) || b == 'O') return false;
  std::string_view pre = s.substr(0, 2);
  for (std::string_view x : {"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
    if (pre == x) return false;
  if (!allDigits(s.substr(2, 6))) return false;
  return s[8] >= 'A' && s[8] <= 'D';
}

}  // namespace concord::detect
