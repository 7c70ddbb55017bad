// AdminApi behind the real http::Listener on a loopback port: a JSON call through the admin
// CLI's client, and the SSE approvals stream over a raw socket (head, first comment, a live
// event, and the stream's end when the client leaves).
//
// DISABLED_ServeConsoleForManualTesting serves the built console against seeded data for a
// person or a screenshot script: CONCORD_ADMIN_DEV_PORT=9099 CONCORD_ADMIN_DEV_SECONDS=300
// unit_admin --gtest_also_run_disabled_tests --gtest_filter='*ServeConsole*' (prints a token).
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "admin/admin_api.h"
#include "admin/admin_client.h"
#include "http/listener.h"

namespace concord::admin {
namespace {

class AdminListenerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("concord-admin-listener-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    const std::string db = (dir_ / "concord.db").string();
    keys_ = std::move(store::KeyStore::open(db, SystemClock::instance()).value());
    tokens_ = std::move(AdminTokens::open(db, SystemClock::instance()).value());
    queue_ = std::move(oversight::ApprovalQueue::open(db, SystemClock::instance()).value());
    stops_ = std::move(oversight::StopSwitch::open(db, SystemClock::instance()).value());
    token_ = *tokens_->create(Role::kAdmin, "test");
  }
  void start(AdminApiOptions o, uint16_t port = 0) {
    o.stream_poll_ms = 10;
    api_ = std::make_unique<AdminApi>(*queue_, *stops_, *tokens_, metrics_, *keys_, program_, std::move(o));
    http::ListenerOptions lo;
    lo.port = port;
    listener_ = std::make_unique<http::Listener>(
        lo, [this](http::Request& rq, http::ResponseSink& sink) { return api_->handle(rq, sink); });
    auto bound = listener_->bind();
    ASSERT_TRUE(bound.ok()) << bound.error().message;
    port_ = *bound;
    listener_->start();
  }
  void TearDown() override {
    if (api_) api_->shutdown();
    if (listener_) listener_->stop(500);
    listener_.reset();
    api_.reset();
    std::filesystem::remove_all(dir_);
  }
  oversight::ApprovalRequest held(std::string tenant = "acme") {
    oversight::ApprovalRequest a;
    a.tenant = std::move(tenant);
    a.key_id = "k3f9q2mz7a4x";
    a.endpoint = "chat.completions";
    a.model = "fake-chat";
    a.rules = {{"EU-AIA-14.4", "AI Act Art. 14(1)-(4)"}};
    a.digest = oversight::sha256Hex("{}");
    a.preview = "user: Should we hire applicant #4411? [REDACTED:person]";
    a.expires_us = SystemClock::instance().nowMicros() + 600'000'000;
    return a;
  }

  std::filesystem::path dir_;
  Metrics metrics_;
  std::unique_ptr<store::KeyStore> keys_;
  std::unique_ptr<AdminTokens> tokens_;
  std::unique_ptr<oversight::ApprovalQueue> queue_;
  std::unique_ptr<oversight::StopSwitch> stops_;
  AdminApi::ProgramSource program_ = [] { return std::shared_ptr<const policy::Program>(); };
  std::unique_ptr<AdminApi> api_;
  std::unique_ptr<http::Listener> listener_;
  std::string token_;
  uint16_t port_ = 0;
};

TEST_F(AdminListenerTest, JsonCallsThroughTheListener) {
  start({});
  AdminUrl url{"127.0.0.1", port_, ""};
  auto who = adminRequest(url, "GET", "/admin/whoami", token_, "");
  ASSERT_TRUE(who.ok()) << who.error().message;
  EXPECT_EQ(who->status, 200);
  EXPECT_NE(who->body.find("\"admin\""), std::string::npos);
  auto stop = adminRequest(url, "POST", "/admin/stop", token_, R"({"scope":"global","reason":"drill"})");
  ASSERT_TRUE(stop.ok());
  EXPECT_EQ(stop->status, 200) << stop->body;
  EXPECT_TRUE(stops_->stopped("", "", ""));
  auto anon = adminRequest(url, "GET", "/admin/stops", "", "");
  ASSERT_TRUE(anon.ok());
  EXPECT_EQ(anon->status, 401);
}

// Reads from `fd` until `needle` is in `got` or 5 s pass.
bool readUntil(int fd, std::string& got, std::string_view needle) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  char buf[4096];
  while (got.find(needle) == std::string::npos) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return false;
    got.append(buf, static_cast<size_t>(n));
  }
  return true;
}

TEST_F(AdminListenerTest, ApprovalsStreamOverTheWire) {
  start({});
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port_);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string req = "GET /admin/approvals/stream HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token_ + "\r\n\r\n";
  ASSERT_EQ(::send(fd, req.data(), req.size(), 0), static_cast<ssize_t>(req.size()));
  std::string got;
  ASSERT_TRUE(readUntil(fd, got, ": connected")) << got;
  EXPECT_EQ(got.rfind("HTTP/1.1 200", 0), 0u) << got;
  EXPECT_NE(got.find("text/event-stream"), std::string::npos);
  auto id = queue_->submit(held(), [](oversight::Resolution) {});
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(readUntil(fd, got, "event: approval")) << got;
  ASSERT_TRUE(readUntil(fd, got, *id)) << got;
  EXPECT_EQ(api_->openStreams(), 1);
  ::close(fd);
  // The stream notices the departed client on its next write; a resolve event triggers one.
  ASSERT_TRUE(queue_->approve(*id, "x", "").ok());
  for (int i = 0; i < 100 && api_->openStreams() > 0; ++i) {
    if (i % 10 == 9) (void)queue_->submit(held(), [](oversight::Resolution) {});
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(api_->openStreams(), 0);
}

TEST_F(AdminListenerTest, DISABLED_ServeConsoleForManualTesting) {
  const char* port_env = std::getenv("CONCORD_ADMIN_DEV_PORT");
  const char* secs_env = std::getenv("CONCORD_ADMIN_DEV_SECONDS");
  const uint16_t port = port_env ? static_cast<uint16_t>(std::atoi(port_env)) : 9099;
  const int secs = secs_env ? std::atoi(secs_env) : 120;
  program_ = [] {
    static auto p = [] {
      policy::LoadOptions lo;
      lo.vocabulary_path = std::string(CONCORD_SOURCE_DIR) + "/packs/vocabulary.yaml";
      lo.pack_paths = {std::string(CONCORD_SOURCE_DIR) + "/packs"};
      auto r = policy::loadProgram(lo);
      return r.ok() ? *r : nullptr;
    }();
    return p;
  };
  AdminApiOptions o;
  o.console_dir = std::string(CONCORD_SOURCE_DIR) + "/console/dist";
  o.audit_dir = (dir_ / "audit").string();
  start(o, port);
  store::NewKey k;
  k.tenant = "acme";
  k.jurisdictions = {"EU"};
  (void)keys_->create(k);
  for (int i = 0; i < 40; ++i) metrics_.countRequest("chat.completions", i % 7 ? 200 : 403, i % 7 ? "openai" : "", i % 3 ? "acme" : "globex");
  metrics_.count("concord_rule_hits_total", "rule=\"EU-AIA-50.2\"", 31);
  metrics_.count("concord_rule_hits_total", "rule=\"CN-LBL-1\"", 12);
  metrics_.count("concord_decisions_total", "decision=\"allow\"", 34);
  metrics_.count("concord_decisions_total", "decision=\"hold\"", 6);
  for (int i = 0; i < 40; ++i) metrics_.overhead_latency.observe(30 + i * 5);
  (void)queue_->submit(held(), [](oversight::Resolution) {});
  std::printf("admin console on http://127.0.0.1:%u/  token: %s\n", port_, token_.c_str());
  std::fflush(stdout);
  for (int s = 0; s < secs; ++s) {
    std::this_thread::sleep_for(std::chrono::seconds(1));
    if (s % 15 == 14) (void)queue_->submit(held(s % 2 ? "globex" : "acme"), [](oversight::Resolution) {});
    queue_->expireDue();
  }
}

}  // namespace
}  // namespace concord::admin
