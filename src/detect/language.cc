// CLD2 glue; see language.h.
#include "detect/language.h"

#include <cld2/public/compact_lang_det.h>

#include <cstring>

namespace CLD2 {
const char* LanguageCode(Language lang);  // declared in cld2/internal/lang_script.h
}

namespace concord::detect {

std::string_view detectLanguage(std::string_view text) {
  if (text.empty()) return "und";
  bool reliable = false;
  int valid = 0;
  // CLD2 only needs a sample; the first 16 KB decide as well as the whole text and bound cost.
  int n = static_cast<int>(std::min<size_t>(text.size(), 16384));
  while (n > 0 && n < static_cast<int>(text.size()) && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
  CLD2::Language lang = CLD2::DetectLanguageCheckUTF8(text.data(), n, true, &reliable, &valid);
  if (lang == CLD2::UNKNOWN_LANGUAGE) return "und";
  const char* code = CLD2::LanguageCode(lang);
  if (!code) return "und";
  if (std::strncmp(code, "zh", 2) == 0) return "zh";
  return std::string_view(code);
}

}  // namespace concord::detect
