#include "proxy/policy_decide.h"

#include <algorithm>
#include <cmath>

namespace concord::proxy {
namespace {

// The audit content mode of a decision. A log rule that names no content mode leaves the
// obligation at `full` in the program; raw content is written only when a fired rule asks for
// `full` by name, otherwise `redacted` (never a detected value in the log).
std::string logContent(const policy::Program& program, const policy::Decision& decision) {
  if (!decision.log.required) return "none";
  if (decision.log.content != policy::LogContent::kFull) return policy::logContentName(decision.log.content);
  for (const auto& hit : decision.rules) {
    if (hit.action != policy::Action::kLog) continue;
    const auto* rule = program.rule(hit.id);
    if (rule && rule->log_content_set && rule->log_content == policy::LogContent::kFull) return "full";
  }
  return "redacted";
}

}  // namespace

Result<std::shared_ptr<const policy::Program>> loadPolicy(const config::Config& config) {
  policy::LoadOptions options;
  options.vocabulary_path = config.policy.vocabulary;
  options.pack_paths = config.policy.packs;
  options.enable_unverified = config.policy.enable_unverified;
  return policy::loadProgram(options);
}

Result<std::shared_ptr<PolicyDecide>> PolicyDecide::create(const config::Config& config) {
  auto program = loadPolicy(config);
  if (!program) return program.error();
  auto deployment = program.value()->compileDeployment(config.deployment);
  if (!deployment)
    return makeError(deployment.error().code,
                     config.source_path + ": deployment: " + deployment.error().message);
  return std::shared_ptr<PolicyDecide>(new PolicyDecide(program.value(), std::move(deployment.value())));
}

// What the request says of itself and its principal (views into `in`, valid while it is).
policy::Facts PolicyDecide::requestFacts(const StepInput& in) const {
  policy::Facts facts;
  facts.principal = &in.principal;
  facts.deployment = &deployment_;
  facts.endpoint = api::endpointName(in.view.endpoint);
  facts.model = in.view.model;
  facts.language = in.language;
  facts.stream = in.view.stream;
  facts.tools_present = in.view.tools_present;
  facts.day = static_cast<int32_t>(in.now_micros / 86'400'000'000LL);
  return facts;
}

Verdict PolicyDecide::decide(const StepInput& in, const std::vector<FindingRef>& findings) {
  std::vector<policy::FindingFact> finding_facts;
  finding_facts.reserve(findings.size());
  // Detector scores are floats; 0.9f widened is 0.8999999761..., below a pack's `min_score: 0.9`.
  // Rounding to 4 decimals gives the double the pack author wrote.
  for (const auto& f : findings)
    finding_facts.push_back({f.kind, std::round(static_cast<double>(f.score) * 1e4) / 1e4});
  std::vector<policy::RouteFact> routes;
  routes.reserve(in.candidates.size());
  for (const auto& c : in.candidates)
    routes.push_back({c.upstream->name, c.upstream->region, c.upstream->model_origin});

  policy::Facts facts = requestFacts(in);
  facts.findings = finding_facts;
  const policy::Decision decision = program_->decide(facts, routes);

  Verdict verdict;
  for (const auto& r : decision.rules)
    verdict.rules.push_back({std::string(r.id), std::string(r.cite), policy::actionName(r.action)});
  if (decision.verdict == policy::Verdict::kDeny && !decision.no_compliant_route) {
    verdict.action = Verdict::Action::kDeny;
  } else if (decision.verdict == policy::Verdict::kHold) {
    verdict.action = Verdict::Action::kHold;
  }
  verdict.message = decision.denial_message.empty()
                        ? std::string("refused by policy rule ") + std::string(decision.deciding_rule)
                        : std::string(decision.denial_message);
  if (decision.route_constrained || decision.no_compliant_route) {
    verdict.route_constrained = true;
    verdict.route_allowed.assign(in.candidates.size(), false);
    if (!decision.no_compliant_route)
      for (const auto i : decision.allowed_routes)
        if (i < verdict.route_allowed.size()) verdict.route_allowed[i] = true;
  }
  for (const auto& r : decision.redactions)
    verdict.redactions.push_back({std::string(r.rule_id), r.kinds ? *r.kinds : std::vector<std::string>{},
                                  policy::redactModeName(r.mode)});
  const std::string_view language = in.principal.locale.empty() ? in.language : in.principal.locale;
  // A tenant may waive a visible label only where its rule says `waivable` (e.g. China's
  // labelling measures with the content logged); the machine-readable layer is never waived.
  const bool tenant_waives = std::find(in.principal.roles.begin(), in.principal.roles.end(),
                                       "label_waived") != in.principal.roles.end();
  for (const auto& l : decision.labels) {
    if (tenant_waives && l.waivable) continue;
    verdict.labels.push_back({std::string(l.rule_id), policy::placementName(l.placement),
                              std::string(l.textFor(language))});
  }
  verdict.log_content = logContent(*program_, decision);
  verdict.retention_min_days = decision.log.retention_min_days;
  verdict.retention_max_days = decision.log.retention_max_days;
  return verdict;
}

Verdict PolicyDecide::decideAnswer(const StepInput& in, const std::vector<ToolCall>& calls) {
  const ToolCallFacts tool_facts(calls);
  policy::Facts facts = requestFacts(in);
  facts.tool_calls = tool_facts.facts();
  const policy::Decision decision = program_->decideAnswer(facts);
  Verdict verdict;
  for (const auto& r : decision.rules)
    verdict.rules.push_back({std::string(r.id), std::string(r.cite), policy::actionName(r.action)});
  if (decision.verdict == policy::Verdict::kDeny) verdict.action = Verdict::Action::kDeny;
  else if (decision.verdict == policy::Verdict::kHold) verdict.action = Verdict::Action::kHold;
  verdict.message = decision.denial_message.empty()
                        ? std::string("refused by policy rule ") + std::string(decision.deciding_rule)
                        : std::string(decision.denial_message);
  return verdict;
}

}  // namespace concord::proxy
