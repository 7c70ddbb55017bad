// PII patterns and their validators. Patterns find candidates cheaply (Hyperscan); validators
// apply checksums, structure rules and context. Scores: a passed checksum ~0.9, structure only
// ~0.5-0.6 (context words lift it over the default 0.5 threshold), context-only kinds (date of
// birth, passport) are rejected without a context word.
#include <arpa/inet.h>
#include <hs/hs.h>

#include <algorithm>
#include <array>
#include <string>

#include "detect/checksums.h"
#include "detect/context.h"
#include "detect/finding.h"
#include "detect/patterns.h"
#include "detect/phone.h"

namespace concord::detect {
namespace {

std::string_view sub(std::string_view t, Span s) { return t.substr(s.begin, s.end - s.begin); }

// Separators inside a number must be all the same character (or absent): "4111 1111-1111" is
// more likely two numbers than one.
bool consistentSeparators(std::string_view s) {
  char sep = 0;
  for (char c : s) {
    if (isAlnum(c)) continue;
    if (sep == 0) sep = c;
    else if (c != sep) return false;
  }
  return true;
}

bool hasSeparator(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return c == '-' || c == ' ' || c == '.'; });
}

// Digit-ID boundaries: no letter/digit glued on either side, and not part of a longer
// dash/dot-joined number ("1234-5678-..." continuing).
bool numberBoundaries(std::string_view t, Span s) {
  if (!alnumBoundaries(t, s)) return false;
  if (s.begin >= 2 && (t[s.begin - 1] == '-' || t[s.begin - 1] == '.') && isDigit(t[s.begin - 2])) return false;
  if (s.end + 1 < t.size() && (t[s.end] == '-' || t[s.end] == '.') && isDigit(t[s.end + 1])) return false;
  return true;
}

float vEmail(std::string_view t, Span& s) {
  while (s.begin < s.end && (t[s.begin] == '.' || t[s.begin] == '-')) ++s.begin;
  std::string_view v = sub(t, s);
  size_t at = v.find('@');
  if (at == std::string_view::npos || at == 0 || at > 64) return 0;
  std::string_view domain = v.substr(at + 1);
  if (domain.find("..") != std::string_view::npos || domain.front() == '-' || domain.front() == '.') return 0;
  return 0.95f;
}

// "john [at] example [dot] com" style; scored a little lower.
float vEmailObfuscated(std::string_view t, Span& s) { return s.end - s.begin < 8 ? 0 : 0.8f; }

float vCard(std::string_view t, Span& s) {
  if (!numberBoundaries(t, s)) return 0;
  std::string_view raw = sub(t, s);
  if (!consistentSeparators(raw)) return 0;
  std::string d = compactAlnum(raw);
  if (d.size() < 13 || d.size() > 19 || !luhnValid(d)) return 0;
  if (std::all_of(d.begin(), d.end(), [&](char c) { return c == d[0]; })) return 0;
  float score = cardIssuerKnown(d) ? 0.9f : 0.45f;
  return adjustForContext(t, s, kinds::kCard, score);
}

// IBAN: the pattern may run into the next word; cut to the country's length first.
float vIban(std::string_view t, Span& s) {
  if (s.begin > 0 && isAlnum(t[s.begin - 1])) return 0;
  std::string compact;
  uint32_t i = s.begin, lastEnd = s.begin;
  for (; i < s.end && compact.size() < 34; ++i) {
    char c = t[i];
    if (isAlnum(c)) {
      compact.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
      lastEnd = i + 1;
      if (compact.size() >= 15 && ibanValid(compact) &&
          (lastEnd >= t.size() || !isAlnum(t[lastEnd]))) {
        s.end = lastEnd;
        return 0.95f;
      }
    }
  }
  return 0;
}

float vCnId(std::string_view t, Span& s) {
  if (!numberBoundaries(t, s)) return 0;
  return cnResidentIdValid(compactAlnum(sub(t, s))) ? 0.95f : 0;
}

float vHkId(std::string_view t, Span& s) {
  if (s.begin > 0 && isAlpha(t[s.begin - 1])) return 0;
  if (s.end < t.size() && isAlnum(t[s.end])) return 0;
  std::string_view raw = sub(t, s);
  if (!hkIdValid(compactAlnum(raw))) return 0;
  bool paren = raw.find('(') != std::string_view::npos || raw.find("\xEF\xBC\x88") != std::string_view::npos;
  return adjustForContext(t, s, kinds::kHkId, paren ? 0.9f : 0.45f);
}

float vSgNric(std::string_view t, Span& s) {
  if (!alnumBoundaries(t, s)) return 0;
  std::string c = compactAlnum(sub(t, s));
  if (!sgNricValid(c)) return 0;
  return adjustForContext(t, s, kinds::kSgNric, c[0] == 'M' ? 0.4f : 0.9f);
}

float vMyKad(std::string_view t, Span& s) {
  if (!numberBoundaries(t, s)) return 0;
  std::string_view raw = sub(t, s);
  if (!myKadValid(compactAlnum(raw))) return 0;
  return adjustForContext(t, s, kinds::kMyNric, hasSeparator(raw) ? 0.75f : 0.35f);
}

float vThId(std::string_view t, Span& s) {
  if (!numberBoundaries(t, s)) return 0;
  std::string_view raw = sub(t, s);
  if (!consistentSeparators(raw) || !thaiIdValid(compactAlnum(raw))) return 0;
  return adjustForContext(t, s, kinds::kThId, hasSeparator(raw) ? 0.9f : 0.6f);
}

float vNik(std::string_view t, Span& s) {
  if (!numberBoundaries(t, s)) return 0;
  if (!idNikValid(compactAlnum(sub(t, s)))) return 0;
  return adjustForContext(t, s, kinds::kIdNik, 0.4f);
}

float vKrRrn(std::string_view t, Span& s) {
  if (!numberBoundaries(t, s)) return 0;
  std::string_view raw = sub(t, s);
  std::string d = compactAlnum(raw);
  if (krRrnChecksumValid(d)) return adjustForContext(t, s, kinds::kKrRrn, hasSeparator(raw) ? 0.9f : 0.6f);
  // Numbers issued since Oct 2020 have no check digit: structure + hyphen + context only.
  if (krRrnStructureValid(d) && hasSeparator(raw)) return adjustForContext(t, s, kinds::kKrRrn, 0.4f);
  return 0;
}

float vAadhaar(std::string_view t, Span& s) {
  if (!numberBoundaries(t, s)) return 0;
  std::string_view raw = sub(t, s);
  if (!consistentSeparators(raw)) return 0;
  std::string d = compactAlnum(raw);
  if (d.size() != 12 || !verhoeffValid(d)) return 0;
  return adjustForContext(t, s, kinds::kInAadhaar, hasSeparator(raw) ? 0.8f : 0.45f);
}

float vSsn(std::string_view t, Span& s) {
  if (!numberBoundaries(t, s)) return 0;
  std::string_view raw = sub(t, s);
  if (!consistentSeparators(raw)) return 0;
  // Separators come in pairs (AAA-GG-SSSS) or not at all: "02110-1301" is a ZIP+4 code.
  if (raw.size() != 9 && raw.size() != 11) return 0;
  if (!usSsnValid(compactAlnum(raw))) return 0;
  float base = raw.find('-') != std::string_view::npos ? 0.75f : (hasSeparator(raw) ? 0.55f : 0.25f);
  return adjustForContext(t, s, kinds::kUsSsn, base);
}

float vNino(std::string_view t, Span& s) {
  if (!alnumBoundaries(t, s)) return 0;
  std::string_view raw = sub(t, s);
  if (!ukNinoValid(compactAlnum(raw))) return 0;
  bool upper = std::none_of(raw.begin(), raw.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  return adjustForContext(t, s, kinds::kUkNino, upper ? 0.85f : 0.4f);
}

float vIpv4(std::string_view t, Span& s) {
  if (!alnumBoundaries(t, s)) return 0;
  if (s.begin > 0 && t[s.begin - 1] == '.') return 0;
  if (s.end + 1 < t.size() && t[s.end] == '.' && isDigit(t[s.end + 1])) return 0;
  std::string_view v = sub(t, s);
  int octet = 0, digits = 0;
  for (char c : v) {
    if (c == '.') {
      if (digits == 0) return 0;
      octet = 0;
      digits = 0;
      continue;
    }
    if (digits == 1 && octet == 0) return 0;  // leading zero: "01.02.03.04" is rarely an IP
    octet = octet * 10 + (c - '0');
    if (++digits > 3 || octet > 255) return 0;
  }
  return adjustForContext(t, s, kinds::kIp, 0.8f);
}

float vIpv6(std::string_view t, Span& s) {
  if (s.begin > 0 && (isAlnum(t[s.begin - 1]) || t[s.begin - 1] == ':')) return 0;
  if (s.end < t.size() && (isAlnum(t[s.end]) || t[s.end] == ':')) return 0;
  std::string_view v = sub(t, s);
  if (v.size() < 6 || v.size() > 45) return 0;
  int hex = static_cast<int>(std::count_if(v.begin(), v.end(), [](char c) { return c != ':'; }));
  if (hex < 4) return 0;
  char buf[64];
  std::copy(v.begin(), v.end(), buf);
  buf[v.size()] = 0;
  unsigned char out[16];
  if (inet_pton(AF_INET6, buf, out) != 1) return 0;
  return 0.85f;
}

int monthFromName(std::string_view w) {
  static constexpr std::array<std::string_view, 12> kM = {"jan", "feb", "mar", "apr", "may", "jun",
                                                          "jul", "aug", "sep", "oct", "nov", "dec"};
  if (w.size() < 3) return 0;
  char l[3] = {static_cast<char>(w[0] | 0x20), static_cast<char>(w[1] | 0x20), static_cast<char>(w[2] | 0x20)};
  for (size_t i = 0; i < kM.size(); ++i)
    if (std::string_view(l, 3) == kM[i]) return static_cast<int>(i + 1);
  return 0;
}

// Parses the numbers (and a month name) of a date candidate and checks it is a real date in
// the past 125 years, trying Y-M-D, D-M-Y and M-D-Y orders.
bool plausibleBirthDate(std::string_view v) {
  int nums[3] = {0, 0, 0}, lens[3] = {0, 0, 0}, n = 0, month = 0;
  for (size_t i = 0; i < v.size();) {
    if (isDigit(v[i])) {
      int x = 0, l = 0;
      while (i < v.size() && isDigit(v[i])) x = x * 10 + (v[i++] - '0'), ++l;
      if (n < 3) nums[n] = x, lens[n] = l, ++n;
    } else if (isAlpha(v[i])) {
      size_t b = i;
      while (i < v.size() && isAlpha(v[i])) ++i;
      if (!month) month = monthFromName(v.substr(b, i - b));
    } else {
      ++i;
    }
  }
  auto year = [](int y, int len) { return len == 2 ? (y > 30 ? 1900 + y : 2000 + y) : y; };
  auto ok = [](int y, int m, int d) { return y >= 1900 && y <= 2026 && dateValid(y, m, d); };
  if (month && n == 2) return ok(year(nums[1], lens[1]), month, nums[0]) || ok(year(nums[0], lens[0]), month, nums[1]);
  if (n != 3) return false;
  if (lens[0] == 4) return ok(nums[0], nums[1], nums[2]);
  int y = year(nums[2], lens[2]);
  return ok(y, nums[1], nums[0]) || ok(y, nums[0], nums[1]);
}

float vDob(std::string_view t, Span& s) {
  if (s.begin > 0 && isDigit(t[s.begin - 1])) return 0;
  if (s.end < t.size() && isDigit(t[s.end])) return 0;
  if (!plausibleBirthDate(sub(t, s))) return 0;
  return contextSignal(t, s, kinds::kDob) > 0 ? 0.85f : 0;
}

float vPassport(std::string_view t, Span& s) {
  if (!alnumBoundaries(t, s)) return 0;
  std::string_view v = sub(t, s);
  if (std::count_if(v.begin(), v.end(), isDigit) < 6) return 0;
  return contextSignal(t, s, kinds::kPassport) > 0 ? 0.8f : 0;
}

float vPhone(std::string_view t, Span& s) {
  // Trim what the loose pattern may have taken on either side.
  while (s.end > s.begin && !isDigit(t[s.end - 1])) --s.end;
  if (s.end - s.begin < 7) return 0;
  if (s.begin > 0 && (isAlnum(t[s.begin - 1]) || t[s.begin - 1] == '+')) return 0;
  if (s.end < t.size() && isAlnum(t[s.end])) return 0;
  // Followed by more digit groups the pattern could not take: part of a longer number (a card,
  // an ID), not a phone. Checked before libphonenumber, which costs ~10 us per region tried.
  if (s.end + 1 < t.size() && (t[s.end] == '.' || t[s.end] == '-' || t[s.end] == '/' || t[s.end] == ' ') &&
      isDigit(t[s.end + 1]))
    return 0;
  if (s.begin >= 2 && (t[s.begin - 1] == ' ' || t[s.begin - 1] == '-') && isDigit(t[s.begin - 2])) return 0;
  // Inside an international number already matched from its '+' (e.g. "20 7946 0958" in
  // "+44 20 7946 0958"): skip, the longer candidate is validated on its own.
  for (uint32_t k = s.begin, steps = 0; k > 0 && steps < 8; --k, ++steps) {
    char c = t[k - 1];
    if (c == '+') return 0;
    if (!isDigit(c) && c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') break;
  }
  std::string_view v = sub(t, s);
  float score = validatePhoneNumber(v);
  if (score <= 0) return 0;
  return adjustForContext(t, s, kinds::kPhone, score);
}

constexpr unsigned kC = HS_FLAG_CASELESS;

const PatternSpec kPii[] = {
    {"[A-Za-z0-9_%+\\-][A-Za-z0-9._%+\\-]*@[A-Za-z0-9][A-Za-z0-9\\-]*(?:\\.[A-Za-z0-9\\-]+)*\\.[A-Za-z]{2,}",
     0, kinds::kEmail, Family::kPii, vEmail, 0, kGroupAt},
    {"[A-Za-z0-9._%+\\-]+\\s?[\\[\\(\\{<]\\s?at\\s?[\\]\\)\\}>]\\s?[A-Za-z0-9\\-]+(?:\\s?(?:[\\[\\(\\{<]\\s?dot\\s?[\\]\\)\\}>]|\\.)\\s?[A-Za-z0-9\\-]+)+",
     kC, kinds::kEmail, Family::kPii, vEmailObfuscated, 0, kGroupAt},
    {"(?:\\+|\\b00)\\d{1,3}[ .\\-]?\\(?\\d{1,4}\\)?(?:[ .\\-]?\\d{2,5}){1,4}", 0, kinds::kPhone, Family::kPii, vPhone, 0, kGroupDigits},
    {"\\(?\\d{2,5}\\)?[ .\\-]?\\d{3,4}[ .\\-]?\\d{3,5}", 0, kinds::kPhone, Family::kPii, vPhone, 0, kGroupDigits},
    {"\\d(?:[ \\-]?\\d){12,18}", 0, kinds::kCard, Family::kPii, vCard, 0, kGroupDigits},
    {"[A-Za-z]{2}\\d{2}(?:[ \\-]?[A-Za-z0-9]){11,32}", 0, kinds::kIban, Family::kPii, vIban, 0, kGroupDigits},
    {"\\d{17}[\\dXx]", 0, kinds::kCnId, Family::kPii, vCnId, 0, kGroupDigits},
    {"[A-Z]{1,2}\\d{6}\\s?(?:\\(\\s?[0-9A]\\s?\\)|\xEF\xBC\x88[0-9A]\xEF\xBC\x89|[0-9A])", 0, kinds::kHkId, Family::kPii, vHkId, 0, kGroupDigits},
    {"[STFGM]\\d{7}[A-Z]", 0, kinds::kSgNric, Family::kPii, vSgNric, 0, kGroupDigits},
    {"\\d{6}-\\d{2}-\\d{4}|\\d{12}", 0, kinds::kMyNric, Family::kPii, vMyKad, 0, kGroupDigits},
    {"\\d-\\d{4}-\\d{5}-\\d{2}-\\d|\\d \\d{4} \\d{5} \\d{2} \\d|\\d{13}", 0, kinds::kThId, Family::kPii, vThId, 0, kGroupDigits},
    {"\\d{16}", 0, kinds::kIdNik, Family::kPii, vNik, 0, kGroupDigits},
    {"\\d{6}\\s?-?\\s?\\d{7}", 0, kinds::kKrRrn, Family::kPii, vKrRrn, 0, kGroupDigits},
    {"[2-9]\\d{3}[ \\-]?\\d{4}[ \\-]?\\d{4}", 0, kinds::kInAadhaar, Family::kPii, vAadhaar, 0, kGroupDigits},
    {"\\d{3}[ \\-]?\\d{2}[ \\-]?\\d{4}", 0, kinds::kUsSsn, Family::kPii, vSsn, 0, kGroupDigits},
    {"[A-Za-z]{2}\\s?\\d{2}\\s?\\d{2}\\s?\\d{2}\\s?[A-Da-d]", 0, kinds::kUkNino, Family::kPii, vNino, 0, kGroupDigits},
    {"\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}", 0, kinds::kIp, Family::kPii, vIpv4, 0, kGroupDigits},
    {"[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}", 0, kinds::kIp, Family::kPii, vIpv6, 0, 0},
    {"\\d{4}[\\-/.]\\d{1,2}[\\-/.]\\d{1,2}|\\d{1,2}[\\-/.]\\d{1,2}[\\-/.](?:\\d{4}|\\d{2})", 0, kinds::kDob, Family::kPii, vDob, 0, kGroupDigits},
    {"\\d{4}\\s?(?:\xE5\xB9\xB4|\xEB\x85\x84)\\s?\\d{1,2}\\s?(?:\xE6\x9C\x88|\xEC\x9B\x94)\\s?\\d{1,2}(?:\xE6\x97\xA5|\xEC\x9D\xBC)?", 0, kinds::kDob, Family::kPii, vDob, 0, 0},
    {"\\d{1,2}(?:st|nd|rd|th)?\\s(?:of\\s)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\\.?,?\\s\\d{4}", kC, kinds::kDob, Family::kPii, vDob, 0, 0},
    {"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}\\.?\\s\\d{1,2}(?:st|nd|rd|th)?,?\\s\\d{4}", kC, kinds::kDob, Family::kPii, vDob, 0, 0},
    {"[A-Za-z]{1,2}\\d{6,9}[A-Za-z]?|\\d{8,9}", 0, kinds::kPassport, Family::kPii, vPassport, 0, kGroupDigits},
};

}  // namespace

std::span<const PatternSpec> piiPatterns() { return kPii; }

}  // namespace concord::detect
