#include "audit/record.h"

#include <algorithm>

namespace concord::audit {

const char* contentModeName(ContentMode m) {
  switch (m) {
    case ContentMode::kNone: return "none";
    case ContentMode::kHash: return "hash";
    case ContentMode::kRedacted: return "redacted";
    case ContentMode::kFull: return "full";
  }
  return "none";
}

bool parseContentMode(std::string_view s, ContentMode& out) {
  if (s == "none") out = ContentMode::kNone;
  else if (s == "hash") out = ContentMode::kHash;
  else if (s == "redacted") out = ContentMode::kRedacted;
  else if (s == "full") out = ContentMode::kFull;
  else return false;
  return true;
}

std::string redact(std::string_view text, std::string_view field,
                   const std::vector<FindingRef>& findings) {
  struct Span {
    size_t begin, end;
    std::string kind;
  };
  std::vector<Span> spans;
  for (const auto& f : findings) {
    if (f.field != field || f.begin >= text.size()) continue;
    // A span running past the end redacts to the end: never leak a tail of the value.
    size_t end = std::min<size_t>(std::max(f.end, f.begin + 1), text.size());
    spans.push_back({f.begin, end, f.kind});
  }
  std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) { return a.begin < b.begin; });
  std::string out;
  size_t pos = 0;
  for (size_t i = 0; i < spans.size();) {
    Span merged = spans[i++];
    while (i < spans.size() && spans[i].begin < merged.end) merged.end = std::max(merged.end, spans[i++].end);
    out.append(text.substr(pos, merged.begin - pos));
    out += "[" + merged.kind + "]";
    pos = merged.end;
  }
  out.append(text.substr(pos));
  return out;
}

}  // namespace concord::audit
