#include "label/provenance.h"

#include <nlohmann/json.hpp>

namespace concord::label {

std::string provenanceJson(const SignedManifest& s, std::string_view propagator) {
  std::string out;
  out.reserve(s.canonical.size() + 700);
  out += "{\"manifest\":";
  out += s.canonical;
  out += ",\"signature\":";
  out += signatureJson(s.signature);
  out += ",\"AIGC\":";
  out += aigcBlock(s.manifest, propagator);
  out += ",\"latent_disclosure\":";
  out += latentDisclosure(s.manifest);
  out += '}';
  return out;
}

std::string provenanceHeaderValue(const SignedManifest& s) {
  return base64url(s.canonical) + "." + base64url(signatureJson(s.signature));
}

std::vector<std::pair<std::string, std::string>> provenanceHeaders(const SignedManifest& s) {
  return {{std::string(kContentIdHeader), s.manifest.content_id},
          {std::string(kProvenanceHeader), provenanceHeaderValue(s)}};
}

Result<ProvenanceClaim> parseProvenance(std::string_view in) {
  while (!in.empty() && (in.front() == ' ' || in.front() == '\n' || in.front() == '\r' || in.front() == '\t'))
    in.remove_prefix(1);
  while (!in.empty() && (in.back() == ' ' || in.back() == '\n' || in.back() == '\r' || in.back() == '\t'))
    in.remove_suffix(1);
  std::string manifest_text, signature_text;
  if (!in.empty() && in.front() == '{') {
    nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      return makeError("label.bad_provenance", "provenance is not a JSON object");
    // Accept a whole response body too: {"concord":{"provenance":{...}}}.
    if (j.contains("concord") && j["concord"].is_object() && j["concord"].contains("provenance"))
      j = j["concord"]["provenance"];
    if (!j.is_object() || !j.contains("manifest") || !j.contains("signature"))
      return makeError("label.bad_provenance", "provenance needs \"manifest\" and \"signature\"");
    manifest_text = j["manifest"].dump();
    signature_text = j["signature"].dump();
  } else {
    size_t dot = in.find('.');
    auto m = base64urlDecode(in.substr(0, dot));
    auto s = dot == std::string_view::npos ? std::nullopt : base64urlDecode(in.substr(dot + 1));
    if (!m || !s)
      return makeError("label.bad_provenance", "provenance header is not base64url \"manifest.signature\"");
    manifest_text = std::move(*m);
    signature_text = std::move(*s);
  }
  auto manifest = parseManifest(manifest_text);
  if (!manifest.ok()) return manifest.error();
  auto sig = parseSignature(signature_text);
  if (!sig.ok()) return sig.error();
  ProvenanceClaim c;
  c.canonical = canonicalBytes(*manifest);
  c.manifest = std::move(*manifest);
  c.signature = std::move(*sig);
  return c;
}

}  // namespace concord::label
