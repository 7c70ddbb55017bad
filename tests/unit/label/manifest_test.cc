#include "label/manifest.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace concord::label {
namespace {

Manifest sample() {
  ManifestContext ctx;
  ctx.producer = "Example Operator Ltd";
  ctx.gateway_id = "gw-eu-1";
  ctx.gateway_version = "0.1.0";
  ctx.model = "gpt-4o";
  ctx.upstream = "openai-eu";
  ctx.policy_version = "packs@3f2a";
  ctx.labels = {{"CN-LBL-4", "start", "【AI生成】\"quoted\""}};
  return makeManifest(ctx, "Hello\nworld", 1'767'225'600'000'000, "ed25519-0011223344556677");
}

TEST(Manifest, CanonicalBytesAreSortedCompactJson) {
  Manifest m = sample();
  std::string c = canonicalBytes(m);
  // Sorted-key compact JSON: nlohmann's std::map ordering and dump give the same bytes.
  nlohmann::json j = nlohmann::json::parse(c);
  EXPECT_EQ(j.dump(), c);
  EXPECT_EQ(j["cid"], m.content_id);
  EXPECT_EQ(j["created"], "2026-01-01T00:00:00.000000Z");
  EXPECT_EQ(j["norm"], "concord-ws1");
  EXPECT_EQ(j["v"], 1);
  EXPECT_EQ(j["labels"][0]["text"], "【AI生成】\"quoted\"");
  EXPECT_EQ(canonicalBytes(m), c);  // deterministic
}

TEST(Manifest, ParseRoundTripsAnyMemberOrder) {
  Manifest m = sample();
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(canonicalBytes(m));
  nlohmann::ordered_json reversed;
  std::vector<std::string> keys;
  for (auto it = j.begin(); it != j.end(); ++it) keys.push_back(it.key());
  for (auto k = keys.rbegin(); k != keys.rend(); ++k) reversed[*k] = j[*k];
  auto p = parseManifest(reversed.dump(2));
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(canonicalBytes(*p), canonicalBytes(m));
}

TEST(Manifest, StreamPassesTheContentIdItAnnounced) {
  std::string cid = randomContentId();
  Manifest m = makeManifest(ManifestContext{}, "x", 0, "k", cid);
  EXPECT_EQ(m.content_id, cid);
  EXPECT_NE(makeManifest(ManifestContext{}, "x", 0, "k").content_id, cid);
}

TEST(Manifest, ParseIsStrict) {
  std::string c = canonicalBytes(sample());
  nlohmann::json j = nlohmann::json::parse(c);
  auto with = [&](auto edit) {
    nlohmann::json k = j;
    edit(k);
    return parseManifest(k.dump());
  };
  EXPECT_FALSE(with([](auto& k) { k["extra"] = 1; }).ok());
  EXPECT_FALSE(with([](auto& k) { k["v"] = 2; }).ok());
  EXPECT_FALSE(with([](auto& k) { k.erase("hash"); }).ok());
  EXPECT_FALSE(with([](auto& k) { k["model"] = 5; }).ok());
  EXPECT_FALSE(with([](auto& k) { k["norm"] = "nfc"; }).ok());
  EXPECT_FALSE(with([](auto& k) { k["labels"][0]["x"] = "y"; }).ok());
  EXPECT_FALSE(parseManifest("[]").ok());
  EXPECT_EQ(parseManifest("{").error().code, "label.bad_manifest");
}

TEST(Manifest, AigcBlockHasGb45438Fields) {
  Manifest m = sample();
  nlohmann::json a = nlohmann::json::parse(aigcBlock(m));
  EXPECT_EQ(a["Label"], "1");
  EXPECT_EQ(a["ContentProducer"], "Example Operator Ltd");
  EXPECT_EQ(a["ProduceID"], m.content_id);
  EXPECT_EQ(a["ContentPropagator"], "Example Operator Ltd");
  EXPECT_EQ(a["PropagateID"], m.content_id);
  EXPECT_EQ(a["ReservedCode1"], m.text_hash);
  EXPECT_TRUE(a.contains("ReservedCode2"));
  EXPECT_EQ(nlohmann::json::parse(aigcBlock(m, "Platform X"))["ContentPropagator"], "Platform X");
}

TEST(Manifest, LatentDisclosureHasSb942Fields) {
  Manifest m = sample();
  nlohmann::json d = nlohmann::json::parse(latentDisclosure(m));
  EXPECT_EQ(d["provider"], "Example Operator Ltd");
  EXPECT_EQ(d["system_name"], "gpt-4o");
  EXPECT_EQ(d["system_version"], "concord 0.1.0");
  EXPECT_EQ(d["created"], m.created);
  EXPECT_EQ(d["content_id"], m.content_id);
}

}  // namespace
}  // namespace concord::label
