#include "oversight/approval_queue.h"

#include <openssl/rand.h>

#include <algorithm>
#include <utility>

namespace concord::oversight {

namespace {

Result<std::string> newId() {
  unsigned char raw[8];
  if (RAND_bytes(raw, sizeof raw) != 1) return makeError("oversight.rng", "random generator failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "ap-";
  for (unsigned char b : raw) {
    id += kHex[b >> 4];
    id += kHex[b & 15];
  }
  return id;
}

Outcome outcomeOf(ApprovalState s) {
  if (s == ApprovalState::kApproved) return Outcome::kApproved;
  if (s == ApprovalState::kDenied) return Outcome::kDenied;
  return Outcome::kExpired;
}

Error notPending(const ApprovalRecord& r) {
  return makeError("oversight.not_pending",
                   "approval " + r.request.id + " is already " + std::string(stateName(r.state)));
}

}  // namespace

Result<std::unique_ptr<ApprovalQueue>> ApprovalQueue::open(const std::string& db_path, const Clock& clock,
                                                           ApprovalQueueOptions options) {
  auto store = SqliteApprovalStore::open(db_path);
  if (!store) return store.error();
  return withStore(std::move(store.value()), clock, options);
}

Result<std::unique_ptr<ApprovalQueue>> ApprovalQueue::withStore(std::unique_ptr<ApprovalStore> store,
                                                                const Clock& clock,
                                                                ApprovalQueueOptions options) {
  auto loaded = store->loadPending();
  if (!loaded) return loaded.error();
  std::unique_ptr<ApprovalQueue> q(new ApprovalQueue(std::move(store), clock, options));
  for (auto& r : *loaded) {
    std::string id = r.request.id;
    q->pending_.emplace(std::move(id), Pending{std::move(r), {}});
  }
  return q;
}

Result<std::string> ApprovalQueue::submit(ApprovalRequest request, Callback on_resolved) {
  const int64_t now = clock_.nowMicros();
  if (request.digest.empty()) return makeError("oversight.invalid", "an approval needs the request digest");
  if (request.created_us == 0) request.created_us = now;
  if (request.expires_us <= now) return makeError("oversight.invalid", "an approval must expire in the future");
  if (request.kind.empty()) request.kind = "request";
  auto id = newId();
  if (!id) return id.error();
  request.id = *id;
  ApprovalRecord record;
  record.request = std::move(request);
  {
    std::lock_guard lock(mu_);
    if (pending_.size() >= options_.max_pending)
      return makeError("oversight.queue_full", "too many approvals are waiting");
    if (auto s = store_->insert(record); !s) return s.error();
    pending_.emplace(*id, Pending{record, std::move(on_resolved)});
  }
  emit("submitted", record);
  return id;
}

Status ApprovalQueue::resolveLocked(std::string_view id, ApprovalState to, std::string_view approver,
                                    std::string_view reason, Callback& callback, ApprovalRecord& out) {
  auto it = pending_.find(id);
  ApprovalRecord record;
  if (it != pending_.end()) {
    record = it->second.record;
  } else {
    // Not ours (another instance sharing the store) or not pending any more.
    auto stored = store_->load(std::string(id));
    if (!stored) return stored.error();
    if (stored->state != ApprovalState::kPending) return notPending(*stored);
    record = std::move(stored.value());
  }
  const int64_t now = clock_.nowMicros();
  record.state = to;
  record.approver = std::string(approver);
  record.reason = std::string(reason);
  record.resolved_us = now;
  auto moved = store_->transition(record, ApprovalState::kPending);
  if (!moved) return moved.error();
  if (!*moved) {
    if (it != pending_.end()) pending_.erase(it);  // someone else decided it
    auto stored = store_->load(std::string(id));
    return stored ? notPending(*stored) : stored.error();
  }
  if (it != pending_.end()) {
    callback = std::move(it->second.callback);
    pending_.erase(it);
  }
  out = std::move(record);
  return Status();
}

Status ApprovalQueue::decide(std::string_view id, ApprovalState to, std::string_view approver,
                             std::string_view reason) {
  Callback callback;
  ApprovalRecord record;
  bool too_late = false;
  {
    std::lock_guard lock(mu_);
    auto it = pending_.find(id);
    if (it != pending_.end() && it->second.record.request.expires_us <= clock_.nowMicros()) {
      too_late = true;
      to = ApprovalState::kExpired;
      approver = "";
      reason = "expired before a decision";
    }
    if (auto s = resolveLocked(id, to, approver, reason, callback, record); !s) return s;
  }
  emit(stateName(record.state), record);
  if (callback) callback(Resolution{outcomeOf(record.state), record.approver, record.reason});
  if (too_late)
    return makeError("oversight.expired", "approval " + std::string(id) + " expired before the decision");
  return Status();
}

Status ApprovalQueue::approve(std::string_view id, std::string_view approver, std::string_view reason) {
  return decide(id, ApprovalState::kApproved, approver, reason);
}

Status ApprovalQueue::deny(std::string_view id, std::string_view approver, std::string_view reason) {
  return decide(id, ApprovalState::kDenied, approver, reason);
}

Status ApprovalQueue::withdraw(std::string_view id, std::string_view reason) {
  Callback dropped;  // destroyed outside the lock
  ApprovalRecord record;
  {
    std::lock_guard lock(mu_);
    if (auto s = resolveLocked(id, ApprovalState::kExpired, "", reason, dropped, record); !s) return s;
  }
  emit("expired", record);
  return Status();
}

Status ApprovalQueue::consume(std::string_view id, std::string_view digest) {
  ApprovalRecord record;
  {
    std::lock_guard lock(mu_);
    auto stored = store_->load(std::string(id));
    if (!stored) return stored.error();
    record = std::move(stored.value());
    // Another request's digest never fits, whatever the approval's state.
    if (record.request.digest != digest)
      return makeError("oversight.digest_mismatch",
                       "the request differs from the one approved in " + record.request.id);
    switch (record.state) {
      case ApprovalState::kApproved: break;
      case ApprovalState::kConsumed:
        return makeError("oversight.already_used", "approval " + record.request.id + " was already used");
      default:
        return makeError("oversight.not_approved",
                         "approval " + record.request.id + " is " + std::string(stateName(record.state)));
    }
    const int64_t now = clock_.nowMicros();
    if (now > std::max(record.request.expires_us, record.resolved_us + options_.consume_grace_us))
      return makeError("oversight.expired", "approval " + record.request.id + " is too old to use");
    record.state = ApprovalState::kConsumed;
    record.consumed_us = now;
    auto moved = store_->transition(record, ApprovalState::kApproved);
    if (!moved) return moved.error();
    if (!*moved) return makeError("oversight.already_used", "approval " + record.request.id + " was already used");
  }
  emit("consumed", record);
  return Status();
}

size_t ApprovalQueue::expireDue() {
  struct Done {
    ApprovalRecord record;
    Callback callback;
  };
  std::vector<Done> done;
  {
    std::lock_guard lock(mu_);
    const int64_t now = clock_.nowMicros();
    std::vector<std::string> due;
    for (const auto& [id, p] : pending_)
      if (p.record.request.expires_us <= now) due.push_back(id);
    for (const auto& id : due) {
      Done d;
      if (resolveLocked(id, ApprovalState::kExpired, "", "no decision before the expiry", d.callback, d.record))
        done.push_back(std::move(d));
      else
        pending_.erase(id);  // decided elsewhere or unreadable: stop sweeping it
    }
  }
  for (auto& d : done) {
    emit("expired", d.record);
    if (d.callback) d.callback(Resolution{Outcome::kExpired, "", d.record.reason});
  }
  return done.size();
}

size_t ApprovalQueue::dropWaiters() {
  std::vector<Callback> dropped;  // destroyed outside the lock: a destructor may call back in
  {
    std::lock_guard lock(mu_);
    for (auto& [id, p] : pending_)
      if (p.callback) dropped.push_back(std::exchange(p.callback, Callback{}));
  }
  return dropped.size();
}

std::vector<ApprovalRecord> ApprovalQueue::pendingRecords() const {
  std::vector<ApprovalRecord> out;
  {
    std::lock_guard lock(mu_);
    for (const auto& [id, p] : pending_) out.push_back(p.record);
  }
  std::sort(out.begin(), out.end(), [](const ApprovalRecord& a, const ApprovalRecord& b) {
    return a.request.created_us != b.request.created_us ? a.request.created_us < b.request.created_us
                                                        : a.request.id < b.request.id;
  });
  return out;
}

std::vector<ApprovalRequest> ApprovalQueue::pending() const {
  std::vector<ApprovalRequest> out;
  for (auto& r : pendingRecords()) out.push_back(std::move(r.request));
  return out;
}

std::vector<ApprovalRecord> ApprovalQueue::recent(size_t limit) const {
  std::lock_guard lock(mu_);
  auto rows = store_->loadRecent(limit);
  return rows ? std::move(rows.value()) : std::vector<ApprovalRecord>{};
}

Result<ApprovalRecord> ApprovalQueue::record(std::string_view id) const {
  std::lock_guard lock(mu_);
  if (auto it = pending_.find(id); it != pending_.end()) return it->second.record;
  return store_->load(std::string(id));
}

Result<ApprovalRequest> ApprovalQueue::get(std::string_view id) const {
  auto r = record(id);
  if (!r) return r.error();
  return std::move(r->request);
}

size_t ApprovalQueue::pendingCount() const {
  std::lock_guard lock(mu_);
  return pending_.size();
}

uint64_t ApprovalQueue::subscribe(std::function<void(const std::string&)> listener) {
  std::lock_guard lock(listeners_mu_);
  const uint64_t id = next_listener_++;
  listeners_.emplace(id, std::make_shared<Listener>(std::move(listener)));
  return id;
}

void ApprovalQueue::unsubscribe(uint64_t id) {
  std::lock_guard lock(listeners_mu_);
  listeners_.erase(id);
}

void ApprovalQueue::emit(std::string_view event, const ApprovalRecord& r) {
  std::vector<std::shared_ptr<Listener>> targets;
  {
    std::lock_guard lock(listeners_mu_);
    if (listeners_.empty()) return;
    for (const auto& [id, l] : listeners_) targets.push_back(l);
  }
  const std::string json = nlohmann::json{{"event", event}, {"approval", toJson(r)}}.dump();
  for (const auto& l : targets) (*l)(json);
}

}  // namespace concord::oversight
