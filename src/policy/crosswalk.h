// Crosswalk and consensus over a compiled Program (off the request path; any thread).
// Crosswalk: concept x jurisdiction matrix (required / advisory / not required, parameters),
// agreements, parameter differences, hard conflicts and the catalogue's tensions (T1-T17) that
// involve the chosen jurisdictions. Consensus: one merged, loadable pack with the strictest
// compatible parameters, or the irreconcilable conflicts that prevent it.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "policy/program.h"

namespace concord::policy {

enum class Format { kTable, kJson, kMd };
std::optional<Format> parseFormat(const std::string& s);

struct CrosswalkCell {
  std::string status = "not required";  // required | advisory | enjoined | not required
  std::vector<std::string> rule_ids;
  std::map<std::string, std::set<std::string>> params;  // parameter -> values seen
  std::string term;                                    // the jurisdiction's own term
};

struct CrosswalkRow {
  std::string concept_id;
  std::vector<CrosswalkCell> cells;  // one per chosen jurisdiction
  std::string agreement;             // "all require" | "some require" | "none"
  bool params_differ = false;
};

struct Conflict {
  std::string concept_id, kind, description, tension_id;  // kind: tension | parameter | retention
  std::vector<std::string> jurisdictions;
  bool irreconcilable = false;
};

struct Crosswalk {
  std::vector<std::string> jurisdictions;
  std::vector<CrosswalkRow> rows;  // concepts required or advised somewhere
  std::vector<Conflict> conflicts;
};

Crosswalk buildCrosswalk(const Program& program, const std::vector<std::string>& jurisdictions);
std::string renderCrosswalk(const Crosswalk& c, Format f);

struct Consensus {
  bool ok = false;
  std::vector<Conflict> conflicts;  // irreconcilable ones when !ok; notes otherwise
  std::string pack_yaml;            // when ok: a pack loadable with the same vocabulary
  int rules = 0;
};

Consensus buildConsensus(const Program& program, const std::vector<std::string>& jurisdictions);
std::string renderConflicts(const std::vector<Conflict>& conflicts, Format f);

// Tensions of the vocabulary involving at least two of the chosen jurisdictions.
std::vector<const Tension*> tensionsFor(const Vocabulary& v, const std::vector<std::string>& jurisdictions);

}  // namespace concord::policy
