// Verification of texts against Concord's provenance (docs/provenance-format.md §8):
// with a manifest, the Ed25519 signature (via its Merkle path) and the text hash; without one,
// a lookup among the answers in the ProvenanceIndex (exact, near with similarity, or none).
// verifyRequest() is the whole POST /v1/concord/verify handler body → JSON answer.
// Functions are stateless; the KeyRing is immutable and the index is thread-safe: any thread.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "label/key_ring.h"
#include "label/manifest.h"
#include "label/provenance_index.h"

namespace concord::label {

enum class VerifyOutcome {
  kVerified,          // signature valid and the text hashes to the manifest's hash
  kTextModified,      // signature valid, text differs (similarity given if the index knows it)
  kSignatureInvalid,  // manifest or signature altered, or not signed by the named key
  kUnknownKey,        // kid not in the key ring
  kExactMatch,        // no manifest given; the text is an answer Concord produced
  kNearMatch,         // no manifest given; an edited copy of a produced answer
  kNoMatch,           // no manifest given; nothing similar was produced
  kBadInput,          // unparseable manifest or request
};

std::string_view outcomeName(VerifyOutcome o);

struct Verification {
  VerifyOutcome outcome = VerifyOutcome::kBadInput;
  bool signature_valid = false;
  bool hash_matches = false;
  double similarity = 0.0;  // 1 for exact; MinHash estimate for near
  std::string content_id;
  std::string kid;
  std::string manifest;  // canonical bytes when known
  std::string reason;    // one line for people

  // exit status 0 of `concord verify`: verified, exact or near match.
  bool passed() const {
    return outcome == VerifyOutcome::kVerified || outcome == VerifyOutcome::kExactMatch ||
           outcome == VerifyOutcome::kNearMatch;
  }
};

// `provenance`: the concord.provenance object, a whole response body holding it, or the
// x-concord-provenance header value. `index` (optional) adds a similarity for modified texts.
Verification verifyWithManifest(const KeyRing& ring, std::string_view text,
                                std::string_view provenance, ProvenanceIndex* index = nullptr);

// Lookup without a manifest; if the match has a stored signature, it is checked too.
Verification verifyByLookup(ProvenanceIndex& index, const KeyRing* ring, std::string_view text,
                            double near_threshold = kDefaultNearThreshold);

// {"result":"verified",...,"signature_valid":..,"hash_matches":..,"similarity":..,
//  "content_id":..,"kid":..,"manifest":{..},"reason":..}
std::string verificationJson(const Verification& v);

// POST /v1/concord/verify. Request {"text":"...","manifest":<object|header string>|absent}.
// Returns the HTTP status (200, or 400 with an OpenAI-style error body) and the JSON body.
struct VerifyHttpResponse {
  int status = 200;
  std::string body;
};
VerifyHttpResponse verifyRequest(std::string_view request_body, const KeyRing& ring,
                                 ProvenanceIndex* index);

}  // namespace concord::label
