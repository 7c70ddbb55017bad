// Stage 1 of the pack loader: YAML text -> plain structs that remember where each piece came
// from (file:line:col). No vocabulary checks here; the compiler does those. Loader-only.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <vector>

#include "policy/diagnostic.h"

namespace concord::policy {

struct RawScalar {
  std::string value;
  Pos pos;
  bool present = false;
};

struct RawPredicate {
  std::string fact;  // "not" for a negated conjunction
  Pos pos;           // of the key
  YAML::Node value;
  std::vector<std::vector<RawPredicate>> not_groups;  // for "not": one conjunction per item
};

struct RawRule {
  Pos pos;
  RawScalar id, cite, jurisdiction, concept_id, binds, confidence, status, status_note, enforced_by,
      mode, priority, summary, from, until;
  bool has_when = false;
  std::vector<RawPredicate> when;
  RawScalar action;
  YAML::Node then;  // the whole `then` mapping
  Pos then_pos;
};

struct RawPack {
  std::string path;
  const std::string* file = nullptr;
  Pos pos;
  RawScalar id, jurisdiction, instrument, version, severity;
  std::vector<std::string> sources;
  std::vector<RawRule> rules;
};

// Reads one pack document. Structural problems are reported (policy.bad_yaml,
// policy.missing_field, policy.unknown_key as a warning) and the offending rule skipped.
std::optional<RawPack> readPack(const std::string& path, const std::string& text, SourceSet& sources,
                                Diagnostics& diags);

}  // namespace concord::policy
