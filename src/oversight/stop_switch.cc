#include "oversight/stop_switch.h"

#include "oversight/shared_db.h"

#include <algorithm>

namespace concord::oversight {

namespace {

constexpr std::string_view kSchema = R"sql(
CREATE TABLE IF NOT EXISTS oversight_stops (
  scope    TEXT NOT NULL,
  value    TEXT NOT NULL,
  reason   TEXT NOT NULL,
  who      TEXT NOT NULL,
  since_us INTEGER NOT NULL,
  PRIMARY KEY (scope, value)
);
)sql";

bool sameKey(const Stop& s, StopScope scope, std::string_view value) {
  return s.scope == scope && s.value == value;
}

}  // namespace

std::string_view scopeName(StopScope s) {
  switch (s) {
    case StopScope::kGlobal: return "global";
    case StopScope::kTenant: return "tenant";
    case StopScope::kModel: return "model";
    case StopScope::kUpstream: return "upstream";
  }
  return "global";
}

std::optional<StopScope> parseScope(std::string_view text) {
  for (auto s : {StopScope::kGlobal, StopScope::kTenant, StopScope::kModel, StopScope::kUpstream})
    if (scopeName(s) == text) return s;
  return std::nullopt;
}

nlohmann::json toJson(const Stop& s) {
  return {{"scope", scopeName(s.scope)}, {"value", s.value}, {"reason", s.reason}, {"who", s.who},
          {"since_us", s.since_us}};
}

Result<std::unique_ptr<StopSwitch>> StopSwitch::open(const std::string& db_path, const Clock& clock) {
  auto db = openSharedDb(db_path);
  if (!db) return db.error();
  if (auto s = (*db)->exec(kSchema); !s) return s.error();
  auto st = (*db)->prepare("SELECT scope, value, reason, who, since_us FROM oversight_stops");
  if (!st) return st.error();
  std::vector<Stop> stops;
  for (;;) {
    auto row = st->step();
    if (!row) return row.error();
    if (!*row) break;
    auto scope = parseScope(st->text(0));
    if (!scope) continue;  // written by a newer version: ignore rather than refuse to start
    stops.push_back(Stop{*scope, std::string(st->text(1)), std::string(st->text(2)),
                         std::string(st->text(3)), st->int64(4)});
  }
  st = store::Statement();  // finalised before the db moves
  std::unique_ptr<StopSwitch> sw(new StopSwitch(std::move(db.value()), clock));
  std::lock_guard lock(sw->mu_);
  sw->publishLocked(std::move(stops));
  return sw;
}

bool StopSwitch::stopped(std::string_view tenant, std::string_view model, std::string_view upstream,
                         std::string* reason) const {
  if (count_.load(std::memory_order_acquire) == 0) return false;
  const State* state = state_.load(std::memory_order_acquire);
  for (const auto& s : state->stops) {
    bool hit = false;
    switch (s.scope) {
      case StopScope::kGlobal: hit = true; break;
      case StopScope::kTenant: hit = !tenant.empty() && s.value == tenant; break;
      case StopScope::kModel: hit = !model.empty() && s.value == model; break;
      case StopScope::kUpstream: hit = !upstream.empty() && s.value == upstream; break;
    }
    if (!hit) continue;
    if (reason) {
      *reason = std::string(scopeName(s.scope));
      if (!s.value.empty()) *reason += " " + s.value;
      *reason += ": " + s.reason;
    }
    return true;
  }
  return false;
}

void StopSwitch::publishLocked(std::vector<Stop> stops) {
  std::sort(stops.begin(), stops.end(), [](const Stop& a, const Stop& b) {
    return a.scope != b.scope ? a.scope < b.scope : a.value < b.value;
  });
  const size_t n = stops.size();
  snapshots_.push_back(std::make_unique<const State>(State{std::move(stops)}));
  state_.store(snapshots_.back().get(), std::memory_order_release);
  count_.store(n, std::memory_order_release);
  generation_.fetch_add(1, std::memory_order_acq_rel);
}

Status StopSwitch::stop(StopScope scope, std::string_view value, std::string_view reason, std::string_view who) {
  if (scope == StopScope::kGlobal) value = "";  // not {}: a null pointer would bind SQL NULL
  else if (value.empty())
    return makeError("oversight.invalid", "a " + std::string(scopeName(scope)) + " stop needs a value");
  if (value.size() > 256) return makeError("oversight.invalid", "the stop value is too long");
  if (reason.empty()) return makeError("oversight.invalid", "a stop needs a reason");
  std::lock_guard lock(mu_);
  const int64_t now = clock_.nowMicros();
  auto st = db_->prepare(
      "INSERT INTO oversight_stops (scope, value, reason, who, since_us) VALUES (?,?,?,?,?) "
      "ON CONFLICT(scope, value) DO UPDATE SET reason=excluded.reason, who=excluded.who");
  if (!st) return st.error();
  // std::string copies: an empty string_view may carry a null pointer, which binds NULL.
  st->bind(1, scopeName(scope)).bind(2, std::string(value)).bind(3, std::string(reason));
  st->bind(4, std::string(who)).bind(5, now);
  if (auto s = st->run(); !s) return s;
  auto stops = state_.load(std::memory_order_acquire)->stops;
  auto it = std::find_if(stops.begin(), stops.end(), [&](const Stop& s) { return sameKey(s, scope, value); });
  if (it != stops.end()) {
    it->reason = std::string(reason);
    it->who = std::string(who);
  } else {
    stops.push_back(Stop{scope, std::string(value), std::string(reason), std::string(who), now});
  }
  publishLocked(std::move(stops));
  return Status();
}

Status StopSwitch::resume(StopScope scope, std::string_view value, std::string_view /*who*/) {
  if (scope == StopScope::kGlobal) value = "";  // not {}: a null pointer would bind SQL NULL
  std::lock_guard lock(mu_);
  auto stops = state_.load(std::memory_order_acquire)->stops;
  auto it = std::find_if(stops.begin(), stops.end(), [&](const Stop& s) { return sameKey(s, scope, value); });
  if (it == stops.end())
    return makeError("oversight.not_stopped", "no " + std::string(scopeName(scope)) + " stop" +
                                                  (value.empty() ? "" : " for '" + std::string(value) + "'"));
  auto st = db_->prepare("DELETE FROM oversight_stops WHERE scope=? AND value=?");
  if (!st) return st.error();
  st->bind(1, scopeName(scope)).bind(2, std::string(value));
  if (auto s = st->run(); !s) return s;
  stops.erase(it);
  publishLocked(std::move(stops));
  return Status();
}

std::vector<Stop> StopSwitch::active() const {
  const State* state = state_.load(std::memory_order_acquire);
  return state ? state->stops : std::vector<Stop>{};
}

}  // namespace concord::oversight
