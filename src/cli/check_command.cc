// `concord check --principal FILE|--key TOKEN [--config F] request.json [--packs DIR] [--as-of DATE]`:
// the decision for one OpenAI request, explained rule by rule, without forwarding. With --key the
// principal comes from the key store of the config, and the packs, deployment facts and candidate
// upstreams from the config itself. The principal file is YAML:
//   tenant, jurisdictions, sector, roles, public_body, deployment: { fact: value },
//   findings: [{kind, score}], routes: [{upstream, region, model_origin}]
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "common/clock.h"
#include "config/config_loader.h"
#include "store/key_store.h"
#include "policy/cli_support.h"
#include "policy/pack_tests.h"
#include "policy/yaml_source.h"

namespace concord::cli {
namespace {

std::vector<std::string> scalars(const YAML::Node& n) {
  std::vector<std::string> v;
  if (n && n.IsScalar()) v.push_back(n.Scalar());
  else if (n && n.IsSequence())
    for (const auto& x : n) v.push_back(x.Scalar());
  return v;
}

}  // namespace

int runCheck(int argc, char** argv) {
  using namespace concord::policy;
  CLI::App app{"concord check: the policy decision for one request, explained"};
  std::vector<std::string> packs_dirs;
  std::string principal_file, request_file, vocabulary, as_of, endpoint;
  bool unverified = false, json_out = false;
  std::string key, config_file = "concord.yaml";
  auto* principal_opt = app.add_option("--principal", principal_file, "principal YAML");
  auto* key_opt = app.add_option("--key", key, "an API key of the gateway's key store (uses --config)");
  app.add_option("--config", config_file, "gateway config for --key (default concord.yaml)");
  principal_opt->excludes(key_opt);
  app.add_option("request", request_file, "OpenAI request body (JSON)")->required();
  app.add_option("--packs", packs_dirs, "pack directory or file (repeatable; default packs)");
  app.add_option("--vocabulary", vocabulary, "vocabulary file");
  app.add_option("--as-of", as_of, "date YYYY-MM-DD (default: today)");
  app.add_option("--endpoint", endpoint, "chat.completions|completions|embeddings|responses (default: from the body)");
  app.add_flag("--unverified", unverified, "enable confidence: U rules");
  app.add_flag("--json", json_out, "machine-readable output");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e), 0;
    std::fprintf(stderr, "concord check: %s\n", e.what());
    return 2;
  }
  auto day = dayOrToday(as_of);
  if (!day) {
    std::fprintf(stderr, "concord check: --as-of must be YYYY-MM-DD\n");
    return 2;
  }
  std::map<std::string, std::vector<std::string>> flat;
  std::vector<std::pair<std::string, double>> findings;
  std::vector<std::array<std::string, 3>> routes;
  if (principal_file.empty() && key.empty()) {
    std::fprintf(stderr, "concord check: give --principal FILE or --key TOKEN\n");
    return 2;
  }
  if (!key.empty()) {
    auto config = config::loadConfig(config_file);
    if (!config.ok()) {
      std::fprintf(stderr, "concord check: %s\n", config.error().message.c_str());
      return 2;
    }
    SystemClock clock;
    auto store = store::KeyStore::open((*config)->keys_db, clock);
    if (!store.ok()) {
      std::fprintf(stderr, "concord check: %s\n", store.error().message.c_str());
      return 2;
    }
    auto principal = (*store)->authenticate(key);
    if (!principal.ok()) {
      std::fprintf(stderr, "concord check: %s: %s\n", principal.error().code.c_str(), principal.error().message.c_str());
      return 2;
    }
    flat["principal.tenant"] = {principal->tenant};
    if (!principal->jurisdictions.empty()) flat["principal.jurisdictions"] = principal->jurisdictions;
    if (!principal->sector.empty()) flat["principal.sector"] = {principal->sector};
    if (!principal->roles.empty()) flat["principal.roles"] = principal->roles;
    for (const auto& [k, v] : (*config)->deployment) flat[k] = v;
    for (const auto& u : (*config)->upstreams) routes.push_back({u.name, u.region, u.model_origin});
    if (packs_dirs.empty() && !(*config)->policy.vocabulary.empty()) {
      packs_dirs = (*config)->policy.packs;
      if (vocabulary.empty()) vocabulary = (*config)->policy.vocabulary;
      unverified = unverified || (*config)->policy.enable_unverified;
    }
  } else try {
    YAML::Node p = YAML::LoadFile(principal_file);
    if (p["tenant"]) flat["principal.tenant"] = scalars(p["tenant"]);
    if (p["jurisdictions"]) flat["principal.jurisdictions"] = scalars(p["jurisdictions"]);
    if (p["sector"]) flat["principal.sector"] = scalars(p["sector"]);
    if (p["roles"]) flat["principal.roles"] = scalars(p["roles"]);
    if (p["public_body"]) flat["principal.public_body"] = scalars(p["public_body"]);
    if (const auto d = p["deployment"]; d && d.IsMap())
      for (const auto& kv : d) {
        std::string k = kv.first.Scalar();
        if (k.find('.') == std::string::npos) k = "deployment." + k;
        flat[k] = scalars(kv.second);
      }
    if (const auto f = p["findings"]; f && f.IsSequence())
      for (const auto& x : f) findings.emplace_back(x["kind"].Scalar(), x["score"] ? x["score"].as<double>() : 1.0);
    if (const auto r = p["routes"]; r && r.IsSequence())
      for (const auto& x : r)
        routes.push_back({x["upstream"] ? x["upstream"].Scalar() : "", x["region"] ? x["region"].Scalar() : "",
                          x["model_origin"] ? x["model_origin"].Scalar() : ""});
  } catch (const YAML::Exception& e) {
    std::fprintf(stderr, "concord check: %s:%d: %s\n", principal_file.c_str(), e.mark.line + 1, e.msg.c_str());
    return 2;
  }
  auto text = readFileText(request_file);
  nlohmann::json body = text ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json();
  if (!text || body.is_discarded() || !body.is_object()) {
    std::fprintf(stderr, "concord check: %s is not a JSON object\n", request_file.c_str());
    return 2;
  }
  if (endpoint.empty()) {
    const std::string model = body.value("model", "");
    if (body.contains("messages")) endpoint = "chat.completions";
    else if (body.contains("prompt")) endpoint = "completions";
    else if (body.contains("input")) endpoint = model.find("embed") != std::string::npos ? "embeddings" : "responses";
    else endpoint = "chat.completions";
  }
  flat["request.endpoint"] = {endpoint};
  if (body.contains("model") && body["model"].is_string()) flat["request.model"] = {body["model"].get<std::string>()};
  flat["request.stream"] = {body.value("stream", false) ? "true" : "false"};
  const bool tools = body.contains("tools") && body["tools"].is_array() && !body["tools"].empty();
  flat["request.tools_present"] = {tools ? "true" : "false"};

  if (packs_dirs.empty()) packs_dirs.push_back("packs");
  auto program = loadForCli(vocabulary, packs_dirs, unverified);
  if (!program) return 2;
  FactBuilder fb;
  if (Status st = buildFacts(*program, flat, findings, routes, *day, fb); !st.ok()) {
    std::fprintf(stderr, "concord check: %s: %s\n", st.error().code.c_str(), st.error().message.c_str());
    return 2;
  }
  Decision d = program->decide(fb.facts, fb.routes);
  if (json_out) {
    nlohmann::json j{{"verdict", verdictName(d.verdict)}, {"deciding_rule", std::string(d.deciding_rule)},
                     {"message", std::string(d.denial_message)}, {"route_constrained", d.route_constrained},
                     {"no_compliant_route", d.no_compliant_route}, {"allowed_routes", d.allowed_routes}};
    for (const auto& r : d.rules)
      j["rules"].push_back({{"id", std::string(r.id)}, {"cite", std::string(r.cite)},
                            {"concept", std::string(r.concept_id)}, {"action", actionName(r.action)}});
    std::cout << j.dump(2) << "\n";
  } else {
    std::cout << "verdict: " << verdictName(d.verdict);
    if (!d.deciding_rule.empty()) std::cout << " (by " << d.deciding_rule << ": " << d.denial_message << ")";
    std::cout << "\nfacts: endpoint=" << endpoint << " model=" << fb.facts.model << " date=" << formatDay(*day) << "\n";
    std::cout << d.rules.size() << " rules fired, by precedence:\n";
    for (const auto& h : d.rules) {
      const Rule* r = program->rule(h.id);
      std::cout << "  " << actionName(h.action) << "  " << h.id << "  " << h.cite << "  [" << h.concept_id << "]\n";
      for (int id : r->preds) std::cout << "      because " << program->describePred(id) << "\n";
      if (!r->summary.empty()) std::cout << "      " << r->summary << "\n";
    }
    for (const auto& l : d.labels) {
      std::cout << "label (" << placementName(l.placement) << ", " << l.rule_id << "):";
      if (!l.textFor(fb.facts.language).empty()) std::cout << " \"" << l.textFor(fb.facts.language) << "\"";
      if (l.implicit && !l.implicit->empty()) {
        std::cout << " implicit:";
        for (const auto& f : *l.implicit) std::cout << " " << f;
      }
      std::cout << "\n";
    }
    for (const auto& r : d.redactions) {
      std::cout << "redact (" << redactModeName(r.mode) << ", " << r.rule_id << "):";
      for (const auto& k : *r.kinds) std::cout << " " << k;
      std::cout << "\n";
    }
    if (d.log.required)
      std::cout << "log: content=" << logContentName(d.log.content) << " retention_min_days=" << d.log.retention_min_days
                << " retention_max_days=" << d.log.retention_max_days << "\n";
    if (d.route_constrained) {
      std::cout << "routes allowed:";
      for (auto i : d.allowed_routes) std::cout << " " << fb.routes[i].upstream;
      std::cout << (d.allowed_routes.empty() ? " none" : "") << "\n";
    }
  }
  return d.verdict == Verdict::kAllow ? 0 : 1;
}

}  // namespace concord::cli
