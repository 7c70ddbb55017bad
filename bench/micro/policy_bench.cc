// Policy engine micro benchmarks: compile of every packs/*.yaml (target <= 100 ms) and decide()
// for typical requests with every pack loaded (target <= 1 us median). Run:
//   build/bench/policy_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>

#include "policy/program.h"
#include "policy/yaml_source.h"

namespace {

using namespace concord::policy;

LoadOptions allPacks() {
  LoadOptions o;
  o.vocabulary_path = std::string(CONCORD_SOURCE_DIR) + "/packs/vocabulary.yaml";
  o.pack_paths = {std::string(CONCORD_SOURCE_DIR) + "/packs"};
  return o;
}

std::shared_ptr<const Program> program() {
  static std::shared_ptr<const Program> p = [] {
    auto r = loadProgram(allPacks());
    if (!r.ok()) {
      std::fprintf(stderr, "packs do not load: %s\n", r.error().message.c_str());
      std::exit(1);
    }
    return *r;
  }();
  return p;
}

void BM_CompileAllPacks(benchmark::State& state) {
  size_t rules = 0;
  for (auto _ : state) {
    auto r = loadProgram(allPacks());
    rules = r.ok() ? (*r)->rules().size() : 0;
    benchmark::DoNotOptimize(r);
  }
  state.counters["rules"] = static_cast<double>(rules);
}
BENCHMARK(BM_CompileAllPacks)->Unit(benchmark::kMillisecond);

struct Request {
  concord::Principal principal;
  Deployment deployment;
  std::vector<FindingFact> findings;
  std::vector<RouteFact> routes;
  Facts facts;
};

void setUp(Request& r, std::vector<std::string> jurisdictions, bool with_pii) {
  auto p = program();
  r.principal.tenant = "acme";
  r.principal.jurisdictions = std::move(jurisdictions);
  auto dep = p->compileDeployment({{"deployment.user_facing", {"true"}},
                                   {"deployment.use_case", {"customer_service", "direct_interaction"}},
                                   {"deployment.role", {"provider", "deployer"}}});
  if (!dep.ok()) std::exit(1);
  r.deployment = std::move(*dep);
  if (with_pii) r.findings = {{"pii.email", 0.95}, {"secret.aws_key", 0.4}};
  r.routes = {{"openai-us", "US", "US"}, {"mistral-eu", "EU", "FR"}, {"qwen-cn", "CN", "CN"}};
  r.facts.principal = &r.principal;
  r.facts.deployment = &r.deployment;
  r.facts.endpoint = "chat.completions";
  r.facts.model = "gpt-4o";
  r.facts.language = "en";
  r.facts.findings = r.findings;
  r.facts.day = *parseDay("2026-12-01");
}

void runDecide(benchmark::State& state, Request& r) {
  auto p = program();
  size_t fired = 0;
  for (auto _ : state) {
    Decision d = p->decide(r.facts, r.routes);
    fired = d.rules.size();
    benchmark::DoNotOptimize(d);
  }
  state.counters["rules_fired"] = static_cast<double>(fired);
  state.counters["rules_total"] = static_cast<double>(p->rules().size());
  state.counters["predicates"] = static_cast<double>(p->predicates().size());
}

void BM_DecideTypicalEu(benchmark::State& state) {
  Request r;
  setUp(r, {"EU"}, false);
  runDecide(state, r);
}
BENCHMARK(BM_DecideTypicalEu);

void BM_DecideEuWithFindings(benchmark::State& state) {
  Request r;
  setUp(r, {"EU"}, true);
  runDecide(state, r);
}
BENCHMARK(BM_DecideEuWithFindings);

void BM_DecideMultiJurisdiction(benchmark::State& state) {
  Request r;
  setUp(r, {"EU", "CN", "US-CA", "KR"}, true);
  runDecide(state, r);
}
BENCHMARK(BM_DecideMultiJurisdiction);

}  // namespace

BENCHMARK_MAIN();
