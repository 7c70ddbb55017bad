#include "label/signer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>
#include <vector>

namespace concord::label {
namespace {

TEST(Signer, SingleSignatureIsTreeOfOne) {
  auto ring = KeyRing::ephemeralForTest();
  Signer signer(ring);
  auto s = signer.sign("{\"a\":1}");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->size, 1u);
  EXPECT_TRUE(s->path.empty());
  EXPECT_TRUE(verifySignature(*ring, "{\"a\":1}", *s));
  EXPECT_FALSE(verifySignature(*ring, "{\"a\":2}", *s));
}

TEST(Signer, EveryLeafOfEveryBatchSizeVerifies) {
  auto ring = KeyRing::ephemeralForTest();
  Signer signer(ring);
  for (size_t n = 1; n <= 19; ++n) {
    std::vector<std::string> docs;
    for (size_t i = 0; i < n; ++i) docs.push_back("doc-" + std::to_string(i));
    std::vector<std::string_view> views(docs.begin(), docs.end());
    auto sigs = signer.signBatch(views);
    ASSERT_TRUE(sigs.ok());
    ASSERT_EQ(sigs->size(), n);
    for (size_t i = 0; i < n; ++i) {
      EXPECT_TRUE(verifySignature(*ring, docs[i], (*sigs)[i])) << n << "/" << i;
      // Another leaf's proof does not fit this document.
      if (n > 1) {
        EXPECT_FALSE(verifySignature(*ring, docs[i], (*sigs)[(i + 1) % n])) << n << "/" << i;
      }
    }
  }
}

TEST(Signer, TamperedTreeFieldsFail) {
  auto ring = KeyRing::ephemeralForTest();
  std::vector<std::string> docs = {"a", "b", "c", "d", "e"};
  std::vector<std::string_view> views(docs.begin(), docs.end());
  auto sigs = Signer(ring).signBatch(views);
  ASSERT_TRUE(sigs.ok());
  Signature s = (*sigs)[2];
  Signature t = s;
  t.path[0][0] ^= 1;
  EXPECT_FALSE(verifySignature(*ring, "c", t));
  t = s;
  t.index = 3;
  EXPECT_FALSE(verifySignature(*ring, "c", t));
  t = s;
  t.size = 6;
  EXPECT_FALSE(verifySignature(*ring, "c", t));
  t = s;
  t.path.pop_back();
  EXPECT_FALSE(verifySignature(*ring, "c", t));
  t = s;
  t.sig[10] ^= 0x40;
  EXPECT_FALSE(verifySignature(*ring, "c", t));
}

TEST(Signer, SignatureJsonRoundTrips) {
  auto ring = KeyRing::ephemeralForTest();
  std::vector<std::string> docs = {"x", "y", "z"};
  std::vector<std::string_view> views(docs.begin(), docs.end());
  auto sigs = Signer(ring).signBatch(views);
  ASSERT_TRUE(sigs.ok());
  auto parsed = parseSignature(signatureJson((*sigs)[2]));
  ASSERT_TRUE(parsed.ok()) << parsed.error().message;
  EXPECT_TRUE(verifySignature(*ring, "z", *parsed));
  EXPECT_FALSE(parseSignature(R"({"alg":"RS256","kid":"k","sig":"AA"})").ok());
  EXPECT_FALSE(parseSignature(R"({"alg":"Ed25519","kid":"k","sig":"AA"})").ok());
}

TEST(BatchSigner, ConcurrentSubmittersAllGetValidSignatures) {
  auto ring = KeyRing::ephemeralForTest();
  std::atomic<int> ok{0};
  {
    BatchSigner bs(ring, 64);
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < 100; ++i) {
          std::string doc = std::to_string(t * 1000 + i);
          bs.submit(doc, [&, doc](Result<Signature> s) {
            if (s.ok() && verifySignature(*ring, doc, *s)) ++ok;
          });
        }
      });
    }
    for (auto& th : threads) th.join();
  }  // destructor drains the queue
  EXPECT_EQ(ok.load(), 400);
}

// Under load the signer lets a batch gather (max_wait) instead of signing each arrival alone;
// idle, it signs at once. Manifests arriving 100 µs apart must share signatures, and a flipped
// byte of any of them still fails.
TEST(BatchSigner, GathersBatchesUnderLoadSignsAtOnceWhenIdle) {
  auto ring = KeyRing::ephemeralForTest();
  BatchSigner bs(ring, 256, std::chrono::microseconds(20000));
  std::promise<void> first;
  const auto t0 = std::chrono::steady_clock::now();
  bs.submit("alone", [&](Result<Signature> s) {
    EXPECT_TRUE(s.ok() && verifySignature(*ring, "alone", *s));
    first.set_value();
  });
  first.get_future().wait();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(15)) << "idle: no wait";

  std::atomic<int> ok{0}, tampered_ok{0};
  std::atomic<uint32_t> max_size{0};
  constexpr int kN = 40;
  for (int i = 0; i < kN; ++i) {
    std::string doc = "answer " + std::to_string(i);
    bs.submit(doc, [&, doc](Result<Signature> s) {
      ASSERT_TRUE(s.ok());
      if (verifySignature(*ring, doc, *s)) ++ok;
      std::string flipped = doc;
      flipped[0] ^= 1;
      if (verifySignature(*ring, flipped, *s)) ++tampered_ok;
      uint32_t m = max_size.load();
      while (s->size > m && !max_size.compare_exchange_weak(m, s->size)) {}
    });
    std::this_thread::sleep_for(std::chrono::microseconds(100));
  }
  while (bs.manifestsSigned() < kN + 1) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_EQ(ok.load(), kN);
  EXPECT_EQ(tampered_ok.load(), 0);
  EXPECT_GT(max_size.load(), 4u) << "arrivals 100 µs apart must share a signature";
  EXPECT_LT(bs.batchesSigned(), static_cast<uint64_t>(kN / 4));
}

TEST(BatchSigner, ManifestQueuedBeforeRotationKeepsItsKey) {
  auto a = KeyRing::ephemeralForTest();
  auto b = KeyRing::ephemeralForTest();
  auto c = KeyRing::ephemeralForTest();
  BatchSigner bs(a);
  bs.setKeyRing(b);  // rotation between making the manifest (kid of a) and signing it
  std::promise<std::string> pa, pb, pc;
  bs.submit("made-with-a", [&](Result<Signature> s) { pa.set_value(s.ok() && verifySignature(*a, "made-with-a", *s) ? s->kid : "x"); }, a->currentKid());
  bs.submit("made-with-b", [&](Result<Signature> s) { pb.set_value(s.ok() ? s->kid : "x"); }, b->currentKid());
  bs.submit("unknown", [&](Result<Signature> s) { pc.set_value(s.ok() ? "signed" : s.error().code); }, c->currentKid());
  EXPECT_EQ(pa.get_future().get(), a->currentKid());
  EXPECT_EQ(pb.get_future().get(), b->currentKid());
  EXPECT_EQ(pc.get_future().get(), "label.unknown_signing_key");
}

TEST(BatchSigner, RotationAppliesToLaterSubmissions) {
  auto a = KeyRing::ephemeralForTest();
  auto b = KeyRing::ephemeralForTest();
  BatchSigner bs(a);
  std::promise<std::string> p1, p2;
  bs.submit("1", [&](Result<Signature> s) { p1.set_value(s.ok() ? s->kid : ""); });
  EXPECT_EQ(p1.get_future().get(), a->currentKid());
  bs.setKeyRing(b);
  bs.submit("2", [&](Result<Signature> s) { p2.set_value(s.ok() ? s->kid : ""); });
  EXPECT_EQ(p2.get_future().get(), b->currentKid());
  EXPECT_EQ(bs.kid(), b->currentKid());
}

}  // namespace
}  // namespace concord::label
