// Recovery: what AuditLog::open does before the first append (docs/audit-format.md, section 6).
// Reads the directory, takes the chain state from the last checkpoint, scans the unsealed
// segments, cuts a torn tail (saving the bytes), seals unsealed segments that are not the
// last, and returns the state the writer continues from plus the special records it must append
// first. Runs on the opening thread, with the directory lock held.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "audit/file_system.h"
#include "audit/hashing.h"
#include "audit/signing_key.h"
#include "common/clock.h"
#include "common/result.h"

namespace concord::audit {

// The writer's view of the chain and of the active segment.
struct ChainState {
  uint64_t next_seq = 0;
  Digest prev{};             // hash of record next_seq-1
  Digest last_checkpoint{};  // hash of the last checkpoint body (zeros before the first)
  std::string last_key_hex;  // key of the last checkpoint ("" before the first)
  uint64_t segment = 0;      // active segment number (or the next one to create)
  bool segment_exists = false;
  uint64_t segment_first_seq = 0;
  uint64_t segment_bytes = 0;  // durable size of the active segment
  int64_t created_us = 0;
  int64_t min_ts = 0, max_ts = 0;
  std::vector<Digest> leaves;  // record hashes in the active segment
};

struct SpecialRecord {
  std::string type;
  nlohmann::json body;
};

struct Recovered {
  ChainState state;
  std::vector<SpecialRecord> specials;  // to append before anything else
};

Result<Recovered> recoverLog(FileSystem& fs, const std::string& dir, const SigningKey& key, const Clock& clock);

// Writes the checkpoint of the active segment durably and advances `s` to the next segment
// (not yet created). Used by recovery and by the writer.
Status sealSegment(FileSystem& fs, const std::string& dir, const SigningKey& key, const Clock& clock,
                   ChainState& s);

}  // namespace concord::audit
