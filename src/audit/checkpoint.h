// Checkpoint: the signed seal of one segment (docs/audit-format.md, section 4): RFC 6962
// Merkle root of its record hashes, chained to the previous checkpoint, Ed25519-signed.
// Built on the writer thread at seal time; parsed by recovery and verify. Any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "audit/hashing.h"
#include "audit/signing_key.h"

namespace concord::audit {

Digest merkleRoot(const std::vector<Digest>& leaves);

struct CheckpointBody {
  uint64_t segment = 0;
  uint64_t first_seq = 0;
  uint64_t count = 0;
  uint64_t last_seq = 0;
  Digest last_hash{};
  Digest merkle_root{};
  Digest prev_checkpoint{};
  int64_t created_us = 0;
  int64_t sealed_us = 0;
  int64_t min_ts = 0;
  int64_t max_ts = 0;
  std::string key_hex;
};

struct Checkpoint {
  CheckpointBody body;
  std::string body_bytes;  // exactly what was signed
  std::string signature;   // raw 64 bytes
  Digest hash() const { return sha256(body_bytes); }
};

// The two-line file: body JSON, signature hex.
std::string encodeCheckpoint(const CheckpointBody& body, const SigningKey& key);
// nullopt if the file is not two lines of a well-formed body and hex signature.
std::optional<Checkpoint> parseCheckpoint(std::string_view file);

}  // namespace concord::audit
