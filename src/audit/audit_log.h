// AuditLog: the append-only, hash-chained, signed audit trail of one gateway
// (docs/audit-format.md). The request path calls append(), which only moves the record into a
// bounded queue; one writer thread serialises, writes, group-commits (fsync every
// group_commit_ms or group_commit_records), rotates and seals segments. open() runs recovery
// first. append()/healthy()/stats() may be called from any thread; close() and prune() from one
// control thread. The AuditLog owns its writer thread; the FileSystem and Clock are borrowed
// and must outlive it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "audit/file_system.h"
#include "audit/record.h"
#include "audit/recovery.h"
#include "audit/signing_key.h"
#include "common/clock.h"
#include "common/result.h"

namespace concord::audit {

// strict: on_durable fires once the record is fsynced (the response waits for it).
// batched: on_durable fires at enqueue; a crash can lose the last group_commit_ms of records.
enum class Durability { kStrict, kBatched };
bool parseDurability(std::string_view s, Durability& out);

struct AuditOptions {
  std::string dir = "./data/audit";
  Durability durability = Durability::kStrict;
  int group_commit_ms = 2;
  int group_commit_records = 256;
  size_t queue_capacity = 65536;
  uint64_t segment_max_bytes = 64ull << 20;
  int64_t segment_max_age_s = 3600;
  std::string signing_key_path = "./data/audit-signing.key";
  bool fail_open = false;  // read by the gateway: serve (loudly, counted) when append() fails
  int retry_ms = 100;      // how often an unhealthy writer retries the disk
};

struct AuditStats {
  uint64_t appended = 0;   // accepted by append()
  uint64_t rejected = 0;   // append() returned false
  uint64_t durable = 0;    // records fsynced
  uint64_t failed = 0;     // strict records whose callback got an error
  uint64_t fsyncs = 0;
  uint64_t segments_sealed = 0;
  uint64_t disk_errors = 0;
};

struct RetentionPolicy {
  std::vector<int64_t> min_days;  // one per pack rule (or flag) that sets a minimum
  std::vector<int64_t> max_days;  // one per pack rule (or flag) that sets a maximum
  std::vector<std::string> sources;  // where they came from ("rule:CN-LBL-9", "flag:--max-days"), recorded
};
struct PruneResult {
  std::vector<uint64_t> deleted_segments;
  int64_t cutoff_us = 0;
};

using DurableCallback = std::function<void(Status)>;

class AuditLog {
 public:
  static Result<std::unique_ptr<AuditLog>> open(AuditOptions options, FileSystem& fs, const Clock& clock);
  // Same, with a key already loaded (tests, benchmarks).
  static Result<std::unique_ptr<AuditLog>> open(AuditOptions options, FileSystem& fs, const Clock& clock,
                                                std::shared_ptr<const SigningKey> key);
  ~AuditLog();  // close()s

  // Never blocks. False when unhealthy or the queue is full: the gateway answers 503
  // audit_unavailable (unless fail_open). `on_durable` runs on the writer thread (strict) or
  // before append returns (batched); it may be empty. It must be quick and must not call
  // close() or prune() (they wait for the writer); calling append() from it is fine.
  bool append(AuditRecord record, DurableCallback on_durable);
  bool healthy() const { return healthy_.load(std::memory_order_acquire); }
  AuditStats stats() const;
  const AuditOptions& options() const { return options_; }

  // Deletes whole sealed segments older than every minimum and every maximum (oldest first,
  // never the active one), after a durable `prune` record. Blocks until done.
  Result<PruneResult> prune(const RetentionPolicy& policy);

  // Drains the queue, writes, seals the active segment, stops the writer. Idempotent.
  void close();

 private:
  struct Pending {
    AuditRecord record;
    DurableCallback callback;
    bool special = false;
    SpecialRecord special_record;
  };
  AuditLog(AuditOptions options, FileSystem& fs, const Clock& clock, std::shared_ptr<const SigningKey> key);
  void run();
  // Brings the active segment to a writable state (seal pending, create, reopen after error).
  Status ensureWritable();
  // Serialises, writes and fsyncs a batch; commits the chain state only on success.
  Status writeBatch(std::vector<Pending>& batch);
  void finishBatch(std::vector<Pending>& batch, const Status& st, std::vector<Pending>& retry);
  void markUnhealthy();
  bool rotationDue() const;
  bool enqueueSpecial(SpecialRecord rec, DurableCallback cb);

  AuditOptions options_;
  FileSystem& fs_;
  const Clock& clock_;
  std::shared_ptr<const SigningKey> key_;
  std::unique_ptr<FileLock> lock_;

  // Writer-thread state.
  ChainState state_;
  std::unique_ptr<WritableFile> file_;
  bool seal_pending_ = false;
  std::string buffer_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Pending> queue_;
  size_t wake_at_ = 1;  // the writer wants a notify when the queue reaches this size
  bool stopping_ = false;
  std::atomic<bool> healthy_{true};
  std::atomic<bool> closed_{false};
  std::thread writer_;
  AuditStats stats_;  // guarded by mu_
};

}  // namespace concord::audit
