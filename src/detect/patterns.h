// The pattern tables that make up the one Hyperscan database: PII, secrets, prompt injection,
// plus internal patterns (encoded spans to decode, suspicious bytes that call for the
// normaliser). Each entry carries its kind, its validator and its base score. Tables are static
// and immutable; any thread. Validators are pure functions of (text, span).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace concord::detect {

enum class Family : uint8_t {
  kPii,
  kSecrets,
  kInjection,
  kEncoded,     // internal: a base64/hex/url-encoded span to decode and rescan
  kSuspicious,  // internal: bytes that call for Unicode normalisation before scanning
};

struct Span {
  uint32_t begin;
  uint32_t end;
};

// Validates a candidate hit. May narrow the span (e.g. to the value after "password=") and
// returns a score in (0,1], or <= 0 to reject. Must not allocate on the common reject path.
using Validator = float (*)(std::string_view text, Span& span);

struct PatternSpec {
  const char* regex;  // Hyperscan syntax; written from the public format descriptions
  unsigned flags;     // extra HS_FLAG_* bits (CASELESS, UTF8, ...); SOM_LEFTMOST is always added
  std::string_view kind;
  Family family;
  Validator validate;  // nullptr: accept with `score`
  float score;         // score when there is no validator
  // 0: the pattern is in the big database itself. >0: a cheap prefilter of that group stands
  // in for it there, and the group's own database finds it in a window around prefilter hits
  // (kGroupDigits: IDs, cards, phones, dates...; kGroupAt: e-mail; kGroupInjectionWords).
  uint8_t group = 0;
};

inline constexpr uint8_t kGroupDigits = 1;
inline constexpr uint8_t kGroupAt = 2;
// Injection phrases whose leading words are common English ("write", "new", "show", "send"):
// in the big database they cost more than all PII patterns together. Each member must contain
// one of the prefilter's words (see Scanner::build) within the group window of its match.
inline constexpr uint8_t kGroupInjectionWords = 3;
inline constexpr uint8_t kGroupCount = 4;

std::span<const PatternSpec> piiPatterns();
std::span<const PatternSpec> secretPatterns();
std::span<const PatternSpec> injectionPatterns();
std::span<const PatternSpec> internalPatterns();

// Shared helpers for validators.
inline bool isDigit(char c) { return c >= '0' && c <= '9'; }
inline bool isAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool isAlnum(char c) { return isDigit(c) || isAlpha(c); }
// True when the span is not glued to letters/digits on either side.
inline bool alnumBoundaries(std::string_view t, Span s) {
  return (s.begin == 0 || !isAlnum(t[s.begin - 1])) && (s.end >= t.size() || !isAlnum(t[s.end]));
}

}  // namespace concord::detect
