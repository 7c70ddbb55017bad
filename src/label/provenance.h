// The emitted forms of a signed manifest, ready to splice (docs/provenance-format.md §5):
//   provenanceJson      the `concord.provenance` object for bodies and the final stream chunk:
//                       {"manifest":<canonical>,"signature":{..},"AIGC":{..},"latent_disclosure":{..}}
//   provenanceHeaders   x-concord-content-id, x-concord-provenance = base64url(canonical) "."
//                       base64url(signature JSON)
// Building the manifest and its canonical bytes happens on the request path (≈2 µs for a
// 2 KB answer); the signature comes from Signer or BatchSigner. Pure functions; any thread.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "label/manifest.h"
#include "label/signer.h"

namespace concord::label {

inline constexpr std::string_view kContentIdHeader = "x-concord-content-id";
inline constexpr std::string_view kProvenanceHeader = "x-concord-provenance";

struct SignedManifest {
  Manifest manifest;
  std::string canonical;  // canonicalBytes(manifest)
  Signature signature;
};

// `propagator`: the ContentPropagator of the AIGC block (empty = the producer).
std::string provenanceJson(const SignedManifest& s, std::string_view propagator = {});
std::string provenanceHeaderValue(const SignedManifest& s);
std::vector<std::pair<std::string, std::string>> provenanceHeaders(const SignedManifest& s);

// Parsed from either form above (an object with "manifest" and "signature", or a header
// value); the canonical bytes are recomputed from the parsed manifest.
struct ProvenanceClaim {
  Manifest manifest;
  std::string canonical;
  Signature signature;
};
Result<ProvenanceClaim> parseProvenance(std::string_view object_or_header);

}  // namespace concord::label
