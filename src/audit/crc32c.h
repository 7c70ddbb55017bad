// CRC-32C (Castagnoli) for audit frame and header checksums (docs/audit-format.md, "Segment
// file"). Pure functions over bytes; any thread.
#pragma once

#include <cstdint>
#include <string_view>

namespace concord::audit {

// crc32c("123456789") == 0xE3069283. `crc` continues a previous value (0 to start).
uint32_t crc32c(std::string_view data, uint32_t crc = 0);

}  // namespace concord::audit
