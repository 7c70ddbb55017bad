// Facts: what the decide step knows about one exchange. Built by the exchange per request from
// the principal, the compiled Deployment, the parsed request and the detector findings; holds
// views only (no allocation). The referenced objects must outlive the decide() call.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/principal.h"

namespace concord::policy {

class Program;

struct FindingFact {
  std::string_view kind;  // e.g. "pii.email", "secret.aws_key", "injection.override"
  double score = 0;       // 0..1
};

// One argument of a tool call the model asked for: top-level key, its value as text (strings
// unquoted, other JSON as written) and, when the value is a number, that number.
struct ToolArgFact {
  std::string_view key, text;
  double number = 0;
  bool is_number = false;
};

// A tool call in an answer (answer.tool_calls): the function name and its parsed arguments.
struct ToolCallFact {
  std::string_view name;
  std::span<const ToolArgFact> args;
};

struct RouteFact {
  std::string_view upstream, region, model_origin;
};

// Static facts (deployment.* from config; in tests and assess also system.*, principal.* extras)
// pre-evaluated against one Program by Program::compileDeployment. Immutable; share freely.
// Valid only with the Program that compiled it (decide() ignores it otherwise).
struct Deployment {
  const Program* program = nullptr;
  std::vector<uint64_t> bits;        // predicates satisfied by the static facts
  std::vector<int> present;          // fact ids given
  std::vector<std::string> modality; // request.modality default when given statically
};

struct Facts {
  const Principal* principal = nullptr;
  const Deployment* deployment = nullptr;
  std::string_view endpoint, model, language;  // endpoint as in the vocabulary: chat.completions ...
  bool stream = false;
  bool tools_present = false;
  std::span<const FindingFact> findings;
  std::span<const ToolCallFact> tool_calls;  // answer phase only: the tool calls an answer asks for
  std::span<const std::string_view> modality;  // empty: derived from the endpoint (text)
  int32_t day = 0;  // days since 1970-01-01 UTC
};

}  // namespace concord::policy
