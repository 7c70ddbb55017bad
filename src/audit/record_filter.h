// RecordFilter: the selection shared by `audit export` (over segments) and `audit query` (over
// the index): tenant, time range, rule id, decision action, record type. Plain value; any thread.
#pragma once

#include <cstdint>
#include <limits>
#include <string>

#include "audit/payload.h"

namespace concord::audit {

struct RecordFilter {
  std::string tenant;
  int64_t from_us = std::numeric_limits<int64_t>::min();  // on record ts, inclusive
  int64_t to_us = std::numeric_limits<int64_t>::max();    // exclusive
  std::string rule_id;
  std::string decision;  // allow | deny | hold | redact | label
  std::string type;      // exchange | truncation | prune | key_rotation; empty = any
  size_t limit = 0;      // 0 = no limit
};

bool matches(const ParsedRecord& r, const RecordFilter& f);

// Parses an RFC 3339 UTC time ("2026-01-01T00:00:00Z", date alone allowed) or integer µs.
bool parseTimeMicros(const std::string& s, int64_t& out);

}  // namespace concord::audit
