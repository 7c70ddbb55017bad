// Human control (issue #7) through the real listener: a `hold` rule of an org policy parks the
// exchange until a person decides through the admin API (approve → the upstream's answer;
// deny → 403 approval_denied with the reason; no decision → 403 approval_timeout), the approval
// is bound to the request's digest and used once, holds survive a restart, and the stop switch
// ends a live stream with a well-formed error event, refuses new requests and is undone by
// resume, all of it in the audit trail.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <optional>
#include <thread>

#include "admin/admin_tokens.h"
#include "fake_upstream.h"
#include "gateway_fixture.h"
#include "oversight/approval.h"
#include "oversight/approval_queue.h"
#include "oversight/stop_switch.h"
#include "store/key_store.h"
#include "test_client.h"
#include "test_util.h"

namespace concord::testing {
namespace {

// Requests of tenant "held" wait for a person; tenant "acme" (the fixture's key) is never held.
constexpr const char* kHoldPack = R"yaml(pack:
  id: oversight-test
  jurisdiction: ORG
  instrument: "Concord integration tests"
  version: "2026-11"
  severity: binding
rules:
  - id: TEST-HOLD-1
    cite: "Test policy s. 1 (held tenant)"
    concept: oversight.human
    enforced_by: gateway
    when: { principal.tenant: held }
    then: { action: hold, reason: "requests of tenant held need a person's approval" }
)yaml";

struct Chunks {
  std::string body;                  // everything read, chunks concatenated
  std::vector<std::string> chunks;   // in order
  bool ended = false;                // the terminating chunk arrived
};

class Oversight : public ::testing::Test {
 protected:
  void start(GatewayOptions o = {}) {
    std::ofstream(packs_.file("hold.yaml")) << kHoldPack;
    o.upstreams = {{.name = "alpha", .base_url = up_.baseUrl(), .models = {"gpt-test"}}};
    o.policy_vocabulary = std::string(CONCORD_SOURCE_DIR) + "/packs/vocabulary.yaml";
    o.policy_packs = {packs_.file("hold.yaml")};
    o.admin = true;
    if (o.keepalive_ms == 0) o.keepalive_ms = 100;
    gw_ = std::make_unique<GatewayFixture>(o);
    held_key_ = gw_->createKey({.tenant = "held"});
  }

  oversight::ApprovalQueue& queue() { return gw_->setup().approvals(); }

  // The pending approvals once there are at least n (bounded wait).
  std::vector<oversight::ApprovalRequest> waitPending(size_t n, int timeout_ms = 3000) {
    const auto until = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      auto p = queue().pending();
      if (p.size() >= n || SteadyClock::now() >= until) return p;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }

  std::optional<HttpResponse> admin(const std::string& method, const std::string& path,
                                    const nlohmann::json& body = nlohmann::json::object()) {
    return TestClient::request(gw_->adminPort(), method, path, gw_->adminToken(), body.dump());
  }

  // Reads chunks until the terminating one (or a timeout / close).
  static Chunks readRest(TestClient& c, int timeout_ms = 5000) {
    Chunks out;
    const auto until = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
    while (SteadyClock::now() < until) {
      auto chunk = c.readChunk(static_cast<int>(
          std::chrono::duration_cast<std::chrono::milliseconds>(until - SteadyClock::now()).count()));
      if (!chunk) break;
      if (chunk->empty()) {
        out.ended = true;
        break;
      }
      out.body += *chunk;
      out.chunks.push_back(std::move(*chunk));
    }
    return out;
  }

  // Audit records whose endpoint is `endpoint` (admin actions are "admin.<event>").
  std::vector<nlohmann::json> auditWithEndpoint(const std::string& endpoint, size_t at_least = 1) {
    std::vector<nlohmann::json> out;
    for (int i = 0; i < 300; ++i) {
      out.clear();
      for (auto& r : gw_->auditRecords())
        if (r.value("endpoint", "") == endpoint) out.push_back(r);
      if (out.size() >= at_least) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return out;
  }

  TempDir packs_;
  FakeUpstream up_{"alpha"};
  std::unique_ptr<GatewayFixture> gw_;
  std::string held_key_;
};

TEST_F(Oversight, HoldThenApproveDeliversTheUpstreamAnswer) {
  start();
  const std::string body = chatBody("gpt-test");
  TestClient c(gw_->port());
  ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", held_key_, body));
  const auto pending = waitPending(1);
  ASSERT_EQ(pending.size(), 1u);
  const auto& ap = pending[0];
  EXPECT_EQ(ap.tenant, "held");
  EXPECT_EQ(ap.key_id, GatewayFixture::keyId(held_key_));
  EXPECT_EQ(ap.model, "gpt-test");
  EXPECT_EQ(ap.digest, oversight::sha256Hex(body));
  ASSERT_EQ(ap.rules.size(), 1u);
  EXPECT_EQ(ap.rules[0].first, "TEST-HOLD-1");
  EXPECT_EQ(ap.rules[0].second, "Test policy s. 1 (held tenant)");
  EXPECT_NE(ap.preview.find("Say hello"), std::string::npos);
  // Nothing reached the upstream, and the client has no answer yet.
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  EXPECT_EQ(up_.requests(), 0);
  EXPECT_FALSE(c.waitClosed(1));

  // The admin API lists it and an approver approves it.
  auto list = admin("GET", "/admin/approvals");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200) << list->body;
  const auto listed = parseJson(list->body);
  ASSERT_EQ(listed["pending"].size(), 1u);
  EXPECT_EQ(listed["pending"][0]["id"], ap.id);
  EXPECT_EQ(listed["pending"][0]["rules"][0]["cite"], "Test policy s. 1 (held tenant)");
  auto approved = admin("POST", "/admin/approvals/" + ap.id + "/approve", {{"reason", "looks fine"}});
  ASSERT_TRUE(approved);
  ASSERT_EQ(approved->status, 200) << approved->body;

  auto r = c.readResponse(5000);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  const auto j = parseJson(r->body);
  const auto upstream = parseJson(up_.chatCompletionJson("gpt-test"));
  EXPECT_EQ(j["choices"][0]["message"]["content"], upstream["choices"][0]["message"]["content"]);
  EXPECT_EQ(up_.requests(), 1);
  EXPECT_EQ(up_.lastRequest().body, body);  // the request that was approved, unchanged

  // Used once: the approval is consumed and cannot be used again.
  auto rec = queue().record(ap.id);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->state, oversight::ApprovalState::kConsumed);
  EXPECT_EQ(queue().consume(ap.id, ap.digest).error().code, "oversight.already_used");
  auto again = admin("POST", "/admin/approvals/" + ap.id + "/approve", {{"reason", "twice"}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 409) << again->body;

  // The audit trail: the exchange with its approval, and the approver's decision.
  const auto audited = gw_->waitAuditRecord(r->header("x-concord-request-id"));
  ASSERT_TRUE(audited.is_object());
  EXPECT_EQ(audited.value("status", 0), 200);
  ASSERT_TRUE(audited.contains("approvals"));
  ASSERT_EQ(audited["approvals"].size(), 1u);
  EXPECT_EQ(audited["approvals"][0]["id"], ap.id);
  EXPECT_EQ(audited["approvals"][0]["outcome"], "approved");
  EXPECT_NE(audited["approvals"][0]["approver"].get<std::string>().find("tester"), std::string::npos);
  const auto decided = auditWithEndpoint("admin.approval_decided");
  ASSERT_FALSE(decided.empty());
  EXPECT_NE(decided[0].dump().find(ap.id), std::string::npos);
}

TEST_F(Oversight, HeldStreamGetsKeepAlivesThenTheAnswerWhenApproved) {
  start();
  TestClient c(gw_->port());
  ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", held_key_, chatBody("gpt-test", true)));
  auto head = c.readHead(3000);  // the gateway answers 200 at the first keep-alive
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_EQ(head->header("content-type").rfind("text/event-stream", 0), 0u);
  const std::string id = head->header("x-concord-approval-id");
  ASSERT_FALSE(id.empty());
  // At least two keep-alive comments while nobody decides (keepalive_ms = 100).
  std::string waited;
  for (int i = 0; i < 2; ++i) {
    auto chunk = c.readChunk(2000);
    ASSERT_TRUE(chunk);
    waited += *chunk;
  }
  EXPECT_NE(waited.find(": waiting for human approval\n\n"), std::string::npos) << waited;
  EXPECT_TRUE(sseData(waited).empty()) << waited;
  EXPECT_EQ(up_.requests(), 0);

  auto approved = admin("POST", "/admin/approvals/" + id + "/approve");
  ASSERT_TRUE(approved);
  ASSERT_EQ(approved->status, 200) << approved->body;
  const auto rest = readRest(c);
  ASSERT_TRUE(rest.ended) << rest.body;
  const auto data = sseData(rest.body);
  ASSERT_GE(data.size(), 2u) << rest.body;
  EXPECT_EQ(data.back(), "[DONE]");
  for (size_t i = 0; i + 1 < data.size(); ++i) {
    const auto ev = parseJson(data[i]);
    ASSERT_TRUE(ev.is_object()) << data[i];
    EXPECT_FALSE(ev.contains("error")) << data[i];
  }
  EXPECT_EQ(up_.requests(), 1);
  EXPECT_EQ(up_.streamsCompleted(), 1);
}

TEST_F(Oversight, DenyAnswers403WithTheApproversReason) {
  start();
  TestClient c(gw_->port());
  ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", held_key_, chatBody("gpt-test")));
  const auto pending = waitPending(1);
  ASSERT_EQ(pending.size(), 1u);
  // A denial needs a reason: the client is told it.
  auto no_reason = admin("POST", "/admin/approvals/" + pending[0].id + "/deny");
  ASSERT_TRUE(no_reason);
  EXPECT_EQ(no_reason->status, 400);
  auto denied = admin("POST", "/admin/approvals/" + pending[0].id + "/deny", {{"reason", "not for this client"}});
  ASSERT_TRUE(denied);
  ASSERT_EQ(denied->status, 200) << denied->body;
  auto r = c.readResponse(5000);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  const auto j = parseJson(r->body);
  EXPECT_EQ(j["error"]["code"], "approval_denied");
  EXPECT_NE(j["error"]["message"].get<std::string>().find("not for this client"), std::string::npos) << r->body;
  EXPECT_EQ(j["error"]["rules"][0]["id"], "TEST-HOLD-1");
  EXPECT_EQ(up_.requests(), 0);
  EXPECT_EQ(queue().consume(pending[0].id, pending[0].digest).error().code, "oversight.not_approved");
  const auto audited = gw_->waitAuditRecord(r->header("x-concord-request-id"));
  ASSERT_TRUE(audited.is_object());
  EXPECT_EQ(audited.value("error", ""), "approval_denied");
  ASSERT_EQ(audited["approvals"].size(), 1u);
  EXPECT_EQ(audited["approvals"][0]["outcome"], "denied");
}

TEST_F(Oversight, DeniedStreamEndsWithAnErrorEventThenDone) {
  start();
  TestClient c(gw_->port());
  ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", held_key_, chatBody("gpt-test", true)));
  auto head = c.readHead(3000);
  ASSERT_TRUE(head);
  ASSERT_EQ(head->status, 200);
  const std::string id = head->header("x-concord-approval-id");
  ASSERT_FALSE(id.empty());
  auto denied = admin("POST", "/admin/approvals/" + id + "/deny", {{"reason", "too risky today"}});
  ASSERT_TRUE(denied);
  ASSERT_EQ(denied->status, 200) << denied->body;
  const auto rest = readRest(c);
  ASSERT_TRUE(rest.ended) << rest.body;
  const auto data = sseData(rest.body);
  ASSERT_EQ(data.size(), 2u) << rest.body;
  const auto ev = parseJson(data[0]);
  ASSERT_TRUE(ev.is_object()) << data[0];
  EXPECT_EQ(ev["error"]["code"], "approval_denied");
  EXPECT_NE(ev["error"]["message"].get<std::string>().find("too risky today"), std::string::npos);
  EXPECT_EQ(data[1], "[DONE]");
  EXPECT_EQ(up_.requests(), 0);
}

TEST_F(Oversight, NoDecisionTimesOutWith403) {
  start({.hold_max_wait_ms = 300});
  const auto t0 = SteadyClock::now();
  auto r = TestClient::request(gw_->port(), "POST", "/v1/chat/completions", held_key_, chatBody("gpt-test"));
  const long elapsed = millisSince(t0);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 403);
  EXPECT_EQ(errorCode(r->body), "approval_timeout") << r->body;
  EXPECT_GE(elapsed, 290);
  EXPECT_LT(elapsed, 3000);
  EXPECT_EQ(up_.requests(), 0);
  const auto recent = queue().recent(5);
  ASSERT_EQ(recent.size(), 1u);
  EXPECT_EQ(recent[0].state, oversight::ApprovalState::kExpired);
  // An expired approval can be neither approved nor used.
  auto late = admin("POST", "/admin/approvals/" + recent[0].request.id + "/approve");
  ASSERT_TRUE(late);
  EXPECT_EQ(late->status, 409) << late->body;
  EXPECT_EQ(queue().consume(recent[0].request.id, recent[0].request.digest).error().code, "oversight.not_approved");
  const auto audited = gw_->waitAuditRecord(r->header("x-concord-request-id"));
  ASSERT_TRUE(audited.is_object());
  EXPECT_EQ(audited.value("error", ""), "approval_timeout");
}

TEST_F(Oversight, HeldStreamTimesOutWithAnErrorEvent) {
  start({.hold_max_wait_ms = 300});
  TestClient c(gw_->port());
  ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", held_key_, chatBody("gpt-test", true)));
  auto head = c.readHead(3000);
  ASSERT_TRUE(head);
  ASSERT_EQ(head->status, 200);
  const auto rest = readRest(c);
  ASSERT_TRUE(rest.ended) << rest.body;
  const auto data = sseData(rest.body);
  ASSERT_EQ(data.size(), 2u) << rest.body;
  EXPECT_EQ(parseJson(data[0])["error"]["code"], "approval_timeout");
  EXPECT_EQ(data[1], "[DONE]");
}

TEST_F(Oversight, AnApprovalIsBoundToTheDigestOfItsRequest) {
  start();
  // Two held requests with different bodies; only the first is approved.
  const std::string body_a = chatBody("gpt-test");
  nlohmann::json other = parseJson(body_a);
  other["messages"][1]["content"] = "Transfer 1,000,000 to account X";
  const std::string body_b = other.dump();
  TestClient a(gw_->port()), b(gw_->port());
  ASSERT_TRUE(a.sendRequest("POST", "/v1/chat/completions", held_key_, body_a));
  ASSERT_EQ(waitPending(1).size(), 1u);
  ASSERT_TRUE(b.sendRequest("POST", "/v1/chat/completions", held_key_, body_b));
  const auto pending = waitPending(2);
  ASSERT_EQ(pending.size(), 2u);
  const auto& ap_a = pending[0].digest == oversight::sha256Hex(body_a) ? pending[0] : pending[1];
  const auto& ap_b = pending[0].digest == oversight::sha256Hex(body_a) ? pending[1] : pending[0];
  ASSERT_EQ(ap_a.digest, oversight::sha256Hex(body_a));
  ASSERT_EQ(ap_b.digest, oversight::sha256Hex(body_b));

  // The listener cannot present a different body for a given approval, so the queue is asked
  // directly: approval A does not cover body B (asked before A is approved: once it is, the
  // waiting exchange consumes it at once), and stays usable for A.
  EXPECT_EQ(queue().consume(ap_a.id, ap_b.digest).error().code, "oversight.digest_mismatch");
  ASSERT_TRUE(queue().approve(ap_a.id, "admin:test", "fine"));
  // The waiting exchange A then consumes it with its own digest and goes through.
  auto ra = a.readResponse(5000);
  ASSERT_TRUE(ra);
  EXPECT_EQ(ra->status, 200) << ra->body;
  EXPECT_EQ(up_.requests(), 1);
  EXPECT_EQ(up_.lastRequest().body, body_a);
  // Used once: neither A's digest nor B's can use it again.
  EXPECT_EQ(queue().consume(ap_a.id, ap_a.digest).error().code, "oversight.already_used");
  EXPECT_EQ(queue().consume(ap_a.id, ap_b.digest).error().code, "oversight.digest_mismatch");
  // B is still waiting for its own decision; approving A did nothing for it.
  EXPECT_EQ(queue().pendingCount(), 1u);
  EXPECT_EQ(queue().consume(ap_b.id, ap_b.digest).error().code, "oversight.not_approved");
  EXPECT_FALSE(b.waitClosed(50));
  auto denied = admin("POST", "/admin/approvals/" + ap_b.id + "/deny", {{"reason", "no transfers"}});
  ASSERT_TRUE(denied);
  ASSERT_EQ(denied->status, 200);
  auto rb = b.readResponse(5000);
  ASSERT_TRUE(rb);
  EXPECT_EQ(rb->status, 403);
  EXPECT_EQ(errorCode(rb->body), "approval_denied");
  EXPECT_EQ(up_.requests(), 1);
}

// The same body sent again is held again: an earlier approval of an identical request is not
// reused (a new hold, a new approval).
TEST_F(Oversight, ARepeatedRequestNeedsANewApproval) {
  start();
  const std::string body = chatBody("gpt-test");
  TestClient c(gw_->port());
  ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", held_key_, body));
  auto first = waitPending(1);
  ASSERT_EQ(first.size(), 1u);
  ASSERT_TRUE(queue().approve(first[0].id, "admin:test", ""));
  auto r1 = c.readResponse(5000);
  ASSERT_TRUE(r1);
  ASSERT_EQ(r1->status, 200);
  ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", held_key_, body));  // same connection
  auto second = waitPending(1);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_NE(second[0].id, first[0].id);
  EXPECT_EQ(second[0].digest, first[0].digest);
  EXPECT_EQ(up_.requests(), 1);
  ASSERT_TRUE(queue().deny(second[0].id, "admin:test", "once was enough"));
  auto r2 = c.readResponse(5000);
  ASSERT_TRUE(r2);
  EXPECT_EQ(r2->status, 403);
  EXPECT_EQ(up_.requests(), 1);
}

TEST_F(Oversight, APendingHoldSurvivesARestart) {
  TempDir data;
  std::string id, digest;
  {
    start({.data_dir = data.path()});
    TestClient c(gw_->port());
    ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", held_key_, chatBody("gpt-test")));
    const auto pending = waitPending(1);
    ASSERT_EQ(pending.size(), 1u);
    id = pending[0].id;
    digest = pending[0].digest;
    gw_.reset();  // the gateway goes away with the hold still pending (its client still there)
  }
  start({.data_dir = data.path()});
  const auto pending = queue().pending();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_EQ(pending[0].id, id);
  EXPECT_EQ(pending[0].digest, digest);
  EXPECT_EQ(pending[0].tenant, "held");
  ASSERT_EQ(pending[0].rules.size(), 1u);
  EXPECT_EQ(pending[0].rules[0].first, "TEST-HOLD-1");
  auto list = admin("GET", "/admin/approvals");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->status, 200);
  const auto listed = parseJson(list->body);
  ASSERT_EQ(listed["pending"].size(), 1u);
  EXPECT_EQ(listed["pending"][0]["id"], id);
  // It can still be decided (it wakes nobody: that client is gone).
  auto denied = admin("POST", "/admin/approvals/" + id + "/deny", {{"reason", "stale"}});
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 200) << denied->body;
  EXPECT_EQ(queue().pendingCount(), 0u);
}

// The console's inbox: the admin SSE stream shows a new hold at once, then its decision; roles
// are enforced on the real admin listener (a viewer cannot decide, an approver cannot stop).
TEST_F(Oversight, TheApprovalsStreamShowsNewHoldsAndRolesAreEnforced) {
  start();
  const auto viewer = gw_->adminTokens().create(admin::Role::kViewer, "watcher");
  const auto approver = gw_->adminTokens().create(admin::Role::kApprover, "reviewer");
  ASSERT_TRUE(viewer.ok() && approver.ok());
  TestClient inbox(gw_->adminPort());
  ASSERT_TRUE(inbox.sendRequest("GET", "/admin/approvals/stream", viewer.value(), ""));
  auto head = inbox.readHead(3000);
  ASSERT_TRUE(head);
  ASSERT_EQ(head->status, 200);
  EXPECT_EQ(head->header("content-type").rfind("text/event-stream", 0), 0u);

  TestClient c(gw_->port());
  ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", held_key_, chatBody("gpt-test")));
  std::string seen;
  auto readUntil = [&](const std::string& what) {
    const auto until = SteadyClock::now() + std::chrono::seconds(3);
    while (seen.find(what) == std::string::npos && SteadyClock::now() < until) {
      auto chunk = inbox.readChunk(1000);
      if (chunk) seen += *chunk;
    }
    return seen.find(what) != std::string::npos;
  };
  ASSERT_TRUE(readUntil("\"submitted\"")) << seen;
  const auto pending = queue().pending();
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_NE(seen.find(pending[0].id), std::string::npos);
  EXPECT_NE(seen.find("TEST-HOLD-1"), std::string::npos);

  const std::string approve_path = "/admin/approvals/" + pending[0].id + "/approve";
  auto by_viewer = TestClient::request(gw_->adminPort(), "POST", approve_path, viewer.value(), "{}");
  ASSERT_TRUE(by_viewer);
  EXPECT_EQ(by_viewer->status, 403) << by_viewer->body;
  auto no_token = TestClient::request(gw_->adminPort(), "POST", approve_path, "", "{}");
  ASSERT_TRUE(no_token);
  EXPECT_EQ(no_token->status, 401) << no_token->body;
  auto stop_by_approver = TestClient::request(gw_->adminPort(), "POST", "/admin/stop", approver.value(),
                                              R"({"scope":"global","reason":"not mine to stop"})");
  ASSERT_TRUE(stop_by_approver);
  EXPECT_EQ(stop_by_approver->status, 403) << stop_by_approver->body;
  EXPECT_TRUE(gw_->setup().stops().active().empty());
  EXPECT_EQ(queue().pendingCount(), 1u);

  auto by_approver = TestClient::request(gw_->adminPort(), "POST", approve_path, approver.value(), R"({"reason":"ok"})");
  ASSERT_TRUE(by_approver);
  ASSERT_EQ(by_approver->status, 200) << by_approver->body;
  auto r = c.readResponse(5000);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  ASSERT_TRUE(readUntil("\"consumed\"")) << seen;
  EXPECT_NE(seen.find("\"approved\""), std::string::npos);
  EXPECT_NE(seen.find("reviewer"), std::string::npos);  // the approver is named
}

// A client that leaves withdraws its approval (streaming or not): no reviewer is asked to decide
// a request nobody waits for.
TEST_F(Oversight, AClientThatLeavesWithdrawsItsApproval) {
  start();
  {
    TestClient c(gw_->port());
    ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", held_key_, chatBody("gpt-test", true)));
    auto head = c.readHead(3000);
    ASSERT_TRUE(head);
    ASSERT_EQ(waitPending(1).size(), 1u);
  }  // the client leaves
  auto waitNonePending = [&] {
    const auto until = SteadyClock::now() + std::chrono::seconds(2);
    while (queue().pendingCount() > 0 && SteadyClock::now() < until)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return queue().pendingCount() == 0;
  };
  EXPECT_TRUE(waitNonePending());
  TestClient plain(gw_->port());
  ASSERT_TRUE(plain.sendRequest("POST", "/v1/chat/completions", held_key_, chatBody("gpt-test")));
  ASSERT_EQ(waitPending(1).size(), 1u);
  plain.close();
  EXPECT_TRUE(waitNonePending());
  const auto recent = queue().recent(5);
  EXPECT_EQ(recent.size(), 2u);
  for (const auto& r : recent) EXPECT_EQ(r.state, oversight::ApprovalState::kExpired);
}

// ---- the stop switch ------------------------------------------------------------------------

// A request held before a tenant stop and approved after it does not reach the upstream.
TEST_F(Oversight, AStopSetDuringAHoldWinsOverTheApproval) {
  start();
  TestClient c(gw_->port());
  ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", held_key_, chatBody("gpt-test")));
  const auto pending = waitPending(1);
  ASSERT_EQ(pending.size(), 1u);
  // (A global stop happens to be caught by the per-upstream check after the hold; a tenant or
  // model stop is not.)
  ASSERT_TRUE(gw_->setup().stops().stop(oversight::StopScope::kTenant, "held", "incident 43", "admin:test"));
  ASSERT_TRUE(queue().approve(pending[0].id, "admin:test", "approved before anyone saw the stop"));
  auto r = c.readResponse(5000);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503) << r->body;
  EXPECT_EQ(errorCode(r->body), "stopped_by_operator");
  EXPECT_EQ(up_.requests(), 0);
}

// A held stream (the client has its 200 and keep-alives) ends at a stop, like a live one.
TEST_F(Oversight, AStopEndsAHeldStream) {
  start();
  TestClient c(gw_->port());
  ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", held_key_, chatBody("gpt-test", true)));
  auto head = c.readHead(3000);
  ASSERT_TRUE(head);
  ASSERT_EQ(head->status, 200);
  const auto t_stop = SteadyClock::now();
  ASSERT_TRUE(gw_->setup().stops().stop(oversight::StopScope::kTenant, "held", "incident 44", "admin:test"));
  const auto rest = readRest(c, 2000);
  EXPECT_LT(millisSince(t_stop), 1000);
  ASSERT_TRUE(rest.ended) << rest.body;
  const auto data = sseData(rest.body);
  ASSERT_EQ(data.size(), 2u) << rest.body;
  EXPECT_EQ(parseJson(data[0])["error"]["code"], "stopped_by_operator");
  EXPECT_EQ(data[1], "[DONE]");
}

struct StopCase {
  const char* name;
  const char* scope;
  const char* value;
};

class OversightStop : public Oversight, public ::testing::WithParamInterface<StopCase> {};

TEST_P(OversightStop, EndsALiveStreamRefusesNewRequestsAndResumes) {
  const auto& param = GetParam();
  start();
  up_.setBehaviour(Behaviour::kSlowDrip);
  up_.setDrip(100, 100);  // 10 s of events unless stopped
  TestClient c(gw_->port());
  ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", gw_->key(), chatBody("gpt-test", true)));
  auto head = c.readHead(3000);
  ASSERT_TRUE(head);
  ASSERT_EQ(head->status, 200);
  auto first = c.readChunk(3000);
  ASSERT_TRUE(first);
  ASSERT_FALSE(sseData(*first).empty()) << *first;

  const auto t_stop = SteadyClock::now();
  auto stopped = admin("POST", "/admin/stop",
                       {{"scope", param.scope}, {"value", param.value}, {"reason", "incident 42"}});
  const long admin_ms = millisSince(t_stop);
  ASSERT_TRUE(stopped);
  ASSERT_EQ(stopped->status, 200) << stopped->body;

  // The open stream ends with an error event and [DONE].
  Chunks rest;
  long error_ms = -1;
  while (true) {
    auto chunk = c.readChunk(3000);
    if (!chunk) break;
    if (chunk->empty()) {
      rest.ended = true;
      break;
    }
    rest.body += *chunk;
    if (error_ms < 0 && chunk->find("stopped_by_operator") != std::string::npos) error_ms = millisSince(t_stop);
  }
  ASSERT_TRUE(rest.ended) << rest.body;
  ASSERT_GE(error_ms, 0) << rest.body;
  std::printf("[ stop %-8s] admin call %ld ms; stop -> error event %ld ms\n", param.scope, admin_ms, error_ms);
  EXPECT_LT(error_ms, 1000);  // the design says 100 ms; a shared CI box gets slack
  const auto data = sseData(rest.body);
  ASSERT_GE(data.size(), 2u);
  EXPECT_EQ(data.back(), "[DONE]");
  const auto ev = parseJson(data[data.size() - 2]);
  ASSERT_TRUE(ev.is_object()) << data[data.size() - 2];
  EXPECT_EQ(ev["error"]["code"], "stopped_by_operator");
  EXPECT_NE(ev["error"]["message"].get<std::string>().find("incident 42"), std::string::npos) << data[data.size() - 2];
  for (size_t i = 0; i + 2 < data.size(); ++i) EXPECT_TRUE(parseJson(data[i]).is_object()) << data[i];
  EXPECT_TRUE(up_.waitFor([&] { return up_.peerClosedEarly() == 1; }, 2000));  // the upstream was let go
  const auto audited = gw_->waitAuditRecord(head->header("x-concord-request-id"));
  ASSERT_TRUE(audited.is_object());
  EXPECT_EQ(audited.value("error", ""), "stopped_by_operator");

  // New requests in the scope are refused at once.
  up_.setBehaviour(Behaviour::kNormal);
  auto refused = TestClient::request(gw_->port(), "POST", "/v1/chat/completions", gw_->key(), chatBody("gpt-test"));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_EQ(errorCode(refused->body), "stopped_by_operator") << refused->body;
  const int upstream_requests = up_.requests();
  EXPECT_EQ(upstream_requests, 1);
  auto list = admin("GET", "/admin/stops");
  ASSERT_TRUE(list);
  const auto stops = parseJson(list->body);
  ASSERT_EQ(stops["stops"].size(), 1u);
  EXPECT_EQ(stops["stops"][0]["scope"], param.scope);

  // Resume restores service.
  auto resumed = admin("POST", "/admin/resume", {{"scope", param.scope}, {"value", param.value}});
  ASSERT_TRUE(resumed);
  ASSERT_EQ(resumed->status, 200) << resumed->body;
  auto served = TestClient::request(gw_->port(), "POST", "/v1/chat/completions", gw_->key(), chatBody("gpt-test"));
  ASSERT_TRUE(served);
  EXPECT_EQ(served->status, 200) << served->body;
  EXPECT_EQ(up_.requests(), 2);

  // Both actions are in the audit trail, with scope, value, reason and who.
  const auto stop_records = auditWithEndpoint("admin.stop");
  ASSERT_EQ(stop_records.size(), 1u);
  const auto stop_detail = parseJson(stop_records[0].value("model", ""));
  EXPECT_EQ(stop_detail["scope"], param.scope);
  EXPECT_EQ(stop_detail["value"], param.value);
  EXPECT_EQ(stop_detail["reason"], "incident 42");
  EXPECT_NE(stop_detail["actor"].get<std::string>().find("tester"), std::string::npos);
  const auto resume_records = auditWithEndpoint("admin.resume");
  ASSERT_EQ(resume_records.size(), 1u);
  EXPECT_EQ(parseJson(resume_records[0].value("model", ""))["scope"], param.scope);
}

INSTANTIATE_TEST_SUITE_P(Oversight, OversightStop,
                         ::testing::Values(StopCase{"global", "global", ""}, StopCase{"tenant", "tenant", "acme"},
                                           StopCase{"model", "model", "gpt-test"},
                                           StopCase{"upstream", "upstream", "alpha"}),
                         [](const auto& info) { return std::string(info.param.name); });

// A stop of another tenant, model or upstream leaves this stream alone.
TEST_F(Oversight, AStopOutOfScopeLeavesTheStreamAlone) {
  start();
  up_.setBehaviour(Behaviour::kSlowDrip);
  up_.setDrip(6, 50);
  TestClient c(gw_->port());
  ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", gw_->key(), chatBody("gpt-test", true)));
  auto head = c.readHead(3000);
  ASSERT_TRUE(head);
  ASSERT_EQ(head->status, 200);
  auto& stops = gw_->setup().stops();
  ASSERT_TRUE(stops.stop(oversight::StopScope::kTenant, "other", "not you", "admin:test"));
  ASSERT_TRUE(stops.stop(oversight::StopScope::kModel, "gpt-other", "not this model", "admin:test"));
  ASSERT_TRUE(stops.stop(oversight::StopScope::kUpstream, "beta", "not this upstream", "admin:test"));
  const auto rest = readRest(c);
  ASSERT_TRUE(rest.ended);
  EXPECT_EQ(rest.body.find("stopped_by_operator"), std::string::npos) << rest.body;
  EXPECT_EQ(sseData(rest.body).back(), "[DONE]");
  EXPECT_EQ(up_.streamsCompleted(), 1);
}


// ---- the real `concord serve`: admin actions audited by its own wiring, kill -9 and restart --

// One `concord serve` child; stdout read for "listening <port>", stderr kept.
class Serve {
 public:
  explicit Serve(const std::string& config_path) {
    int out[2];
    if (::pipe2(out, O_CLOEXEC) != 0) return;
    log_ = config_path + ".stderr";
    pid_ = ::fork();
    if (pid_ == 0) {
      ::dup2(out[1], 1);
      const int err = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
      if (err >= 0) ::dup2(err, 2);
      ::execl(CONCORD_BINARY, "concord", "serve", "-c", config_path.c_str(), "--port", "0",
              static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(out[1]);
    out_fd_ = out[0];
  }
  ~Serve() {
    if (pid_ > 0 && !exited_) kill(SIGKILL);
    if (pid_ > 0 && !exited_) waitExit(5000);
    if (out_fd_ >= 0) ::close(out_fd_);
  }
  uint16_t waitListening(int timeout_ms) {
    std::string line;
    const auto until = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
    while (SteadyClock::now() < until) {
      pollfd p{out_fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      char c;
      if (::read(out_fd_, &c, 1) != 1) return 0;
      if (c != '\n') {
        line += c;
        continue;
      }
      if (line.starts_with("listening ")) return static_cast<uint16_t>(std::stoi(line.substr(10)));
      line.clear();
    }
    return 0;
  }
  std::string stderrText() const {
    std::ifstream in(log_);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  void kill(int sig) { ::kill(pid_, sig); }
  // Exit code; -1 if still running at the deadline; -2 - signal if killed.
  int waitExit(int timeout_ms) {
    const auto until = SteadyClock::now() + std::chrono::milliseconds(timeout_ms);
    while (SteadyClock::now() < until) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -2 - WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  int out_fd_ = -1;
  bool exited_ = false;
  std::string log_;
};

std::vector<nlohmann::json> waitAudit(const std::string& dir, const std::string& endpoint, size_t n) {
  std::vector<nlohmann::json> out;
  for (int i = 0; i < 300; ++i) {
    out.clear();
    for (auto& r : readAuditRecords(dir))
      if (r.value("endpoint", "") == endpoint) out.push_back(r);
    if (out.size() >= n) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return out;
}

TEST(OversightServe, StopIsAuditedAndHoldsAndStopsSurviveKillNine) {
  FakeUpstream up("alpha");
  TempDir dir;
  std::ofstream(dir.file("hold.yaml")) << kHoldPack;
  GatewayOptions o;
  o.upstreams = {{.name = "alpha", .base_url = up.baseUrl(), .models = {"gpt-test"}}};
  o.policy_vocabulary = std::string(CONCORD_SOURCE_DIR) + "/packs/vocabulary.yaml";
  o.policy_packs = {dir.file("hold.yaml")};
  o.keepalive_ms = 100;
  o.shutdown_grace_ms = 500;
  const std::string data_dir = dir.file("data");
  const uint16_t admin_port = closedPort();
  std::ofstream(dir.file("concord.yaml"))
      << configYaml(o, data_dir) << "admin:\n  port: " << admin_port << "\n  console_dir: " << dir.path() << "\n";
  std::string acme, held, token;
  {
    std::filesystem::create_directories(data_dir);
    auto keys = store::KeyStore::open(data_dir + "/concord.db", SystemClock::instance());
    ASSERT_TRUE(keys) << keys.error().message;
    acme = keys.value()->create({.tenant = "acme"}).value();
    held = keys.value()->create({.tenant = "held"}).value();
    auto tokens = admin::AdminTokens::open(data_dir + "/concord.db", SystemClock::instance());
    ASSERT_TRUE(tokens) << tokens.error().message;
    token = tokens.value()->create(admin::Role::kAdmin, "oncall").value();
  }
  auto adminCall = [&](const std::string& method, const std::string& path, const std::string& body) {
    return TestClient::request(admin_port, method, path, token, body);
  };
  const std::string audit_dir = data_dir + "/audit";
  std::string approval_id;
  {
    Serve serve(dir.file("concord.yaml"));
    const uint16_t port = serve.waitListening(15000);
    ASSERT_NE(port, 0) << serve.stderrText();
    TestClient c(port);
    ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", held, chatBody("gpt-test")));
    nlohmann::json listed;
    for (int i = 0; i < 300; ++i) {
      auto r = adminCall("GET", "/admin/approvals", "");
      if (r && r->status == 200) listed = parseJson(r->body);
      if (listed.is_object() && listed["pending"].size() == 1) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_TRUE(listed.is_object() && listed["pending"].size() == 1) << listed.dump();
    approval_id = listed["pending"][0]["id"];

    auto stopped = adminCall("POST", "/admin/stop", R"({"scope":"tenant","value":"acme","reason":"incident 7"})");
    ASSERT_TRUE(stopped);
    ASSERT_EQ(stopped->status, 200) << stopped->body;
    auto refused = TestClient::request(port, "POST", "/v1/chat/completions", acme, chatBody("gpt-test"));
    ASSERT_TRUE(refused);
    EXPECT_EQ(refused->status, 503);
    EXPECT_EQ(errorCode(refused->body), "stopped_by_operator");
    // Written by serve's own wiring (serve_command.cc), read back from the segment files.
    const auto stops = waitAudit(audit_dir, "admin.stop", 1);
    ASSERT_EQ(stops.size(), 1u);
    const auto detail = parseJson(stops[0].value("model", ""));
    EXPECT_EQ(detail["scope"], "tenant");
    EXPECT_EQ(detail["value"], "acme");
    EXPECT_EQ(detail["reason"], "incident 7");
    EXPECT_NE(stops[0].value("tenant", "").find("oncall"), std::string::npos) << stops[0].dump();
    serve.kill(SIGKILL);  // a crash with a hold pending and a stop set
    EXPECT_EQ(serve.waitExit(5000), -2 - SIGKILL);
  }
  {
    Serve serve(dir.file("concord.yaml"));
    const uint16_t port = serve.waitListening(15000);
    ASSERT_NE(port, 0) << serve.stderrText();
    auto list = adminCall("GET", "/admin/approvals", "");
    ASSERT_TRUE(list);
    ASSERT_EQ(list->status, 200) << list->body;
    const auto listed = parseJson(list->body);
    ASSERT_EQ(listed["pending"].size(), 1u) << list->body;
    EXPECT_EQ(listed["pending"][0]["id"], approval_id);
    EXPECT_EQ(listed["pending"][0]["rules"][0]["id"], "TEST-HOLD-1");
    // The stop survived too; resume it, and the tenant is served again.
    auto still = TestClient::request(port, "POST", "/v1/chat/completions", acme, chatBody("gpt-test"));
    ASSERT_TRUE(still);
    EXPECT_EQ(still->status, 503);
    auto resumed = adminCall("POST", "/admin/resume", R"({"scope":"tenant","value":"acme"})");
    ASSERT_TRUE(resumed);
    ASSERT_EQ(resumed->status, 200) << resumed->body;
    auto served = TestClient::request(port, "POST", "/v1/chat/completions", acme, chatBody("gpt-test"));
    ASSERT_TRUE(served);
    EXPECT_EQ(served->status, 200) << served->body;
    EXPECT_EQ(waitAudit(audit_dir, "admin.resume", 1).size(), 1u);
    // The reloaded hold can still be decided; it wakes nobody.
    auto denied = adminCall("POST", "/admin/approvals/" + approval_id + "/deny", R"({"reason":"stale after the crash"})");
    ASSERT_TRUE(denied);
    EXPECT_EQ(denied->status, 200) << denied->body;
    EXPECT_EQ(waitAudit(audit_dir, "admin.approval_decided", 1).size(), 1u);

    // A clean stop with a request held in this process.
    TestClient c(port);
    ASSERT_TRUE(c.sendRequest("POST", "/v1/chat/completions", held, chatBody("gpt-test")));
    for (int i = 0; i < 300; ++i) {
      auto r = adminCall("GET", "/admin/approvals", "");
      if (r && parseJson(r->body)["pending"].size() == 1) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    serve.kill(SIGTERM);
    const int code = serve.waitExit(10000);
    std::printf("[ serve SIGTERM with a hold pending ] exit %d\n", code);
    RecordProperty("sigterm_exit_with_hold", code);
  }
}

}  // namespace
}  // namespace concord::testing
