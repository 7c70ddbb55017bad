#include "audit/audit_log.h"

#include <algorithm>
#include <cstdio>
#include <future>
#include <map>

#include "audit/checkpoint.h"
#include "audit/payload.h"
#include "audit/segment_format.h"

namespace concord::audit {

bool parseDurability(std::string_view s, Durability& out) {
  if (s == "strict") out = Durability::kStrict;
  else if (s == "batched") out = Durability::kBatched;
  else return false;
  return true;
}

AuditLog::AuditLog(AuditOptions options, FileSystem& fs, const Clock& clock, std::shared_ptr<const SigningKey> key)
    : options_(std::move(options)), fs_(fs), clock_(clock), key_(std::move(key)) {
  options_.group_commit_records = std::max(1, options_.group_commit_records);
  options_.retry_ms = std::max(1, options_.retry_ms);
}

AuditLog::~AuditLog() { close(); }

Result<std::unique_ptr<AuditLog>> AuditLog::open(AuditOptions options, FileSystem& fs, const Clock& clock) {
  auto key = SigningKey::loadOrCreate(fs, options.signing_key_path);
  if (!key) return key.error();
  return open(std::move(options), fs, clock, *key);
}

Result<std::unique_ptr<AuditLog>> AuditLog::open(AuditOptions options, FileSystem& fs, const Clock& clock,
                                                 std::shared_ptr<const SigningKey> key) {
  if (Status s = fs.createDir(options.dir); !s) return s.error();
  auto lock = fs.lock(joinPath(options.dir, "LOCK"));
  if (!lock) return lock.error();
  auto rec = recoverLog(fs, options.dir, *key, clock);
  if (!rec) return rec.error();
  std::unique_ptr<AuditLog> log(new AuditLog(std::move(options), fs, clock, std::move(key)));
  log->lock_ = std::move(*lock);
  log->state_ = std::move(rec->state);
  if (Status s = log->ensureWritable(); !s) return s.error();
  bool rotated = false;
  if (!rec->specials.empty()) {
    std::vector<Pending> batch;
    for (auto& sp : rec->specials) {
      rotated = rotated || sp.type == "key_rotation";
      Pending p;
      p.special = true;
      p.special_record = std::move(sp);
      batch.push_back(std::move(p));
    }
    if (Status s = log->writeBatch(batch); !s) return s.error();
  }
  if (rotated) {
    // Seal at once so that the new key vouches for the rotation record (format doc, 3.5).
    log->seal_pending_ = true;
    if (Status s = log->ensureWritable(); !s) return s.error();
  }
  log->writer_ = std::thread(&AuditLog::run, log.get());
  return log;
}

bool AuditLog::append(AuditRecord record, DurableCallback on_durable) {
  const bool batched = options_.durability == Durability::kBatched;
  {
    std::lock_guard<std::mutex> g(mu_);
    if (!healthy_.load(std::memory_order_acquire) || stopping_ || queue_.size() >= options_.queue_capacity) {
      ++stats_.rejected;
      return false;
    }
    queue_.emplace_back();
    Pending& p = queue_.back();
    p.record = std::move(record);
    if (!batched) p.callback = std::move(on_durable);
    ++stats_.appended;
    if (queue_.size() >= wake_at_) cv_.notify_one();
  }
  if (batched && on_durable) on_durable(Status());
  return true;
}

bool AuditLog::enqueueSpecial(SpecialRecord rec, DurableCallback cb) {
  std::lock_guard<std::mutex> g(mu_);
  if (!healthy_.load() || stopping_) return false;
  Pending p;
  p.special = true;
  p.special_record = std::move(rec);
  p.callback = std::move(cb);
  queue_.push_back(std::move(p));
  cv_.notify_one();
  return true;
}

AuditStats AuditLog::stats() const {
  std::lock_guard<std::mutex> g(mu_);
  return stats_;
}

void AuditLog::markUnhealthy() {
  healthy_.store(false, std::memory_order_release);
  std::lock_guard<std::mutex> g(mu_);
  ++stats_.disk_errors;
}

bool AuditLog::rotationDue() const {
  if (!state_.segment_exists) return false;
  if (state_.segment_bytes >= options_.segment_max_bytes) return true;
  return options_.segment_max_age_s > 0 &&
         clock_.nowMicros() - state_.created_us >= options_.segment_max_age_s * 1'000'000;
}

Status AuditLog::ensureWritable() {
  const std::string& dir = options_.dir;
  if (seal_pending_) {
    if (file_) (void)file_->close();
    file_.reset();
    if (Status s = sealSegment(fs_, dir, *key_, clock_, state_); !s) return s;
    seal_pending_ = false;
    std::lock_guard<std::mutex> g(mu_);
    ++stats_.segments_sealed;
  }
  std::string path = joinPath(dir, segmentName(state_.segment));
  if (!state_.segment_exists) {
    // A file left by a failed creation held no acknowledged record: start it again.
    if (fs_.exists(path))
      if (Status s = fs_.remove(path); !s) return s;
    int64_t now = clock_.nowMicros();
    auto f = fs_.openAppend(path);
    if (!f) return f.error();
    Status s = (*f)->append(encodeHeader({state_.segment, now}));
    if (s) s = (*f)->sync();
    if (s) s = fs_.syncDir(dir);
    if (!s) return s;
    state_.segment_exists = true;
    state_.created_us = now;
    state_.segment_bytes = kHeaderSize;
    state_.segment_first_seq = state_.next_seq;
    state_.leaves.clear();
    state_.min_ts = state_.max_ts = 0;
    file_ = std::move(*f);
  }
  if (!file_) {
    // After a failed write: cut what it left past the durable size, then reopen.
    if (Status s = fs_.truncate(path, state_.segment_bytes); !s) return s;
    auto f = fs_.openAppend(path);
    if (!f) return f.error();
    file_ = std::move(*f);
  }
  return {};
}

Status AuditLog::writeBatch(std::vector<Pending>& batch) {
  if (batch.empty()) return {};
  buffer_.clear();
  uint64_t seq = state_.next_seq;
  Digest prev = state_.prev;
  int64_t min_ts = state_.min_ts, max_ts = state_.max_ts;
  size_t first_leaf = state_.leaves.size();
  for (auto& p : batch) {
    ChainFields c{seq, prev, clock_.nowMicros()};
    std::string payload = p.special ? serializeSpecial(p.special_record.type, p.special_record.body, c)
                                    : serializeExchange(p.record, c);
    appendFrame(buffer_, payload);
    prev = sha256(payload);
    state_.leaves.push_back(prev);
    ++seq;
    if (min_ts == 0 || c.ts < min_ts) min_ts = c.ts;
    max_ts = std::max(max_ts, c.ts);
  }
  Status s = file_->append(buffer_);
  if (s) s = file_->sync();
  if (!s) {
    state_.leaves.resize(first_leaf);  // the chain state moves only with durable bytes
    file_.reset();
    return s;
  }
  state_.next_seq = seq;
  state_.prev = prev;
  state_.min_ts = min_ts;
  state_.max_ts = max_ts;
  state_.segment_bytes += buffer_.size();
  std::lock_guard<std::mutex> g(mu_);
  stats_.durable += batch.size();
  ++stats_.fsyncs;
  return {};
}

void AuditLog::finishBatch(std::vector<Pending>& batch, const Status& st, std::vector<Pending>& retry) {
  uint64_t failed = 0;
  for (auto& p : batch) {
    if (st.ok()) {
      if (p.callback) p.callback(Status());
    } else if (!p.special && options_.durability == Durability::kBatched) {
      retry.push_back(std::move(p));  // already acknowledged: keep it until the disk is back
    } else {
      ++failed;
      if (p.callback) p.callback(makeError("audit.unavailable", st.error().message));
    }
  }
  batch.clear();
  if (failed) {
    std::lock_guard<std::mutex> g(mu_);
    stats_.failed += failed;
  }
}

void AuditLog::run() {
  std::vector<Pending> batch, retry;
  const auto gc = std::chrono::milliseconds(options_.group_commit_ms);
  const size_t max_batch = size_t(options_.group_commit_records);
  int64_t idle_ms = 1000;
  if (options_.segment_max_age_s > 0) idle_ms = std::min<int64_t>(idle_ms, options_.segment_max_age_s * 1000);
  for (;;) {
    bool stop = false;
    batch = std::move(retry);
    retry.clear();
    {
      std::unique_lock<std::mutex> lk(mu_);
      bool ok = healthy_.load();
      if (batch.empty() && queue_.empty() && !stopping_) {
        wake_at_ = 1;
        cv_.wait_for(lk, std::chrono::milliseconds(ok ? idle_ms : options_.retry_ms),
                     [&] { return !queue_.empty() || stopping_; });
      }
      if (ok && !queue_.empty() && !stopping_ && gc.count() > 0 && queue_.size() < max_batch) {
        wake_at_ = max_batch;  // group commit: wait for a full batch or the deadline
        cv_.wait_for(lk, gc, [&] { return queue_.size() >= max_batch || stopping_; });
      }
      wake_at_ = size_t(-1);  // busy: appenders need not notify
      while (!queue_.empty() && batch.size() < max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      stop = stopping_ && queue_.empty();
    }
    if (!healthy_.load() || !file_ || seal_pending_ || !state_.segment_exists) {
      Status s = ensureWritable();
      if (s && !healthy_.load() && batch.empty()) {
        // Space may still be short even though truncate and open work: prove a real write.
        std::string probe = joinPath(options_.dir, "PROBE");
        s = writeFileAtomic(fs_, options_.dir, "PROBE", std::string(4096, '\0'));
        if (s) (void)fs_.remove(probe);
      }
      if (!s) {
        if (healthy_.load()) markUnhealthy();
        finishBatch(batch, s, retry);
        if (stop) break;
        std::unique_lock<std::mutex> lk(mu_);
        cv_.wait_for(lk, std::chrono::milliseconds(options_.retry_ms), [&] { return stopping_; });
        continue;
      }
    }
    if (!batch.empty()) {
      Status s = writeBatch(batch);
      if (!s) {
        markUnhealthy();
        finishBatch(batch, s, retry);
        if (stop) break;
        continue;
      }
      finishBatch(batch, Status(), retry);
    }
    healthy_.store(true, std::memory_order_release);
    if (stop) break;
    if (rotationDue()) {
      seal_pending_ = true;
      if (Status s = ensureWritable(); !s) markUnhealthy();
    }
  }
  if (!retry.empty())
    std::fprintf(stderr, "concord audit: %zu batched records lost at close: %s\n", retry.size(), "disk unavailable");
  // Seal at close so that the tail is covered by a signature (format doc, section 8).
  if (healthy_.load() && state_.segment_exists && !seal_pending_) {
    if (file_) (void)file_->close();
    file_.reset();
    if (Status s = sealSegment(fs_, options_.dir, *key_, clock_, state_); s) {
      std::lock_guard<std::mutex> g(mu_);
      ++stats_.segments_sealed;
    }
  }
}

void AuditLog::close() {
  if (closed_.exchange(true)) return;
  {
    std::lock_guard<std::mutex> g(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (writer_.joinable()) writer_.join();
  file_.reset();
  lock_.reset();
}

Result<PruneResult> AuditLog::prune(const RetentionPolicy& policy) {
  PruneResult out;
  if (policy.max_days.empty()) return out;  // no maximum: keep everything
  int64_t days = 0;
  for (int64_t d : policy.min_days) days = std::max(days, d);
  for (int64_t d : policy.max_days) days = std::max(days, d);
  out.cutoff_us = clock_.nowMicros() - days * 86'400'000'000;
  auto names = fs_.list(options_.dir);
  if (!names) return names.error();
  std::map<uint64_t, int> files;  // bit 1: segment, bit 2: checkpoint
  for (const auto& n : *names) {
    if (auto s = parseSegmentName(n)) files[*s] |= 1;
    if (auto c = parseCheckpointName(n)) files[*c] |= 2;
  }
  for (const auto& [n, bits] : files) {
    if (bits == 2) continue;  // already pruned
    if (bits != 3) break;     // the active segment: never pruned, and nothing after it
    auto bytes = fs_.readFile(joinPath(options_.dir, checkpointName(n)));
    if (!bytes) return bytes.error();
    auto ck = parseCheckpoint(*bytes);
    if (!ck) return makeError("audit.corrupt", checkpointName(n) + ": unreadable checkpoint");
    int64_t newest = ck->body.count ? ck->body.max_ts : ck->body.sealed_us;
    if (newest >= out.cutoff_us) break;  // only a prefix, so the chain stays anchored
    out.deleted_segments.push_back(n);
  }
  if (out.deleted_segments.empty()) return out;
  int64_t min_days = 0, max_days = 0;
  for (int64_t d : policy.min_days) min_days = std::max(min_days, d);
  for (int64_t d : policy.max_days) max_days = std::max(max_days, d);
  SpecialRecord rec{"prune",
                    {{"first_segment", out.deleted_segments.front()}, {"last_segment", out.deleted_segments.back()},
                     {"min_days", min_days}, {"max_days", max_days}, {"cutoff_us", out.cutoff_us}}};
  if (!policy.sources.empty()) rec.body["sources"] = policy.sources;
  auto done = std::make_shared<std::promise<Status>>();
  auto fut = done->get_future();
  if (!enqueueSpecial(std::move(rec), [done](Status s) { done->set_value(std::move(s)); }))
    return makeError("audit.unavailable", "the audit log is not healthy; nothing pruned");
  Status s = fut.get();
  if (!s) return s.error();
  for (uint64_t n : out.deleted_segments)
    if (Status r = fs_.remove(joinPath(options_.dir, segmentName(n))); !r) return r.error();
  if (Status r = fs_.syncDir(options_.dir); !r) return r.error();
  return out;
}

}  // namespace concord::audit
