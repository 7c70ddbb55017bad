// Disk full and read-only through the real listener: the gateway's audit log (strict
// durability) sits on an injected audit::SimulatedFileSystem that fails on demand (ENOSPC: a
// write lands half, then fails; EROFS: every mutation fails). While it fails, Concord answers
// 503 audit_unavailable rather than serve unaudited; when the disk is back it serves again
// without a restart; every exchange it answered 200 has its record and the log verifies.
// (The injected file system rather than a chmod-ed directory: root ignores permissions.)
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "audit/exporter.h"
#include "audit/signing_key.h"
#include "audit/simulated_file_system.h"
#include "audit/verifier.h"
#include "fake_upstream.h"
#include "gateway_fixture.h"
#include "proxy/chain_audit.h"
#include "test_client.h"
#include "test_util.h"

namespace concord::testing {
namespace {

const std::string kSimDir = "/sim/data";

class DiskGateway {
 public:
  DiskGateway() : gw_(options(up_)) {
    auto& gateway = gw_.setup().gateway();
    const auto current = gateway.snapshot();
    auto config = std::make_shared<config::Config>(*current->config);
    config->data_dir = kSimDir;
    config->audit.dir = kSimDir + "/audit";
    config->audit.durability = "strict";
    config->audit.fail_open = false;
    auto audit = proxy::ChainAudit::open(*config, fs_);
    EXPECT_TRUE(audit.ok()) << audit.error().message;
    if (!audit.ok()) return;
    auto next = std::make_shared<proxy::Snapshot>();
    next->config = config;
    next->router = std::make_unique<proxy::Router>(*config);
    next->steps = current->steps;
    next->steps.audit = audit.value();
    next->upstream_keys = current->upstream_keys;
    next->generation = current->generation + 1;
    gateway.swap(next);
  }

  audit::SimulatedFileSystem& fs() { return fs_; }

  std::optional<HttpResponse> chat(bool stream = false) {
    return TestClient::request(gw_.port(), "POST", "/v1/chat/completions", gw_.key(), chatBody("gpt-test", stream));
  }

  // Sends until one answers 200 (the writer retries the disk every 100 ms); its id, or "".
  std::string chatUntilServed(int timeout_ms = 5000) {
    const auto t0 = std::chrono::steady_clock::now();
    while (millisSince(t0) < timeout_ms) {
      auto r = chat();
      if (r && r->status == 200) return r->header("x-concord-request-id");
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return "";
  }

  std::set<std::string> recordedIds() {
    std::set<std::string> ids;
    auto st = audit::forEachRecord(fs_, kSimDir + "/audit",
                                   [&](uint64_t, uint64_t, const audit::ParsedRecord& r, std::string_view) {
                                     if (r.type == "exchange") ids.insert(r.json.value("exchange_id", ""));
                                     return true;
                                   });
    EXPECT_TRUE(st.ok()) << st.error().message;
    return ids;
  }

  audit::VerifyReport verify() {
    audit::VerifyOptions vo;
    vo.dir = kSimDir + "/audit";
    auto pub = audit::loadPublicKeyRaw(fs_, kSimDir + "/audit-signing.key.pub");
    EXPECT_TRUE(pub.ok());
    if (pub.ok()) vo.trusted_keys = {pub.value()};
    auto rep = audit::verifyLog(fs_, vo);
    EXPECT_TRUE(rep.ok());
    return rep.ok() ? rep.value() : audit::VerifyReport{};
  }

  void stop() { gw_.stop(1000); }

 private:
  static GatewayOptions options(const FakeUpstream& up) {
    GatewayOptions o;
    o.upstreams.push_back({.name = "up", .base_url = up.baseUrl(), .models = {"gpt-test"}});
    o.workers = 2;
    return o;
  }
  audit::SimulatedFileSystem fs_;  // outlives the gateway, whose snapshot holds the audit log on it
  FakeUpstream up_{"disk"};
  GatewayFixture gw_;
};

// Answers while the disk fails: every one must be 503 audit_unavailable.
void expectRefusedWhileFailing(DiskGateway& g, const char* what) {
  for (int i = 0; i < 5; ++i) {
    auto r = g.chat(i % 2 == 1);
    ASSERT_TRUE(r) << what;
    EXPECT_EQ(r->status, 503) << what << ": " << r->body;
    EXPECT_EQ(errorCode(r->body), "audit_unavailable") << what << ": " << r->body;
  }
}

void faultThenRecover(DiskGateway& g, audit::SimulatedFileSystem::Fault fault, const char* what,
                      std::set<std::string>& acked) {
  g.fs().setFault(fault);
  expectRefusedWhileFailing(g, what);
  g.fs().setFault(audit::SimulatedFileSystem::Fault::kNone);
  const std::string id = g.chatUntilServed();
  ASSERT_FALSE(id.empty()) << what << ": the gateway did not serve again once the disk was back";
  acked.insert(id);
  for (int i = 0; i < 5; ++i) {
    auto r = g.chat(i % 2 == 0);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << what << " (after recovery): " << r->body;
    acked.insert(r->header("x-concord-request-id"));
  }
}

TEST(AuditDisk, DiskFullAndReadOnlyRefuseWith503ThenRecoverLosingNothingAcknowledged) {
  DiskGateway g;
  std::set<std::string> acked;
  for (int i = 0; i < 5; ++i) {
    auto r = g.chat(i % 2 == 1);
    ASSERT_TRUE(r);
    ASSERT_EQ(r->status, 200) << r->body;
    acked.insert(r->header("x-concord-request-id"));
  }
  faultThenRecover(g, audit::SimulatedFileSystem::Fault::kNoSpace, "disk full", acked);
  faultThenRecover(g, audit::SimulatedFileSystem::Fault::kReadOnly, "read-only", acked);
  // A strict exchange is acknowledged only once durable: every one is there, even before a stop.
  const auto ids = g.recordedIds();
  for (const auto& id : acked) EXPECT_TRUE(ids.count(id)) << "acknowledged exchange " << id << " has no record";
  g.stop();
  const auto rep = g.verify();
  EXPECT_TRUE(rep.ok()) << rep.text();
  EXPECT_GE(rep.records, acked.size());
}

}  // namespace
}  // namespace concord::testing
