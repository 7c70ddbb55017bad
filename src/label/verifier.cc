#include "label/verifier.h"

#include <nlohmann/json.hpp>

#include "label/provenance.h"

namespace concord::label {

std::string_view outcomeName(VerifyOutcome o) {
  switch (o) {
    case VerifyOutcome::kVerified: return "verified";
    case VerifyOutcome::kTextModified: return "text_modified";
    case VerifyOutcome::kSignatureInvalid: return "signature_invalid";
    case VerifyOutcome::kUnknownKey: return "unknown_key";
    case VerifyOutcome::kExactMatch: return "exact_match";
    case VerifyOutcome::kNearMatch: return "near_match";
    case VerifyOutcome::kNoMatch: return "no_match";
    case VerifyOutcome::kBadInput: return "bad_input";
  }
  return "bad_input";
}

namespace {

bool knownKid(const KeyRing& ring, std::string_view kid) {
  for (const auto& k : ring.keys())
    if (k.kid == kid) return true;
  return false;
}

}  // namespace

Verification verifyWithManifest(const KeyRing& ring, std::string_view text,
                                std::string_view provenance, ProvenanceIndex* index) {
  Verification v;
  auto claim = parseProvenance(provenance);
  if (!claim.ok()) {
    v.reason = claim.error().message;
    return v;
  }
  v.content_id = claim->manifest.content_id;
  v.kid = claim->signature.kid;
  v.manifest = claim->canonical;
  if (claim->manifest.key_id != claim->signature.kid) {
    v.outcome = VerifyOutcome::kSignatureInvalid;
    v.reason = "the manifest names key " + claim->manifest.key_id + " but the signature " + v.kid;
    return v;
  }
  if (!knownKid(ring, v.kid)) {
    v.outcome = VerifyOutcome::kUnknownKey;
    v.reason = "key " + v.kid + " is not in the key ring";
    return v;
  }
  v.signature_valid = verifySignature(ring, claim->canonical, claim->signature);
  if (!v.signature_valid) {
    v.outcome = VerifyOutcome::kSignatureInvalid;
    v.reason = "the signature does not match the manifest";
    return v;
  }
  v.hash_matches = textHash(text, claim->manifest.labels) == claim->manifest.text_hash;
  if (v.hash_matches) {
    v.outcome = VerifyOutcome::kVerified;
    v.similarity = 1.0;
    v.reason = "signed by " + v.kid + "; the text is unchanged (up to whitespace and labels)";
    return v;
  }
  v.outcome = VerifyOutcome::kTextModified;
  v.reason = "the manifest is authentic but the text was changed";
  if (index) {
    auto m = index->lookup(text, 0.0);
    if (m.ok() && m->content_id == v.content_id) v.similarity = m->similarity;
  }
  return v;
}

Verification verifyByLookup(ProvenanceIndex& index, const KeyRing* ring, std::string_view text,
                            double near_threshold) {
  Verification v;
  auto m = index.lookup(text, near_threshold);
  if (!m.ok()) {
    v.reason = m.error().message;
    return v;
  }
  if (m->kind == IndexMatch::Kind::kNone) {
    v.outcome = VerifyOutcome::kNoMatch;
    v.reason = "no answer produced by this gateway is similar to the text";
    return v;
  }
  v.outcome = m->kind == IndexMatch::Kind::kExact ? VerifyOutcome::kExactMatch : VerifyOutcome::kNearMatch;
  v.hash_matches = m->kind == IndexMatch::Kind::kExact;
  v.similarity = m->similarity;
  v.content_id = m->content_id;
  v.manifest = m->manifest;
  v.reason = v.hash_matches ? "the text is an answer this gateway produced"
                            : "the text is an edited copy of an answer this gateway produced";
  if (ring && !m->manifest.empty() && !m->signature.empty()) {
    auto sig = parseSignature(m->signature);
    if (sig.ok()) {
      v.kid = sig->kid;
      v.signature_valid = verifySignature(*ring, m->manifest, *sig);
    }
  }
  return v;
}

std::string verificationJson(const Verification& v) {
  nlohmann::ordered_json j;
  j["result"] = outcomeName(v.outcome);
  j["passed"] = v.passed();
  j["signature_valid"] = v.signature_valid;
  j["hash_matches"] = v.hash_matches;
  j["similarity"] = static_cast<double>(static_cast<int>(v.similarity * 1000 + 0.5)) / 1000;
  if (!v.content_id.empty()) j["content_id"] = v.content_id;
  if (!v.kid.empty()) j["kid"] = v.kid;
  if (!v.manifest.empty()) {
    auto m = nlohmann::ordered_json::parse(v.manifest, nullptr, false);
    if (!m.is_discarded()) j["manifest"] = m;
  }
  j["reason"] = v.reason;
  return j.dump();
}

VerifyHttpResponse verifyRequest(std::string_view body, const KeyRing& ring, ProvenanceIndex* index) {
  auto error = [](const std::string& msg) {
    nlohmann::json e{{"error", {{"message", msg}, {"type", "invalid_request_error"},
                                {"code", "concord_verify_bad_request"}}}};
    return VerifyHttpResponse{400, e.dump()};
  };
  nlohmann::json j = nlohmann::json::parse(body, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return error("request body must be a JSON object");
  if (!j.contains("text") || !j["text"].is_string()) return error("\"text\" (string) is required");
  std::string text = j["text"].get<std::string>();
  Verification v;
  if (j.contains("manifest") && !j["manifest"].is_null()) {
    const auto& m = j["manifest"];
    std::string prov = m.is_string() ? m.get<std::string>() : m.dump();
    v = verifyWithManifest(ring, text, prov, index);
    if (v.outcome == VerifyOutcome::kBadInput) return error(v.reason);
  } else {
    if (!index) return error("no manifest given and this gateway keeps no provenance index");
    v = verifyByLookup(*index, &ring, text);
    if (v.outcome == VerifyOutcome::kBadInput) return VerifyHttpResponse{500, verificationJson(v)};
  }
  return VerifyHttpResponse{200, verificationJson(v)};
}

}  // namespace concord::label
