// Normaliser; see normaliser.h. Works code point by code point so that each output byte keeps
// the original span of the code point it came from.
#include "detect/normaliser.h"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/uspoof.h>
#include <unicode/ustring.h>
#include <unicode/utf8.h>

#include <unordered_map>

namespace concord::detect {
namespace {

struct Unit {
  uint32_t begin, end;  // original span
  uint32_t outBegin, outEnd;
  bool asciiLetter;
  char confusable;  // single ASCII letter this code point is confusable with, or 0
};

// Per-thread ICU state: the spoof checker and a cache of single-code-point skeletons.
struct IcuState {
  USpoofChecker* spoof = nullptr;
  const icu::Normalizer2* nfkc = nullptr;
  std::unordered_map<UChar32, char> skeletons;
  IcuState() {
    UErrorCode st = U_ZERO_ERROR;
    spoof = uspoof_open(&st);
    if (U_FAILURE(st)) spoof = nullptr;
    st = U_ZERO_ERROR;
    nfkc = icu::Normalizer2::getNFKCInstance(st);
    if (U_FAILURE(st)) nfkc = nullptr;
  }
  ~IcuState() {
    if (spoof) uspoof_close(spoof);
  }
  char skeletonLetter(UChar32 c) {
    auto it = skeletons.find(c);
    if (it != skeletons.end()) return it->second;
    char r = 0;
    UErrorCode st = U_ZERO_ERROR;
    UScriptCode sc = uscript_getScript(c, &st);
    if (spoof && U_SUCCESS(st) && sc != USCRIPT_LATIN && sc != USCRIPT_COMMON && u_isalpha(c)) {
      char in[8], out[16];
      int32_t n = 0;
      U8_APPEND_UNSAFE(in, n, c);
      st = U_ZERO_ERROR;
      int32_t len = uspoof_getSkeletonUTF8(spoof, 0, in, n, out, sizeof out, &st);
      if (U_SUCCESS(st) && len == 1 && ((out[0] >= 'a' && out[0] <= 'z') || (out[0] >= 'A' && out[0] <= 'Z')))
        r = out[0];
    }
    skeletons.emplace(c, r);
    return r;
  }
};

IcuState& icu() {
  thread_local IcuState state;
  return state;
}

bool dropped(UChar32 c, UChar32 prev) {
  if (c == 0x0640 || c == 0x00AD) return true;                       // tatweel, soft hyphen
  if ((c >= 0x064B && c <= 0x065F) || c == 0x0670) return true;      // Arabic harakat
  if (u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT)) return true;
  if (u_charType(c) == U_NON_SPACING_MARK && prev >= 0 && prev < 0x80) return true;
  return false;
}

}  // namespace

bool suspiciousAt(std::string_view t, size_t i) {
  const auto* p = reinterpret_cast<const unsigned char*>(t.data());
  size_t n = t.size();
  unsigned char c = p[i];
  unsigned char c1 = i + 1 < n ? p[i + 1] : 0;
  switch (c) {
    case 0xEF: {  // fullwidth letters/digits, presentation forms, variation selectors, BOM
      unsigned char c2 = i + 2 < n ? p[i + 2] : 0;
      if (c1 >= 0xAC && c1 <= 0xBB) return true;
      if (c1 == 0xBC && ((c2 >= 0x90 && c2 <= 0x99) || (c2 >= 0xA1 && c2 <= 0xBA))) return true;
      if (c1 == 0xBD && c2 >= 0x81 && c2 <= 0x9A) return true;
      return false;
    }
    case 0xE2: {  // zero-width and bidi controls, invisible operators, sub/superscripts, enclosed
      unsigned char c2 = i + 2 < n ? p[i + 2] : 0;
      if (c1 == 0x80 && (c2 <= 0x8F || (c2 >= 0xAA && c2 <= 0xAE))) return true;
      if (c1 == 0x81 && c2 >= 0xA0) return true;
      if (c1 == 0x82 && c2 <= 0x9C) return true;
      return c1 >= 0x91 && c1 <= 0x93;
    }
    case 0xF3: return c1 == 0xA0;  // tags, variation selectors supplement
    case 0xF0: return c1 == 0x9D;  // mathematical alphanumerics
    case 0xCC: return true;        // combining diacritics
    case 0xC2: return c1 == 0xAD || c1 == 0xA0;
    case 0xD9: return c1 == 0x80;  // tatweel
    case 0xCE: case 0xCF: case 0xD0: case 0xD1: case 0xD4: case 0xD5:
      // Greek/Cyrillic/Armenian next to an ASCII letter: a homoglyph inside a Latin word.
      return (i > 0 && isAlpha(static_cast<char>(p[i - 1]))) || (i + 2 < n && isAlpha(static_cast<char>(p[i + 2])));
    default: return false;
  }
}

bool needsNormalisation(std::string_view t) {
  for (size_t i = 0; i < t.size(); ++i)
    if (static_cast<unsigned char>(t[i]) >= 0xC2 && suspiciousAt(t, i)) return true;
  return false;
}

bool normalise(std::string_view in, NormalisedText& out) {
  out.text.clear();
  out.origBegin.clear();
  out.origEnd.clear();
  IcuState& st = icu();
  std::vector<Unit> units;
  units.reserve(in.size() / 2 + 8);
  const auto* s = reinterpret_cast<const uint8_t*>(in.data());
  int32_t len = static_cast<int32_t>(in.size());
  int32_t i = 0;
  UChar32 prev = -1;
  bool changed = false;
  std::string tmp;
  while (i < len) {
    int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, len, c);
    auto emit = [&](std::string_view bytes, bool asciiLetter, char confusable) {
      Unit u{static_cast<uint32_t>(start), static_cast<uint32_t>(i), static_cast<uint32_t>(out.text.size()), 0,
             asciiLetter, confusable};
      out.text.append(bytes);
      u.outEnd = static_cast<uint32_t>(out.text.size());
      units.push_back(u);
    };
    if (c < 0) {  // invalid UTF-8: keep the bytes as they are
      emit(in.substr(start, i - start), false, 0);
      prev = -1;
      continue;
    }
    if (c < 0x80) {
      char ch = static_cast<char>(c);
      emit(std::string_view(&ch, 1), isAlpha(ch), 0);
      prev = c;
      continue;
    }
    if (c >= 0xE0020 && c <= 0xE007E) {  // invisible tag characters smuggling ASCII
      char ch = static_cast<char>(c - 0xE0000);
      emit(std::string_view(&ch, 1), isAlpha(ch), 0);
      changed = true;
      prev = ch;
      continue;
    }
    if (dropped(c, prev)) {
      changed = true;
      continue;
    }
    if (st.nfkc && !st.nfkc->isInert(c)) {
      UErrorCode err = U_ZERO_ERROR;
      icu::UnicodeString src(c), dst;
      st.nfkc->normalize(src, dst, err);
      if (U_SUCCESS(err) && dst != src) {
        tmp.clear();
        dst.toUTF8String(tmp);
        bool asciiLetters = !tmp.empty();
        for (char ch : tmp) asciiLetters &= isAlpha(ch);
        emit(tmp, asciiLetters, 0);
        changed = true;
        prev = dst.char32At(0);
        continue;
      }
    }
    emit(in.substr(start, i - start), false, st.skeletonLetter(c));
    prev = c;
  }
  // Confusables: replace look-alike letters inside words that also contain ASCII letters.
  std::string rebuilt;
  bool anyConfusable = false;
  for (const Unit& u : units) anyConfusable |= u.confusable != 0;
  if (anyConfusable) {
    size_t w = 0;
    while (w < units.size()) {
      size_t e = w;
      bool ascii = false, conf = false;
      while (e < units.size() && (units[e].asciiLetter || units[e].confusable)) {
        ascii |= units[e].asciiLetter;
        conf |= units[e].confusable != 0;
        ++e;
      }
      if (e == w) {
        ++w;
        continue;
      }
      if (ascii && conf) {
        for (size_t k = w; k < e; ++k)
          if (units[k].confusable) units[k].asciiLetter = true;  // mark for replacement below
      } else {
        for (size_t k = w; k < e; ++k) units[k].confusable = 0;
      }
      w = e;
    }
    rebuilt.reserve(out.text.size());
    for (Unit& u : units) {
      uint32_t nb = static_cast<uint32_t>(rebuilt.size());
      if (u.confusable) {
        rebuilt.push_back(u.confusable);
        changed = true;
      } else {
        rebuilt.append(out.text, u.outBegin, u.outEnd - u.outBegin);
      }
      u.outBegin = nb;
      u.outEnd = static_cast<uint32_t>(rebuilt.size());
    }
    out.text.swap(rebuilt);
  }
  out.origBegin.resize(out.text.size());
  out.origEnd.resize(out.text.size());
  for (const Unit& u : units)
    for (uint32_t k = u.outBegin; k < u.outEnd; ++k) {
      out.origBegin[k] = u.begin;
      out.origEnd[k] = u.end;
    }
  return changed;
}

}  // namespace concord::detect
