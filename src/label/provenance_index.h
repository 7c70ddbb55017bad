// ProvenanceIndex: what Concord produced, so that a text can be checked without its manifest
// (CA SB 942 § 22757.2 detection tool, EU Art. 50(2) detectability). SQLite, default
// ./data/provenance.db. Per answer it keeps the content id, the text hash, the label texts
// (to strip them again), a MinHash sketch with its LSH band keys, and the canonical manifest
// and signature when known. It never stores the answer text itself.
// record() is cheap and non-blocking: it copies the text and queues it; a writer thread
// sketches and inserts in group transactions: it lets records gather for up to kWriteWait (or
// kMaxWriteBatch records) and writes them in one transaction, one row per answer, so an answer
// costs a share of one commit rather than one of its own. Nothing waits for the index but
// flush() (which cuts the wait short) and lookups of answers not yet written. The LSH band
// index lives in memory (BandTable), built from the stored sketches at the first lookup and
// caught up before each one: ~0.5 KB per answer, only in a process that looks texts up. lookup()/byContentId() read through the same
// connection under a mutex. All methods may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/result.h"
#include "label/band_table.h"
#include "label/manifest.h"
#include "label/sketch.h"

struct sqlite3;

namespace concord::label {

inline constexpr std::string_view kDefaultIndexPath = "./data/provenance.db";
inline constexpr double kDefaultNearThreshold = 0.30;

struct IndexMatch {
  enum class Kind { kExact, kNear, kNone };
  Kind kind = Kind::kNone;
  std::string content_id;
  double similarity = 0.0;  // 1.0 for exact
  std::string manifest;     // canonical bytes, if recorded
  std::string signature;    // signature JSON, if recorded
};

class ProvenanceIndex {
 public:
  ~ProvenanceIndex();  // writes what is queued
  ProvenanceIndex(const ProvenanceIndex&) = delete;
  ProvenanceIndex& operator=(const ProvenanceIndex&) = delete;

  // Opens or creates the database (parent directory must exist; ":memory:" works).
  static Result<std::unique_ptr<ProvenanceIndex>> open(const std::string& path);

  // Queues one produced answer. `answer_text` is the text as delivered or before labelling
  // (labels are stripped either way). Never blocks on disk. With the canonical manifest and
  // signature JSON (the gateway records after signing) the answer is one row insert.
  Status record(const Manifest& m, std::string_view answer_text, std::string canonical = {},
                std::string signature_json = {});
  // Adds the canonical manifest and signature JSON once signing is done (may precede the
  // record's insertion; both are queued in order).
  Status attachSignature(std::string_view content_id, std::string_view canonical,
                         std::string_view signature_json);
  // Blocks until everything queued so far is committed.
  Status flush();

  // Best match for `text`: exact (hash equal after stripping that answer's labels), near
  // (estimated Jaccard ≥ threshold) or none.
  Result<IndexMatch> lookup(std::string_view text, double near_threshold = kDefaultNearThreshold);
  // Stored manifest and signature of a content id (kind kExact if found).
  Result<IndexMatch> byContentId(std::string_view content_id);
  Result<int64_t> size();
  // Deletes answers created before `created_before` (RFC 3339, as in the manifest) with their
  // band keys; returns how many. Retention is the policy's choice (e.g. CN-LBL-9 ≥ 6 months).
  Result<int64_t> pruneBefore(std::string_view created_before);

 private:
  static constexpr auto kWriteWait = std::chrono::milliseconds(20);
  static constexpr size_t kMaxWriteBatch = 1024;
  struct Pending {
    bool is_signature = false;
    Manifest manifest;
    std::string text;       // the answer; empty for is_signature
    std::string canonical;  // may be empty (attachSignature follows)
    std::string signature;
  };
  void enqueue(Pending p);
  ProvenanceIndex() = default;
  void writerLoop();
  Status catchUpBandsLocked();  // requires db_mu_
  Status writeBatch(std::vector<Pending>& batch);

  std::mutex db_mu_;  // guards db_ and bands_
  sqlite3* db_ = nullptr;
  BandTable bands_;
  std::mutex q_mu_;
  std::condition_variable q_cv_, done_cv_;
  std::vector<Pending> queue_;
  uint64_t enqueued_ = 0, written_ = 0;
  int flushing_ = 0;  // flush() callers waiting: write without gathering
  bool stopping_ = false;
  std::string last_error_;
  std::thread writer_;
};

}  // namespace concord::label
