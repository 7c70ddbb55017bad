// LabelApply: the label step backed by src/label — places the visible labels the policy asks for
// (text already in the user's language) into non-streaming answers and SSE streams. Labels with
// placement `start`, and `first_turn` when the conversation has one user turn, go before the
// answer; `end` labels after it. Several rules asking for the same place share one notice
// (distinct texts joined by a line break). Stateless; any thread.
#pragma once

#include "proxy/steps.h"

namespace concord::proxy {

class LabelApply final : public LabelStep {
 public:
  LabelResult labelBody(const StepInput& in, const Verdict& verdict, std::string& body) override;
  std::unique_ptr<StreamLabel> labelStream(const StepInput& in, const Verdict& verdict) override;
};

}  // namespace concord::proxy
