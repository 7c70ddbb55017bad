// Where a match starts, or which bytes a window needs, for patterns the scanner matches without
// Hyperscan's start-of-match (costly for long or unbounded patterns): injection phrases (the
// clause they sit in), the plain e-mail pattern (walk back from the '@'), and the ASCII run a
// digit-shaped candidate can occupy. Pure functions of the text; any thread.
#pragma once

#include <cstdint>
#include <string_view>

namespace concord::detect {

// Start of the line holding `end` (at most 240 bytes back), on a UTF-8 boundary, after blanks.
uint32_t clauseStart(std::string_view t, uint32_t end);

// Leftmost start of a plain e-mail match ending at `end` (Hyperscan's leftmost start).
uint32_t emailStart(std::string_view t, uint32_t end);

// Narrows the window [wb, we) around digit-group prefilter hits (ends `first`..`last`) to the
// ASCII run that holds them (plus a HK ID's fullwidth brackets).
void shrinkToAscii(std::string_view t, uint32_t first, uint32_t last, uint32_t& wb, uint32_t& we);

}  // namespace concord::detect
