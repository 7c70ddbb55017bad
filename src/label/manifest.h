// Manifest: the provenance record of one answer, its canonical bytes (the signed message's
// leaf, docs/provenance-format.md §2) and the metadata views other regimes ask for:
// the GB 45438-2025 `AIGC` block (CN-LBL-5, CN-LBL-5-GB) and the California SB 942
// latent-disclosure fields (US-CA-SB942-lat). A plain value; any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "label/text_normalizer.h"

namespace concord::label {

struct Manifest {
  int version = 1;
  std::string content_id;       // UUID v4 (randomContentId)
  std::string producer;         // the operator, from config
  std::string gateway_id;       // this gateway instance / deployment
  std::string gateway_version;  // e.g. "0.1.0"
  std::string model;            // model that answered
  std::string upstream;         // upstream (provider) name from config
  std::string created;          // RFC 3339 UTC with microseconds
  std::string policy_version;   // policy program version that decided the labels
  std::vector<LabelApplied> labels;
  std::string text_hash;        // "sha256:<hex>" (textHash)
  std::string key_id;           // kid of the signing key
};

// What the gateway knows before the answer is complete; fills everything but the hash.
struct ManifestContext {
  std::string producer;
  std::string gateway_id;
  std::string gateway_version;
  std::string model;
  std::string upstream;
  std::string policy_version;
  std::vector<LabelApplied> labels;
};

// New manifest: `created` from `now_micros`, hash of the answer as it was before labelling
// (answerHash), key id from the signer. `content_id` empty = a new random one; a stream passes
// the id it already sent in the x-concord-content-id header (randomContentId()).
Manifest makeManifest(const ManifestContext& ctx, std::string_view unlabelled_answer,
                      int64_t now_micros, std::string key_id, std::string content_id = {});

// Canonical bytes: a JSON object, members in byte order of their names, no whitespace,
// strings escaped minimally (RFC 8785 for this schema). Deterministic; the signed leaf.
std::string canonicalBytes(const Manifest& m);

// Parses a manifest object (as produced by canonicalBytes, members in any order). Strict:
// unknown members, wrong types or a version other than 1 are errors ("label.bad_manifest").
Result<Manifest> parseManifest(std::string_view json);

// {"Label":"1","ContentProducer":...,"ProduceID":...,"ReservedCode1":...,
//  "ContentPropagator":...,"PropagateID":...,"ReservedCode2":""}. Label "1" = AI-generated
// (the code value is unverified, see docs/provenance-format.md §5). ReservedCode1 carries the
// text hash so the block can be checked against a manifest. `propagator` empty = producer.
std::string aigcBlock(const Manifest& m, std::string_view propagator = {});

// {"provider":...,"system_name":...,"system_version":...,"created":...,"content_id":...}
// system_name is the model, system_version the gateway version ("concord <v>").
std::string latentDisclosure(const Manifest& m);

}  // namespace concord::label
