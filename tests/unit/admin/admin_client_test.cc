// AdminClient: URL parsing, and one real request/answer over loopback against a tiny server.
#include "admin/admin_client.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <thread>

namespace concord::admin {
namespace {

TEST(AdminUrl, Parses) {
  auto u = parseAdminUrl("http://127.0.0.1:9090");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "127.0.0.1");
  EXPECT_EQ(u->port, 9090);
  EXPECT_EQ(u->base_path, "");
  u = parseAdminUrl("http://localhost/gw/");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->port, 80);
  EXPECT_EQ(u->base_path, "/gw");
  u = parseAdminUrl("http://[::1]:8081");
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->host, "::1");
  EXPECT_EQ(u->port, 8081);
  EXPECT_FALSE(parseAdminUrl("https://127.0.0.1:9090").ok());
  EXPECT_FALSE(parseAdminUrl("127.0.0.1:9090").ok());
  EXPECT_FALSE(parseAdminUrl("http://h:99999").ok());
}

TEST(AdminClient, PostsJsonWithTheTokenAndReadsTheAnswer) {
  int ls = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(ls, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(ls, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(ls, 1), 0);
  socklen_t len = sizeof addr;
  ::getsockname(ls, reinterpret_cast<sockaddr*>(&addr), &len);
  std::string seen;
  std::thread server([&] {
    int c = ::accept(ls, nullptr, nullptr);
    char buf[4096];
    while (seen.find("\r\n\r\n") == std::string::npos || seen.find("}") == std::string::npos) {
      ssize_t n = ::recv(c, buf, sizeof buf, 0);
      if (n <= 0) break;
      seen.append(buf, n);
    }
    const std::string body = R"({"error":{"message":"needs admin","type":"permission_error","code":"insufficient_role"}})";
    const std::string ans = "HTTP/1.1 403 Forbidden\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    ::send(c, ans.data(), ans.size(), 0);
    ::close(c);
  });
  AdminUrl u{"127.0.0.1", ntohs(addr.sin_port), ""};
  auto r = adminRequest(u, "POST", "/admin/stop", "concord-admin-x", R"({"scope":"global"})", 5000);
  server.join();
  ::close(ls);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(errorMessage(*r), "needs admin (insufficient_role)");
  EXPECT_EQ(seen.rfind("POST /admin/stop HTTP/1.1\r\n", 0), 0u);
  EXPECT_NE(seen.find("Authorization: Bearer concord-admin-x\r\n"), std::string::npos);
  EXPECT_NE(seen.find(R"({"scope":"global"})"), std::string::npos);
}

TEST(AdminClient, ConnectionRefusedIsAClearError) {
  AdminUrl u{"127.0.0.1", 1, ""};
  auto r = adminRequest(u, "POST", "/admin/stop", "t", "{}", 2000);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "admin.connect");
}

}  // namespace
}  // namespace concord::admin
