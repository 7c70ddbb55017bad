// SHA-256 and hex helpers for the audit chain, Merkle trees and content hashes
// (docs/audit-format.md). Stateless; any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/sha256.h"

namespace concord::audit {

using Digest = Sha256Digest;
using concord::sha256;  // common/sha256.h
using concord::toHex;
// Parses 64 hex chars into a digest; false if malformed.
bool digestFromHex(std::string_view hex, Digest& out);
std::string fromHex(std::string_view hex, bool* ok);
inline Digest zeroDigest() { return Digest{}; }

}  // namespace concord::audit
