#include "label/key_ring.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "label/codec.h"

namespace concord::label {
namespace {
namespace fs = std::filesystem;

class KeyRingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("concord-keyring-" + randomContentId());
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
  FakeClock clock_;
};

TEST_F(KeyRingTest, KeygenRotateListAndOldKeysKeepVerifying) {
  auto first = KeyRing::keygen(dir_.string(), clock_);
  ASSERT_TRUE(first.ok()) << first.error().message;
  EXPECT_EQ(first->rfind("ed25519-", 0), 0u);
  EXPECT_FALSE(KeyRing::keygen(dir_.string(), clock_).ok());  // refuses to overwrite

  auto ring1 = KeyRing::load(dir_.string());
  ASSERT_TRUE(ring1.ok()) << ring1.error().message;
  auto old_sig = (*ring1)->sign("message");
  ASSERT_TRUE(old_sig.ok());

  clock_.advanceMicros(1'000'000);
  auto second = KeyRing::rotate(dir_.string(), clock_);
  ASSERT_TRUE(second.ok());
  EXPECT_NE(*second, *first);
  auto ring2 = KeyRing::load(dir_.string());
  ASSERT_TRUE(ring2.ok());
  EXPECT_EQ((*ring2)->currentKid(), *second);
  ASSERT_EQ((*ring2)->keys().size(), 2u);
  EXPECT_TRUE((*ring2)->verify(*first, "message", *old_sig));
  EXPECT_FALSE((*ring2)->verify(*second, "message", *old_sig));
  EXPECT_FALSE((*ring2)->verify(*first, "messagE", *old_sig));
  auto new_sig = (*ring2)->sign("message");
  ASSERT_TRUE(new_sig.ok());
  EXPECT_TRUE((*ring2)->verify(*second, "message", *new_sig));

  struct stat st;
  ASSERT_EQ(::stat((dir_ / (*second + ".key.pem")).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(KeyRingTest, JwksListsCurrentKeyFirst) {
  ASSERT_TRUE(KeyRing::keygen(dir_.string(), clock_).ok());
  auto kid2 = KeyRing::rotate(dir_.string(), clock_);
  ASSERT_TRUE(kid2.ok());
  auto ring = KeyRing::load(dir_.string());
  ASSERT_TRUE(ring.ok());
  auto j = nlohmann::json::parse((*ring)->jwks());
  ASSERT_EQ(j["keys"].size(), 2u);
  EXPECT_EQ(j["keys"][0]["kid"], *kid2);
  for (const auto& k : j["keys"]) {
    EXPECT_EQ(k["kty"], "OKP");
    EXPECT_EQ(k["crv"], "Ed25519");
    auto x = base64urlDecode(k["x"].get<std::string>());
    ASSERT_TRUE(x.has_value());
    EXPECT_EQ(x->size(), 32u);
    EXPECT_FALSE(k.contains("d"));  // never the private part
  }
}

TEST_F(KeyRingTest, VerifyOnlyCopyWithoutPrivateKeys) {
  auto kid = KeyRing::keygen(dir_.string(), clock_);
  ASSERT_TRUE(kid.ok());
  auto ring = KeyRing::load(dir_.string());
  auto sig = (*ring)->sign("m");
  fs::remove(dir_ / (*kid + ".key.pem"));
  auto pub = KeyRing::load(dir_.string());
  ASSERT_TRUE(pub.ok());
  EXPECT_FALSE((*pub)->canSign());
  EXPECT_FALSE((*pub)->sign("m").ok());
  EXPECT_TRUE((*pub)->verify(*kid, "m", *sig));
}

TEST_F(KeyRingTest, MissingOrSwappedKeyFilesAreErrors) {
  EXPECT_EQ(KeyRing::load(dir_.string()).error().code, "label.keyring_missing");
  EXPECT_EQ(KeyRing::rotate(dir_.string(), clock_).error().code, "label.keyring_missing");
  auto a = KeyRing::keygen(dir_.string(), clock_);
  auto b = KeyRing::rotate(dir_.string(), clock_);
  ASSERT_TRUE(a.ok() && b.ok());
  fs::copy_file(dir_ / (*b + ".pub.pem"), dir_ / (*a + ".pub.pem"), fs::copy_options::overwrite_existing);
  auto r = KeyRing::load(dir_.string());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "label.keyring_bad");
}

}  // namespace
}  // namespace concord::label
