#include "store/key_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

#include "store/key_token.h"
#include "temp_dir.h"

namespace concord::store {
namespace {

using testing::TempDir;

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

NewKey euKey() {
  NewKey k;
  k.tenant = "acme";
  k.models = {"gpt-4o", "deepseek-chat"};
  k.jurisdictions = {"EU", "CN"};
  k.roles = {"approver"};
  k.locale = "zh";
  k.sector = "finance";
  k.budget_tokens = 1000;
  return k;
}

class KeyStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<KeyStore> openStore() {
    auto ks = KeyStore::open(path_, clock_);
    EXPECT_TRUE(ks.ok()) << (ks.ok() ? "" : ks.error().message);
    return ks.ok() ? std::move(*ks) : nullptr;
  }
  TempDir dir_;
  std::string path_ = dir_.file("data/concord.db");
  FakeClock clock_;
};

TEST_F(KeyStoreTest, CreatedKeyAuthenticatesToItsPrincipal) {
  auto ks = openStore();
  auto key = ks->create(euKey());
  ASSERT_TRUE(key.ok()) << key.error().message;
  auto token = parseKeyToken(*key);
  ASSERT_TRUE(token.has_value()) << *key;

  auto p = ks->authenticate(*key);
  ASSERT_TRUE(p.ok()) << p.error().message;
  EXPECT_EQ(p->tenant, "acme");
  EXPECT_EQ(p->key_id, token->id);
  EXPECT_EQ(p->allowed_models, (std::vector<std::string>{"gpt-4o", "deepseek-chat"}));
  EXPECT_EQ(p->jurisdictions, (std::vector<std::string>{"EU", "CN"}));
  EXPECT_EQ(p->roles, (std::vector<std::string>{"approver"}));
  EXPECT_EQ(p->locale, "zh");
  EXPECT_EQ(p->sector, "finance");
  EXPECT_EQ(p->budget_tokens, 1000);
  EXPECT_TRUE(ks->authenticate("Bearer " + *key).ok());
  EXPECT_TRUE(ks->authenticate("bearer  " + *key).ok());
}

TEST_F(KeyStoreTest, KeysSurviveReopening) {
  std::string key;
  {
    auto ks = openStore();
    key = *ks->create(euKey());
  }
  auto ks = openStore();
  EXPECT_TRUE(ks->authenticate(key).ok());
}

TEST_F(KeyStoreTest, MalformedUnknownAndWrongSecretAreInvalid) {
  auto ks = openStore();
  const std::string key = *ks->create(euKey());
  auto token = *parseKeyToken(key);
  std::string wrong_secret = key;
  wrong_secret.back() = wrong_secret.back() == 'a' ? 'b' : 'a';
  const std::string unknown_id = "sk-concord-zzzzzzzzzzzz-" + std::string(token.secret);
  for (const std::string& t : {std::string(), std::string("Bearer"), std::string("sk-abc"),
                               key.substr(0, key.size() - 9), wrong_secret, unknown_id}) {
    auto p = ks->authenticate(t);
    ASSERT_FALSE(p.ok()) << t;
    EXPECT_EQ(p.error().code, kInvalidApiKey) << t;
    EXPECT_EQ(p.error().message.find(std::string(token.secret)), std::string::npos);
  }
}

TEST_F(KeyStoreTest, RevokedKeyIsRefusedAtOnceInTheSameProcess) {
  auto ks = openStore();
  const std::string key = *ks->create(euKey());
  const std::string other = *ks->create(euKey());
  const std::string id(parseKeyToken(key)->id);
  ASSERT_TRUE(ks->authenticate(key).ok());
  ASSERT_TRUE(ks->revoke(id).ok());
  auto p = ks->authenticate(key);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, kRevokedApiKey);
  EXPECT_NE(p.error().message.find(id), std::string::npos);
  EXPECT_TRUE(ks->authenticate(other).ok());  // only that key
  // A wrong secret for a revoked id does not learn that the id exists.
  std::string wrong = key;
  wrong.back() = wrong.back() == 'a' ? 'b' : 'a';
  EXPECT_EQ(ks->authenticate(wrong).error().code, kInvalidApiKey);
}

TEST_F(KeyStoreTest, RevocationFromAnotherProcessIsSeenWithinThePollingPeriod) {
  auto gateway = openStore();
  const std::string key = *gateway->create(euKey());
  ASSERT_TRUE(gateway->authenticate(key).ok());

  auto cli = openStore();  // a second connection, as the `concord keys revoke` process has
  ASSERT_TRUE(cli->revoke(parseKeyToken(key)->id).ok());

  // Inside the period the gateway answers from its snapshot without asking SQLite...
  clock_.advanceMicros(100'000);
  EXPECT_TRUE(gateway->authenticate(key).ok());
  // ...and once the period is over it sees the revocation.
  clock_.advanceMicros(150'000);
  auto p = gateway->authenticate(key);
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.error().code, kRevokedApiKey);
}

TEST_F(KeyStoreTest, KeyCreatedByAnotherProcessIsSeenAfterThePeriod) {
  auto gateway = openStore();
  auto cli = openStore();
  const std::string key = *cli->create(euKey());
  const int64_t reloads = gateway->reloadCount();
  clock_.advanceMicros(250'000);
  EXPECT_TRUE(gateway->authenticate(key).ok());
  EXPECT_EQ(gateway->reloadCount(), reloads + 1);
  clock_.advanceMicros(250'000);
  EXPECT_TRUE(gateway->authenticate(key).ok());
  EXPECT_EQ(gateway->reloadCount(), reloads + 1);  // nothing changed: no reload
}

TEST_F(KeyStoreTest, OnlyTheHashOfTheSecretIsStored) {
  std::string key;
  {
    auto ks = openStore();
    key = *ks->create(euKey());
  }
  auto token = *parseKeyToken(key);
  const std::string secret(token.secret);
  const std::string all = readFile(path_) + readFile(path_ + "-wal");
  ASSERT_NE(all.find(std::string(token.id)), std::string::npos);  // the file was really read
  EXPECT_EQ(all.find(secret), std::string::npos);
  EXPECT_EQ(all.find(secret.substr(0, 16)), std::string::npos);

  auto db = SqliteDb::open(path_);
  ASSERT_TRUE(db.ok());
  auto st = (*db)->prepare("SELECT hash, last4 FROM keys WHERE id = ?1");
  ASSERT_TRUE(st.ok());
  st->bind(1, token.id);
  ASSERT_TRUE(*st->step());
  EXPECT_TRUE(equalHashes(hashSecret(secret), st->blob(0)));
  EXPECT_EQ(st->text(1), secret.substr(secret.size() - 4));
}

TEST_F(KeyStoreTest, ListShowsActiveAndRevokedKeysOldestFirst) {
  auto ks = openStore();
  const std::string a = *ks->create(euKey());
  clock_.advanceMicros(5'000'000);
  NewKey plain;
  plain.tenant = "beta";
  const std::string b = *ks->create(plain);
  clock_.advanceMicros(1'000'000);
  ASSERT_TRUE(ks->revoke(parseKeyToken(a)->id).ok());

  auto keys = ks->list();
  ASSERT_TRUE(keys.ok());
  ASSERT_EQ(keys->size(), 2u);
  const KeyInfo& first = (*keys)[0];
  EXPECT_EQ(first.id, parseKeyToken(a)->id);
  EXPECT_EQ(first.tenant, "acme");
  EXPECT_EQ(first.jurisdictions, (std::vector<std::string>{"EU", "CN"}));
  EXPECT_EQ(first.created_at, clock_.nowMicros() / 1'000'000 - 6);
  EXPECT_EQ(first.revoked_at, clock_.nowMicros() / 1'000'000);
  EXPECT_EQ(first.last4, a.substr(a.size() - 4));
  EXPECT_EQ((*keys)[1].tenant, "beta");
  EXPECT_EQ((*keys)[1].revoked_at, 0);
  EXPECT_TRUE((*keys)[1].models.empty());
}

TEST_F(KeyStoreTest, RevokeErrorsAndIdempotence) {
  auto ks = openStore();
  const std::string key = *ks->create(euKey());
  const std::string id(parseKeyToken(key)->id);
  EXPECT_EQ(ks->revoke("not-an-id").error().code, "store.invalid_key_id");
  EXPECT_EQ(ks->revoke("zzzzzzzzzzzz").error().code, "store.key_not_found");
  ASSERT_TRUE(ks->revoke("sk-concord-" + id).ok());  // the displayed form is accepted
  const int64_t first = (*ks->list())[0].revoked_at;
  clock_.advanceMicros(10'000'000);
  EXPECT_TRUE(ks->revoke(id).ok());
  EXPECT_EQ((*ks->list())[0].revoked_at, first);
}

TEST_F(KeyStoreTest, RejectsBadSpecs) {
  auto ks = openStore();
  NewKey k;
  EXPECT_EQ(ks->create(k).error().code, "store.invalid_key_spec");  // no tenant
  k.tenant = "has space";
  EXPECT_EQ(ks->create(k).error().code, "store.invalid_key_spec");
  k.tenant = "ok";
  k.jurisdictions = {"EU", ""};
  EXPECT_EQ(ks->create(k).error().code, "store.invalid_key_spec");
  EXPECT_TRUE(ks->list()->empty());
}

// Several request threads authenticate while another process revokes: no crash or race, and
// every thread sees the revocation shortly after.
TEST(KeyStoreConcurrency, ThreadsSeeRevocationFromAnotherStore) {
  TempDir dir;
  const std::string path = dir.file("c.db");
  KeyStore::Options opt;
  opt.refresh_period_ms = 5;
  auto gateway = KeyStore::open(path, SystemClock::instance(), opt);
  ASSERT_TRUE(gateway.ok());
  const std::string key = *(*gateway)->create(euKey());
  const std::string other = *(*gateway)->create(euKey());
  auto cli = KeyStore::open(path, SystemClock::instance(), opt);
  ASSERT_TRUE(cli.ok());

  std::atomic<int> saw_revoked{0}, errors{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&] {
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
      while (std::chrono::steady_clock::now() < deadline) {
        if (!(*gateway)->authenticate(other).ok()) errors++;
        auto p = (*gateway)->authenticate(key);
        if (!p.ok() && p.error().code == kRevokedApiKey) {
          saw_revoked++;
          return;
        }
        if (!p.ok()) errors++;  // any other failure is a bug
      }
    });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  ASSERT_TRUE((*cli)->revoke(parseKeyToken(key)->id).ok());
  for (auto& th : threads) th.join();
  EXPECT_EQ(saw_revoked.load(), 4);
  EXPECT_EQ(errors.load(), 0);
}

// Not a benchmark (bench/ holds those); catches a regression to per-call SQLite I/O.
TEST(KeyStorePerformance, CachedHitIsMicroseconds) {
  TempDir dir;
  auto ks = KeyStore::open(dir.file("p.db"), SystemClock::instance());
  ASSERT_TRUE(ks.ok());
  const std::string key = *(*ks)->create(euKey());
  constexpr int kIterations = 200'000;
  int ok = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kIterations; ++i) ok += (*ks)->authenticate(key).ok();
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::chrono::steady_clock::now() - start).count();
  const double per_call_us = ns / 1000.0 / kIterations;
  std::printf("[ figures  ] authenticate cached hit: %.3f us/call\n", per_call_us);
  EXPECT_EQ(ok, kIterations);
  EXPECT_LT(per_call_us, 20.0);
}

}  // namespace
}  // namespace concord::store
