// LabelApply: the label step backed by src/label. Places the visible labels the policy asks for
// (text already in the user's language) into non-streaming answers and SSE streams — `start`,
// and `first_turn` when the conversation has one user turn, before the answer; `end` after it;
// several rules asking for the same place share one notice — and, when a ProvenanceService is
// given, attaches the signed machine-readable provenance to every answer (GB 45438 implicit
// label, EU AI Act Art. 50(2), CA SB 942 latent disclosure): `concord.provenance` in the body or
// the final stream chunk, x-concord-content-id / x-concord-provenance headers. Signing happens on
// the service's signer thread; the exchange awaits it without blocking its worker. Any thread.
#pragma once

#include <memory>

#include "config/config.h"
#include "label/provenance_service.h"
#include "proxy/steps.h"

namespace concord::proxy {

class LabelApply final : public LabelStep {
 public:
  LabelApply(const config::Config& config, std::shared_ptr<label::ProvenanceService> provenance);

  boost::asio::awaitable<LabelResult> labelBody(const StepInput& in, const Verdict& verdict,
                                                std::string_view upstream, std::string& body) override;
  std::unique_ptr<StreamLabel> labelStream(const StepInput& in, const Verdict& verdict,
                                           std::string_view upstream) override;

 private:
  label::ManifestContext manifestContext(const StepInput& in, std::string_view upstream) const;

  std::string producer_, gateway_id_;
  std::shared_ptr<label::ProvenanceService> provenance_;
};

}  // namespace concord::proxy
