// libphonenumber glue; see phone.h.
#include "detect/phone.h"

#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <string>
#include <unordered_map>

namespace concord::detect {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

constexpr const char* kRegions[] = {"US", "GB", "CN", "IN", "SG", "MY", "HK", "AU", "DE",
                                    "FR", "KR", "ID", "TH", "AE", "SA", "JP", "BR", "ES"};

bool looksLikeDateOrVersion(std::string_view v) {
  // Split into digit groups by separators; dates are 3 groups with one of 4 digits and the
  // others of 1-2; dotted 4-group strings are IPs or versions.
  int groups = 0, lens[8] = {0};
  bool dot = false, slash = false;
  for (char c : v) {
    if (c >= '0' && c <= '9') {
      if (groups == 0 || lens[groups - 1] < 0) {
        if (groups == 8) return false;
        lens[groups++] = 0;
      }
      ++lens[groups - 1];
    } else {
      if (groups > 0 && lens[groups - 1] > 0) lens[groups - 1] = -lens[groups - 1];
      dot |= c == '.';
      slash |= c == '/';
    }
  }
  for (int i = 0; i < groups; ++i) lens[i] = lens[i] < 0 ? -lens[i] : lens[i];
  if (slash) return true;
  if (groups == 2 && lens[0] == lens[1] && lens[0] >= 4) return true;  // a range such as 60000-64999
  if (groups == 2 && lens[0] == 5 && lens[1] == 4) return true;        // US ZIP+4
  if (groups == 3 && ((lens[0] == 4 && lens[1] <= 2 && lens[2] <= 2) ||
                      (lens[2] == 4 && lens[0] <= 2 && lens[1] <= 2)))
    return true;
  if (dot && groups >= 3 && std::all_of(lens, lens + groups, [](int l) { return l <= 3; })) return true;
  return false;
}

float validateWithLibrary(std::string_view v);

// libphonenumber costs ~20 us per candidate (ICU regexes), more than the whole scan of a 4 KB
// prompt. A chat request carries the whole conversation again on every turn, so the same
// numbers come back request after request: remember the verdict per thread, bounded.
constexpr size_t kCacheEntries = 1024;

struct VerdictCache {
  std::unordered_map<std::string, float> verdicts;
  std::string key;
};

}  // namespace

float validatePhoneNumber(std::string_view v) {
  int digits = static_cast<int>(std::count_if(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; }));
  if (digits < 7 || digits > 15) return 0;
  if (looksLikeDateOrVersion(v)) return 0;
  thread_local VerdictCache cache;
  cache.key.assign(v);
  if (auto it = cache.verdicts.find(cache.key); it != cache.verdicts.end()) return it->second;
  float score = validateWithLibrary(v);
  if (cache.verdicts.size() >= kCacheEntries) cache.verdicts.clear();
  cache.verdicts.emplace(cache.key, score);
  return score;
}

namespace {

float validateWithLibrary(std::string_view v) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  std::string s(v);
  PhoneNumber number;
  bool international = v[0] == '+' || (v.size() > 2 && v[0] == '0' && v[1] == '0');
  if (international) {
    if (v[0] != '+') {  // "00" international prefix: drop one zero and make the other '+'
      s.erase(0, 1);
      s[0] = '+';
    }
    if (util.Parse(s, "ZZ", &number) == PhoneNumberUtil::NO_PARSING_ERROR && util.IsValidNumber(number))
      return 0.9f;
    return 0;
  }
  bool formatted = std::any_of(v.begin(), v.end(), [](char c) { return c == ' ' || c == '-' || c == '(' || c == '.'; });
  // libphonenumber parsing costs ~10 us per region, so the number's shape picks at most three
  // likely regions instead of trying the whole list.
  std::string d;
  for (char c : v)
    if (c >= '0' && c <= '9') d.push_back(c);
  const char* guess[3] = {nullptr, nullptr, nullptr};
  size_t n = d.size();
  if (n == 11 && d[0] == '1' && d[1] >= '3') guess[0] = "CN";
  else if (d.size() >= 10 && d[0] == '0' && d[1] == '1') guess[0] = "MY", guess[1] = "GB", guess[2] = "DE";
  else if (n == 11 && d[0] == '0') guess[0] = "GB", guess[1] = "DE", guess[2] = "KR";
  else if (n == 10 && d[0] == '0') guess[0] = "AU", guess[1] = "FR", guess[2] = "GB";
  else if (n == 10) guess[0] = "US", guess[1] = "IN";
  else if (n == 8) guess[0] = "SG", guess[1] = "HK";
  else if (n == 9 && d[0] == '0') guess[0] = "FR", guess[1] = "ES", guess[2] = "TH";
  else if (n == 9) guess[0] = "ES", guess[1] = "AE";
  else guess[0] = "DE", guess[1] = "JP";
  (void)kRegions;
  for (const char* region : guess) {
    if (!region) break;
    if (util.Parse(s, region, &number) == PhoneNumberUtil::NO_PARSING_ERROR && util.IsValidNumber(number))
      return formatted ? 0.7f : 0.4f;
  }
  // North-American layout "(AAA) EEE-NNNN" / "AAA-EEE-NNNN" that libphonenumber does not list as
  // assigned (fictional 555 exchanges, new area codes): still a phone number in a prompt.
  if (formatted && n == 10 && util.Parse(s, "US", &number) == PhoneNumberUtil::NO_PARSING_ERROR &&
      util.IsPossibleNumber(number))
    return 0.55f;
  return 0;
}

}  // namespace

}  // namespace concord::detect
