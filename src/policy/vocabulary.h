// Vocabulary: the shared concepts (with each jurisdiction's term and how their parameters merge),
// the typed facts a rule may test, and the catalogue's known tensions. Read from
// packs/vocabulary.yaml once per load; immutable afterwards and shared by the Program.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "policy/diagnostic.h"

namespace concord::policy {

enum class FactType { kString, kSet, kEnum, kBool, kNumber, kDate, kFindings, kToolCalls };
const char* factTypeName(FactType t);

struct FactDef {
  std::string name;
  FactType type = FactType::kString;
  std::vector<std::string> values;  // enum only
  int id = 0;
  // Jurisdiction-like: a fact value "US-CA" also matches a rule value "US".
  bool hierarchical = false;
};

struct ParamDef {
  std::string name;
  std::string type;   // number | bool | enum | string | set<string> | text_map
  std::string merge;  // max | min | min_nonzero | union | intersect | all_false | equal | first
  std::vector<std::string> values;  // enum order
};

struct ConceptDef {
  std::string key;
  std::string description;
  std::map<std::string, std::string> terms;  // jurisdiction -> its own term
  std::vector<ParamDef> params;
  bool distinct_definitions = false;
  const ParamDef* param(const std::string& name) const;
};

struct Tension {
  std::string id, concept_id, title, resolution;
  std::vector<std::string> jurisdictions;
  std::vector<std::string> irreconcilable_between;  // empty: any two of `jurisdictions`
  bool irreconcilable = false;
  // Irreconcilable for this choice of jurisdictions (needs two of the conflicting ones).
  bool irreconcilableFor(const std::vector<std::string>& chosen) const;
};

struct Vocabulary {
  std::map<std::string, ConceptDef> concepts;
  std::vector<FactDef> facts;  // index == FactDef::id
  std::vector<Tension> tensions;

  const FactDef* fact(const std::string& name) const;
  const ConceptDef* conceptDef(const std::string& key) const;
};

// `rule` matches `selected` when equal or one is a hyphen-prefix of the other (US ~ US-CA).
bool jurisdictionMatches(const std::string& rule, const std::string& selected);
// A fact value matches a rule value: equal, or (hierarchical) value starts with rule + "-".
bool hierarchicalMatch(const std::string& rule_value, const std::string& fact_value);

// Reads and validates a vocabulary document. Errors go to `diags`.
std::optional<Vocabulary> readVocabulary(const std::string& path, const std::string& text,
                                         SourceSet& sources, Diagnostics& diags);

}  // namespace concord::policy
