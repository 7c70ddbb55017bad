// The "concord-ws1" text normalisation behind the provenance hash and the MinHash sketch
// (docs/provenance-format.md §3). Without ICU in this module there is no Unicode NFC; the
// normalisation only folds what re-wrapping, copying and label removal typically change:
// whitespace runs become one space, zero-width characters vanish, ends are trimmed, and the
// explicit label texts that Concord itself added are removed. Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "label/codec.h"

namespace concord::label {

struct LabelApplied {
  std::string rule_id;    // the policy rule that required it, e.g. "CN-LBL-4"
  std::string placement;  // "start" | "end" | "first_turn"
  std::string text;       // the visible text as inserted (without the separator)
};

inline constexpr std::string_view kNormalisationId = "concord-ws1";

// Whitespace runs (ASCII \t \n \v \f \r space, U+0085, U+00A0, U+1680, U+2000-U+200A,
// U+2028, U+2029, U+202F, U+205F, U+3000) → one U+0020; U+200B-U+200D, U+2060, U+FEFF removed;
// leading and trailing spaces trimmed. Invalid UTF-8 bytes are kept as they are.
std::string collapseWhitespace(std::string_view text);

// collapseWhitespace, then each label's (collapsed) text removed once: as a prefix for
// start/first_turn, as a suffix for end, else (or if not found there) its first occurrence;
// then collapsed again.
std::string normaliseForHash(std::string_view text, const std::vector<LabelApplied>& labels);

// The text as the client receives it when `labels` are placed around `answer` (the same
// composition as labelResponse / StreamLabeler).
std::string composeLabeledText(std::string_view answer, const std::vector<LabelApplied>& labels);

// SHA-256 of normaliseForHash(delivered_text, labels): "sha256:<64 hex>".
std::string textHash(std::string_view delivered_text, const std::vector<LabelApplied>& labels);

// Hash for an answer before labelling (composes, then hashes), for the producing side.
std::string answerHash(std::string_view unlabelled_answer, const std::vector<LabelApplied>& labels);

}  // namespace concord::label
