// Audit content modes through the real listener: an organisation's pack asks `log` with content
// redacted or hash; the detectors run; the record read back from the audit segments carries the
// redacted text or the hashes, and no byte of the audit directory holds the e-mail address or
// the key from the prompt, nor the e-mail address the upstream put in its answer.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "audit/exporter.h"
#include "audit/hashing.h"
#include "fake_upstream.h"
#include "gateway_fixture.h"
#include "proxy/policy_decide.h"
#include "test_client.h"
#include "test_util.h"

namespace concord::testing {
namespace {

const std::string kRepo = CONCORD_SOURCE_DIR;
const std::string kEmail = "jane.doe@example.com";
const std::string kKey = "AKIAIOSFODNN7EXAMPLE";
const std::string kAnswerEmail = "ops@example.com";  // the fake upstream answers "Hello from <name>"

std::string logPack(const std::string& content) {
  return "pack: { id: org-audit, jurisdiction: ORG, instrument: 'Org audit policy', version: '1', severity: binding }\n"
         "rules:\n"
         "  - id: ORG-LOG-1\n"
         "    cite: 'Org audit policy s. 1'\n"
         "    concept: logging.events\n"
         "    effective: { from: 2020-01-01 }\n"
         "    confidence: V\n"
         "    status: in_force\n"
         "    enforced_by: gateway\n"
         "    mode: runtime\n"
         "    when: { request.endpoint: [chat.completions, completions, responses] }\n"
         "    then:\n"
         "      action: log\n"
         "      content: " + content + "\n";
}

// The gateway with detectors on (compiled once for the suite: it takes seconds); usePolicy swaps
// its snapshot for one whose decide step runs the organisation's pack, as a reload would.
class AuditContentGateway {
 public:
  AuditContentGateway() : up_(kAnswerEmail), gw_(options(up_)) {}

  void usePolicy(const std::string& content) {
    std::ofstream(packs_.file("org-audit.yaml")) << logPack(content);
    auto& gateway = gw_.setup().gateway();
    const auto current = gateway.snapshot();
    auto config = std::make_shared<config::Config>(*current->config);
    config->policy.vocabulary = kRepo + "/packs/vocabulary.yaml";
    config->policy.packs = {packs_.file("org-audit.yaml")};
    auto decide = proxy::PolicyDecide::create(*config);
    EXPECT_TRUE(decide.ok()) << decide.error().message;
    if (!decide.ok()) return;
    auto next = std::make_shared<proxy::Snapshot>();
    next->config = config;
    next->program = decide.value()->program();
    next->router = std::make_unique<proxy::Router>(*config);
    next->steps = current->steps;
    next->steps.decide = decide.value();
    next->upstream_keys = current->upstream_keys;
    next->generation = current->generation + 1;
    gateway.swap(next);
  }

  GatewayFixture& gw() { return gw_; }

  // Every byte the audit directory holds (segments, checkpoints, the index if any).
  std::string allAuditBytes() {
    std::string all;
    for (const auto& e : std::filesystem::recursive_directory_iterator(gw_.setup().gateway().snapshot()->config->audit.dir)) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      all += ss.str();
    }
    return all;
  }

 private:
  static GatewayOptions options(const FakeUpstream& up) {
    GatewayOptions o;
    o.upstreams.push_back({.name = "up", .base_url = up.baseUrl(), .models = {"gpt-test"}});
    o.detect = true;
    return o;
  }
  FakeUpstream up_;
  GatewayFixture gw_;
  TempDir packs_;
};

std::string userText() { return "Please mail " + kEmail + " the key " + kKey + " today"; }

std::string chatWithPii(bool stream = false) {
  nlohmann::json j = {{"model", "gpt-test"},
                      {"messages", {{{"role", "system"}, {"content", "You are terse."}},
                                    {{"role", "user"}, {"content", userText()}}}}};
  if (stream) j["stream"] = true;
  return j.dump();
}

// The exchange record of `id` as the audit reader (audit::forEachRecord) gives it back.
nlohmann::json recordOf(GatewayFixture& gw, const std::string& id) {
  const auto rec = gw.waitAuditRecord(id);
  EXPECT_TRUE(rec.is_object()) << "no audit record for " << id;
  return rec;
}

class AuditContent : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { gateway_ = new AuditContentGateway(); }
  static void TearDownTestSuite() {
    delete gateway_;
    gateway_ = nullptr;
  }
  static AuditContentGateway* gateway_;
};
AuditContentGateway* AuditContent::gateway_ = nullptr;

TEST_F(AuditContent, RedactedModeKeepsNoDetectedValueFromPromptOrAnswer) {
  AuditContentGateway& g = *gateway_;
  g.usePolicy("redacted");
  auto r = TestClient::request(g.gw().port(), "POST", "/v1/chat/completions", g.gw().key(), chatWithPii());
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_NE(r->body.find(kAnswerEmail), std::string::npos);  // the client gets the answer as it is
  const auto rec = recordOf(g.gw(), r->header("x-concord-request-id"));
  ASSERT_TRUE(rec.is_object());
  ASSERT_TRUE(rec["content"].is_object()) << rec.dump();
  EXPECT_EQ(rec["content"]["mode"], "redacted");
  EXPECT_EQ(rec["content"]["prompt"],
            "You are terse.\n\nPlease mail [pii.email] the key [secret.aws_key] today");
  EXPECT_EQ(rec["content"]["answer"], "Hello from [pii.email]");
  bool prompt_finding = false, answer_finding = false;
  for (const auto& f : rec["findings"]) {
    prompt_finding |= f["field"] == "prompt" && f["kind"] == "pii.email";
    answer_finding |= f["field"] == "answer" && f["kind"] == "pii.email";
  }
  EXPECT_TRUE(prompt_finding) << rec["findings"].dump();
  EXPECT_TRUE(answer_finding) << rec["findings"].dump();
  EXPECT_EQ(rec["decision"]["rules"][0]["id"], "ORG-LOG-1");

  // A streamed answer: the deltas are accumulated (only because content is logged) and scanned.
  auto s = TestClient::request(g.gw().port(), "POST", "/v1/chat/completions", g.gw().key(), chatWithPii(true));
  ASSERT_TRUE(s);
  ASSERT_EQ(s->status, 200) << s->body;
  const auto srec = recordOf(g.gw(), s->header("x-concord-request-id"));
  ASSERT_TRUE(srec.is_object());
  EXPECT_EQ(srec["content"]["mode"], "redacted");
  const std::string answer = srec["content"]["answer"];
  EXPECT_TRUE(answer.starts_with("tok1 tok2")) << answer;
  EXPECT_EQ(srec["content"]["prompt"], rec["content"]["prompt"]);

  const auto bytes = g.allAuditBytes();  // the records above are on disk (read back already)
  EXPECT_EQ(bytes.find(kEmail), std::string::npos);
  EXPECT_EQ(bytes.find(kKey), std::string::npos);
  EXPECT_EQ(bytes.find(kAnswerEmail), std::string::npos);
}

TEST_F(AuditContent, HashModeKeepsTheDigestsOnly) {
  AuditContentGateway& g = *gateway_;
  g.usePolicy("hash");
  auto r = TestClient::request(g.gw().port(), "POST", "/v1/chat/completions", g.gw().key(), chatWithPii());
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const auto rec = recordOf(g.gw(), r->header("x-concord-request-id"));
  ASSERT_TRUE(rec.is_object());
  EXPECT_EQ(rec["content"]["mode"], "hash");
  EXPECT_FALSE(rec["content"].contains("prompt"));
  EXPECT_EQ(rec["content"]["prompt_sha256"], audit::toHex(audit::sha256("You are terse.\n\n" + userText())));
  EXPECT_EQ(rec["content"]["answer_sha256"], audit::toHex(audit::sha256("Hello from " + kAnswerEmail)));
  const auto bytes = g.allAuditBytes();  // the records above are on disk (read back already)
  EXPECT_EQ(bytes.find(kEmail), std::string::npos);
  EXPECT_EQ(bytes.find(kKey), std::string::npos);
}

}  // namespace
}  // namespace concord::testing
