// The governance steps of the request path (DESIGN.md steps 4, 5, 8 and 9) as interfaces the
// exchange calls in order. Each has a pass-through implementation used until its module is
// configured; tests replace them with recording fakes to prove the order. Implementations are
// shared by all workers: every method must be thread-safe and must not block.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/request_view.h"
#include "common/principal.h"
#include "proxy/exchange_record.h"
#include "proxy/answer_scan.h"
#include "proxy/router.h"
#include "proxy/tool_calls.h"

namespace concord::proxy {

// One visible label the policy requires, with its text already in the user's language.
struct LabelPlan {
  std::string rule_id;
  std::string placement;  // start | end | first_turn
  std::string text;       // empty: machine-readable layer only
};

// Findings of these kinds (patterns such as "pii.*") are replaced before the request leaves.
struct RedactionPlan {
  std::string rule_id;
  std::vector<std::string> kinds;
  std::string mode;  // tag | mask | pseudonym
};

// What the decide step returns; the exchange enforces it (decisions are values).
struct Verdict {
  enum class Action { kAllow, kDeny, kHold } action = Action::kAllow;
  std::vector<RuleRef> rules;
  std::string message;                 // for deny/hold, shown to the client
  std::vector<bool> route_allowed;     // per candidate route; empty = all allowed
  bool route_constrained = false;
  std::vector<LabelPlan> labels;       // label obligations handed to the label step
  std::vector<RedactionPlan> redactions;
  std::string log_content = "none";  // audit content mode (policy log obligation): none|hash|redacted|full
  int32_t retention_min_days = 0, retention_max_days = 0;  // of the fired log rules (0 = none)
};

// Per-exchange inputs the steps read.
struct StepInput {
  const Principal& principal;
  const api::RequestView& view;
  const std::vector<RouteCandidate>& candidates;
  int64_t now_micros;
  std::string_view language;  // of the user's turns ("" until the detect step knows it)
  uint64_t policy_generation = 0;  // the snapshot's, recorded in provenance manifests
};

class DetectStep {
 public:
  virtual ~DetectStep() = default;
  // Appends findings for the request's text segments. A failing detector returns an error;
  // the exchange then denies (fail closed) unless the step says otherwise.
  virtual Status detect(const StepInput& in, std::vector<FindingRef>& findings) = 0;
  // The language of the user's turns (ISO 639-1, e.g. "zh"), "" if unknown.
  virtual std::string language(const api::RequestView&) { return {}; }
  // A scanner for one upstream answer that redacts findings of `kinds` (globs) with `mode`
  // (tag | mask); null when there are no detectors.
  virtual std::unique_ptr<AnswerScan> scanAnswer(api::Endpoint, const std::vector<std::string>& /*kinds*/,
                                                 std::string_view /*mode*/) {
    return nullptr;
  }
  // A failing answer scan ends the answer (false) or lets it through unscanned, counted (true).
  virtual bool failsOpen() const { return false; }
};

class DecideStep {
 public:
  virtual ~DecideStep() = default;
  virtual Verdict decide(const StepInput& in, const std::vector<FindingRef>& findings) = 0;
  // True when some rule decides on answers (answer.tool_calls); the relay then reads tool calls.
  virtual bool decidesAnswers() const { return false; }
  // The decision on the tool calls an answer asks for: allow, hold (a person decides) or deny.
  // Only the answer-phase rules count; the request's verdict stands.
  virtual Verdict decideAnswer(const StepInput&, const std::vector<ToolCall>&) { return {}; }
};

// What labelling added to an answer: the rules met and the headers to send with it.
struct LabelResult {
  std::vector<std::string> rule_ids;
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. x-concord-content-id
};

// Labels one streamed answer, event by event (see label::StreamLabeler).
class StreamLabel {
 public:
  virtual ~StreamLabel() = default;
  // Headers for the stream's head (e.g. x-concord-content-id), known before the answer.
  virtual std::vector<std::pair<std::string, std::string>> headHeaders() const = 0;
  // `data` is one event's payload (not [DONE]); complete SSE events to write before and after it.
  virtual void event(std::string_view data, std::string& before, std::string& after) = 0;
  // Events to write before `data: [DONE]`: labels still owed and the signed provenance chunk.
  virtual boost::asio::awaitable<std::string> finish() = 0;
  // True when `data` is the last event of a stream that has no [DONE] (/v1/responses:
  // response.completed): the relay awaits finish() before passing this event to event().
  virtual bool closes(std::string_view /*data*/) const { return false; }
  // After event(): true when the event must be written as `out` (a complete SSE event) instead
  // of as it came (/v1/responses closing events repeat the whole, now labelled, text).
  virtual bool rewrite(std::string_view /*data*/, std::string& /*out*/) { return false; }
  virtual LabelResult result() const = 0;
};

class LabelStep {
 public:
  virtual ~LabelStep() = default;
  // Non-streaming answer body, edited in place (must stay valid JSON): visible labels and the
  // signed provenance (concord.provenance, and headers in the result).
  virtual boost::asio::awaitable<LabelResult> labelBody(const StepInput& in, const Verdict& verdict,
                                                        std::string_view upstream, std::string& body) = 0;
  // A labeller for one stream, or null when the answer needs none.
  virtual std::unique_ptr<StreamLabel> labelStream(const StepInput& in, const Verdict& verdict,
                                                   std::string_view upstream) = 0;
};

class AuditStep {
 public:
  virtual ~AuditStep() = default;
  // Returns false if the record cannot be kept (the exchange then reports audit_unavailable).
  // `on_durable`, when given, is called once (from any thread) when the record is durable
  // (true) or lost (false).
  virtual bool record(ExchangeRecord&& record, std::function<void(bool)> on_durable) = 0;
  virtual bool healthy() const = 0;
  // True when answers must wait for their record to be durable.
  virtual bool strict() const { return false; }
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
  boost::asio::awaitable<LabelResult> labelBody(const StepInput&, const Verdict&, std::string_view,
                                                std::string&) override {
    co_return LabelResult{};
  }
  std::unique_ptr<StreamLabel> labelStream(const StepInput&, const Verdict&, std::string_view) override {
    return nullptr;
  }
};

struct Steps {
  std::shared_ptr<DetectStep> detect = std::make_shared<PassThroughDetect>();
  std::shared_ptr<DecideStep> decide = std::make_shared<PassThroughDecide>();
  std::shared_ptr<LabelStep> label = std::make_shared<PassThroughLabel>();
  std::shared_ptr<AuditStep> audit;  // required
};

}  // namespace concord::proxy
