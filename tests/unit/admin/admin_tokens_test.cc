// AdminTokens: hashed storage, roles, revocation, and refusal of anything malformed.
#include "admin/admin_tokens.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "store/sqlite_db.h"

namespace concord::admin {
namespace {

class AdminTokensTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("concord-admin-tokens-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    path_ = (dir_ / "concord.db").string();
    auto t = AdminTokens::open(path_, clock_);
    ASSERT_TRUE(t.ok()) << t.error().message;
    tokens_ = std::move(t.value());
  }
  void TearDown() override {
    tokens_.reset();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::string path_;
  FakeClock clock_;
  std::unique_ptr<AdminTokens> tokens_;
};

TEST_F(AdminTokensTest, CreatedTokenAuthenticatesWithItsRole) {
  auto plain = tokens_->create(Role::kApprover, "alice");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->rfind("concord-admin-", 0), 0u);
  EXPECT_EQ(plain->size(), std::string("concord-admin-").size() + 12 + 1 + 40);
  auto who = tokens_->authenticate("Bearer " + *plain);
  ASSERT_TRUE(who.ok()) << who.error().message;
  EXPECT_EQ(who->role, Role::kApprover);
  EXPECT_EQ(who->label, "alice");
  EXPECT_EQ(who->actor(), "admin:" + who->token_id + "(alice)");
  EXPECT_TRUE(tokens_->authenticate(*plain).ok());  // without "Bearer " too
}

TEST_F(AdminTokensTest, TheSecretIsNotStored) {
  auto plain = tokens_->create(Role::kAdmin);
  ASSERT_TRUE(plain.ok());
  const std::string secret = plain->substr(plain->rfind('-') + 1);
  auto db = store::SqliteDb::open(path_);
  ASSERT_TRUE(db.ok());
  auto st = (*db)->prepare("SELECT hash, last4 FROM admin_tokens");
  ASSERT_TRUE(st.ok());
  ASSERT_TRUE(*st->step());
  EXPECT_EQ(st->blob(0).size(), 32u);
  EXPECT_EQ(st->blob(0).find(secret), std::string_view::npos);
  EXPECT_EQ(st->text(1), secret.substr(secret.size() - 4));
}

TEST_F(AdminTokensTest, WrongOrMalformedTokensAreOneError) {
  auto plain = tokens_->create(Role::kViewer);
  ASSERT_TRUE(plain.ok());
  std::string wrong = *plain;
  wrong.back() = wrong.back() == 'a' ? 'b' : 'a';
  for (const std::string& t : {wrong, std::string(""), std::string("Bearer "), std::string("sk-concord-abc"),
                               std::string("concord-admin-short"), plain->substr(0, plain->size() - 10)}) {
    auto r = tokens_->authenticate(t);
    ASSERT_FALSE(r.ok()) << t;
    EXPECT_EQ(r.error().code, "admin.invalid_token") << t;
  }
}

TEST_F(AdminTokensTest, RevokedTokensAreRefused) {
  auto plain = tokens_->create(Role::kAdmin, "oncall");
  auto who = tokens_->authenticate(*plain);
  ASSERT_TRUE(who.ok());
  ASSERT_TRUE(tokens_->revoke(who->token_id).ok());
  EXPECT_EQ(tokens_->authenticate(*plain).error().code, "admin.revoked_token");
  EXPECT_TRUE(tokens_->revoke(who->token_id).ok());  // idempotent
  EXPECT_EQ(tokens_->revoke("aaaaaaaaaaaa").error().code, "admin.token_not_found");
  auto list = tokens_->list();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_NE((*list)[0].revoked_at, 0);
}

TEST_F(AdminTokensTest, AnotherConnectionSeesNewTokensAtOnce) {
  auto other = AdminTokens::open(path_, clock_);
  ASSERT_TRUE(other.ok());
  auto plain = (*other)->create(Role::kViewer);  // e.g. the CLI while the gateway runs
  EXPECT_TRUE(tokens_->authenticate(*plain).ok());
}

TEST(AdminRoles, ParseAndOrder) {
  EXPECT_EQ(*parseRole("approver"), Role::kApprover);
  EXPECT_FALSE(parseRole("root").has_value());
  EXPECT_LT(Role::kViewer, Role::kApprover);
  EXPECT_LT(Role::kApprover, Role::kAdmin);
  EXPECT_EQ(roleName(Role::kAdmin), "admin");
}

TEST_F(AdminTokensTest, LabelsAreChecked) {
  EXPECT_EQ(tokens_->create(Role::kViewer, "bad label").error().code, "admin.invalid_label");
  EXPECT_TRUE(tokens_->create(Role::kViewer, "ops@example").ok());
}

}  // namespace
}  // namespace concord::admin
