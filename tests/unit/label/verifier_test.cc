#include "label/verifier.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "label/explicit_label.h"
#include "label/provenance.h"

namespace concord::label {
namespace {

using nlohmann::json;

const char* kBody = R"({"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"qwen-max","choices":[{"index":0,"message":{"role":"assistant","content":"北京是中国的首都。\nIt has a long history."},"finish_reason":"stop"}]})";

struct Produced {
  std::string body;       // labelled + provenance
  std::string delivered;  // content the client sees
  SignedManifest signed_manifest;
};

Produced produce(const Signer& signer) {
  std::vector<LabelApplied> labels = {{"CN-LBL-4", "start", "【本内容由人工智能生成】"}};
  auto lb = labelResponse(kBody, Endpoint::kChatCompletions, Placement::kStart, labels[0].text);
  EXPECT_TRUE(lb.ok());
  ManifestContext ctx{"Operator", "gw-1", "0.1.0", "qwen-max", "dashscope", "p1", labels};
  Produced p;
  p.signed_manifest.manifest = makeManifest(ctx, lb->answer_text, 1'767'225'600'000'000, signer.kid());
  p.signed_manifest.canonical = canonicalBytes(p.signed_manifest.manifest);
  auto sig = signer.sign(p.signed_manifest.canonical);
  EXPECT_TRUE(sig.ok());
  p.signed_manifest.signature = *sig;
  auto body = attachProvenance(lb->body, provenanceJson(p.signed_manifest));
  EXPECT_TRUE(body.ok());
  p.body = *body;
  p.delivered = json::parse(p.body)["choices"][0]["message"]["content"];
  return p;
}

TEST(Verifier, BodyObjectAndHeaderFormsVerify) {
  auto ring = KeyRing::ephemeralForTest();
  Produced p = produce(Signer(ring));
  json body = json::parse(p.body);
  EXPECT_EQ(body["concord"]["provenance"]["AIGC"]["ProduceID"], p.signed_manifest.manifest.content_id);
  auto v1 = verifyWithManifest(*ring, p.delivered, body["concord"]["provenance"].dump());
  EXPECT_EQ(v1.outcome, VerifyOutcome::kVerified) << v1.reason;
  auto v2 = verifyWithManifest(*ring, p.delivered, provenanceHeaderValue(p.signed_manifest));
  EXPECT_EQ(v2.outcome, VerifyOutcome::kVerified) << v2.reason;
  auto v3 = verifyWithManifest(*ring, p.delivered, p.body);  // a whole response body
  EXPECT_EQ(v3.outcome, VerifyOutcome::kVerified) << v3.reason;
  // Label removed and text re-wrapped: still the same answer.
  auto v4 = verifyWithManifest(*ring, "北京是中国的首都。 It has a\nlong history.\n",
                               provenanceHeaderValue(p.signed_manifest));
  EXPECT_EQ(v4.outcome, VerifyOutcome::kVerified) << v4.reason;
  auto headers = provenanceHeaders(p.signed_manifest);
  ASSERT_EQ(headers.size(), 2u);
  EXPECT_EQ(headers[0].first, "x-concord-content-id");
  EXPECT_EQ(headers[0].second, p.signed_manifest.manifest.content_id);
}

TEST(Verifier, EveryFlippedTextByteFails) {
  auto ring = KeyRing::ephemeralForTest();
  Produced p = produce(Signer(ring));
  std::string header = provenanceHeaderValue(p.signed_manifest);
  int checked = 0;
  for (size_t i = 0; i < p.delivered.size(); ++i) {
    char c = p.delivered[i];
    if (c == ' ' || c == '\n') continue;  // whitespace changes are allowed by design
    std::string t = p.delivered;
    t[i] ^= 0x01;
    auto v = verifyWithManifest(*ring, t, header);
    EXPECT_FALSE(v.passed()) << "byte " << i;
    EXPECT_TRUE(v.outcome == VerifyOutcome::kTextModified) << outcomeName(v.outcome);
    ++checked;
  }
  EXPECT_GT(checked, 50);
}

TEST(Verifier, EveryFlippedManifestOrSignatureByteFails) {
  auto ring = KeyRing::ephemeralForTest();
  Produced p = produce(Signer(ring));
  const std::string& canonical = p.signed_manifest.canonical;
  std::string sig = signatureJson(p.signed_manifest.signature);
  for (size_t i = 0; i < canonical.size(); ++i) {
    std::string c = canonical;
    c[i] ^= 0x01;
    auto v = verifyWithManifest(*ring, p.delivered, base64url(c) + "." + base64url(sig));
    EXPECT_FALSE(v.passed()) << "manifest byte " << i << " " << c;
  }
  for (size_t i = 0; i < sig.size(); ++i) {
    std::string s = sig;
    s[i] ^= 0x01;
    auto v = verifyWithManifest(*ring, p.delivered, base64url(canonical) + "." + base64url(s));
    EXPECT_FALSE(v.passed()) << "signature byte " << i << " " << s;
  }
}

TEST(Verifier, UnknownKeyAndRotatedKeys) {
  auto old_ring = KeyRing::ephemeralForTest();
  Produced p = produce(Signer(old_ring));
  auto other = KeyRing::ephemeralForTest();
  auto v = verifyWithManifest(*other, p.delivered, provenanceHeaderValue(p.signed_manifest));
  EXPECT_EQ(v.outcome, VerifyOutcome::kUnknownKey);
}

TEST(Verifier, HttpHandler) {
  auto ring = KeyRing::ephemeralForTest();
  Produced p = produce(Signer(ring));
  json req{{"text", p.delivered}, {"manifest", json::parse(p.body)["concord"]["provenance"]}};
  auto r = verifyRequest(req.dump(), *ring, nullptr);
  EXPECT_EQ(r.status, 200);
  json ans = json::parse(r.body);
  EXPECT_EQ(ans["result"], "verified");
  EXPECT_EQ(ans["passed"], true);
  EXPECT_EQ(ans["content_id"], p.signed_manifest.manifest.content_id);
  EXPECT_EQ(ans["manifest"]["model"], "qwen-max");

  json req2{{"text", p.delivered + "!"}, {"manifest", provenanceHeaderValue(p.signed_manifest)}};
  EXPECT_EQ(json::parse(verifyRequest(req2.dump(), *ring, nullptr).body)["result"], "text_modified");

  auto bad = verifyRequest("{\"manifest\":{}}", *ring, nullptr);
  EXPECT_EQ(bad.status, 400);
  EXPECT_TRUE(json::parse(bad.body).contains("error"));
  EXPECT_EQ(verifyRequest("nope", *ring, nullptr).status, 400);
  EXPECT_EQ(verifyRequest(R"({"text":"x"})", *ring, nullptr).status, 400);  // no index
  EXPECT_EQ(verifyRequest(R"({"text":"x","manifest":"@@"})", *ring, nullptr).status, 400);
}

}  // namespace
}  // namespace concord::label

namespace concord::label {
namespace {

// What the gateway emits under load: manifests signed together in one Merkle tree. Each one
// verifies alone (body form, header form, POST /v1/concord/verify), and every flipped byte of
// its signature block (root signature, index, size, inclusion path) or text fails.
TEST(Verifier, BatchSignedManifestsVerifyAloneAndFlippedBytesFail) {
  auto ring = KeyRing::ephemeralForTest();
  Signer signer(ring);
  std::vector<Produced> ps;
  for (int i = 0; i < 5; ++i) ps.push_back(produce(signer));  // five answers, distinct cids
  std::vector<std::string_view> canon;
  for (const auto& p : ps) canon.push_back(p.signed_manifest.canonical);
  auto sigs = signer.signBatch(canon);
  ASSERT_TRUE(sigs.ok());
  for (size_t i = 0; i < ps.size(); ++i) {
    SignedManifest& sm = ps[i].signed_manifest;
    sm.signature = (*sigs)[i];
    ASSERT_EQ(sm.signature.size, 5u);
    ASSERT_FALSE(sm.signature.path.empty());
    auto body = attachProvenance(kBody, provenanceJson(sm));
    ASSERT_TRUE(body.ok());
    auto delivered = ps[i].delivered;
    EXPECT_EQ(verifyWithManifest(*ring, delivered, *body).outcome, VerifyOutcome::kVerified) << i;
    EXPECT_EQ(verifyWithManifest(*ring, delivered, provenanceHeaderValue(sm)).outcome, VerifyOutcome::kVerified) << i;
    json req = {{"text", delivered}, {"manifest", json::parse(provenanceJson(sm))}};
    EXPECT_EQ(json::parse(verifyRequest(req.dump(), *ring, nullptr).body)["result"], "verified") << i;
  }
  // Another member's inclusion path (or index) does not fit this manifest.
  SignedManifest swapped = ps[3].signed_manifest;
  swapped.signature.path = ps[1].signed_manifest.signature.path;
  EXPECT_FALSE(verifyWithManifest(*ring, ps[3].delivered, provenanceHeaderValue(swapped)).passed());
  swapped = ps[3].signed_manifest;
  swapped.signature.index = 2;
  EXPECT_FALSE(verifyWithManifest(*ring, ps[3].delivered, provenanceHeaderValue(swapped)).passed());
  const SignedManifest& sm = ps[3].signed_manifest;
  std::string sig = signatureJson(sm.signature);
  for (size_t i = 0; i < sig.size(); ++i) {
    std::string s = sig;
    s[i] ^= 0x01;
    EXPECT_FALSE(verifyWithManifest(*ring, ps[3].delivered, base64url(sm.canonical) + "." + base64url(s)).passed())
        << "signature byte " << i << " " << s;
  }
  std::string text = ps[3].delivered;
  text[text.size() - 3] ^= 0x01;
  EXPECT_FALSE(verifyWithManifest(*ring, text, provenanceHeaderValue(sm)).passed());
}

}  // namespace
}  // namespace concord::label
