// Match bounds without start-of-match; see match_bounds.h.
#include "detect/match_bounds.h"

#include <algorithm>

#include "detect/patterns.h"

namespace concord::detect {

// Injection patterns are compiled without start-of-match (too costly for their word gaps), so
// the span starts at the beginning of the line holding the match end, at most 240 bytes back.
uint32_t clauseStart(std::string_view t, uint32_t end) {
  uint32_t limit = end > 240 ? end - 240 : 0;
  uint32_t b = end;
  while (b > limit && t[b - 1] != '\n') --b;
  while (b < end && (static_cast<unsigned char>(t[b]) & 0xC0) == 0x80) ++b;  // UTF-8 boundary
  while (b < end && (t[b] == ' ' || t[b] == '\t')) ++b;
  return b;
}

// Leftmost start of the plain e-mail pattern `[A-Za-z0-9_%+-][A-Za-z0-9._%+-]*@…` ending at
// `end`: back to the last '@', then back over local-part characters (at most 256), then forward
// over leading dots (the first character may not be one). The same answer as Hyperscan's
// leftmost start of match.
uint32_t emailStart(std::string_view t, uint32_t end) {
  uint32_t at = end;
  while (at > 0 && t[at - 1] != '@') --at;
  if (at == 0) return end;
  uint32_t b = at - 1, limit = b > 256 ? b - 256 : 0;
  auto local = [](char c) {
    return isAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-';
  };
  while (b > limit && local(t[b - 1])) --b;
  while (b < at - 1 && t[b] == '.') ++b;
  return b;
}

// The digit-group patterns are ASCII (apart from the fullwidth brackets of a Hong Kong ID's
// check digit), so their window need not reach into the Chinese or Arabic text around a number:
// it stops at the first other non-ASCII byte on each side (a start-of-match scan costs per byte).
void shrinkToAscii(std::string_view t, uint32_t first, uint32_t last, uint32_t& wb, uint32_t& we) {
  const auto* p = reinterpret_cast<const unsigned char*>(t.data());
  uint32_t b = first;
  while (b > wb && p[b - 1] < 0x80) --b;
  uint32_t e = last;
  while (e < we) {
    if (p[e] < 0x80) ++e;
    else if (e + 2 < t.size() && p[e] == 0xEF && p[e + 1] == 0xBC && (p[e + 2] == 0x88 || p[e + 2] == 0x89)) e += 3;
    else break;
  }
  wb = b;
  we = std::min(e, we);
}

}  // namespace concord::detect
