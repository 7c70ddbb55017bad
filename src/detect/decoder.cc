// Decoders and the internal pattern table; see decoder.h.
#include "detect/decoder.h"

#include <hs/hs.h>
#include <unicode/utf8.h>

#include <immintrin.h>

#include <array>
#include <cstring>

#include "detect/normaliser.h"

#include "detect/patterns.h"

namespace concord::detect {
namespace {

int hexVal(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

int b64Val(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+' || c == '-') return 62;
  if (c == '/' || c == '_') return 63;
  return -1;
}

void appendUtf8(std::string& out, uint32_t cp) {
  char buf[4];
  int32_t n = 0;
  UBool err = false;
  U8_APPEND(buf, n, 4, static_cast<UChar32>(cp), err);
  if (!err) out.append(buf, static_cast<size_t>(n));
}

bool looksLikeText(std::string_view s) {
  if (s.size() < 6) return false;
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  int32_t len = static_cast<int32_t>(s.size()), i = 0, printable = 0, total = 0, letters = 0;
  while (i < len) {
    UChar32 c;
    U8_NEXT(p, i, len, c);
    if (c < 0) return false;
    ++total;
    if (c >= 0x80 || (c >= 0x20 && c < 0x7F) || c == '\n' || c == '\r' || c == '\t') ++printable;
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c >= 0x80) ++letters;
  }
  return printable * 100 >= total * 90 && letters * 100 >= total * 40;
}

const PatternSpec kInternal[] = {
    {"(?:\\\\x[0-9A-Fa-f]{2}){6,}", 0, kEncHex, Family::kEncoded, nullptr, 0},
    {"(?:%[0-9A-Fa-f]{2}[^\\s%]*){3,}", 0, kEncUrl, Family::kEncoded, nullptr, 0},
    {"(?:\\\\u[0-9A-Fa-f]{4}){4,}", 0, kEncUnicode, Family::kEncoded, nullptr, 0},
    {"(?:&#x?[0-9A-Fa-f]{2,6};){4,}", 0, kEncEntity, Family::kEncoded, nullptr, 0},
};

}  // namespace

std::span<const PatternSpec> internalPatterns() { return kInternal; }

namespace {
// Byte classes for the prescan: 1 = base64/base64url alphabet, 2 = a lead byte that may start
// a sequence the normaliser changes (checked precisely by suspiciousAt).
constexpr std::array<uint8_t, 256> kByteClass = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = 1;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = 1;
  for (int c = '0'; c <= '9'; ++c) t[c] = 1;
  t['+'] = t['/'] = t['_'] = t['-'] = t['='] = 1;
  for (int c : {0xEF, 0xE2, 0xF3, 0xF0, 0xCC, 0xC2, 0xD9, 0xCE, 0xCF, 0xD0, 0xD1, 0xD4, 0xD5}) t[c] = 2;
  return t;
}();
}  // namespace

namespace {
// Suspicious-byte search, 32 bytes a step: a mask of the lead bytes of class 2, then
// suspiciousAt on each. On Chinese or Arabic text most words have high bits, so the 8-byte
// ASCII skip below does not help there; this does (measured ~4x on the mixed corpus).
__attribute__((target("avx2"))) inline __m256i eq(__m256i v, unsigned char c) {
  return _mm256_cmpeq_epi8(v, _mm256_set1_epi8(static_cast<char>(c)));
}

__attribute__((target("avx2"))) bool suspiciousAvx2(std::string_view text, size_t& i) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  // Arabic letters (lead 0xD9) and Latin-1 (0xC2) are common and only suspicious with one
  // second byte (tatweel; soft hyphen or no-break space), so those are checked here too.
  static constexpr unsigned char kLeads[] = {0xEF, 0xE2, 0xF3, 0xF0, 0xCC, 0xCE, 0xCF, 0xD0, 0xD1, 0xD4, 0xD5};
  for (; i + 33 <= n; i += 32) {
    __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i));
    if (_mm256_movemask_epi8(v) == 0) continue;  // all ASCII
    __m256i next = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p + i + 1));
    __m256i m = _mm256_and_si256(eq(v, 0xD9), eq(next, 0x80));
    m = _mm256_or_si256(m, _mm256_and_si256(eq(v, 0xC2), _mm256_or_si256(eq(next, 0xAD), eq(next, 0xA0))));
    for (unsigned char c : kLeads) m = _mm256_or_si256(m, eq(v, c));
    uint32_t bits = static_cast<uint32_t>(_mm256_movemask_epi8(m));
    while (bits) {
      if (suspiciousAt(text, i + static_cast<size_t>(__builtin_ctz(bits)))) return true;
      bits &= bits - 1;
    }
  }
  return false;
}

const bool kHasAvx2 = __builtin_cpu_supports("avx2");
}  // namespace

void prescanBytes(std::string_view text, std::vector<std::pair<uint32_t, uint32_t>>& base64Runs, bool& suspicious) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  if (kHasAvx2 && !suspicious) suspicious = suspiciousAvx2(text, i);
  // Suspicious bytes: skip 8 ASCII bytes at a time; look closer only at words with high bits.
  for (; !suspicious && i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    if (!(w & 0x8080808080808080ull)) continue;
    for (size_t k = i; k < i + 8; ++k)
      if (kByteClass[p[k]] == 2 && suspiciousAt(text, k)) {
        suspicious = true;
        break;
      }
  }
  for (; !suspicious && i < n; ++i)
    if (kByteClass[p[i]] == 2) suspicious = suspiciousAt(text, i);
  // Base64 runs of >= kMinBase64Run: any such run contains one of the sampled positions
  // (every kMinBase64Run bytes, restarting after each run), so most bytes are never touched.
  size_t lastEnd = 0;
  size_t at = kMinBase64Run - 1;
  while (at < n && base64Runs.size() < kMaxDecodedSpans) {
    if (kByteClass[p[at]] != 1) {
      at += kMinBase64Run;
      continue;
    }
    size_t b = at, e = at + 1;
    while (b > lastEnd && kByteClass[p[b - 1]] == 1) --b;
    while (e < n && kByteClass[p[e]] == 1) ++e;
    if (e - b >= kMinBase64Run) base64Runs.emplace_back(static_cast<uint32_t>(b), static_cast<uint32_t>(e));
    lastEnd = e;
    at = e + kMinBase64Run;
  }
}

bool decodeSpan(std::string_view s, std::string_view enc, std::string& out) {
  out.clear();
  if (enc == kEncBase64) {
    // One pattern finds both: an even-length run of hex digits is decoded as hex.
    bool hex = s.size() % 2 == 0;
    for (char c : s) hex &= hexVal(c) >= 0;
    if (hex) return decodeSpan(s, kEncHex, out);
    uint32_t acc = 0;
    int bits = 0;
    for (char c : s) {
      if (c == '=') break;
      int v = b64Val(c);
      if (v < 0) return false;
      acc = (acc << 6) | static_cast<uint32_t>(v);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out.push_back(static_cast<char>((acc >> bits) & 0xFF));
      }
      if (out.size() >= kMaxDecodedBytes) break;
    }
  } else if (enc == kEncHex) {
    int hi = -1;
    for (size_t i = 0; i < s.size() && out.size() < kMaxDecodedBytes; ++i) {
      if (s[i] == '\\' && i + 1 < s.size() && s[i + 1] == 'x') {
        ++i;
        continue;
      }
      int v = hexVal(s[i]);
      if (v < 0) return false;
      if (hi < 0) hi = v;
      else out.push_back(static_cast<char>(hi * 16 + v)), hi = -1;
    }
  } else if (enc == kEncUrl) {
    for (size_t i = 0; i < s.size() && out.size() < kMaxDecodedBytes; ++i) {
      if (s[i] == '%' && i + 2 < s.size() && hexVal(s[i + 1]) >= 0 && hexVal(s[i + 2]) >= 0) {
        out.push_back(static_cast<char>(hexVal(s[i + 1]) * 16 + hexVal(s[i + 2])));
        i += 2;
      } else {
        out.push_back(s[i] == '+' ? ' ' : s[i]);
      }
    }
  } else if (enc == kEncUnicode) {
    for (size_t i = 0; i + 5 < s.size() + 0 && out.size() < kMaxDecodedBytes; i += 6) {
      uint32_t cp = 0;
      for (size_t k = 2; k < 6; ++k) cp = cp * 16 + static_cast<uint32_t>(hexVal(s[i + k]));
      appendUtf8(out, cp);
    }
  } else if (enc == kEncEntity) {
    for (size_t i = 0; i < s.size() && out.size() < kMaxDecodedBytes;) {
      size_t semi = s.find(';', i);
      if (semi == std::string_view::npos || s[i] != '&' || s[i + 1] != '#') return false;
      bool hex = s[i + 2] == 'x' || s[i + 2] == 'X';
      uint32_t cp = 0;
      for (size_t k = i + (hex ? 3 : 2); k < semi; ++k) cp = cp * (hex ? 16 : 10) + static_cast<uint32_t>(hexVal(s[k]));
      appendUtf8(out, cp);
      i = semi + 1;
    }
  } else {
    return false;
  }
  return looksLikeText(out);
}

}  // namespace concord::detect
