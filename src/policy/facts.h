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
  std::span<const std::string_view> modality;  // empty: derived from the endpoint (text)
  int32_t day = 0;  // days since 1970-01-01 UTC
};

}  // namespace concord::policy
