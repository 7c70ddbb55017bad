// The governance steps of the request path (DESIGN.md steps 4, 5, 8 and 9) as interfaces the
// exchange calls in order. Each has a pass-through implementation used until its module is
// configured; tests replace them with recording fakes to prove the order. Implementations are
// shared by all workers: every method must be thread-safe and must not block.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/request_view.h"
#include "common/principal.h"
#include "proxy/exchange_record.h"
#include "proxy/router.h"

namespace concord::proxy {

// What the decide step returns; the exchange enforces it (decisions are values).
struct Verdict {
  enum class Action { kAllow, kDeny, kHold } action = Action::kAllow;
  std::vector<RuleRef> rules;
  std::string message;                 // for deny/hold, shown to the client
  std::vector<bool> route_allowed;     // per candidate route; empty = all allowed
  bool route_constrained = false;
  std::vector<std::string> label_rule_ids;  // label obligations handed to the label step
};

// Per-exchange inputs the steps read.
struct StepInput {
  const Principal& principal;
  const api::RequestView& view;
  const std::vector<RouteCandidate>& candidates;
  int64_t now_micros;
};

class DetectStep {
 public:
  virtual ~DetectStep() = default;
  // Appends findings for the request's text segments. A failing detector returns an error;
  // the exchange then denies (fail closed) unless the step says otherwise.
  virtual Status detect(const StepInput& in, std::vector<FindingRef>& findings) = 0;
};

class DecideStep {
 public:
  virtual ~DecideStep() = default;
  virtual Verdict decide(const StepInput& in, const std::vector<FindingRef>& findings) = 0;
};

class LabelStep {
 public:
  virtual ~LabelStep() = default;
  // Non-streaming answer body, edited in place (must stay valid JSON). Returns the label
  // rule ids it met.
  virtual std::vector<std::string> labelBody(const StepInput& in, const Verdict& verdict,
                                             std::string& body) = 0;
};

class AuditStep {
 public:
  virtual ~AuditStep() = default;
  // Returns false if the record cannot be kept (the exchange then reports audit_unavailable).
  virtual bool record(ExchangeRecord&& record) = 0;
  virtual bool healthy() const = 0;
};

// Pass-through implementations: no findings, allow, no labels.
class PassThroughDetect final : public DetectStep {
 public:
  Status detect(const StepInput&, std::vector<FindingRef>&) override { return Status(); }
};
class PassThroughDecide final : public DecideStep {
 public:
  Verdict decide(const StepInput&, const std::vector<FindingRef>&) override { return {}; }
};
class PassThroughLabel final : public LabelStep {
 public:
  std::vector<std::string> labelBody(const StepInput&, const Verdict&, std::string&) override {
    return {};
  }
};

struct Steps {
  std::shared_ptr<DetectStep> detect = std::make_shared<PassThroughDetect>();
  std::shared_ptr<DecideStep> decide = std::make_shared<PassThroughDecide>();
  std::shared_ptr<LabelStep> label = std::make_shared<PassThroughLabel>();
  std::shared_ptr<AuditStep> audit;  // required
};

}  // namespace concord::proxy
