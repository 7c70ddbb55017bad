// SHA-256 and lower-case hex: the digests of the audit chain, provenance manifests and
// approvals all come from here. Stateless; any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace concord {

using Sha256Digest = std::array<uint8_t, 32>;

Sha256Digest sha256(std::string_view bytes);
// Lower-case hex of `n` bytes (two characters each).
std::string toHex(const uint8_t* data, size_t n);
inline std::string toHex(const Sha256Digest& d) { return toHex(d.data(), d.size()); }
inline std::string toHex(std::string_view bytes) {
  return toHex(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size());
}
// sha256 then toHex: 64 lower-case characters.
inline std::string sha256Hex(std::string_view bytes) { return toHex(sha256(bytes)); }

}  // namespace concord
