// ProvenanceService: the one object the gateway holds for implicit labels. It owns the key
// ring, the batch signer and the provenance index, and turns "this answer was produced" into
// the signed forms of docs/provenance-format.md §5. Built once at start (and again after a key
// rotation, or call reloadKeys); shared by all exchanges. All methods may be called from any
// thread; `done` callbacks run on the signer thread (post them back to the exchange).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "label/key_ring.h"
#include "label/provenance.h"
#include "label/provenance_index.h"
#include "label/signer.h"
#include "label/verifier.h"

namespace concord::label {

struct ProvenanceOptions {
  std::string key_dir = std::string(kDefaultKeyDir);
  std::string index_path = std::string(kDefaultIndexPath);  // empty = no index (no lookups)
  size_t max_batch = 256;
  // Under load an answer waits up to this long for others to share its signature (BatchSigner);
  // an idle gateway signs at once. 0 = never wait (one signature per signer wake-up).
  std::chrono::microseconds max_sign_wait{1000};
};

// What an exchange gets back: everything ready to splice.
struct SealedProvenance {
  SignedManifest signed_manifest;
  std::string json;  // the concord.provenance object
  std::vector<std::pair<std::string, std::string>> headers;  // x-concord-content-id, -provenance
};

class ProvenanceService {
 public:
  // Errors: the key ring's ("label.keyring_missing" → run `concord provenance keygen`) or
  // the index's ("label.index_db").
  static Result<std::unique_ptr<ProvenanceService>> open(const ProvenanceOptions& options,
                                                         const Clock& clock);

  // Manifest for `answer` (as before labelling; the labels are those applied, see
  // appliedLabels), signed in the next batch (see ProvenanceOptions::max_sign_wait), then
  // recorded in the index with its signature. `content_id` empty = new.
  void seal(const ManifestContext& ctx, std::string_view answer, std::string content_id,
            std::function<void(Result<SealedProvenance>)> done);
  // The same, waiting for the signature (≈50 µs at low load; for tools and tests).
  Result<SealedProvenance> sealNow(const ManifestContext& ctx, std::string_view answer,
                                   std::string content_id = {});

  std::string jwks() const;                           // GET /.well-known/concord/provenance-keys
  VerifyHttpResponse verify(std::string_view request_body) const;  // POST /v1/concord/verify
  Status reloadKeys();  // after `concord provenance rotate`
  std::shared_ptr<const KeyRing> keys() const;
  ProvenanceIndex* index() const { return index_.get(); }
  struct SignerStats {
    uint64_t batches = 0, manifests = 0;  // manifests / batches = mean batch
  };
  SignerStats signerStats() const { return {signer_->batchesSigned(), signer_->manifestsSigned()}; }

 private:
  ProvenanceService() = default;

  const Clock* clock_ = nullptr;
  std::string key_dir_;
  mutable std::mutex keys_mu_;
  std::shared_ptr<const KeyRing> keys_;
  std::unique_ptr<ProvenanceIndex> index_;
  std::unique_ptr<BatchSigner> signer_;  // declared last: destroyed first, drains callbacks
};

}  // namespace concord::label
