// Bounded decoding of encoded spans (base64/base64url, hex, \x escapes, URL %-encoding,
// \u escapes, HTML numeric entities) so that payloads hidden in them are scanned too. The
// scanner finds the spans with internal patterns in its one database (internalPatterns()),
// decodes at most kMaxDecodedSpans per text and kMaxDecodedBytes each, and only keeps output
// that looks like text. Stateless; any thread.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace concord::detect {

inline constexpr std::string_view kEncBase64 = "enc.base64";
inline constexpr std::string_view kEncHex = "enc.hex";
inline constexpr std::string_view kEncUrl = "enc.url";
inline constexpr std::string_view kEncUnicode = "enc.unicode";
inline constexpr std::string_view kEncEntity = "enc.entity";
inline constexpr std::string_view kSuspiciousBytes = "int.suspicious";

inline constexpr size_t kMaxDecodedSpans = 16;
inline constexpr size_t kMinBase64Run = 24;
inline constexpr size_t kMaxDecodedBytes = 16384;

// Decodes `s` as `encoding` (one of the kEnc* names) into `out`. Returns false when the span
// does not decode or the result does not look like text (valid UTF-8, mostly printable).
bool decodeSpan(std::string_view s, std::string_view encoding, std::string& out);

// One byte loop (a table lookup per byte, ~GB/s) that finds runs of >= kMinBase64Run base64 /
// base64url / hex characters (at most kMaxDecodedSpans) and whether the text has bytes the
// normaliser would change. Done in C++ because these character-class runs were the most costly
// patterns in the Hyperscan database (measured 2x slower scans with them inside).
void prescanBytes(std::string_view text, std::vector<std::pair<uint32_t, uint32_t>>& base64Runs, bool& suspicious);

}  // namespace concord::detect
