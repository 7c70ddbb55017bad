// Decision: what the policy program says about one exchange, as a value the exchange enforces
// (deny/hold/route) or hands to later steps (redact/label/log). Every contributing rule is listed
// with its id and citation for the audit record. The string views point into the Program, which
// the Decision keeps alive through `program`. Built by Program::decide; any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace concord::policy {

class Program;

enum class Verdict : uint8_t { kAllow, kDeny, kHold };
const char* verdictName(Verdict v);

// Precedence order: a lower value wins (deny > hold > redact > route > label > ... > allow).
enum class Action : uint8_t { kDeny, kHold, kRedact, kRoute, kLabel, kLog, kNotify, kDisclose, kDocument, kAllow };
const char* actionName(Action a);

struct RuleHit {
  std::string_view id, cite, concept_id, jurisdiction;
  Action action = Action::kAllow;
  int priority = 0;
  bool on_answer = false;  // decided on the answer's tool calls
};

enum class RedactMode : uint8_t { kTag, kMask, kPseudonym };
const char* redactModeName(RedactMode m);

struct RedactionObligation {
  std::string_view rule_id;
  const std::vector<std::string>* kinds = nullptr;  // patterns, e.g. "pii.*"
  RedactMode mode = RedactMode::kMask;
};

enum class Placement : uint8_t { kStart, kEnd, kFirstTurn };
const char* placementName(Placement p);

struct LabelObligation {
  std::string_view rule_id;
  Placement placement = Placement::kFirstTurn;
  const std::vector<std::pair<std::string, std::string>>* text = nullptr;  // language -> text
  const std::vector<std::string>* implicit = nullptr;  // content_id, producer, time, content_hash
  bool waivable = false;
  // The text for `language` (e.g. "zh"), else English, else the first one; empty if none.
  std::string_view textFor(std::string_view language) const;
};

enum class LogContent : uint8_t { kNone, kHash, kRedacted, kFull };
const char* logContentName(LogContent c);

struct LogObligation {
  bool required = false;
  LogContent content = LogContent::kFull;  // the most protective asked for by a fired rule
  int32_t retention_min_days = 0;          // highest minimum
  int32_t retention_max_days = 0;          // lowest non-zero maximum (0 = none)
};

struct Decision {
  Verdict verdict = Verdict::kAllow;
  std::vector<RuleHit> rules;  // every fired rule, by precedence then priority
  std::vector<RedactionObligation> redactions;
  std::vector<uint32_t> allowed_routes;  // indices into candidates; all if not constrained
  bool route_constrained = false;
  // Route rules fired and no candidate satisfies them: verdict deny for that reason (false when
  // a deny rule decided the verdict anyway; allowed_routes is then empty too).
  bool no_compliant_route = false;
  std::vector<LabelObligation> labels;
  LogObligation log;
  std::string_view denial_message;  // of the winning deny/hold rule
  std::string_view deciding_rule;   // id of the winning deny/hold rule
  std::shared_ptr<const Program> program;  // keeps the views above valid

  bool fired(std::string_view rule_id) const;
};

}  // namespace concord::policy
