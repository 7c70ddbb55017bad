// Pack tests (`concord policy test`): tests/packs/*.yaml cases (facts in -> expected winning
// action and rule ids out) run against a compiled Program through the real decide path, plus a
// coverage check that every rule has a positive and a negative case. Off the request path.
#pragma once

#include <array>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "policy/program.h"

namespace concord::policy {

struct PackTestResult {
  std::string name, file;
  int line = 0;
  bool passed = true;
  std::vector<std::string> failures;  // one line each
};

struct PackTestReport {
  std::vector<PackTestResult> results;
  std::vector<std::string> warnings;  // rules lacking a positive or negative case, bad files
  int passed = 0, failed = 0;
};

// `paths`: files or directories (their *.yaml). A test file that cannot be parsed counts as
// one failed test. Static facts go through compileDeployment, so a bad fact fails the case.
PackTestReport runPackTests(const Program& program, const std::vector<std::string>& paths);

// Text report; its last line is exactly "N passed, M failed".
std::string renderPackTestReport(const PackTestReport& report, bool verbose);

// Builds per-request facts from a flat "fact name -> values" map (tests, `concord check`).
// Keeps the storage the views in `facts` point to.
struct FactBuilder {
  Principal principal;
  Deployment deployment;
  std::vector<std::string> finding_kinds;
  std::vector<FindingFact> findings;
  std::vector<std::string> route_strings;
  std::vector<RouteFact> routes;
  std::vector<std::string> request_strings;
  std::vector<std::string_view> modality;
  // answer.tool_calls of a test case: the texts, each call's arguments, the calls.
  std::vector<std::unique_ptr<std::string>> tool_strings;
  std::vector<std::vector<ToolArgFact>> tool_args;
  std::vector<ToolCallFact> tool_calls;
  Facts facts;
};
// `findings`: (kind, score). `routes`: (upstream, region, origin). Error on a bad fact.
Status buildFacts(const Program& program, const std::map<std::string, std::vector<std::string>>& flat,
                  const std::vector<std::pair<std::string, double>>& findings,
                  const std::vector<std::array<std::string, 3>>& routes, int32_t day, FactBuilder& out);

}  // namespace concord::policy
