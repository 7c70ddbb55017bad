// Context words: words near a candidate that make it more (or less) likely to be what the
// pattern says, e.g. "SSN", "身份证", "رقم الهوية", "주민등록번호" before a 13-digit number.
// English, Chinese, Arabic, Malay, Korean, plus Spanish/French/Russian/Indonesian/Thai where they
// matter. Static tables; any thread.
#pragma once

#include <string_view>

#include "detect/patterns.h"

namespace concord::detect {

// +1: a positive context word for `kind` is near `span`; -1: a negative one (example, test,
// order number...); 0: neither. Positive wins when both are present.
int contextSignal(std::string_view text, Span span, std::string_view kind);

// Applies contextSignal to a base score: +0.3 / -0.3, clamped to [0,1].
float adjustForContext(std::string_view text, Span span, std::string_view kind, float score);

}  // namespace concord::detect
