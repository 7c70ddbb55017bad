#include "policy/crosswalk.h"

#include <algorithm>
#include <sstream>

#include <nlohmann/json.hpp>

namespace concord::policy {

std::optional<Format> parseFormat(const std::string& s) {
  if (s == "table") return Format::kTable;
  if (s == "json") return Format::kJson;
  if (s == "md") return Format::kMd;
  return std::nullopt;
}

std::vector<const Tension*> tensionsFor(const Vocabulary& v, const std::vector<std::string>& chosen) {
  std::vector<const Tension*> out;
  for (const auto& t : v.tensions) {
    int matched = 0;
    for (const auto& j : t.jurisdictions)
      for (const auto& c : chosen)
        if (jurisdictionMatches(j, c)) {
          ++matched;
          break;
        }
    if (matched >= 2) out.push_back(&t);
  }
  return out;
}

static bool ruleCounts(const Rule& r) { return r.status != "repealed"; }

static std::string paramValue(const Param& p) {
  if (p.is_map) {
    std::string s;
    for (const auto& [k, v] : p.map) s += (s.empty() ? "" : "; ") + k + "=" + v;
    return "{" + s + "}";
  }
  std::string s;
  for (const auto& v : p.list) s += (s.empty() ? "" : ",") + v;
  return p.is_list ? "[" + s + "]" : s;
}

Crosswalk buildCrosswalk(const Program& program, const std::vector<std::string>& chosen) {
  Crosswalk cw;
  cw.jurisdictions = chosen;
  const Vocabulary& v = program.vocabulary();
  for (const auto& [key, def] : v.concepts) {
    CrosswalkRow row;
    row.concept_id = key;
    row.cells.resize(chosen.size());
    int required = 0;
    bool any = false;
    for (size_t i = 0; i < chosen.size(); ++i) {
      CrosswalkCell& cell = row.cells[i];
      for (const auto& [j, term] : def.terms)
        if (jurisdictionMatches(j, chosen[i]) && cell.term.empty()) cell.term = term;
      bool binding = false, advisory = false, enjoined = false;
      for (const auto& r : program.rules()) {
        if (r.concept_id != key || !ruleCounts(r) || !jurisdictionMatches(r.jurisdiction, chosen[i])) continue;
        cell.rule_ids.push_back(r.id);
        if (r.status == "enjoined") enjoined = true;
        else if (r.severity == "advisory" || r.status == "voluntary") advisory = true;
        else binding = true;
        for (const auto& p : r.params) cell.params[p.name].insert(paramValue(p));
      }
      cell.status = binding ? "required" : advisory ? "advisory" : enjoined ? "enjoined" : "not required";
      if (binding) ++required;
      if (!cell.rule_ids.empty()) any = true;
    }
    if (!any) continue;
    row.agreement = required == static_cast<int>(chosen.size()) ? "all require" : required ? "some require" : "none";
    // Parameters that differ between jurisdictions that both set them.
    std::set<std::string> names;
    for (const auto& c : row.cells)
      for (const auto& [n, _] : c.params) names.insert(n);
    for (const auto& n : names) {
      // Free text (notices, messages, recipients) always differs; only typed parameters of the
      // vocabulary are compared.
      const ParamDef* typed = def.param(n);
      if (!typed || typed->type == "text_map") continue;
      std::set<std::string> seen;
      std::vector<std::string> who;
      for (size_t i = 0; i < chosen.size(); ++i)
        if (auto it = row.cells[i].params.find(n); it != row.cells[i].params.end()) {
          std::string all;
          for (const auto& x : it->second) all += x + " ";
          seen.insert(all);
          who.push_back(chosen[i]);
        }
      if (seen.size() > 1) {
        row.params_differ = true;
        const ParamDef* pd = def.param(n);
        Conflict c;
        c.concept_id = key;
        c.kind = "parameter";
        c.jurisdictions = who;
        c.description = "`" + n + "` differs (" + (pd ? "merge: " + pd->merge : std::string("no merge rule")) + ")";
        c.irreconcilable = pd && pd->merge == "equal";
        cw.conflicts.push_back(std::move(c));
      }
    }
    cw.rows.push_back(std::move(row));
  }
  // A retention floor in one jurisdiction above a ceiling in another.
  int max_min = 0, min_max = 0;
  std::string floor_j, ceil_j;
  for (const auto& r : program.rules()) {
    bool in = false;
    for (const auto& c : chosen) in = in || jurisdictionMatches(r.jurisdiction, c);
    if (!in || !ruleCounts(r)) continue;
    if (r.retention_min_days > max_min) { max_min = r.retention_min_days; floor_j = r.jurisdiction + " (" + r.id + ")"; }
    if (r.retention_max_days > 0 && (min_max == 0 || r.retention_max_days < min_max)) {
      min_max = r.retention_max_days;
      ceil_j = r.jurisdiction + " (" + r.id + ")";
    }
  }
  if (min_max > 0 && max_min > min_max)
    cw.conflicts.push_back(Conflict{"logging.retention_min", "retention",
                                    "minimum retention " + std::to_string(max_min) + " days in " + floor_j +
                                        " exceeds maximum " + std::to_string(min_max) + " days in " + ceil_j,
                                    "", {floor_j, ceil_j}, true});
  for (const Tension* t : tensionsFor(v, chosen))
    cw.conflicts.push_back(Conflict{t->concept_id, "tension", t->title + ": " + t->resolution, t->id,
                                    t->jurisdictions, t->irreconcilableFor(chosen)});
  return cw;
}

static nlohmann::json conflictsJson(const std::vector<Conflict>& cs) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& c : cs)
    a.push_back({{"concept", c.concept_id}, {"kind", c.kind}, {"tension", c.tension_id},
                 {"jurisdictions", c.jurisdictions}, {"irreconcilable", c.irreconcilable},
                 {"description", c.description}});
  return a;
}

std::string renderConflicts(const std::vector<Conflict>& cs, Format f) {
  if (f == Format::kJson) return conflictsJson(cs).dump(2) + "\n";
  std::ostringstream o;
  for (const auto& c : cs) {
    std::string js;
    for (const auto& j : c.jurisdictions) js += (js.empty() ? "" : ",") + j;
    o << (f == Format::kMd ? "- " : "") << (c.tension_id.empty() ? c.kind : c.tension_id) << " "
      << c.concept_id << " [" << js << "]" << (c.irreconcilable ? " IRRECONCILABLE" : "") << ": "
      << c.description << "\n";
  }
  return o.str();
}

std::string renderCrosswalk(const Crosswalk& cw, Format f) {
  if (f == Format::kJson) {
    nlohmann::json j;
    j["jurisdictions"] = cw.jurisdictions;
    j["concepts"] = nlohmann::json::array();
    for (const auto& r : cw.rows) {
      nlohmann::json row{{"concept", r.concept_id}, {"agreement", r.agreement}, {"params_differ", r.params_differ}};
      for (size_t i = 0; i < r.cells.size(); ++i) {
        nlohmann::json params = nlohmann::json::object();
        for (const auto& [n, vals] : r.cells[i].params) params[n] = std::vector<std::string>(vals.begin(), vals.end());
        row["cells"][cw.jurisdictions[i]] = {{"status", r.cells[i].status}, {"rules", r.cells[i].rule_ids},
                                             {"term", r.cells[i].term}, {"parameters", params}};
      }
      j["concepts"].push_back(row);
    }
    j["conflicts"] = conflictsJson(cw.conflicts);
    return j.dump(2) + "\n";
  }
  std::ostringstream o;
  auto cellText = [](const CrosswalkCell& c) {
    std::string s = c.status;
    for (const auto& [n, vals] : c.params) {
      if (n == "text" || n == "message" || n == "reason") continue;
      s += " " + n + "=";
      bool first = true;
      for (const auto& v : vals) { s += (first ? "" : "|") + v; first = false; }
    }
    return s;
  };
  if (f == Format::kMd) {
    o << "| concept |";
    for (const auto& j : cw.jurisdictions) o << " " << j << " |";
    o << " agreement |\n|---|";
    for (size_t i = 0; i < cw.jurisdictions.size(); ++i) o << "---|";
    o << "---|\n";
    for (const auto& r : cw.rows) {
      o << "| `" << r.concept_id << "` |";
      for (const auto& c : r.cells) o << " " << cellText(c) << " |";
      o << " " << r.agreement << (r.params_differ ? ", parameters differ" : "") << " |\n";
    }
    o << "\n## Agreements\n\n";
    for (const auto& r : cw.rows)
      if (r.agreement == "all require" && !r.params_differ) o << "- `" << r.concept_id << "`: required everywhere, same parameters\n";
    o << "\n## Conflicts and tensions\n\n" << renderConflicts(cw.conflicts, Format::kMd);
    return o.str();
  }
  size_t w0 = 8;
  for (const auto& r : cw.rows) w0 = std::max(w0, r.concept_id.size());
  std::vector<size_t> w(cw.jurisdictions.size(), 12);
  for (const auto& r : cw.rows)
    for (size_t i = 0; i < r.cells.size(); ++i) w[i] = std::max(w[i], std::min<size_t>(cellText(r.cells[i]).size(), 48));
  auto pad = [](std::string s, size_t n) {
    if (s.size() > n) s = s.substr(0, n - 1) + "~";
    return s + std::string(n - s.size() + 2, ' ');
  };
  o << pad("concept", w0);
  for (size_t i = 0; i < cw.jurisdictions.size(); ++i) o << pad(cw.jurisdictions[i], w[i]);
  o << "agreement\n";
  for (const auto& r : cw.rows) {
    o << pad(r.concept_id, w0);
    for (size_t i = 0; i < r.cells.size(); ++i) o << pad(cellText(r.cells[i]), w[i]);
    o << r.agreement << (r.params_differ ? ", parameters differ" : "") << "\n";
  }
  o << "\nagreements (required everywhere, same parameters):";
  for (const auto& r : cw.rows)
    if (r.agreement == "all require" && !r.params_differ) o << " " << r.concept_id;
  o << "\n\nconflicts and tensions:\n" << renderConflicts(cw.conflicts, Format::kTable);
  return o.str();
}

}  // namespace concord::policy
