#include "label/text_normalizer.h"

#include <cstring>

#include "label/explicit_label.h"

namespace concord::label {
namespace {

// Length of the UTF-8 sequence at s[i] and its code point; invalid bytes decode as 1-byte
// pseudo code points above U+10FFFF so they never match whitespace.
size_t decode(std::string_view s, size_t i, uint32_t& cp) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) { cp = c; return 1; }
  size_t n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
  if (n == 0 || i + n > s.size()) { cp = 0x110000 + c; return 1; }
  cp = c & (0x7F >> n);
  for (size_t k = 1; k < n; ++k) {
    unsigned char d = static_cast<unsigned char>(s[i + k]);
    if ((d & 0xC0) != 0x80) { cp = 0x110000 + c; return 1; }
    cp = cp << 6 | (d & 0x3F);
  }
  return n;
}

bool isSpace(uint32_t cp) {
  if (cp <= 0x20) return cp == ' ' || (cp >= 0x09 && cp <= 0x0D);
  return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
         cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

bool isInvisible(uint32_t cp) {
  return (cp >= 0x200B && cp <= 0x200D) || cp == 0x2060 || cp == 0xFEFF;
}

// Removes `label` from collapsed text `t` and repairs the spaces at the cut, so that the
// result is collapsed again without a second pass over the text.
void removeLabel(std::string& t, const std::string& label, const std::string& placement) {
  if (label.empty() || label.size() > t.size()) return;
  bool start = placement == "start" || placement == "first_turn";
  bool end = placement == "end";
  size_t at = std::string::npos;
  if (start && t.compare(0, label.size(), label) == 0) at = 0;
  else if (end && t.compare(t.size() - label.size(), label.size(), label) == 0) at = t.size() - label.size();
  else at = t.find(label);
  if (at == std::string::npos) return;
  t.erase(at, label.size());
  if (at < t.size() && t[at] == ' ' && (at == 0 || t[at - 1] == ' ')) t.erase(at, 1);
  else if (at == t.size() && at > 0 && t[at - 1] == ' ') t.erase(at - 1, 1);
}

}  // namespace

namespace {
// Byte classes for the fast scan: 0 = copy as is, 1 = ASCII whitespace, 2 = lead byte of a
// sequence that may be Unicode whitespace or invisible (U+0085/00A0, U+1680, U+2000-206F,
// U+3000, U+FEFF): decode and look.
struct ByteClasses {
  unsigned char c[256] = {};
  constexpr ByteClasses() {
    for (int b : {0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20}) c[b] = 1;
    for (int b : {0xC2, 0xE1, 0xE2, 0xE3, 0xEF}) c[b] = 2;
  }
};
constexpr ByteClasses kClasses;
}  // namespace

std::string collapseWhitespace(std::string_view s) {
  std::string out;
  out.resize(s.size());
  char* const base = out.data();
  char* w = base;
  bool pending_space = false;
  const size_t n = s.size();
  for (size_t i = 0; i < n;) {
    unsigned char k = kClasses.c[static_cast<unsigned char>(s[i])];
    if (k == 1) {
      pending_space = true;
      ++i;
      continue;
    }
    size_t len;
    if (k == 0) {
      len = 1;
      while (i + len < n) {
        unsigned char b = static_cast<unsigned char>(s[i + len]);
        if (kClasses.c[b] == 0) {
          ++len;
        } else if (b == ' ' && i + len + 1 < n &&
                   kClasses.c[static_cast<unsigned char>(s[i + len + 1])] == 0) {
          len += 2;  // a single space between plain bytes stays as it is
        } else {
          break;
        }
      }
    } else {
      uint32_t cp;
      len = decode(s, i, cp);
      if (isSpace(cp)) {
        pending_space = true;
        i += len;
        continue;
      }
      if (isInvisible(cp)) {
        i += len;
        continue;
      }
    }
    if (pending_space && w != base) *w++ = ' ';
    pending_space = false;
    std::memcpy(w, s.data() + i, len);
    w += len;
    i += len;
  }
  out.resize(w - base);
  return out;
}

std::string normaliseForHash(std::string_view text, const std::vector<LabelApplied>& labels) {
  std::string t = collapseWhitespace(text);
  if (labels.empty()) return t;
  for (const auto& l : labels) removeLabel(t, collapseWhitespace(l.text), l.placement);
  return t;
}

std::string composeLabeledText(std::string_view answer, const std::vector<LabelApplied>& labels) {
  std::string t(answer);
  for (const auto& l : labels) {
    if (l.text.empty()) continue;
    if (l.placement == "end") t = t.empty() ? l.text : t + std::string(kLabelSeparator) + l.text;
    else t = t.empty() ? l.text : l.text + std::string(kLabelSeparator) + t;
  }
  return t;
}

std::string textHash(std::string_view delivered, const std::vector<LabelApplied>& labels) {
  return "sha256:" + hex(sha256(normaliseForHash(delivered, labels)));
}

std::string answerHash(std::string_view answer, const std::vector<LabelApplied>& labels) {
  if (labels.empty()) return textHash(answer, labels);
  return textHash(composeLabeledText(answer, labels), labels);
}

}  // namespace concord::label
