// Payload: the JSON bytes of each record type (docs/audit-format.md, section 3) and the parsed
// form a reader sees. Serialisation runs on the writer thread; parsing in recovery, verify,
// export and the index. Pure functions; any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "audit/hashing.h"
#include "audit/record.h"

namespace concord::audit {

inline constexpr int kFormatVersion = 1;

// The fields every record carries.
struct ChainFields {
  uint64_t seq = 0;
  Digest prev{};
  int64_t ts = 0;
};

std::string serializeExchange(const AuditRecord& r, const ChainFields& c);
// Special records: `body` holds the type-specific fields; common fields are added.
std::string serializeSpecial(std::string_view type, nlohmann::json body, const ChainFields& c);

struct ParsedRecord {
  std::string type;
  ChainFields chain;
  nlohmann::json json;
};
// nullopt when the payload is not a JSON object with valid common fields.
std::optional<ParsedRecord> parsePayload(std::string_view payload);

// The record back as an AuditRecord (content as written: hashes land in prompt/answer empty).
AuditRecord recordFromJson(const nlohmann::json& j);

}  // namespace concord::audit
