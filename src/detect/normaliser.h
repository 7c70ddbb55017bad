// Normaliser: turns text that hides its meaning (zero-width and invisible tag characters,
// fullwidth and other compatibility forms, Cyrillic/Greek homoglyphs inside Latin words,
// combining marks on Latin letters) into plain text for the pattern scan, with an offset map
// from every output byte back to the ORIGINAL bytes, so findings always point at the original.
// - NFKC per code point (ICU Normalizer2); invisible tag characters U+E0020..E007E are decoded
//   to the ASCII they smuggle; default-ignorable code points and Arabic tatweel are dropped.
// - Confusables: a non-Latin letter whose ICU skeleton (uspoof) is one ASCII letter is replaced
//   when its word also has ASCII letters ("ignоre" with Cyrillic о becomes "ignore").
// Stateless functions; any thread (ICU objects are per thread).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "detect/patterns.h"

namespace concord::detect {

struct NormalisedText {
  std::string text;
  std::vector<uint32_t> origBegin;  // per output byte: where its source code point starts
  std::vector<uint32_t> origEnd;    // per output byte: where its source code point ends

  // Maps a span of `text` to the original bytes it came from.
  Span toOriginal(Span s) const {
    if (s.begin >= s.end || s.end > text.size()) return {0, 0};
    return {origBegin[s.begin], origEnd[s.end - 1]};
  }
};

// Fast pre-check (one pass, no ICU): true when the text has bytes the normaliser would change.
// The scanner gets the same answer for free from its Hyperscan database; this is for callers
// that normalise without scanning.
bool needsNormalisation(std::string_view text);
// The same test for the sequence starting at byte i (a non-ASCII lead byte).
bool suspiciousAt(std::string_view text, size_t i);

// Fills `out` (reusing its capacity). Returns true when the output differs from the input.
bool normalise(std::string_view text, NormalisedText& out);

}  // namespace concord::detect
