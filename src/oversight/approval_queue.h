// ApprovalQueue: the approvals that `hold` decisions wait on (DESIGN.md step 6; EU AI Act
// Art. 14 human oversight). The exchange submits a record and parks; a person approves or
// denies it through the admin API, or it expires. Then `on_resolved` runs exactly once and the
// exchange, if approved, calls consume() with the digest of the request it is about to send:
// an approval is single use and bound to that exact request, so a changed request cannot ride
// on it.
//
// State lives in an ApprovalStore (SQLite by default), so pending approvals, and what was
// decided, survive a restart; the callbacks do not (their client connections are gone), so a
// record reloaded after a restart can still be decided and listed, but it wakes nobody.
//
// Ownership: the queue owns its store; the Clock must outlive it.
// Threads: every method may be called from any thread. `on_resolved` and the subscribers run on
// the thread that caused the event (an admin request's worker, or the caller of expireDue()),
// after the queue's lock is released: they must be quick and thread-safe (e.g. post to the
// exchange's executor). A callback may call back into the queue.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "oversight/approval.h"
#include "oversight/approval_store.h"

namespace concord::oversight {

struct ApprovalQueueOptions {
  // An approved record can be consumed until max(expires_us, resolved_us + this): an approval
  // given at the last moment still lets the waiting exchange go on.
  int64_t consume_grace_us = 60'000'000;
  size_t max_pending = 10'000;  // submit() refuses beyond this ("oversight.queue_full")
};

class ApprovalQueue {
 public:
  static Result<std::unique_ptr<ApprovalQueue>> open(const std::string& db_path, const Clock& clock,
                                                     ApprovalQueueOptions options = {});
  // With any store (tests, a shared store later). Loads the pending records.
  static Result<std::unique_ptr<ApprovalQueue>> withStore(std::unique_ptr<ApprovalStore> store,
                                                          const Clock& clock,
                                                          ApprovalQueueOptions options = {});

  // Registers a pending approval and returns its id. `on_resolved` is called exactly once:
  // approve/deny from any thread, or expiry via expireDue(). expires_us must be in the future.
  // Errors: oversight.invalid (no digest, expiry in the past), oversight.queue_full, store.sqlite.
  Result<std::string> submit(ApprovalRequest request, std::function<void(Resolution)> on_resolved);

  // Errors: oversight.not_found, oversight.not_pending (already decided), oversight.expired
  // (past its expiry but not yet swept: it is expired now, and its callback runs), store.*.
  Status approve(std::string_view id, std::string_view approver, std::string_view reason);
  Status deny(std::string_view id, std::string_view approver, std::string_view reason);

  // Uses an approval once, for the request whose body hashes to `digest` (sha256Hex).
  // Errors: oversight.not_found, oversight.not_approved (pending, denied or expired),
  // oversight.already_used, oversight.digest_mismatch (the approval stays usable),
  // oversight.expired (consumed too late).
  Status consume(std::string_view id, std::string_view digest);

  // Expires every pending approval whose expires_us has passed; the owner calls it
  // periodically (e.g. every 100 ms). Returns how many expired.
  size_t expireDue();

  // The waiting exchange gives up (its client left): a pending approval becomes expired with
  // `reason`, so that no reviewer decides a request nobody waits for; its callback is dropped,
  // not called (the caller is the one it would wake). Errors: oversight.not_found,
  // oversight.not_pending (decided meanwhile: the caller's callback still runs), store.*.
  Status withdraw(std::string_view id, std::string_view reason);

  // Forgets the callbacks of every waiting exchange; the records stay pending (as after a
  // restart) and can still be decided, waking nobody. Returns how many were dropped. The owner
  // calls it at shutdown once the listener has stopped and BEFORE its io_contexts are
  // destroyed: a callback may own objects bound to them (an exchange's timer), which must not
  // outlive them.
  size_t dropWaiters();

  std::vector<ApprovalRequest> pending() const;          // oldest first
  std::vector<ApprovalRecord> pendingRecords() const;    // the same, with state
  std::vector<ApprovalRecord> recent(size_t limit) const;  // any state, newest first
  Result<ApprovalRequest> get(std::string_view id) const;
  Result<ApprovalRecord> record(std::string_view id) const;
  size_t pendingCount() const;

  // For the SSE stream: `listener` gets {"event":"submitted|approved|denied|expired|consumed",
  // "approval":{...toJson...}} on every change, on the calling thread.
  uint64_t subscribe(std::function<void(const std::string& event_json)> listener);
  void unsubscribe(uint64_t id);

 private:
  using Callback = std::function<void(Resolution)>;
  using Listener = std::function<void(const std::string&)>;

  ApprovalQueue(std::unique_ptr<ApprovalStore> store, const Clock& clock, ApprovalQueueOptions options)
      : store_(std::move(store)), clock_(clock), options_(options) {}
  // Moves a pending record to `to`; on success fills `callback` and `out`. Requires mu_.
  Status resolveLocked(std::string_view id, ApprovalState to, std::string_view approver,
                       std::string_view reason, Callback& callback, ApprovalRecord& out);
  Status decide(std::string_view id, ApprovalState to, std::string_view approver, std::string_view reason);
  void emit(std::string_view event, const ApprovalRecord& r);

  mutable std::mutex mu_;  // guards store_ and pending_
  std::unique_ptr<ApprovalStore> store_;
  struct Pending {
    ApprovalRecord record;
    Callback callback;  // empty for records reloaded after a restart
  };
  std::map<std::string, Pending, std::less<>> pending_;
  const Clock& clock_;
  const ApprovalQueueOptions options_;

  std::mutex listeners_mu_;
  std::map<uint64_t, std::shared_ptr<Listener>> listeners_;
  uint64_t next_listener_ = 1;
};

}  // namespace concord::oversight
