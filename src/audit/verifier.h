// Verifier: reads an audit directory and reports every way it differs from what the writer
// would have produced (docs/audit-format.md, section 8): CRCs, the hash chain, sequence gaps
// and reordering, segment gaps, checkpoints (Merkle root, chain, Ed25519 signature, trusted
// key). Read-only; takes no lock, so it can run beside a live gateway. Any thread.
#pragma once

#include <cstdint>
#include <climits>
#include <string>
#include <vector>

#include "audit/file_system.h"
#include "common/result.h"

namespace concord::audit {

struct Problem {
  std::string file;     // segment or checkpoint file name
  int64_t offset = -1;  // byte offset of the record in the file; -1 for file-level problems
  std::string code;     // stable: crc_mismatch, chain_break, ... (format doc, section 8)
  std::string message;
};

struct VerifyOptions {
  std::string dir;
  std::vector<std::string> trusted_keys;  // raw 32-byte Ed25519 public keys; empty = trust none
  bool require_sealed = false;  // an unsealed last segment is a problem too
  // Time window: sealed segments whose records all lie outside [from_us, to_us) are checked at
  // checkpoint level only (signature, checkpoint chain); the chain resumes from their seal.
  int64_t from_us = INT64_MIN;
  int64_t to_us = INT64_MAX;
};

struct VerifyReport {
  std::vector<Problem> problems;
  uint64_t segments = 0;
  uint64_t pruned_segments = 0;
  uint64_t skipped_segments = 0;  // outside the time window
  uint64_t checkpoints = 0;
  uint64_t records = 0;
  bool ok() const { return problems.empty(); }
  std::string text() const;  // one line per problem, then a summary line
};

Result<VerifyReport> verifyLog(FileSystem& fs, const VerifyOptions& options);

}  // namespace concord::audit
