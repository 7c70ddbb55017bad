#include "audit/recovery.h"

#include <algorithm>
#include <map>

#include "audit/checkpoint.h"
#include "audit/payload.h"
#include "audit/segment_format.h"

namespace concord::audit {
namespace {

Error corrupt(const std::string& file, uint64_t offset, const std::string& what) {
  return makeError("audit.corrupt", file + " at byte " + std::to_string(offset) + ": " + what +
                                        " (not a crash artefact; run `concord audit verify`)");
}

}  // namespace

Status sealSegment(FileSystem& fs, const std::string& dir, const SigningKey& key, const Clock& clock,
                   ChainState& s) {
  CheckpointBody b;
  b.segment = s.segment;
  b.first_seq = s.segment_first_seq;
  b.count = s.leaves.size();
  b.last_seq = s.next_seq - 1;
  b.last_hash = s.prev;
  b.merkle_root = merkleRoot(s.leaves);
  b.prev_checkpoint = s.last_checkpoint;
  b.created_us = s.created_us;
  b.sealed_us = clock.nowMicros();
  b.min_ts = s.min_ts;
  b.max_ts = s.max_ts;
  std::string file = encodeCheckpoint(b, key);
  if (Status st = writeFileAtomic(fs, dir, checkpointName(s.segment), file); !st) return st;
  auto parsed = parseCheckpoint(file);
  s.last_checkpoint = parsed->hash();
  s.last_key_hex = key.publicKeyHex();
  s.segment += 1;
  s.segment_exists = false;
  s.segment_first_seq = s.next_seq;
  s.segment_bytes = 0;
  s.leaves.clear();
  s.min_ts = s.max_ts = 0;
  s.created_us = 0;
  return {};
}

Result<Recovered> recoverLog(FileSystem& fs, const std::string& dir, const SigningKey& key, const Clock& clock) {
  Recovered out;
  ChainState& s = out.state;
  auto names = fs.list(dir);
  if (!names) return names.error();
  std::map<uint64_t, bool> segments;  // number -> has checkpoint
  std::map<uint64_t, bool> checkpoints;
  for (const auto& n : *names) {
    if (n.size() > 4 && n.compare(n.size() - 4, 4, ".tmp") == 0) {
      (void)fs.remove(joinPath(dir, n));  // a half-written checkpoint or key: never trusted
      continue;
    }
    if (auto seg = parseSegmentName(n)) segments[*seg] = false;
    if (auto ck = parseCheckpointName(n)) checkpoints[*ck] = true;
  }
  // The chain state at the last seal. Checkpoints are never pruned, so this is the newest one.
  if (!checkpoints.empty()) {
    uint64_t last = checkpoints.rbegin()->first;
    std::string path = joinPath(dir, checkpointName(last));
    auto bytes = fs.readFile(path);
    if (!bytes) return bytes.error();
    auto ck = parseCheckpoint(*bytes);
    if (!ck) return corrupt(checkpointName(last), 0, "unreadable checkpoint");
    s.next_seq = ck->body.first_seq + ck->body.count;
    s.prev = ck->body.last_hash;
    s.last_checkpoint = ck->hash();
    s.last_key_hex = ck->body.key_hex;
    s.segment = last + 1;
    s.segment_first_seq = s.next_seq;
  }
  std::vector<uint64_t> unsealed;
  for (const auto& [n, _] : segments)
    if (!checkpoints.count(n) && (checkpoints.empty() || n > checkpoints.rbegin()->first)) unsealed.push_back(n);

  for (size_t i = 0; i < unsealed.size(); ++i) {
    uint64_t n = unsealed[i];
    bool is_last = i + 1 == unsealed.size();
    std::string name = segmentName(n);
    std::string path = joinPath(dir, name);
    if (n != s.segment) return corrupt(name, 0, "segment number out of sequence (expected " + std::to_string(s.segment) + ")");
    auto bytes = fs.readFile(path);
    if (!bytes) return bytes.error();
    auto header = decodeHeader(*bytes);
    if (!header) {
      if (is_last && bytes->size() < kHeaderSize) {
        // Torn creation: the header never became durable. Nothing was acknowledged in it.
        if (Status st = fs.remove(path); !st) return st.error();
        if (Status st = fs.syncDir(dir); !st) return st.error();
        break;
      }
      return corrupt(name, 0, "bad segment header");
    }
    if (header->segment != n) return corrupt(name, 0, "header names segment " + std::to_string(header->segment));
    s.segment_exists = true;
    s.created_us = header->created_us;
    s.segment_first_seq = s.next_seq;
    s.leaves.clear();
    s.min_ts = s.max_ts = 0;
    ScanResult scan = scanFrames(*bytes);
    for (const auto& f : scan.frames) {
      auto p = parsePayload(f.payload);
      if (!p) return corrupt(name, f.offset, "record is not valid JSON with the common fields");
      if (p->chain.seq != s.next_seq) return corrupt(name, f.offset, "seq " + std::to_string(p->chain.seq) + ", expected " + std::to_string(s.next_seq));
      if (p->chain.prev != s.prev) return corrupt(name, f.offset, "prev hash does not match the chain");
      Digest h = sha256(f.payload);
      s.leaves.push_back(h);
      s.prev = h;
      s.next_seq++;
      if (s.min_ts == 0 || p->chain.ts < s.min_ts) s.min_ts = p->chain.ts;
      s.max_ts = std::max(s.max_ts, p->chain.ts);
    }
    s.segment_bytes = scan.stop_offset;
    if (scan.stop != ScanStop::kEnd) {
      if (!is_last) return corrupt(name, scan.stop_offset, std::string("bad frame (") + scanStopName(scan.stop) + ") in a segment that is not the last");
      // A torn tail: keep the bytes as evidence, cut them, and say so in the chain.
      uint64_t dropped = bytes->size() - scan.stop_offset;
      std::string saved = name + ".torn-" + std::to_string(scan.stop_offset) + "-" + std::to_string(clock.nowMicros());
      if (Status st = writeFileAtomic(fs, dir, saved, std::string_view(*bytes).substr(scan.stop_offset)); !st) return st.error();
      if (Status st = fs.truncate(path, scan.stop_offset); !st) return st.error();
      nlohmann::json body = {{"segment", n}, {"offset", scan.stop_offset}, {"dropped_bytes", dropped},
                             {"reason", scanStopName(scan.stop)}, {"saved_as", saved}};
      out.specials.push_back({"truncation", std::move(body)});
    }
    if (!is_last) {
      // Crash between the last record and the seal: seal it now, it verified above.
      if (Status st = sealSegment(fs, dir, key, clock, s); !st) return st.error();
    }
  }
  if (!s.last_key_hex.empty() && s.last_key_hex != key.publicKeyHex())
    out.specials.push_back({"key_rotation", {{"old_key", s.last_key_hex}, {"new_key", key.publicKeyHex()}}});
  return out;
}

}  // namespace concord::audit
