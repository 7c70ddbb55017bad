#include "label/provenance.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace concord::label {
namespace {

using nlohmann::json;

SignedManifest sample(const Signer& signer) {
  SignedManifest s;
  s.manifest = makeManifest(ManifestContext{"Op", "gw", "0.1.0", "m", "u", "p", {{"R", "end", "AI"}}},
                            "answer", 0, signer.kid());
  s.canonical = canonicalBytes(s.manifest);
  s.signature = *signer.sign(s.canonical);
  return s;
}

TEST(Provenance, ObjectHoldsManifestSignatureAigcAndDisclosure) {
  Signer signer(KeyRing::ephemeralForTest());
  SignedManifest s = sample(signer);
  json j = json::parse(provenanceJson(s, "Relay Platform"));
  EXPECT_EQ(j["manifest"].dump(), s.canonical);  // spliced byte for byte
  EXPECT_EQ(j["signature"]["kid"], signer.kid());
  EXPECT_EQ(j["AIGC"]["ContentPropagator"], "Relay Platform");
  EXPECT_EQ(j["latent_disclosure"]["content_id"], s.manifest.content_id);
}

TEST(Provenance, HeaderValueIsAsciiAndParsesBack) {
  Signer signer(KeyRing::ephemeralForTest());
  SignedManifest s = sample(signer);
  std::string h = provenanceHeaderValue(s);
  for (char c : h) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') << c;
  auto claim = parseProvenance(h);
  ASSERT_TRUE(claim.ok()) << claim.error().message;
  EXPECT_EQ(claim->canonical, s.canonical);
  EXPECT_TRUE(verifySignature(signer.ring(), claim->canonical, claim->signature));
  auto from_object = parseProvenance("  " + provenanceJson(s) + "\n");
  ASSERT_TRUE(from_object.ok());
  EXPECT_EQ(from_object->canonical, s.canonical);
}

TEST(Provenance, ParseErrors) {
  EXPECT_EQ(parseProvenance("").error().code, "label.bad_provenance");
  EXPECT_EQ(parseProvenance("{\"manifest\":{}}").error().code, "label.bad_provenance");
  EXPECT_EQ(parseProvenance("not-base64!.x").error().code, "label.bad_provenance");
  EXPECT_EQ(parseProvenance("e30.e30").error().code, "label.bad_manifest");  // {} . {}
}

}  // namespace
}  // namespace concord::label
