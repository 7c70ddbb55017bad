#include "label/sketch.h"

#include <cstring>
#include <vector>

namespace concord::label {
namespace {

inline uint64_t mix(uint64_t x) {  // splitmix64 finaliser
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

inline uint64_t rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }

bool isCjk(uint32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x2FFFF) ||
         (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0xAC00 && cp <= 0xD7AF) ||
         (cp >= 0x1100 && cp <= 0x11FF) || (cp >= 0x3130 && cp <= 0x318F);
}

// Separators outside ASCII: general/CJK punctuation, fullwidth forms' punctuation, spaces.
bool isSeparator(uint32_t cp) {
  return (cp >= 0x2000 && cp <= 0x206F) || (cp >= 0x3000 && cp <= 0x303F) ||
         (cp >= 0xFF00 && cp <= 0xFF0F) || (cp >= 0xFF1A && cp <= 0xFF20) ||
         (cp >= 0xFF3B && cp <= 0xFF40) || (cp >= 0xFF5B && cp <= 0xFF65) || cp == 0xA0 ||
         cp == 0xFEFF || (cp >= 0x80 && cp <= 0xBF);
}

size_t decode(std::string_view s, size_t i, uint32_t& cp) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) { cp = c; return 1; }
  size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (n == 0 || i + n > s.size()) { cp = 0xFFFD; return 1; }
  cp = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) cp = cp << 6 | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  return n;
}

}  // namespace

Sketch sketchText(std::string_view text) {
  // Token hashes, streamed into a 3-token window.
  Sketch s;
  s.bins.fill(UINT32_MAX);
  std::array<bool, kSketchBins> filled{};
  uint64_t window[kShingleTokens] = {0, 0, 0};
  uint32_t tokens = 0;
  auto addShingle = [&](uint64_t h) {
    h = mix(h);
    uint32_t bin = static_cast<uint32_t>(h >> 58);
    uint32_t v = static_cast<uint32_t>(h);
    if (!filled[bin] || v < s.bins[bin]) s.bins[bin] = v;
    filled[bin] = true;
    ++s.shingles;
  };
  auto addToken = [&](uint64_t t) {
    window[0] = window[1];
    window[1] = window[2];
    window[2] = mix(t);
    if (++tokens >= kShingleTokens) addShingle(window[0] ^ rotl(window[1], 21) ^ rotl(window[2], 42));
  };
  uint64_t word = 0xcbf29ce484222325ull;  // FNV-1a over the current word's bytes
  bool in_word = false;
  auto endWord = [&] {
    if (in_word) addToken(word);
    word = 0xcbf29ce484222325ull;
    in_word = false;
  };
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      if (alnum) {
        if (c >= 'A' && c <= 'Z') c = c - 'A' + 'a';
        word = (word ^ c) * 0x100000001b3ull;
        in_word = true;
      } else {
        endWord();
      }
      ++i;
      continue;
    }
    uint32_t cp;
    size_t n = decode(text, i, cp);
    if (isCjk(cp)) {
      endWord();
      addToken(0x100000000ull + cp);
    } else if (isSeparator(cp)) {
      endWord();
    } else {
      for (size_t k = 0; k < n; ++k) word = (word ^ static_cast<unsigned char>(text[i + k])) * 0x100000001b3ull;
      in_word = true;
    }
    i += n;
  }
  endWord();
  if (tokens > 0 && tokens < kShingleTokens) {  // a very short text is one shingle
    addShingle(window[2] ^ rotl(window[1], 21) ^ tokens);
  }
  if (s.shingles == 0) {
    s.bins.fill(0);
    return s;
  }
  // Rotation densification: an empty bin borrows from the next filled bin to its right,
  // offset by the distance so that borrowed values differ between bins.
  for (int i = 0; i < kSketchBins; ++i) {
    if (filled[i]) continue;
    for (int d = 1; d < kSketchBins; ++d) {
      int j = (i + d) % kSketchBins;
      if (filled[j]) {
        s.bins[i] = static_cast<uint32_t>(mix(s.bins[j] + 0x51ED27ull * d));
        break;
      }
    }
  }
  return s;
}

double similarity(const Sketch& a, const Sketch& b) {
  if (a.shingles == 0 || b.shingles == 0) return 0.0;
  int same = 0;
  for (int i = 0; i < kSketchBins; ++i) same += a.bins[i] == b.bins[i];
  return static_cast<double>(same) / kSketchBins;
}

std::array<int64_t, kBands> bandKeys(const Sketch& s) {
  std::array<int64_t, kBands> out{};
  for (int b = 0; b < kBands; ++b) {
    uint64_t h = mix((static_cast<uint64_t>(b) << 56) ^ s.bins[b * kBandRows]);
    h = mix(h ^ s.bins[b * kBandRows + 1]);
    out[b] = static_cast<int64_t>(h >> 1);
  }
  return out;
}

std::string Sketch::toBytes() const {
  std::string out(4 + kSketchBins * 4, '\0');
  auto put = [&](size_t at, uint32_t v) {
    for (int k = 0; k < 4; ++k) out[at + k] = static_cast<char>((v >> (8 * k)) & 0xFF);
  };
  put(0, shingles);
  for (int i = 0; i < kSketchBins; ++i) put(4 + 4 * i, bins[i]);
  return out;
}

bool Sketch::fromBytes(std::string_view bytes, Sketch& out) {
  if (bytes.size() != 4 + kSketchBins * 4) return false;
  auto get = [&](size_t at) {
    uint32_t v = 0;
    for (int k = 0; k < 4; ++k) v |= static_cast<uint32_t>(static_cast<unsigned char>(bytes[at + k])) << (8 * k);
    return v;
  };
  out.shingles = get(0);
  for (int i = 0; i < kSketchBins; ++i) out.bins[i] = get(4 + 4 * i);
  return true;
}

}  // namespace concord::label
