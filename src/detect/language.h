// Language of a text with CLD2: an ISO 639-1 code such as "en", "zh", "ar", or "und" when
// CLD2 cannot tell (too short, mixed, invalid UTF-8). CLD2 is stateless; any thread.
#pragma once

#include <string_view>

namespace concord::detect {

// Returns a static string. Chinese (simplified and traditional) is reported as "zh".
std::string_view detectLanguage(std::string_view text);

}  // namespace concord::detect
