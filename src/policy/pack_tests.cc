#include "policy/pack_tests.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>

#include <yaml-cpp/yaml.h>

#include "policy/yaml_source.h"

namespace concord::policy {

Status buildFacts(const Program& program, const std::map<std::string, std::vector<std::string>>& flat,
                  const std::vector<std::pair<std::string, double>>& findings,
                  const std::vector<std::array<std::string, 3>>& routes, int32_t day, FactBuilder& out) {
  std::map<std::string, std::vector<std::string>> statics;
  out.request_strings.clear();
  out.request_strings.reserve(8);
  std::string endpoint, model, language;
  Facts& f = out.facts;
  f = Facts{};
  for (const auto& [name, values] : flat) {
    const std::string one = values.empty() ? std::string() : values.front();
    if (name == "principal.jurisdictions") out.principal.jurisdictions = values;
    else if (name == "principal.tenant") out.principal.tenant = one;
    else if (name == "principal.sector") out.principal.sector = one;
    else if (name == "principal.roles") out.principal.roles.insert(out.principal.roles.end(), values.begin(), values.end());
    else if (name == "principal.public_body") {
      auto b = parseBool(one);
      if (!b) return Error{"policy.type_mismatch", "principal.public_body must be true or false"};
      if (*b) out.principal.roles.push_back("public_body");
      else statics[name] = values;
    } else if (name == "request.endpoint") endpoint = one;
    else if (name == "request.model") model = one;
    else if (name == "request.language") language = one;
    else if (name == "request.stream" || name == "request.tools_present") {
      auto b = parseBool(one);
      if (!b) return Error{"policy.type_mismatch", name + " must be true or false"};
      (name == "request.stream" ? f.stream : f.tools_present) = *b;
    } else if (name == "date") {
      auto d = parseDay(one);
      if (!d) return Error{"policy.bad_date", "date: `" + one + "` is not YYYY-MM-DD"};
      day = *d;
    } else if (name.rfind("route.", 0) == 0 || name == "request.findings") {
      return Error{"policy.type_mismatch", name + " must be given as a route / finding"};
    } else {
      statics[name] = values;
    }
  }
  auto dep = program.compileDeployment(statics);
  if (!dep.ok()) return dep.error();
  out.deployment = std::move(*dep);
  out.request_strings = {endpoint, model, language};
  out.finding_kinds.clear();
  out.findings.clear();
  out.finding_kinds.reserve(findings.size());
  for (const auto& [k, s] : findings) out.finding_kinds.push_back(k);
  for (size_t i = 0; i < findings.size(); ++i) out.findings.push_back(FindingFact{out.finding_kinds[i], findings[i].second});
  out.route_strings.clear();
  out.route_strings.reserve(routes.size() * 3);
  for (const auto& r : routes) out.route_strings.insert(out.route_strings.end(), r.begin(), r.end());
  out.routes.clear();
  for (size_t i = 0; i < routes.size(); ++i)
    out.routes.push_back(RouteFact{out.route_strings[3 * i], out.route_strings[3 * i + 1], out.route_strings[3 * i + 2]});
  out.modality.clear();
  for (const auto& m : out.deployment.modality) out.modality.push_back(m);
  f.principal = &out.principal;
  f.deployment = &out.deployment;
  f.endpoint = out.request_strings[0];
  f.model = out.request_strings[1];
  f.language = out.request_strings[2];
  f.findings = out.findings;
  f.modality = out.modality;
  f.day = day;
  return Status();
}

namespace {

std::vector<std::string> scalars(const YAML::Node& n) {
  std::vector<std::string> v;
  if (!n) return v;
  if (n.IsScalar()) v.push_back(n.Scalar());
  else if (n.IsSequence())
    for (const auto& x : n)
      if (x.IsScalar()) v.push_back(x.Scalar());
  return v;
}

int32_t today() {
  using namespace std::chrono;
  return static_cast<int32_t>(duration_cast<days>(system_clock::now().time_since_epoch()).count());
}

std::vector<std::string> expand(const std::vector<std::string>& paths) {
  namespace fs = std::filesystem;
  std::vector<std::string> out;
  for (const auto& p : paths) {
    std::error_code ec;
    if (fs::is_directory(p, ec)) {
      std::vector<std::string> files;
      for (const auto& e : fs::directory_iterator(p, ec))
        if (e.path().extension() == ".yaml" || e.path().extension() == ".yml") files.push_back(e.path().string());
      std::sort(files.begin(), files.end());
      out.insert(out.end(), files.begin(), files.end());
    } else {
      out.push_back(p);
    }
  }
  return out;
}

// answer.tool_calls in a test case: [{ name: transfer_funds, arguments: { amount: 5000 } }].
// Numbers are numbers when they parse as one, as they would in a JSON answer.
Status addToolCalls(const YAML::Node& calls, FactBuilder& fb) {
  if (!calls.IsSequence()) return Error{"policy.type_mismatch", "answer.tool_calls must be a list"};
  auto keep = [&](const std::string& s) -> std::string_view {
    fb.tool_strings.push_back(std::make_unique<std::string>(s));
    return *fb.tool_strings.back();
  };
  fb.tool_args.reserve(calls.size());
  for (const auto& c : calls) {
    if (!c.IsMap() || !c["name"]) return Error{"policy.type_mismatch", "answer.tool_calls items need { name, arguments }"};
    std::vector<ToolArgFact> args;
    if (const YAML::Node a = c["arguments"]; a && a.IsMap())
      for (const auto& kv : a) {
        ToolArgFact arg{keep(kv.first.Scalar()), keep(kv.second.IsScalar() ? kv.second.Scalar() : "")};
        if (auto n = parseNumber(std::string(arg.text))) arg.number = *n, arg.is_number = true;
        args.push_back(arg);
      }
    fb.tool_args.push_back(std::move(args));
    fb.tool_calls.push_back(ToolCallFact{keep(c["name"].Scalar()), fb.tool_args.back()});
  }
  fb.facts.tool_calls = fb.tool_calls;
  return Status();
}

void runCase(const Program& program, const YAML::Node& t, const std::string& file, PackTestResult& res,
             std::set<std::string>& positive, std::set<std::string>& negative) {
  auto fail = [&](const std::string& why) {
    res.passed = false;
    res.failures.push_back(why);
  };
  int32_t day = today();
  if (t["as_of"]) {
    auto d = parseDay(t["as_of"].Scalar());
    if (!d) return fail("as_of `" + t["as_of"].Scalar() + "` is not YYYY-MM-DD");
    day = *d;
  }
  std::map<std::string, std::vector<std::string>> flat;
  YAML::Node tool_calls;
  bool has_tool_calls = false;
  std::vector<std::pair<std::string, double>> findings;
  std::vector<std::array<std::string, 3>> routes;
  std::array<std::string, 3> single_route;
  bool has_route = false;
  if (const YAML::Node facts = t["facts"]; facts && facts.IsMap()) {
    for (const auto& kv : facts) {
      const std::string name = kv.first.Scalar();
      if (name == "request.findings") {
        for (const auto& fi : kv.second) {
          if (!fi.IsMap() || !fi["kind"]) return fail("request.findings items need { kind, score }");
          findings.emplace_back(fi["kind"].Scalar(), fi["score"] ? fi["score"].as<double>(1.0) : 1.0);
        }
      } else if (name == "answer.tool_calls") {
        tool_calls = kv.second;
        has_tool_calls = true;
      } else if (name == "route.upstream" || name == "route.region" || name == "route.model_origin") {
        has_route = true;
        single_route[name == "route.upstream" ? 0 : name == "route.region" ? 1 : 2] = kv.second.Scalar();
      } else if (name == "route.candidates" || name == "routes") {
        for (const auto& r : kv.second)
          routes.push_back({r["upstream"] ? r["upstream"].Scalar() : "", r["region"] ? r["region"].Scalar() : "",
                            r["model_origin"] ? r["model_origin"].Scalar() : ""});
      } else {
        flat[name] = scalars(kv.second);
      }
    }
  }
  if (has_route) routes.insert(routes.begin(), single_route);
  FactBuilder fb;
  Status st = buildFacts(program, flat, findings, routes, day, fb);
  if (!st.ok()) return fail(st.error().code + ": " + st.error().message);
  if (has_tool_calls) {
    st = addToolCalls(tool_calls, fb);
    if (!st.ok()) return fail(st.error().code + ": " + st.error().message);
  }
  Decision d = program.decideAll(fb.facts, fb.routes);
  const YAML::Node expect = t["expect"];
  if (!expect) return fail("no `expect`");
  if (expect["action"]) {
    const std::string want = expect["action"].Scalar();
    if (want != verdictName(d.verdict))
      fail(std::string("expected action ") + want + ", got " + verdictName(d.verdict) +
           (d.deciding_rule.empty() ? "" : " (by " + std::string(d.deciding_rule) + ")"));
  }
  for (const auto& id : scalars(expect["rules"])) {
    positive.insert(id);
    if (!program.rule(id)) fail("unknown rule " + id);
    else if (!d.fired(id)) fail("expected rule " + id + " to fire");
  }
  for (const auto& id : scalars(expect["not_rules"])) {
    negative.insert(id);
    if (!program.rule(id)) fail("unknown rule " + id);
    else if (d.fired(id)) fail("expected rule " + id + " not to fire");
  }
  if (!res.passed) {
    std::string fired;
    for (const auto& r : d.rules) fired += (fired.empty() ? "" : ", ") + std::string(r.id);
    res.failures.push_back("fired: [" + fired + "]");
  }
}

}  // namespace

PackTestReport runPackTests(const Program& program, const std::vector<std::string>& paths) {
  PackTestReport rep;
  std::set<std::string> positive, negative;
  for (const auto& path : expand(paths)) {
    YAML::Node root;
    try {
      root = YAML::LoadFile(path);
    } catch (const YAML::Exception& e) {
      PackTestResult r{path, path, e.mark.line + 1, false, {"policy.bad_yaml: " + e.msg}};
      rep.results.push_back(r);
      continue;
    }
    const YAML::Node tests = root["tests"];
    if (!tests || !tests.IsSequence()) {
      rep.results.push_back(PackTestResult{path, path, 1, false, {"policy.bad_yaml: needs a `tests:` list"}});
      continue;
    }
    for (const auto& t : tests) {
      PackTestResult r;
      r.file = path;
      r.line = t.Mark().line + 1;
      r.name = t["name"] ? t["name"].Scalar() : "(unnamed)";
      try {
        runCase(program, t, path, r, positive, negative);
      } catch (const YAML::Exception& e) {
        r.passed = false;
        r.failures.push_back("policy.bad_yaml: " + e.msg);
      }
      rep.results.push_back(std::move(r));
    }
  }
  for (const auto& r : rep.results) (r.passed ? rep.passed : rep.failed)++;
  // Coverage, for the packs this test set exercises at all.
  std::set<std::string> packs_tested;
  for (const auto& rule : program.rules())
    if (positive.count(rule.id) || negative.count(rule.id)) packs_tested.insert(rule.pack_id);
  for (const auto& rule : program.rules()) {
    if (!packs_tested.count(rule.pack_id)) continue;
    if (!positive.count(rule.id)) rep.warnings.push_back("rule " + rule.id + " has no positive test case");
    if (!negative.count(rule.id)) rep.warnings.push_back("rule " + rule.id + " has no negative test case");
  }
  return rep;
}

std::string renderPackTestReport(const PackTestReport& rep, bool verbose) {
  std::ostringstream o;
  for (const auto& r : rep.results) {
    if (r.passed && !verbose) continue;
    o << (r.passed ? "PASS " : "FAIL ") << r.file << ":" << r.line << ": " << r.name << "\n";
    for (const auto& f : r.failures) o << "    " << f << "\n";
  }
  for (const auto& w : rep.warnings) o << "warning: " << w << "\n";
  o << rep.passed << " passed, " << rep.failed << " failed\n";
  return o.str();
}

}  // namespace concord::policy
