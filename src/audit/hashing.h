// SHA-256 and hex helpers for the audit chain, Merkle trees and content hashes
// (docs/audit-format.md). Stateless; any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace concord::audit {

using Digest = std::array<uint8_t, 32>;

Digest sha256(std::string_view data);
std::string toHex(const uint8_t* data, size_t n);
inline std::string toHex(const Digest& d) { return toHex(d.data(), d.size()); }
// Parses 64 hex chars into a digest; false if malformed.
bool digestFromHex(std::string_view hex, Digest& out);
std::string fromHex(std::string_view hex, bool* ok);
inline Digest zeroDigest() { return Digest{}; }

}  // namespace concord::audit
