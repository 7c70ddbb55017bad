// Redaction and pseudonyms; see redaction.h.
#include "detect/redaction.h"

#include <algorithm>
#include <vector>

namespace concord::detect {

std::string redactionLabel(std::string_view kind) {
  size_t dot = kind.find('.');
  std::string_view rest = dot == std::string_view::npos ? kind : kind.substr(dot + 1);
  std::string out;
  for (char c : rest) out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
  return out;
}

const std::string& PseudonymVault::tokenFor(std::string_view kind, std::string_view value) {
  std::string key(kind);
  key.push_back('\0');
  key.append(value);
  auto it = byValue_.find(key);
  if (it != byValue_.end()) return it->second;
  std::string label = redactionLabel(kind);
  uint32_t n = ++counters_[label];
  std::string token;
  token.append("<").append(label).append("_").append(std::to_string(n)).append(">");
  byToken_.emplace(token, std::string(value));
  return byValue_.emplace(std::move(key), std::move(token)).first->second;
}

const std::string* PseudonymVault::valueOf(std::string_view token) const {
  auto it = byToken_.find(std::string(token));
  return it == byToken_.end() ? nullptr : &it->second;
}

std::string PseudonymVault::restore(std::string_view text) const {
  std::string out;
  out.reserve(text.size());
  size_t i = 0;
  while (i < text.size()) {
    size_t lt = text.find('<', i);
    if (lt == std::string_view::npos) break;
    size_t gt = text.find('>', lt);
    out.append(text, i, lt - i);
    if (gt != std::string_view::npos && gt - lt < kMaxTokenLength) {
      if (const std::string* v = valueOf(text.substr(lt, gt - lt + 1))) {
        out.append(*v);
        i = gt + 1;
        continue;
      }
    }
    out.push_back('<');
    i = lt + 1;
  }
  out.append(text.substr(std::min(i, text.size())));
  return out;
}

std::string PseudonymRestorer::feed(std::string_view chunk) {
  held_.append(chunk);
  // Hold back from the last '<' that has no '>' after it, if it could still become a token.
  size_t cut = held_.size();
  size_t lt = held_.rfind('<');
  if (lt != std::string::npos && held_.find('>', lt) == std::string::npos &&
      held_.size() - lt < PseudonymVault::kMaxTokenLength)
    cut = lt;
  std::string out = vault_.restore(std::string_view(held_).substr(0, cut));
  held_.erase(0, cut);
  return out;
}

std::string PseudonymRestorer::finish() {
  std::string out = vault_.restore(held_);
  held_.clear();
  return out;
}

std::string maskValue(std::string_view value) {
  std::string tail;
  for (size_t i = value.size(); i-- > 0 && tail.size() < 4;) {
    char c = value[i];
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) tail.insert(tail.begin(), c);
  }
  if (value.size() < 8) return "****";
  return std::string("****").append(tail);
}

std::string redact(std::string_view text, std::span<const Finding> findings, RedactionMode mode,
                   PseudonymVault* vault) {
  std::vector<Finding> f;
  for (const Finding& x : findings)
    if (!isInjectionKind(x.kind) && x.end <= text.size() && x.begin < x.end) f.push_back(x);
  std::sort(f.begin(), f.end(), [](const Finding& a, const Finding& b) { return a.begin < b.begin; });
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  for (const Finding& x : f) {
    if (x.begin < pos) continue;  // overlaps the previous replacement
    out.append(text, pos, x.begin - pos);
    std::string_view value = text.substr(x.begin, x.end - x.begin);
    if (mode == RedactionMode::kMask) out += maskValue(value);
    else if (mode == RedactionMode::kPseudonym && vault) out += vault->tokenFor(x.kind, value);
    else out.append("[").append(redactionLabel(x.kind)).append("]");
    pos = x.end;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace concord::detect
