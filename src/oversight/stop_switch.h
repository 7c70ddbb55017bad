// StopSwitch: the operator's stop (EU AI Act Art. 14(4)(e): a human can interrupt the system
// "through a stop button or a similar procedure"). A stop has a scope (global, or one tenant,
// model or upstream), a reason and who set it; while it is active, new requests in its scope
// get 503 `stopped_by_operator` and in-flight streams in its scope end with an error event.
//
// The hot path is cheap and lock-free: stopped() is one atomic load when nothing is stopped
// (the usual case) and otherwise reads an immutable snapshot through an atomic pointer; it
// never takes the writer's mutex or touches SQLite. Snapshots are kept until the switch is
// destroyed (a reader may still hold an old one; stops are set by people, so they number a
// few hundred bytes per stop/resume over a process's life), which avoids both reference
// counting on the hot path and libstdc++ 12's atomic<shared_ptr>, whose internal spin lock
// ThreadSanitizer cannot see. generation() changes on every stop/resume, so a
// stream can poll it between chunks (or on a 50 ms timer) and re-check stopped() only when it
// moved. Stops are stored in SQLite (table oversight_stops, any file; it may share the key
// store's) so that a restart keeps them.
//
// Ownership: owns its SqliteDb; the Clock must outlive it. Threads: every method, any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "common/clock.h"
#include "common/result.h"
#include "store/sqlite_db.h"

namespace concord::oversight {

enum class StopScope { kGlobal, kTenant, kModel, kUpstream };
std::string_view scopeName(StopScope s);  // global | tenant | model | upstream
std::optional<StopScope> parseScope(std::string_view text);

struct Stop {
  StopScope scope = StopScope::kGlobal;
  std::string value;  // empty for global
  std::string reason, who;
  int64_t since_us = 0;
};
nlohmann::json toJson(const Stop& s);  // {"scope","value","reason","who","since_us"}

class StopSwitch {
 public:
  static Result<std::unique_ptr<StopSwitch>> open(const std::string& db_path, const Clock& clock);

  // True if a request for (tenant, model, upstream) is stopped; `reason`, if given, receives
  // "<scope>[ <value>]: <reason>" of the first matching stop. An empty argument matches no
  // scoped stop (pass "" for the upstream before routing, then check each route's upstream).
  bool stopped(std::string_view tenant, std::string_view model, std::string_view upstream,
               std::string* reason = nullptr) const;
  uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  // Sets (or replaces the reason of) a stop. Errors: oversight.invalid (a scoped stop without a
  // value, a value longer than 256, an empty reason), store.sqlite.
  Status stop(StopScope scope, std::string_view value, std::string_view reason, std::string_view who);
  // Lifts a stop. Errors: oversight.not_stopped, store.sqlite.
  Status resume(StopScope scope, std::string_view value, std::string_view who);

  std::vector<Stop> active() const;  // ordered by scope, then value

 private:
  struct State {
    std::vector<Stop> stops;
  };
  StopSwitch(std::unique_ptr<store::SqliteDb> db, const Clock& clock) : db_(std::move(db)), clock_(clock) {}
  void publishLocked(std::vector<Stop> stops);  // requires mu_

  std::mutex mu_;  // writers only
  std::unique_ptr<store::SqliteDb> db_;
  const Clock& clock_;
  std::atomic<size_t> count_{0};
  std::atomic<uint64_t> generation_{0};
  std::vector<std::unique_ptr<const State>> snapshots_;  // every published state; guarded by mu_
  std::atomic<const State*> state_{nullptr};              // the newest of snapshots_
};

}  // namespace concord::oversight
