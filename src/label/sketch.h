// Sketch: a MinHash signature of a text's shingles, to find answers Concord produced after
// small edits (docs/provenance-format.md §7). Tokens: words (runs of letters/digits, ASCII
// lower-cased) and, for CJK scripts (Han, Kana, Hangul), single characters, so Chinese,
// Japanese and Korean texts get character shingles. Shingles: 3 consecutive tokens.
// Hashing: one-permutation MinHash (Li, Owen, Zhang 2012) into 64 bins with rotation
// densification (Shrivastava, Li 2014): one hash per shingle, so a 2 KB text costs a few µs.
// The fraction of equal bins estimates the Jaccard similarity of the shingle sets
// (standard error ≈ sqrt(J(1-J)/64) ≈ 0.06 at J = 0.5). Pure functions; any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace concord::label {

inline constexpr int kSketchBins = 64;
inline constexpr int kShingleTokens = 3;
inline constexpr int kBandRows = 2;  // LSH bands of 2 bins: 32 bands
inline constexpr int kBands = kSketchBins / kBandRows;

struct Sketch {
  std::array<uint32_t, kSketchBins> bins{};
  uint32_t shingles = 0;  // 0: the text had no tokens (the sketch matches nothing)

  std::string toBytes() const;  // 4 + 64*4 bytes, little-endian
  static bool fromBytes(std::string_view bytes, Sketch& out);
};

Sketch sketchText(std::string_view text);

// Estimated Jaccard similarity in [0,1]; 0 if either sketch is empty.
double similarity(const Sketch& a, const Sketch& b);

// LSH band keys (63-bit, band number mixed in) for candidate lookup.
std::array<int64_t, kBands> bandKeys(const Sketch& s);

}  // namespace concord::label
