#include "label/provenance_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "label/explicit_label.h"

namespace concord::label {
namespace {
namespace fs = std::filesystem;
using nlohmann::json;

class ProvenanceServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("concord-provsvc-" + randomContentId());
    ASSERT_TRUE(KeyRing::keygen((dir_ / "keys").string(), clock_).ok());
    opts_.key_dir = (dir_ / "keys").string();
    opts_.index_path = (dir_ / "prov.db").string();
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  FakeClock clock_;
  ProvenanceOptions opts_;
};

const std::vector<LabelApplied> kLabels = {{"CN-LBL-4", "start", "【AI生成】"}};
const ManifestContext kCtx{"Op", "gw-1", "0.1.0", "qwen", "up", "p1", kLabels};
const std::string kAnswer = "长城是中国古代的军事防御工程，全长两万多公里，修建历时两千多年。";

TEST_F(ProvenanceServiceTest, SealVerifyLookupAndRotate) {
  auto svc = ProvenanceService::open(opts_, clock_);
  ASSERT_TRUE(svc.ok()) << svc.error().message;
  auto sealed = (*svc)->sealNow(kCtx, kAnswer);
  ASSERT_TRUE(sealed.ok()) << sealed.error().message;
  EXPECT_EQ(sealed->headers[0].second, sealed->signed_manifest.manifest.content_id);
  EXPECT_EQ(sealed->signed_manifest.manifest.created, "2026-01-01T00:00:00.000000Z");

  std::string delivered = composeLabeledText(kAnswer, kLabels);
  json req{{"text", delivered}, {"manifest", json::parse(sealed->json)}};
  EXPECT_EQ(json::parse((*svc)->verify(req.dump()).body)["result"], "verified");
  ASSERT_TRUE((*svc)->index()->flush().ok());
  json lookup = json::parse((*svc)->verify(json{{"text", kAnswer}}.dump()).body);
  EXPECT_EQ(lookup["result"], "exact_match");
  EXPECT_EQ(lookup["signature_valid"], true);

  // Rotation: new answers use the new key, old manifests keep verifying.
  std::string old_kid = (*svc)->keys()->currentKid();
  ASSERT_TRUE(KeyRing::rotate(opts_.key_dir, clock_).ok());
  ASSERT_TRUE((*svc)->reloadKeys().ok());
  auto again = (*svc)->sealNow(kCtx, "Another answer entirely.");
  ASSERT_TRUE(again.ok());
  EXPECT_NE(again->signed_manifest.signature.kid, old_kid);
  EXPECT_EQ(json::parse((*svc)->verify(req.dump()).body)["result"], "verified");
  EXPECT_EQ(json::parse((*svc)->jwks())["keys"].size(), 2u);
}

TEST_F(ProvenanceServiceTest, ConcurrentSealsAllVerify) {
  auto svc = ProvenanceService::open(opts_, clock_);
  ASSERT_TRUE(svc.ok());
  ProvenanceService* service = svc->get();
  auto keys = service->keys();
  std::atomic<int> verified{0}, done{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) {
        std::string answer = "answer " + std::to_string(t * 100 + i);
        service->seal(kCtx, answer, {}, [&, answer](Result<SealedProvenance> r) {
          if (r.ok() && verifyWithManifest(*keys, composeLabeledText(answer, kLabels), r->json).outcome ==
                            VerifyOutcome::kVerified)
            ++verified;
          ++done;
        });
      }
    });
  for (auto& th : threads) th.join();
  for (int spin = 0; spin < 5000 && done.load() < 200; ++spin)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(done.load(), 200);
  EXPECT_EQ(verified.load(), 200);
  ASSERT_TRUE(service->index()->flush().ok());
  EXPECT_EQ(*service->index()->size(), 200);
}

TEST_F(ProvenanceServiceTest, OpenErrors) {
  ProvenanceOptions o = opts_;
  o.key_dir = (dir_ / "nokeys").string();
  auto r = ProvenanceService::open(o, clock_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "label.keyring_missing");
}

}  // namespace
}  // namespace concord::label
