// Program: the compiled, immutable policy (vocabulary + every pack). Built by loadProgram in
// stages (read YAML -> collect across files -> compile), held as std::shared_ptr<const Program>
// and swapped atomically by the owner on reload; exchanges keep the one they started with.
// decide() and the other const methods may be called from any number of threads at once.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "common/glob.h"
#include "common/result.h"
#include "policy/decision.h"
#include "policy/diagnostic.h"
#include "policy/facts.h"
#include "policy/vocabulary.h"

namespace concord::policy {

struct LoadOptions {
  std::string vocabulary_path;           // packs/vocabulary.yaml
  std::vector<std::string> pack_paths;   // files; a directory means its *.yaml but vocabulary.yaml
  bool enable_unverified = false;        // confidence: U rules are disabled unless set
  // Inline sources for tests: (made-up path, text). Used instead of reading files when set.
  std::string vocabulary_text;
  std::vector<std::pair<std::string, std::string>> pack_texts;
};

// One compiled predicate. Predicates are deduplicated across rules; id == index.
enum class PredKind : uint8_t { kAnyOf, kBool, kRange, kFinding, kToolCall, kNot };
struct Pred {
  PredKind kind = PredKind::kAnyOf;
  int fact = -1;                    // vocabulary fact id (-1 for kNot)
  std::vector<std::string> values;  // kAnyOf: any of (may contain '*'); kFinding: kind patterns;
                                    // kToolCall: tool name patterns
  bool bool_value = false;
  double lo = -1e308, hi = 1e308;   // kRange (dates as day numbers); kToolCall: numeric argument
  // kToolCall: the argument tested (pattern; empty = only the name) and patterns its text must
  // match (lower-cased; empty = any); a range (lo/hi) means the argument must be a number in it.
  std::string argument;
  std::vector<std::string> argument_values;
  std::vector<std::string> argument_excludes;  // kToolCall: patterns its text must not match
  bool numeric = false;
  bool lo_incl = true, hi_incl = true;
  double min_score = 0;
  std::vector<int> children;        // kNot: negation of this conjunction
  bool route = false;               // depends on a route.* fact (evaluated per candidate)
  std::string key;                  // canonical text, for dedup and display
};

struct LabelSpec {
  Placement placement = Placement::kFirstTurn;
  std::vector<std::pair<std::string, std::string>> text;
  std::vector<std::string> implicit;
  bool waivable = false;
};

// A `then` parameter kept as plain data for crosswalk, consensus and re-emission.
struct Param {
  std::string name;
  std::vector<std::string> list;  // scalar -> one item
  std::vector<std::pair<std::string, std::string>> map;  // text maps
  bool is_list = false, is_map = false;
};

struct Rule {
  int index = 0;
  std::string id, cite, jurisdiction, concept_id, binds, confidence, status, status_note, enforced_by,
      mode, summary, pack_id, severity, instrument, file;
  int line = 0;
  int32_t from_day = INT32_MIN, until_day = INT32_MAX;
  int priority = 0;
  Action action = Action::kAllow;
  bool runtime = true, assess = true, enabled = true, candidate_scoped = false;
  bool on_answer = false;  // tests answer.tool_calls: decided on the answer, not the request
  std::vector<int> preds;  // top-level conjunction (predicate ids)
  std::vector<std::pair<uint32_t, uint64_t>> mask;  // (word, bits) required
  // then
  std::vector<Param> params;
  std::string message;  // deny message / hold reason / disclose text
  std::vector<std::string> kinds;
  RedactMode redact_mode = RedactMode::kMask;
  std::vector<std::string> require_region, deny_origin, require_origin;
  LabelSpec label;
  LogContent log_content = LogContent::kFull;
  bool log_content_set = false;
  int32_t retention_min_days = 0, retention_max_days = 0;
  const Param* param(const std::string& name) const;
};

struct PackInfo {
  std::string id, jurisdiction, instrument, version, severity, file;
  std::vector<std::string> sources;
};

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

struct LoadOptions;
class Program;
Result<std::shared_ptr<const Program>> loadProgram(const LoadOptions& options,
                                                   std::vector<Diagnostic>* diagnostics);

class Program : public std::enable_shared_from_this<Program> {
 public:
  static constexpr size_t kMaxWords = 64;  // 4096 distinct predicates

  const Vocabulary& vocabulary() const { return vocab_; }
  const std::vector<Rule>& rules() const { return rules_; }
  const std::vector<Pred>& predicates() const { return preds_; }
  const std::vector<PackInfo>& packs() const { return packs_; }
  const Rule* rule(std::string_view id) const;
  std::string describePred(int id) const;  // "principal.jurisdictions: [EU]"

  // Pre-evaluates static facts given as strings (bools "true"/"false", numbers, dates
  // YYYY-MM-DD). Accepts any vocabulary fact that does not vary per request; unknown fact or
  // bad value -> Error policy.unknown_fact / policy.type_mismatch.
  Result<Deployment> compileDeployment(const std::map<std::string, std::vector<std::string>>& facts) const;

  // The decision for one exchange (runtime rules only). Allocation: the result vectors.
  Decision decide(const Facts& facts, std::span<const RouteFact> candidates) const;
  // As decide, but also lists assess-mode rules whose conditions hold (they never change the
  // verdict). For `concord policy test` and `concord check`.
  Decision decideAll(const Facts& facts, std::span<const RouteFact> candidates) const;
  // The decision on an answer: only rules that test answer.tool_calls (facts.tool_calls holds
  // the answer's calls). Request-phase rules were decided by decide() already.
  Decision decideAnswer(const Facts& facts) const;
  // True when some runtime rule looks at answers (the relay then inspects tool calls).
  bool hasAnswerRules() const { return has_answer_rules_; }

  // The satisfied-predicate bitset for `facts` (without route facts), for explanations.
  std::vector<uint64_t> satisfiedForTest(const Facts& facts) const;
  size_t words() const { return words_; }

 private:
  friend class Compiler;
  friend Result<std::shared_ptr<const Program>> loadProgram(const LoadOptions&, std::vector<Diagnostic>*);
  enum class Phase { kRequest, kAnswer, kAll };
  Decision run(const Facts& facts, std::span<const RouteFact> candidates, bool include_assess, Phase phase) const;
  void evalBase(const Facts& facts, uint64_t* sat) const;
  void evalNots(uint64_t* sat) const;
  void evalToolCalls(const Facts& facts, uint64_t* sat) const;
  bool matchesRoute(const Pred& p, const RouteFact& r) const;

  Vocabulary vocab_;
  std::vector<PackInfo> packs_;
  std::vector<Rule> rules_;
  std::vector<Pred> preds_;
  size_t words_ = 1;
  std::vector<int> runtime_rules_;  // enabled runtime rules (indices), non candidate-scoped first
  std::vector<int> assess_rules_;   // enabled assess-only rules
  // Cache-friendly copy of what the rule loop reads (Rule itself is large): one entry per
  // enabled rule, runtime rules first, masks in one flat array.
  struct HotRule {
    int32_t from_day, until_day;
    uint32_t mask_begin, mask_end;  // into hot_masks_
    uint32_t rule;                  // index into rules_
    bool candidate_scoped, runtime, on_answer;
  };
  std::vector<HotRule> hot_;
  size_t hot_runtime_end_ = 0;  // hot_[0, hot_runtime_end_) are runtime rules
  // Rules grouped by an anchor predicate (preferably the jurisdiction test) so that a whole
  // group is skipped with one bit test when its anchor does not hold. anchor -1: no anchor.
  struct Bucket {
    int anchor;
    uint32_t begin, end;  // into hot_
  };
  std::vector<Bucket> buckets_;
  size_t buckets_runtime_end_ = 0;
  std::vector<std::pair<uint32_t, uint64_t>> hot_masks_;

  // Indexes for the hot path. Exact values: value -> predicate ids satisfied.
  struct ExactIndex {
    std::unordered_map<std::string, std::vector<int>, StringHash, std::equal_to<>> by_value;
    std::vector<int> globs;  // predicate ids with a wildcard value
    bool hierarchical = false;
  };
  std::vector<ExactIndex> exact_;            // per fact id
  std::vector<std::vector<int>> bool_true_;  // per fact id: preds satisfied when true
  std::vector<std::vector<int>> bool_false_;
  std::vector<std::vector<int>> ranges_;     // per fact id
  std::vector<int> finding_preds_;
  std::vector<int> tool_preds_;
  bool has_answer_rules_ = false;
  std::vector<int> not_preds_;               // in creation order (children first)
  std::vector<int> route_preds_;
  int fact_tenant_ = -1, fact_juris_ = -1, fact_sector_ = -1, fact_public_ = -1, fact_roles_ = -1,
      fact_endpoint_ = -1, fact_model_ = -1, fact_language_ = -1, fact_stream_ = -1, fact_tools_ = -1,
      fact_modality_ = -1, fact_date_ = -1, fact_region_ = -1, fact_origin_ = -1, fact_upstream_ = -1;
};

// Loads vocabulary and packs. Ok -> the program; error -> Error{code of the first diagnostic,
// every error as "file:line:col: code: message" one per line}. `diagnostics`, when given,
// receives every diagnostic (also warnings) with snippets.
Result<std::shared_ptr<const Program>> loadProgram(const LoadOptions& options,
                                                   std::vector<Diagnostic>* diagnostics = nullptr);

// Glob match with '*' (any run of characters), for finding kinds and string values.
using concord::globMatch;

}  // namespace concord::policy
