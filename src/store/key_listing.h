// How keys are shown to operators: the `concord keys list` table and JSON, and the
// comma-separated lists that `keys create` accepts. Kept here, apart from the CLI file, so the
// formats are unit-tested. Plain functions; any thread. No secret ever reaches these: KeyInfo
// carries the public id and the last four characters only.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>
#include <vector>

#include "store/key_store.h"

namespace concord::store {

// "EU, CN,,US-CA" -> {"EU","CN","US-CA"}: items trimmed, empty items dropped.
std::vector<std::string> splitList(std::string_view text);

// Unix seconds -> "2026-01-01T00:00:00Z"; 0 -> "-".
std::string formatTime(int64_t unix_seconds);

// A fixed-width table with a header line, one key per line, ending in '\n'.
std::string formatKeyTable(const std::vector<KeyInfo>& keys);

// [{"id","tenant","status":"active"|"revoked","models",...,"created_at","revoked_at"}]
nlohmann::json keysToJson(const std::vector<KeyInfo>& keys);

}  // namespace concord::store
