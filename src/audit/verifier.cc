#include "audit/verifier.h"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "audit/checkpoint.h"
#include "audit/payload.h"
#include "audit/segment_format.h"
#include "audit/signing_key.h"

namespace concord::audit {
namespace {

struct SegmentScan {
  bool readable = false;
  std::optional<SegmentHeader> header;
  std::vector<Digest> leaves;
  uint64_t first_seq = 0;
  int64_t min_ts = 0, max_ts = 0;
  std::vector<std::string> rotation_old_keys;
};

class Run {
 public:
  Run(FileSystem& fs, const VerifyOptions& o) : fs_(fs), o_(o) {}

  Result<VerifyReport> go() {
    auto names = fs_.list(o_.dir);
    if (!names) return names.error();
    for (const auto& n : *names) {
      if (auto s = parseSegmentName(n)) segs_.insert(*s);
      if (auto c = parseCheckpointName(n)) ckpts_.insert(*c);
    }
    std::set<uint64_t> all(segs_);
    all.insert(ckpts_.begin(), ckpts_.end());
    if (all.empty()) return report_;
    uint64_t last = *all.rbegin();
    // Pass 1: records and chain, in segment order.
    for (uint64_t n = 0; n <= last; ++n) {
      if (segs_.count(n) && outsideWindow(n)) skipOutside(n);
      else if (segs_.count(n)) scanSegment(n);
      else if (ckpts_.count(n)) skipPruned(n);
      else {
        problem(segmentName(n), -1, "segment_gap", "segment " + std::to_string(n) + " and its checkpoint are missing");
        chain_known_ = false;
      }
    }
    // Pass 2: checkpoints (chain, Merkle, signatures), and which pruned segments are accounted for.
    checkCheckpoints(last);
    for (uint64_t n : pruned_)
      if (!std::any_of(prunes_.begin(), prunes_.end(), [&](auto r) { return n >= r.first && n <= r.second; }))
        problem(segmentName(n), -1, "missing_segment", "segment deleted without a prune record in the chain");
    std::sort(report_.problems.begin(), report_.problems.end(), [](const Problem& a, const Problem& b) {
      return a.file != b.file ? a.file < b.file : a.offset < b.offset;
    });
    return report_;
  }

 private:
  void problem(std::string file, int64_t off, std::string code, std::string msg) {
    report_.problems.push_back({std::move(file), off, std::move(code), std::move(msg)});
  }

  std::optional<Checkpoint> loadCheckpoint(uint64_t n) {
    if (!ckpts_.count(n)) return std::nullopt;
    if (auto it = cache_.find(n); it != cache_.end()) return it->second;
    auto bytes = fs_.readFile(joinPath(o_.dir, checkpointName(n)));
    std::optional<Checkpoint> c;
    if (bytes) c = parseCheckpoint(*bytes);
    if (!c) problem(checkpointName(n), -1, "bad_checkpoint", "checkpoint file is unreadable or malformed");
    cache_[n] = c;
    return c;
  }

  bool outsideWindow(uint64_t n) {
    if (o_.from_us == INT64_MIN && o_.to_us == INT64_MAX) return false;
    if (!ckpts_.count(n)) return false;  // unsealed: always scanned
    auto c = loadCheckpoint(n);
    if (!c || c->body.count == 0) return false;
    return c->body.max_ts < o_.from_us || c->body.min_ts >= o_.to_us;
  }

  // A sealed segment outside the window: trust its (verified) seal for the chain state.
  void skipOutside(uint64_t n) {
    ++report_.skipped_segments;
    auto c = loadCheckpoint(n);
    next_seq_ = c->body.first_seq + c->body.count;
    prev_ = c->body.last_hash;
    chain_known_ = true;
  }

  // A segment removed by prune: the chain resumes from its checkpoint.
  void skipPruned(uint64_t n) {
    ++report_.pruned_segments;
    pruned_.push_back(n);
    if (auto c = loadCheckpoint(n)) {
      next_seq_ = c->body.first_seq + c->body.count;
      prev_ = c->body.last_hash;
      chain_known_ = true;
    }
  }

  void scanSegment(uint64_t n) {
    ++report_.segments;
    std::string name = segmentName(n);
    SegmentScan& s = scans_[n];
    auto bytes = fs_.readFile(joinPath(o_.dir, name));
    if (!bytes) {
      problem(name, -1, "unreadable", bytes.error().message);
      chain_known_ = false;
      return;
    }
    s.readable = true;
    s.header = decodeHeader(*bytes);
    if (!s.header) {
      problem(name, 0, "bad_header", "segment header is missing, has a bad magic or CRC");
      chain_known_ = false;
      return;
    }
    if (s.header->segment != n)
      problem(name, 0, "bad_header", "header says segment " + std::to_string(s.header->segment));
    s.first_seq = next_seq_;
    ScanResult scan = scanFrames(*bytes);
    for (const auto& f : scan.frames) {
      ++report_.records;
      Digest h = sha256(f.payload);
      s.leaves.push_back(h);
      auto p = parsePayload(f.payload);
      if (!p) {
        problem(name, int64_t(f.offset), "bad_record", "payload is not a record");
        prev_ = h;
        ++next_seq_;
        continue;
      }
      if (s.leaves.size() == 1 && !chain_known_) s.first_seq = p->chain.seq;
      if (chain_known_ && p->chain.seq > next_seq_)
        problem(name, int64_t(f.offset), "seq_gap", "seq " + std::to_string(p->chain.seq) + " follows " +
                std::to_string(next_seq_ - 1) + ": " + std::to_string(p->chain.seq - next_seq_) + " record(s) missing");
      else if (chain_known_ && p->chain.seq < next_seq_)
        problem(name, int64_t(f.offset), "seq_reorder", "seq " + std::to_string(p->chain.seq) + " where " +
                std::to_string(next_seq_) + " was expected");
      else if (chain_known_ && p->chain.prev != prev_)
        problem(name, int64_t(f.offset), "chain_break", "seq " + std::to_string(p->chain.seq) +
                ": prev hash is not the hash of the previous record (edited or replaced record)");
      if (s.min_ts == 0 || p->chain.ts < s.min_ts) s.min_ts = p->chain.ts;
      s.max_ts = std::max(s.max_ts, p->chain.ts);
      // Records are attacker-controlled input here: check types before reading them.
      if (p->type == "prune" && p->json.contains("first_segment") && p->json["first_segment"].is_number_unsigned() &&
          p->json.contains("last_segment") && p->json["last_segment"].is_number_unsigned())
        prunes_.push_back({p->json["first_segment"].get<uint64_t>(), p->json["last_segment"].get<uint64_t>()});
      if (p->type == "key_rotation" && p->json.contains("old_key") && p->json["old_key"].is_string())
        s.rotation_old_keys.push_back(p->json["old_key"].get<std::string>());
      chain_known_ = true;
      prev_ = h;
      next_seq_ = p->chain.seq + 1;
    }
    if (scan.stop == ScanStop::kShortFrame)
      problem(name, int64_t(scan.stop_offset), "torn_tail", "segment ends inside a frame (" +
              std::to_string(bytes->size() - scan.stop_offset) + " bytes; recovery would cut them)");
    else if (scan.stop != ScanStop::kEnd)
      problem(name, int64_t(scan.stop_offset), scan.stop == ScanStop::kCrc ? "crc_mismatch" : "bad_length",
              std::string("frame fails its ") + (scan.stop == ScanStop::kCrc ? "CRC" : "length check") + "; " +
              std::to_string(bytes->size() - scan.stop_offset) + " bytes from here are unreadable");
    if (scan.stop != ScanStop::kEnd) chain_known_ = false;
  }

  void checkCheckpoints(uint64_t last) {
    std::set<std::string> trusted;
    for (const auto& k : o_.trusted_keys) trusted.insert(toHex(reinterpret_cast<const uint8_t*>(k.data()), k.size()));
    // Newest first: a rotation record in a segment sealed by a trusted key vouches for the old key.
    for (uint64_t n = last + 1; n-- > 0;) {
      if (!segs_.count(n) && !ckpts_.count(n)) continue;
      if (!ckpts_.count(n)) {
        if (n != last || o_.require_sealed)
          problem(segmentName(n), -1, "missing_checkpoint",
                  n == last ? "the last segment is not sealed" : "segment is not the last and has no checkpoint");
        continue;
      }
      auto c = loadCheckpoint(n);
      if (!c) continue;
      ++report_.checkpoints;
      std::string cname = checkpointName(n);
      const auto& b = c->body;
      bool ok = false;
      std::string key_raw = fromHex(b.key_hex, &ok);
      if (!ok || !verifyEd25519(key_raw, c->body_bytes, c->signature)) {
        problem(cname, -1, "bad_signature", "signature does not verify under the key named in the checkpoint");
      } else if (!trusted.count(b.key_hex)) {
        problem(cname, -1, "untrusted_key", "signed by key " + b.key_hex.substr(0, 16) + "..., which is not trusted");
      } else if (auto it = scans_.find(n); it != scans_.end()) {
        for (const auto& k : it->second.rotation_old_keys) trusted.insert(k);
      }
      if (b.segment != n) problem(cname, -1, "checkpoint_mismatch", "checkpoint names segment " + std::to_string(b.segment));
      Digest expected_prev{};
      if (n > 0) {
        auto p = ckpts_.count(n - 1) ? loadCheckpoint(n - 1) : std::nullopt;
        if (p) expected_prev = p->hash();
      }
      if ((n == 0 || ckpts_.count(n - 1)) && b.prev_checkpoint != expected_prev)
        problem(cname, -1, "checkpoint_chain_break", "prev_checkpoint is not the hash of the previous checkpoint");
      auto it = scans_.find(n);
      if (it == scans_.end() || !it->second.readable || !it->second.header) continue;
      const SegmentScan& s = it->second;
      std::string what;
      if (s.leaves.size() != b.count) what = "holds " + std::to_string(s.leaves.size()) + " records, checkpoint says " + std::to_string(b.count);
      else if (merkleRoot(s.leaves) != b.merkle_root) what = "Merkle root differs";
      else if (b.count && s.leaves.back() != b.last_hash) what = "last record hash differs";
      else if (b.count && s.first_seq != b.first_seq) what = "first seq " + std::to_string(s.first_seq) + ", checkpoint says " + std::to_string(b.first_seq);
      else if (s.header->created_us != b.created_us) what = "segment creation time differs";
      if (!what.empty()) problem(segmentName(n), -1, "checkpoint_mismatch", "segment " + what + " (" + cname + ")");
    }
  }

  FileSystem& fs_;
  const VerifyOptions& o_;
  VerifyReport report_;
  std::set<uint64_t> segs_, ckpts_;
  std::map<uint64_t, SegmentScan> scans_;
  std::map<uint64_t, std::optional<Checkpoint>> cache_;
  std::vector<std::pair<uint64_t, uint64_t>> prunes_;
  std::vector<uint64_t> pruned_;
  uint64_t next_seq_ = 0;
  Digest prev_{};
  bool chain_known_ = true;
};

}  // namespace

Result<VerifyReport> verifyLog(FileSystem& fs, const VerifyOptions& options) { return Run(fs, options).go(); }

std::string VerifyReport::text() const {
  std::string out;
  for (const auto& p : problems) {
    out.append(p.file).append(" @").append(p.offset < 0 ? std::string("-") : std::to_string(p.offset));
    out.append(" ").append(p.code).append(": ").append(p.message).append("\n");
  }
  out.append(problems.empty() ? "OK: " : "FAILED: ").append(std::to_string(problems.size())).append(" problem(s); ");
  out.append(std::to_string(segments)).append(" segment(s), ").append(std::to_string(pruned_segments)).append(" pruned, ");
  if (skipped_segments) out.append(std::to_string(skipped_segments)).append(" outside the time window, ");
  out.append(std::to_string(checkpoints)).append(" checkpoint(s), ").append(std::to_string(records)).append(" record(s)\n");
  return out;
}

}  // namespace concord::audit
