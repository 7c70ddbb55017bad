// Small encodings and primitives the provenance code shares: base64url (RFC 4648 §5, no
// padding), lowercase hex, SHA-256, random content ids (UUID v4 from OpenSSL's CSPRNG) and
// RFC 3339 timestamps. Pure functions; any thread.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace concord::label {

using Digest = std::array<unsigned char, 32>;

std::string base64url(std::string_view bytes);
std::optional<std::string> base64urlDecode(std::string_view text);
std::string hex(std::string_view bytes);
std::string hex(const Digest& d);

Digest sha256(std::string_view bytes);

// 128 random bits as a UUID v4 string ("8-4-4-4-12" lowercase hex); used as content id.
std::string randomContentId();

// "2026-11-29T11:35:50.123456Z" (always six fractional digits, UTC).
std::string rfc3339Micros(int64_t unix_micros);

}  // namespace concord::label
