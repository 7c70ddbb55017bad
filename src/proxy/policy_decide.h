// PolicyDecide: the decide step backed by the compiled policy program (src/policy). Builds the
// exchange's Facts from the principal, the deployment facts of the config, the request view and
// the findings, runs Program::decide, and turns the Decision into the exchange's Verdict with
// every contributing rule and its citation. Immutable after construction; any thread.
#pragma once

#include <memory>

#include "common/result.h"
#include "config/config.h"
#include "policy/program.h"
#include "proxy/steps.h"

namespace concord::proxy {

// The policy program of a config's `policy` section (vocabulary, packs, unverified rules).
Result<std::shared_ptr<const policy::Program>> loadPolicy(const config::Config& config);

class PolicyDecide final : public DecideStep {
 public:
  // Loads the packs named by the config and compiles its deployment facts.
  static Result<std::shared_ptr<PolicyDecide>> create(const config::Config& config);

  Verdict decide(const StepInput& in, const std::vector<FindingRef>& findings) override;
  bool decidesAnswers() const override { return program_->hasAnswerRules(); }
  Verdict decideAnswer(const StepInput& in, const std::vector<ToolCall>& calls) override;
  const std::shared_ptr<const policy::Program>& program() const { return program_; }

 private:
  policy::Facts requestFacts(const StepInput& in) const;
  PolicyDecide(std::shared_ptr<const policy::Program> program, policy::Deployment deployment)
      : program_(std::move(program)), deployment_(std::move(deployment)) {}

  std::shared_ptr<const policy::Program> program_;
  policy::Deployment deployment_;
};

}  // namespace concord::proxy
