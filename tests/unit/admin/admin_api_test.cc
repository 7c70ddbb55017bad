// AdminApi: authentication and roles, approvals (list, approve, deny, stream), stop/resume,
// keys, packs, crosswalk/consensus over the repository's packs, figures, audit query/record/
// verify over a real audit log, and the console's static files.
#include "admin/admin_api.h"

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <fstream>

#include "audit/audit_log.h"

namespace concord::admin {
namespace {

namespace asio = boost::asio;

std::shared_ptr<const policy::Program> repoProgram() {
  static std::shared_ptr<const policy::Program> program = [] {
    policy::LoadOptions lo;
    lo.vocabulary_path = std::string(CONCORD_SOURCE_DIR) + "/packs/vocabulary.yaml";
    lo.pack_paths = {std::string(CONCORD_SOURCE_DIR) + "/packs"};
    auto p = policy::loadProgram(lo);
    EXPECT_TRUE(p.ok()) << (p.ok() ? "" : p.error().message);
    return p.ok() ? *p : nullptr;
  }();
  return program;
}

class AdminApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("concord-admin-api-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    const std::string db = (dir_ / "concord.db").string();
    keys_ = std::move(store::KeyStore::open(db, clock_).value());
    tokens_ = std::move(AdminTokens::open(db, clock_).value());
    queue_ = std::move(oversight::ApprovalQueue::open(db, clock_).value());
    stops_ = std::move(oversight::StopSwitch::open(db, clock_).value());
    viewer_ = "Bearer " + *tokens_->create(Role::kViewer, "vera");
    approver_ = "Bearer " + *tokens_->create(Role::kApprover, "alice");
    admin_ = "Bearer " + *tokens_->create(Role::kAdmin, "root");
    makeApi({});
  }
  void TearDown() override {
    api_.reset();
    std::filesystem::remove_all(dir_);
  }
  void makeApi(AdminApiOptions o) {
    if (o.console_dir == "console/dist") o.console_dir = (dir_ / "dist").string();
    o.stream_poll_ms = 5;
    o.on_event = [this](std::string_view name, const nlohmann::json& d) {
      events_.push_back(std::string(name) + " " + d.dump());
    };
    api_ = std::make_unique<AdminApi>(*queue_, *stops_, *tokens_, metrics_, *keys_, [] { return repoProgram(); },
                                      std::move(o));
  }
  Reply call(std::string method, std::string target, const std::string& auth, std::string body = {}) {
    http::Request r;
    r.method = std::move(method);
    r.target = std::move(target);
    r.authorization = auth;
    r.body = std::move(body);
    return api_->dispatch(r);
  }
  nlohmann::json json(const Reply& r) { return nlohmann::json::parse(r.body); }
  std::string submit(std::function<void(oversight::Resolution)> cb = [](oversight::Resolution) {}) {
    oversight::ApprovalRequest a;
    a.tenant = "acme";
    a.key_id = "k3f9q2mz7a4x";
    a.endpoint = "chat.completions";
    a.model = "gpt-4o";
    a.rules = {{"EU-AIA-14", "AI Act Art. 14"}};
    a.digest = oversight::sha256Hex("body");
    a.preview = "user: decide on applicant [REDACTED:person]";
    a.expires_us = clock_.nowMicros() + 60'000'000;
    return *queue_->submit(a, std::move(cb));
  }

  std::filesystem::path dir_;
  FakeClock clock_;
  Metrics metrics_;
  std::unique_ptr<store::KeyStore> keys_;
  std::unique_ptr<AdminTokens> tokens_;
  std::unique_ptr<oversight::ApprovalQueue> queue_;
  std::unique_ptr<oversight::StopSwitch> stops_;
  std::unique_ptr<AdminApi> api_;
  std::string viewer_, approver_, admin_;
  std::vector<std::string> events_;
};

TEST_F(AdminApiTest, TokensAndRolesAreEnforced) {
  auto r = call("GET", "/admin/approvals", "");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(json(r)["error"]["code"], "admin.invalid_token");
  EXPECT_EQ(call("GET", "/admin/approvals", "Bearer concord-admin-nope").status, 401);
  EXPECT_EQ(call("GET", "/admin/approvals", viewer_).status, 200);
  r = call("POST", "/admin/stop", approver_, R"({"scope":"global","reason":"x"})");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(json(r)["error"]["code"], "insufficient_role");
  EXPECT_EQ(call("POST", "/admin/approvals/ap-1/approve", viewer_).status, 403);
  EXPECT_EQ(call("GET", "/admin/tokens", approver_).status, 403);
  auto who = json(call("GET", "/admin/whoami", approver_));
  EXPECT_EQ(who["role"], "approver");
  EXPECT_EQ(who["label"], "alice");
  EXPECT_EQ(call("GET", "/admin/nothing", admin_).status, 404);
  EXPECT_EQ(call("DELETE", "/admin/stops", admin_).status, 405);
}

TEST_F(AdminApiTest, ApproveWakesTheWaitingExchange) {
  std::optional<oversight::Resolution> seen;
  const auto id = submit([&](oversight::Resolution r) { seen = r; });
  auto list = json(call("GET", "/admin/approvals", viewer_));
  ASSERT_EQ(list["pending"].size(), 1u);
  EXPECT_EQ(list["pending"][0]["id"], id);
  EXPECT_EQ(list["pending"][0]["rules"][0]["cite"], "AI Act Art. 14");
  EXPECT_EQ(json(call("GET", "/admin/approvals/" + id, viewer_))["state"], "pending");

  auto r = call("POST", "/admin/approvals/" + id + "/approve", approver_, R"({"reason":"checked the file"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(json(r)["state"], "approved");
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->outcome, oversight::Outcome::kApproved);
  EXPECT_NE(seen->approver.find("(alice)"), std::string::npos);
  EXPECT_EQ(seen->reason, "checked the file");
  ASSERT_EQ(events_.size(), 1u);
  EXPECT_NE(events_[0].find("approval_decided"), std::string::npos);

  EXPECT_EQ(call("POST", "/admin/approvals/" + id + "/deny", approver_, R"({"reason":"late"})").status, 409);
  list = json(call("GET", "/admin/approvals", viewer_));
  EXPECT_TRUE(list["pending"].empty());
  EXPECT_EQ(list["recent"][0]["state"], "approved");
}

TEST_F(AdminApiTest, DenyNeedsAReason) {
  std::optional<oversight::Resolution> seen;
  const auto id = submit([&](oversight::Resolution r) { seen = r; });
  EXPECT_EQ(call("POST", "/admin/approvals/" + id + "/deny", approver_, "{}").status, 400);
  EXPECT_EQ(call("POST", "/admin/approvals/" + id + "/deny", approver_, "not json").status, 400);
  EXPECT_FALSE(seen.has_value());
  auto r = call("POST", "/admin/approvals/" + id + "/deny", approver_, R"({"reason":"unknown recipient"})");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(seen->outcome, oversight::Outcome::kDenied);
  EXPECT_EQ(seen->reason, "unknown recipient");
  EXPECT_EQ(call("POST", "/admin/approvals/ap-0000000000000000/approve", approver_).status, 404);
}

TEST_F(AdminApiTest, StopAndResume) {
  auto r = call("POST", "/admin/stop", admin_, R"({"scope":"tenant","value":"acme","reason":"incident 7"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(stops_->stopped("acme", "m", ""));
  auto list = json(call("GET", "/admin/stops", viewer_));
  ASSERT_EQ(list["stops"].size(), 1u);
  EXPECT_EQ(list["stops"][0]["reason"], "incident 7");
  EXPECT_NE(list["stops"][0]["who"].get<std::string>().find("(root)"), std::string::npos);
  EXPECT_EQ(call("POST", "/admin/stop", admin_, R"({"scope":"planet","reason":"x"})").status, 400);
  EXPECT_EQ(call("POST", "/admin/stop", admin_, R"({"scope":"model","reason":"x"})").status, 400);
  EXPECT_EQ(call("POST", "/admin/resume", admin_, R"({"scope":"tenant","value":"acme"})").status, 200);
  EXPECT_FALSE(stops_->stopped("acme", "m", ""));
  EXPECT_EQ(call("POST", "/admin/resume", admin_, R"({"scope":"tenant","value":"acme"})").status, 409);
  ASSERT_EQ(events_.size(), 2u);
  EXPECT_EQ(events_[0].rfind("stop ", 0), 0u);
  EXPECT_EQ(events_[1].rfind("resume ", 0), 0u);
}

TEST_F(AdminApiTest, KeysListsNoSecrets) {
  store::NewKey k;
  k.tenant = "acme";
  auto plain = keys_->create(k);
  ASSERT_TRUE(plain.ok());
  auto r = call("GET", "/admin/keys", viewer_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(json(r)["keys"][0]["tenant"], "acme");
  EXPECT_EQ(r.body.find(plain->substr(plain->rfind('-') + 1)), std::string::npos);
}

TEST_F(AdminApiTest, PacksCarryCitations) {
  ASSERT_NE(repoProgram(), nullptr);
  auto j = json(call("GET", "/admin/packs", viewer_));
  bool found = false;
  for (const auto& p : j["packs"])
    for (const auto& r : p["rules"])
      if (r["id"] == "EU-AIA-14.4") {
        found = true;
        EXPECT_EQ(r["action"], "hold");
        EXPECT_NE(r["cite"].get<std::string>().find("Art. 14"), std::string::npos);
      }
  EXPECT_TRUE(found);
}

TEST_F(AdminApiTest, CrosswalkMarksTheConflictingCells) {
  auto r = call("GET", "/admin/crosswalk?jurisdictions=EU,CN,US-CA", viewer_);
  ASSERT_EQ(r.status, 200) << r.body;
  auto j = json(r);
  EXPECT_EQ(j["jurisdictions"].size(), 3u);
  int irreconcilable_cells = 0;
  for (const auto& row : j["concepts"]) {
    for (const auto& [jur, cell] : row["cells"].items()) {
      if (cell["conflict"] == "irreconcilable") ++irreconcilable_cells;
      if (cell["status"] == "not required") EXPECT_EQ(cell["conflict"], "") << row["concept"] << " " << jur;
    }
    if (row["concept"] == "procurement.neutrality") {
      EXPECT_EQ(row["conflict"], "irreconcilable");
      EXPECT_EQ(row["cells"]["CN"]["conflict"], "irreconcilable");
      EXPECT_EQ(row["cells"]["US-CA"]["conflict"], "irreconcilable");
    }
  }
  EXPECT_GE(irreconcilable_cells, 2);
  EXPECT_EQ(call("GET", "/admin/crosswalk?jurisdictions=", viewer_).status, 400);
  EXPECT_EQ(call("GET", "/admin/crosswalk?jurisdictions=EU;x", viewer_).status, 400);
}

TEST_F(AdminApiTest, ConsensusReportsWhetherOneProfileFits) {
  auto j = json(call("GET", "/admin/consensus?jurisdictions=EU,CN,US-CA", viewer_));
  EXPECT_FALSE(j["ok"].get<bool>());
  EXPECT_FALSE(j["conflicts"].empty());
  auto eu = json(call("GET", "/admin/consensus?jurisdictions=EU", viewer_));
  EXPECT_TRUE(eu["ok"].get<bool>());
  EXPECT_GT(eu["rules"].get<int>(), 0);
  EXPECT_NE(eu["pack_yaml"].get<std::string>().find("rules"), std::string::npos);
}

TEST_F(AdminApiTest, FiguresComeFromTheMetrics) {
  metrics_.countRequest("chat.completions", 200, "openai", "acme");
  metrics_.countRequest("chat.completions", 200, "openai", "acme");
  metrics_.countRequest("chat.completions", 403, "", "acme");
  metrics_.count("concord_rule_hits_total", "rule=\"EU-AIA-50\"", 5);
  metrics_.count("concord_rule_hits_total", "rule=\"CN-LBL-1\"", 7);
  metrics_.overhead_latency.observe(40);
  metrics_.overhead_latency.observe(300);
  (void)submit();
  auto j = json(call("GET", "/admin/figures", viewer_));
  EXPECT_EQ(j["requests_total"], 3);
  EXPECT_EQ(j["by_status"]["200"], 2);
  EXPECT_EQ(j["by_status"]["403"], 1);
  EXPECT_EQ(j["by_tenant"]["acme"], 3);
  EXPECT_EQ(j["top_rules"][0]["rule"], "CN-LBL-1");
  EXPECT_EQ(j["latency_us"]["overhead_p99"], 500);
  EXPECT_EQ(j["pending_approvals"], 1);
}

TEST_F(AdminApiTest, AuditQueryRecordAndVerifyOverARealLog) {
  EXPECT_EQ(call("GET", "/admin/audit/query", viewer_).status, 501);  // no audit dir configured
  const std::string audit_dir = (dir_ / "audit").string();
  {
    audit::AuditOptions o;
    o.dir = audit_dir;
    o.signing_key_path = (dir_ / "audit-signing.key").string();
    auto log = audit::AuditLog::open(o, audit::PosixFileSystem::instance(), SystemClock::instance());
    ASSERT_TRUE(log.ok()) << log.error().message;
    for (const char* tenant : {"acme", "globex", "acme"}) {
      audit::AuditRecord rec;
      rec.exchange_id = std::string("cx-") + tenant;
      rec.tenant = tenant;
      rec.action = "allow";
      rec.status = 200;
      ASSERT_TRUE((*log)->append(std::move(rec), nullptr));
    }
    (*log)->close();
  }
  AdminApiOptions o;
  o.audit_dir = audit_dir;
  o.audit_pubkeys = {(dir_ / "audit-signing.key.pub").string()};
  makeApi(o);
  auto q = call("GET", "/admin/audit/query?tenant=acme", viewer_);
  ASSERT_EQ(q.status, 200) << q.body;
  auto records = json(q)["records"];
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0]["tenant"], "acme");
  EXPECT_EQ(call("GET", "/admin/audit/query?from=yesterday", viewer_).status, 400);

  const auto seq = records[0]["seq"].get<uint64_t>();
  auto rec = call("GET", "/admin/audit/records/" + std::to_string(seq), viewer_);
  ASSERT_EQ(rec.status, 200) << rec.body;
  EXPECT_EQ(json(rec)["record"]["tenant"], "acme");
  EXPECT_EQ(call("GET", "/admin/audit/records/999999", viewer_).status, 404);

  auto v = call("POST", "/admin/audit/verify", viewer_, "{}");
  ASSERT_EQ(v.status, 200) << v.body;
  auto vj = json(v);
  EXPECT_TRUE(vj["ok"].get<bool>()) << vj.dump(2);
  EXPECT_GE(vj["records"].get<int>(), 3);

  // Change one byte of a segment: verify must see it.
  for (const auto& e : std::filesystem::directory_iterator(audit_dir)) {
    if (e.path().extension() != ".log" && e.path().filename().string().find("seg") == std::string::npos) continue;
    std::fstream f(e.path(), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(std::filesystem::file_size(e.path()) / 2);
    f.put('#');
  }
  vj = json(call("POST", "/admin/audit/verify", viewer_, "{}"));
  EXPECT_FALSE(vj["ok"].get<bool>());
  EXPECT_FALSE(vj["problems"].empty());
}

TEST_F(AdminApiTest, ConsoleFilesAreServedWithACsp) {
  auto missing = call("GET", "/", "");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(json(missing)["error"]["code"], "console_not_built");
  std::filesystem::create_directories(dir_ / "dist" / "assets");
  std::ofstream(dir_ / "dist" / "index.html") << "<!doctype html><title>Concord</title>";
  std::ofstream(dir_ / "dist" / "assets" / "app.js") << "console.log(1)";
  auto index = call("GET", "/", "");
  ASSERT_EQ(index.status, 200);
  EXPECT_EQ(index.content_type, "text/html; charset=utf-8");
  EXPECT_NE(index.body.find("Concord"), std::string::npos);
  bool csp = false;
  for (const auto& [n, v] : index.headers) csp = csp || (n == "Content-Security-Policy" && v.find("'self'") != std::string::npos);
  EXPECT_TRUE(csp);
  EXPECT_EQ(call("GET", "/console/assets/app.js", "").content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(call("GET", "/console/../concord.db", "").status, 404);
}

// A sink that records what the stream writes and can pretend the client left.
class RecordingSink final : public http::ResponseSink {
 public:
  std::function<bool(const std::string&)> on_chunk;  // false: the client is gone
  std::vector<std::string> chunks;
  int status = 0;
  bool ended = false;
  asio::awaitable<bool> send(int s, std::span<const http::Header>, std::string_view body) override {
    status = s;
    chunks.emplace_back(body);
    co_return true;
  }
  asio::awaitable<bool> beginStream(int s, std::span<const http::Header>) override {
    status = s;
    co_return true;
  }
  asio::awaitable<bool> sendChunk(std::string_view data) override {
    chunks.emplace_back(data);
    co_return on_chunk ? on_chunk(chunks.back()) : true;
  }
  asio::awaitable<bool> endStream() override {
    ended = true;
    co_return true;
  }
  bool started() const override { return status != 0; }
  void closeAfterResponse() override {}
  void watchClientGone(std::function<void()>) override {}
};

TEST_F(AdminApiTest, StreamDeliversNewApprovalsAndEndsWhenTheClientLeaves) {
  asio::io_context io;
  RecordingSink sink;
  std::string id;
  sink.on_chunk = [&](const std::string& chunk) {
    if (chunk.starts_with(": connected")) {
      // Submitted from another thread, as the gateway's worker would.
      std::thread([&] { id = submit(); }).join();
      return true;
    }
    return chunk.find("event: approval") == std::string::npos;  // leave after the first event
  };
  http::Request req;
  req.method = "GET";
  req.target = "/admin/approvals/stream";
  req.authorization = viewer_;
  bool done = false;
  asio::co_spawn(io, [&]() -> asio::awaitable<void> {
    co_await api_->handle(req, sink);
    done = true;
  }, asio::detached);
  io.run_for(std::chrono::seconds(5));
  ASSERT_TRUE(done);
  EXPECT_EQ(sink.status, 200);
  ASSERT_GE(sink.chunks.size(), 2u);
  const auto& event = sink.chunks.back();
  EXPECT_EQ(event.rfind("event: approval\ndata: ", 0), 0u);
  const auto data = nlohmann::json::parse(event.substr(event.find("data: ") + 6, event.find("\n\n") - event.find("data: ") - 6));
  EXPECT_EQ(data["event"], "submitted");
  EXPECT_EQ(data["approval"]["id"], id);
  EXPECT_EQ(api_->openStreams(), 0);
}

TEST_F(AdminApiTest, StreamNeedsAToken) {
  asio::io_context io;
  RecordingSink sink;
  http::Request req;
  req.method = "GET";
  req.target = "/admin/approvals/stream";
  asio::co_spawn(io, api_->handle(req, sink), asio::detached);
  io.run_for(std::chrono::seconds(2));
  EXPECT_EQ(sink.status, 401);
}

TEST_F(AdminApiTest, ShutdownEndsOpenStreams) {
  asio::io_context io;
  RecordingSink sink;
  http::Request req;
  req.method = "GET";
  req.target = "/admin/approvals/stream";
  req.authorization = viewer_;
  sink.on_chunk = [&](const std::string&) {
    api_->shutdown();
    return true;
  };
  asio::co_spawn(io, api_->handle(req, sink), asio::detached);
  io.run_for(std::chrono::seconds(2));
  EXPECT_TRUE(sink.ended);
  EXPECT_EQ(api_->openStreams(), 0);
}

}  // namespace
}  // namespace concord::admin
