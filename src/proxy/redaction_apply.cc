#include "proxy/redaction_apply.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "api/errors.h"
#include "policy/program.h"

namespace concord::proxy {

namespace {

detect::RedactionMode modeOf(const std::string& mode) {
  if (mode == "pseudonym") return detect::RedactionMode::kPseudonym;
  if (mode == "tag") return detect::RedactionMode::kTag;
  return detect::RedactionMode::kMask;
}

// The first plan (they come in precedence order) whose kinds match.
const RedactionPlan* planFor(const std::vector<RedactionPlan>& plans, std::string_view kind) {
  for (const auto& p : plans)
    for (const auto& k : p.kinds)
      if (policy::globMatch(k, kind)) return &p;
  return nullptr;
}

}  // namespace

RedactionOutcome applyRedactions(const std::vector<RedactionPlan>& plans, const api::RequestView& view,
                                 const std::vector<FindingRef>& findings, const std::string& tenant,
                                 std::string& body) {
  RedactionOutcome out;
  if (plans.empty() || findings.empty()) return out;
  // Segments from last to first, so that earlier raw spans stay valid while we splice.
  for (size_t seg = view.segments.size(); seg-- > 0;) {
    const auto& segment = view.segments[seg];
    std::vector<std::pair<const RedactionPlan*, detect::Finding>> chosen;
    for (const auto& f : findings) {
      if (f.segment != seg) continue;
      if (const auto* plan = planFor(plans, f.kind))
        chosen.push_back({plan, detect::Finding{f.kind, f.begin, f.end, f.score, "policy"}});
    }
    if (chosen.empty()) continue;
    // From the last finding to the first, each with its own plan's mode, so that earlier
    // spans stay valid; a finding overlapping one already replaced is part of it.
    std::sort(chosen.begin(), chosen.end(),
              [](const auto& a, const auto& b) { return a.second.begin > b.second.begin; });
    std::string text(segment.text);
    uint32_t replaced_from = UINT32_MAX;
    for (const auto& [plan, finding] : chosen) {
      if (finding.end > replaced_from || finding.end > text.size()) continue;
      const auto mode = modeOf(plan->mode);
      if (mode == detect::RedactionMode::kPseudonym && !out.vault)
        out.vault = std::make_unique<detect::PseudonymVault>(tenant);
      text = detect::redact(text, std::span(&finding, 1), mode, out.vault.get());
      replaced_from = finding.begin;
      ++out.redacted;
      if (std::find(out.rule_ids.begin(), out.rule_ids.end(), plan->rule_id) == out.rule_ids.end())
        out.rule_ids.push_back(plan->rule_id);
    }
    std::string token = "\"";
    api::appendJsonEscaped(token, text);
    token += '"';
    body.replace(segment.raw_begin, segment.raw_end - segment.raw_begin, token);
  }
  return out;
}

std::string restoreInJson(std::string_view json, const detect::PseudonymVault& vault) {
  std::string out;
  out.reserve(json.size());
  size_t pos = 0;
  while (pos < json.size()) {
    const size_t lt = json.find('<', pos);
    if (lt == std::string_view::npos) break;
    const size_t gt = json.find('>', lt);
    if (gt == std::string_view::npos || gt - lt > detect::PseudonymVault::kMaxTokenLength) {
      out.append(json.substr(pos, lt + 1 - pos));
      pos = lt + 1;
      continue;
    }
    const auto* value = vault.valueOf(json.substr(lt, gt + 1 - lt));
    out.append(json.substr(pos, lt - pos));
    if (value) api::appendJsonEscaped(out, *value);
    else out.append(json.substr(lt, gt + 1 - lt));
    pos = gt + 1;
  }
  out.append(json.substr(pos));
  return out;
}

std::string StreamRestorer::event(std::string_view data) {
  if (data.find('<') == std::string_view::npos && per_choice_.empty()) return std::string(data);
  auto doc = nlohmann::json::parse(data, nullptr, false);
  if (doc.is_discarded() || !doc.contains("choices") || !doc["choices"].is_array())
    return std::string(data);
  last_header_json_ = std::string(data);
  bool changed = false;
  for (auto& choice : doc["choices"]) {
    const size_t index = choice.value("index", 0);
    if (index > 64) continue;
    if (per_choice_.size() <= index) per_choice_.resize(index + 1);
    if (!per_choice_[index]) per_choice_[index] = std::make_unique<detect::PseudonymRestorer>(vault_);
    auto* field = choice.contains("delta") && choice["delta"].contains("content") &&
                          choice["delta"]["content"].is_string()
                      ? &choice["delta"]["content"]
                      : (choice.contains("text") && choice["text"].is_string() ? &choice["text"] : nullptr);
    if (!field) continue;
    const auto original = field->get<std::string>();
    auto restored = per_choice_[index]->feed(original);
    if (restored != original) {
      *field = std::move(restored);
      changed = true;
    }
  }
  return changed ? doc.dump() : std::string(data);
}

std::string StreamRestorer::finish() {
  std::string held;
  for (auto& r : per_choice_)
    if (r) held += r->finish();
  if (held.empty()) return {};
  auto doc = nlohmann::json::parse(last_header_json_, nullptr, false);
  if (doc.is_discarded()) doc = nlohmann::json::object();
  doc["choices"] = nlohmann::json::array({{{"index", 0}, {"delta", {{"content", held}}}, {"finish_reason", nullptr}}});
  return "data: " + doc.dump() + "\n\n";
}

}  // namespace concord::proxy
