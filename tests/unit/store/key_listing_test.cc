#include "store/key_listing.h"

#include <gtest/gtest.h>

namespace concord::store {
namespace {

std::vector<KeyInfo> sample() {
  KeyInfo a;
  a.id = "abcdefgh2345";
  a.tenant = "acme";
  a.jurisdictions = {"EU", "CN"};
  a.models = {"gpt-4o"};
  a.last4 = "wxyz";
  a.created_at = 1'767'225'600;  // 2026-01-01T00:00:00Z
  KeyInfo b = a;
  b.id = "zzzzzzzzzzzz";
  b.tenant = "a-much-longer-tenant";
  b.jurisdictions.clear();
  b.models.clear();
  b.revoked_at = 1'767'225'661;
  return {a, b};
}

TEST(KeyListing, SplitListTrimsAndDropsEmptyItems) {
  EXPECT_EQ(splitList("EU, CN,,US-CA "), (std::vector<std::string>{"EU", "CN", "US-CA"}));
  EXPECT_TRUE(splitList("").empty());
  EXPECT_TRUE(splitList(" , ").empty());
  EXPECT_EQ(splitList("gpt-4o"), (std::vector<std::string>{"gpt-4o"}));
}

TEST(KeyListing, FormatsUtcTimes) {
  EXPECT_EQ(formatTime(1'767'225'600), "2026-01-01T00:00:00Z");
  EXPECT_EQ(formatTime(0), "-");
}

TEST(KeyListing, TableHasAlignedColumnsAndStatus) {
  const std::string t = formatKeyTable(sample());
  EXPECT_EQ(t,
            "ID            TENANT                STATUS   CREATED               REVOKED        "
            "       LAST4  JURISDICTIONS  MODELS\n"
            "abcdefgh2345  acme                  active   2026-01-01T00:00:00Z  -              "
            "       wxyz   EU,CN          gpt-4o\n"
            "zzzzzzzzzzzz  a-much-longer-tenant  revoked  2026-01-01T00:00:00Z  "
            "2026-01-01T00:01:01Z  wxyz   -              *\n");
}

TEST(KeyListing, JsonCarriesEveryFieldAndNullForActive) {
  const auto j = keysToJson(sample());
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["id"], "abcdefgh2345");
  EXPECT_EQ(j[0]["status"], "active");
  EXPECT_TRUE(j[0]["revoked_at"].is_null());
  EXPECT_EQ(j[0]["jurisdictions"], nlohmann::json({"EU", "CN"}));
  EXPECT_EQ(j[1]["status"], "revoked");
  EXPECT_EQ(j[1]["revoked_at"], "2026-01-01T00:01:01Z");
  EXPECT_EQ(j[1]["created_at"], "2026-01-01T00:00:00Z");
}

}  // namespace
}  // namespace concord::store
