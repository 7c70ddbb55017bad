#include "label/text_normalizer.h"

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

void removeLabel(std::string& t, const std::string& label, const std::string& placement) {
  if (label.empty() || label.size() > t.size()) return;
  bool start = placement == "start" || placement == "first_turn";
  bool end = placement == "end";
  if (start && t.compare(0, label.size(), label) == 0) {
    t.erase(0, label.size());
    return;
  }
  if (end && t.compare(t.size() - label.size(), label.size(), label) == 0) {
    t.erase(t.size() - label.size());
    return;
  }
  size_t at = t.find(label);
  if (at != std::string::npos) t.erase(at, label.size());
}

}  // namespace

std::string collapseWhitespace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x21 && c < 0x7F) {  // fast path: visible ASCII
      if (pending_space) {
        if (!out.empty()) out += ' ';
        pending_space = false;
      }
      out += static_cast<char>(c);
      ++i;
      continue;
    }
    uint32_t cp;
    size_t n = decode(s, i, cp);
    if (isSpace(cp)) {
      pending_space = true;
    } else if (!isInvisible(cp)) {
      if (pending_space) {
        if (!out.empty()) out += ' ';
        pending_space = false;
      }
      out.append(s.substr(i, n));
    }
    i += n;
  }
  return out;
}

std::string normaliseForHash(std::string_view text, const std::vector<LabelApplied>& labels) {
  std::string t = collapseWhitespace(text);
  if (labels.empty()) return t;
  for (const auto& l : labels) removeLabel(t, collapseWhitespace(l.text), l.placement);
  return collapseWhitespace(t);
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
