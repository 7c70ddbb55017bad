// Routing, roles per route, query parsing and console path safety.
#include "admin/admin_http.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace concord::admin {
namespace {

TEST(AdminRoutes, MatchWithRoles) {
  EXPECT_EQ(matchRoute("GET", "/admin/approvals").route, Route::kApprovals);
  EXPECT_EQ(matchRoute("GET", "/admin/approvals/stream").route, Route::kApprovalsStream);
  auto m = matchRoute("POST", "/admin/approvals/ap-0123456789abcdef/approve");
  EXPECT_EQ(m.route, Route::kApprove);
  EXPECT_EQ(m.param, "ap-0123456789abcdef");
  EXPECT_EQ(m.role, Role::kApprover);
  EXPECT_EQ(matchRoute("POST", "/admin/approvals/ap-1/deny").role, Role::kApprover);
  EXPECT_EQ(matchRoute("POST", "/admin/stop").role, Role::kAdmin);
  EXPECT_EQ(matchRoute("POST", "/admin/resume").role, Role::kAdmin);
  EXPECT_EQ(matchRoute("GET", "/admin/stops").role, Role::kViewer);
  EXPECT_EQ(matchRoute("GET", "/admin/figures").role, Role::kViewer);
  EXPECT_EQ(matchRoute("POST", "/admin/audit/verify").route, Route::kAuditVerify);
  EXPECT_EQ(matchRoute("GET", "/admin/audit/records/42").param, "42");
  EXPECT_EQ(matchRoute("GET", "/").route, Route::kConsole);
  EXPECT_EQ(matchRoute("GET", "/console/app.js").route, Route::kConsole);
}

TEST(AdminRoutes, WrongMethodAndUnknownPaths) {
  EXPECT_EQ(matchRoute("GET", "/admin/stop").route, Route::kMethodNotAllowed);
  EXPECT_EQ(matchRoute("POST", "/admin/approvals").route, Route::kMethodNotAllowed);
  EXPECT_EQ(matchRoute("GET", "/admin/approvals/x/approve").route, Route::kMethodNotAllowed);
  EXPECT_EQ(matchRoute("GET", "/admin/nothing").route, Route::kNotFound);
  EXPECT_EQ(matchRoute("GET", "/v1/chat/completions").route, Route::kNotFound);
  EXPECT_EQ(matchRoute("POST", "/admin/approvals/a%2Fb/approve").route, Route::kNotFound);
  EXPECT_EQ(matchRoute("POST", "/admin/approvals/../approve").route, Route::kNotFound);
}

TEST(AdminTarget, QueryIsDecoded) {
  auto t = parseTarget("/admin/audit/query?tenant=acme%20corp&from=2026-01-01&rule=EU-AIA-14&x&to=a+b");
  EXPECT_EQ(t.path, "/admin/audit/query");
  EXPECT_EQ(t.query["tenant"], "acme corp");
  EXPECT_EQ(t.query["from"], "2026-01-01");
  EXPECT_EQ(t.query["rule"], "EU-AIA-14");
  EXPECT_EQ(t.query["x"], "");
  EXPECT_EQ(t.query["to"], "a b");
  EXPECT_EQ(percentDecode("%zz%4"), "%zz%4");
  EXPECT_EQ(percentDecode("EU%2CCN"), "EU,CN");
}

TEST(AdminErrors, OpenAiShape) {
  auto r = errorReply(403, "insufficient_role", "needs admin");
  EXPECT_EQ(r.status, 403);
  auto j = nlohmann::json::parse(r.body);
  EXPECT_EQ(j["error"]["code"], "insufficient_role");
  EXPECT_EQ(j["error"]["message"], "needs admin");
  EXPECT_EQ(j["error"]["type"], "permission_error");
  EXPECT_EQ(nlohmann::json::parse(errorReply(401, "c", "m").body)["error"]["type"], "authentication_error");
  EXPECT_EQ(statusFor("oversight.not_found"), 404);
  EXPECT_EQ(statusFor("oversight.not_pending"), 409);
  EXPECT_EQ(statusFor("oversight.expired"), 410);
  EXPECT_EQ(statusFor("store.sqlite"), 500);
}

TEST(AdminConsole, FilesStayInsideTheRoot) {
  EXPECT_EQ(*consoleFile("dist", "/"), "dist/index.html");
  EXPECT_EQ(*consoleFile("dist/", "/console/"), "dist/index.html");
  EXPECT_EQ(*consoleFile("dist", "/console/assets/app.js"), "dist/assets/app.js");
  EXPECT_FALSE(consoleFile("dist", "/console/../secret").has_value());
  EXPECT_FALSE(consoleFile("dist", "/console/.env").has_value());
  EXPECT_FALSE(consoleFile("dist", "/console//etc/passwd").has_value());
  EXPECT_FALSE(consoleFile("dist", "/console/a\\b").has_value());
  EXPECT_FALSE(consoleFile("dist", "/other").has_value());
  EXPECT_EQ(contentTypeFor("a/app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(contentTypeFor("index.html"), "text/html; charset=utf-8");
}

TEST(AdminJurisdictions, ParsedAndBounded) {
  EXPECT_EQ(*parseJurisdictions("EU, CN,US-CA"), (std::vector<std::string>{"EU", "CN", "US-CA"}));
  EXPECT_FALSE(parseJurisdictions("").has_value());
  EXPECT_FALSE(parseJurisdictions("EU;DROP").has_value());
  EXPECT_FALSE(parseJurisdictions("A,B,C,D,E,F,G,H,I,J,K,L,M").has_value());
}

}  // namespace
}  // namespace concord::admin
