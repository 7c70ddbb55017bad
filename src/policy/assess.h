// Assess: which obligations bind a system described by a static manifest (docs/policy-language.md
// "System manifest"), grouped by jurisdiction, with citation, effective date, status and who
// enforces it. Uses the same compiled predicates as decide, evaluated three-valued: a fact the
// manifest does not give makes a predicate "unknown" and the rule "conditional". Off the hot path.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "policy/crosswalk.h"
#include "policy/program.h"

namespace concord::policy {

struct SystemManifest {
  std::string name;
  std::vector<std::string> regions;  // markets ∪ user_regions: which jurisdictions to consider
  std::map<std::string, std::vector<std::string>> facts;  // vocabulary fact -> values
};

// Parses a manifest document; `path` is used in error messages.
Result<SystemManifest> parseManifest(const std::string& path, const std::string& text);

struct AssessItem {
  const Rule* rule = nullptr;
  std::string status;  // in force | not yet in force | enjoined | voluntary | contested
  bool conditional = false;
  std::vector<std::string> depends_on;  // facts still unknown
  bool concord_enforces = false;
};

struct Assessment {
  std::string system;
  int32_t as_of = 0;
  std::map<std::string, std::vector<AssessItem>> by_jurisdiction;
  size_t count() const;
};

Assessment assess(const Program& program, const SystemManifest& m, int32_t as_of, bool include_unverified);
std::string renderAssessment(const Assessment& a, Format f);

}  // namespace concord::policy
