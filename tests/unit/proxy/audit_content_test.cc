// Audit content modes from the policy (audit_content.h, chain_audit.h, policy_decide.cc): the
// log obligation reaches the record, findings map onto the joined prompt, the answer is
// scanned in redacted mode, and no detected value survives serialisation unless mode is full.
#include "proxy/audit_content.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "audit/hashing.h"
#include "audit/payload.h"
#include "config/config_loader.h"
#include "proxy/chain_audit.h"
#include "proxy/policy_decide.h"

namespace concord::proxy {
namespace {

const std::string kRepo = CONCORD_SOURCE_DIR;
constexpr std::string_view kEmail = "jane.doe@example.com";
constexpr std::string_view kSecret = "AKIAIOSFODNN7EXAMPLE";

// Finds every occurrence of the two values above, like a detector would.
class FakeDetect final : public DetectStep {
 public:
  bool fail = false;
  Status detect(const StepInput& in, std::vector<FindingRef>& findings) override {
    if (fail) return makeError("detect.failed", "scanner error");
    for (size_t i = 0; i < in.view.segments.size(); ++i) {
      const std::string_view text = in.view.segments[i].text;
      for (auto [value, kind] : {std::pair{kEmail, "pii.email"}, std::pair{kSecret, "secret.aws_key"}})
        for (size_t p = text.find(value); p != std::string_view::npos; p = text.find(value, p + 1))
          findings.push_back({kind, uint32_t(i), uint32_t(p), uint32_t(p + value.size()), 0.99f});
    }
    return Status();
  }
};

struct Fixture {
  Principal principal;
  api::RequestView view;
  std::vector<RouteCandidate> candidates;
  std::vector<std::string> texts{"You are terse.", "Mail " + std::string(kEmail) + " now",
                                 "key=" + std::string(kSecret)};
  Fixture() {
    view.endpoint = api::Endpoint::kChatCompletions;
    view.model = "m";
    for (size_t i = 0; i < texts.size(); ++i)
      view.segments.push_back({texts[i], 0, 0, i ? api::SegmentRole::kUser : api::SegmentRole::kSystem, uint16_t(i)});
  }
  StepInput input() const { return {principal, view, candidates, 1'795'000'000'000'000, "en", 1}; }
};

// The serialised record as the log would write it.
nlohmann::json written(ExchangeRecord&& record) {
  const auto payload = audit::serializeExchange(toAuditRecord(std::move(record)), {});
  return nlohmann::json::parse(payload);
}

ExchangeRecord capture(const std::string& mode, FakeDetect& detect, const Fixture& x) {
  ExchangeRecord r;
  EXPECT_TRUE(detect.detect(x.input(), r.findings).ok());
  Verdict v;
  v.log_content = mode;
  captureRequestContent(r, v, x.view, detect);
  const std::string body = R"({"choices":[{"message":{"role":"assistant","content":"Write to )" +
                           std::string(kEmail) + R"( today"}}]})";
  captureAnswerBody(r, api::Endpoint::kChatCompletions, body, detect, x.input());
  return r;
}

TEST(AuditContent, NoneCopiesNothingAndKeepsSegmentFindings) {
  Fixture x;
  FakeDetect detect;
  auto r = capture("none", detect, x);
  EXPECT_TRUE(r.prompt_text.empty());
  EXPECT_TRUE(r.answer_text.empty());
  const auto j = written(std::move(r));
  EXPECT_EQ(j["content"], nlohmann::json({{"mode", "none"}}));
  ASSERT_EQ(j["findings"].size(), 2u);
  EXPECT_EQ(j["findings"][0]["field"], "messages[1]");
  EXPECT_EQ(j["findings"][0]["begin"], 5);
}

TEST(AuditContent, RedactedWritesNoDetectedValueInPromptOrAnswer) {
  Fixture x;
  FakeDetect detect;
  auto r = capture("redacted", detect, x);
  EXPECT_EQ(r.prompt_text, "You are terse.\n\nMail jane.doe@example.com now\n\nkey=AKIAIOSFODNN7EXAMPLE");
  EXPECT_EQ(r.answer_findings.size(), 1u);
  const auto payload = audit::serializeExchange(toAuditRecord(std::move(r)), {});
  EXPECT_EQ(payload.find(kEmail), std::string::npos) << payload;
  EXPECT_EQ(payload.find(kSecret), std::string::npos) << payload;
  const auto j = nlohmann::json::parse(payload);
  EXPECT_EQ(j["content"]["mode"], "redacted");
  EXPECT_EQ(j["content"]["prompt"], "You are terse.\n\nMail [pii.email] now\n\nkey=[secret.aws_key]");
  EXPECT_EQ(j["content"]["answer"], "Write to [pii.email] today");
  // Spans now point into the joined prompt and the answer.
  ASSERT_EQ(j["findings"].size(), 3u);
  EXPECT_EQ(j["findings"][0]["field"], "prompt");
  EXPECT_EQ(j["findings"][0]["begin"], 16 + 5);
  EXPECT_EQ(j["findings"][2]["field"], "answer");
  EXPECT_EQ(j["findings"][2]["begin"], 9);
}

TEST(AuditContent, HashWritesDigestsOfTheRawTexts) {
  Fixture x;
  FakeDetect detect;
  auto r = capture("hash", detect, x);
  const std::string prompt = r.prompt_text, answer = r.answer_text;
  EXPECT_EQ(answer, "Write to jane.doe@example.com today");
  EXPECT_TRUE(r.answer_findings.empty());  // hash mode needs no scan of the answer
  const auto payload = audit::serializeExchange(toAuditRecord(std::move(r)), {});
  EXPECT_EQ(payload.find(kEmail), std::string::npos);
  const auto j = nlohmann::json::parse(payload);
  EXPECT_EQ(j["content"]["prompt_sha256"], audit::toHex(audit::sha256(prompt)));
  EXPECT_EQ(j["content"]["answer_sha256"], audit::toHex(audit::sha256(answer)));
}

TEST(AuditContent, FullWritesTheRawText) {
  Fixture x;
  FakeDetect detect;
  const auto j = written(capture("full", detect, x));
  EXPECT_EQ(j["content"]["answer"], "Write to jane.doe@example.com today");
  EXPECT_NE(j["content"]["prompt"].get<std::string>().find(kSecret), std::string::npos);
}

// A detector that failed open marks the segment it could not scan (ScannerDetect, kind
// detector.unscanned over the whole segment): the redacted log withholds all of it.
TEST(AuditContent, RedactedWithholdsASegmentNoDetectorScanned) {
  Fixture x;
  FakeDetect detect;
  auto r = capture("redacted", detect, x);
  r.findings.push_back({"detector.unscanned", 0, 0, uint32_t(x.texts[0].size()), 0.f});
  const auto j = written(std::move(r));
  EXPECT_EQ(j["content"]["prompt"], "[detector.unscanned]\n\nMail [pii.email] now\n\nkey=[secret.aws_key]");
}

TEST(AuditContent, RedactedWithoutADetectorFallsBackToHash) {
  Fixture x;
  PassThroughDetect none;
  ExchangeRecord r;
  Verdict v;
  v.log_content = "redacted";
  captureRequestContent(r, v, x.view, none);
  EXPECT_EQ(r.log_content, "hash");
  const auto payload = audit::serializeExchange(toAuditRecord(std::move(r)), {});
  EXPECT_EQ(payload.find(kEmail), std::string::npos);
}

TEST(AuditContent, AFailingAnswerScanDropsTheAnswer) {
  Fixture x;
  FakeDetect detect;
  ExchangeRecord r;
  Verdict v;
  v.log_content = "redacted";
  captureRequestContent(r, v, x.view, detect);
  detect.fail = true;
  r.answer_text = "reach me at " + std::string(kEmail);
  finishAnswerContent(r, detect, x.input());
  EXPECT_EQ(r.answer_text.find(kEmail), std::string::npos);
}

TEST(AuditContent, StreamDeltasAccumulateOnlyWhenContentIsLogged) {
  const std::string events =
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\"}}]}\n\n"
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n"
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo \\\"you\\\"\"}}]}\n\n"
      "data: [DONE]\n\n";
  ExchangeRecord off;
  captureStreamEvents(off, api::Endpoint::kChatCompletions, events);
  EXPECT_TRUE(off.answer_text.empty());
  ExchangeRecord on;
  on.log_content = "hash";
  captureStreamEvents(on, api::Endpoint::kChatCompletions, events);
  EXPECT_EQ(on.answer_text, "Hello \"you\"");
  std::string out;
  appendStreamDelta(api::Endpoint::kResponses, R"({"type":"response.output_text.delta","delta":"ab"})", out);
  appendStreamDelta(api::Endpoint::kResponses, R"({"type":"response.created","delta":"zz"})", out);
  appendStreamDelta(api::Endpoint::kCompletions, R"({"choices":[{"text":"c"}]})", out);
  EXPECT_EQ(out, "abc");
}

TEST(AuditContent, AnswerTextFromEveryEndpointShape) {
  EXPECT_EQ(answerTextFromBody(api::Endpoint::kChatCompletions,
                               R"({"choices":[{"message":{"content":"a"}},{"message":{"content":null}},)"
                               R"({"message":{"content":"b"}}]})"),
            "a\n\nb");
  EXPECT_EQ(answerTextFromBody(api::Endpoint::kCompletions, R"({"choices":[{"text":"t"}]})"), "t");
  EXPECT_EQ(answerTextFromBody(api::Endpoint::kResponses,
                               R"({"output":[{"type":"reasoning"},{"type":"message","content":[)"
                               R"({"type":"output_text","text":"r1"},{"type":"refusal","text":"x"}]}]})"),
            "r1");
  EXPECT_EQ(answerTextFromBody(api::Endpoint::kChatCompletions, "not json"), "");
}

// --- The log obligation from real packs (PolicyDecide) and retention for prune.

class PolicyLog : public ::testing::Test {
 protected:
  std::string dir = ::testing::TempDir() + "/audit_content_policy";
  void SetUp() override { std::filesystem::create_directories(dir); }
  void TearDown() override { std::filesystem::remove_all(dir); }

  // A pack with one log rule per (content, min, max) entry; content "" = not named.
  std::shared_ptr<PolicyDecide> decideWith(const std::vector<std::tuple<std::string, int, int>>& rules) {
    std::string pack =
        "pack: { id: test-log, jurisdiction: ORG, instrument: Test, version: '1', severity: binding }\n"
        "rules:\n";
    int n = 0;
    for (const auto& [content, min, max] : rules) {
      ++n;
      pack += "  - id: T-LOG-" + std::to_string(n) +
              "\n    cite: 'Test s. " + std::to_string(n) +
              "'\n    concept: logging.retention_min\n    effective: { from: 2020-01-01 }\n"
              "    confidence: V\n    status: in_force\n    enforced_by: gateway\n    mode: runtime\n"
              "    when: { request.endpoint: chat.completions }\n    then:\n      action: log\n";
      if (!content.empty()) pack += "      content: " + content + "\n";
      if (min) pack += "      retention_min_days: " + std::to_string(min) + "\n";
      if (max) pack += "      retention_max_days: " + std::to_string(max) + "\n";
    }
    std::ofstream(dir + "/pack.yaml") << pack;
    auto config = config::parseConfig(
        "upstreams:\n  - { name: u, base_url: 'http://127.0.0.1:1/v1', region: EU, model_origin: FR, models: [m] }\n"
        "policy: { vocabulary: " + kRepo + "/packs/vocabulary.yaml, packs: [" + dir + "/pack.yaml] }\n",
        "inline.yaml");
    EXPECT_TRUE(config.ok()) << config.error().message;
    if (!config.ok()) return nullptr;
    auto decide = PolicyDecide::create(*config.value());
    EXPECT_TRUE(decide.ok()) << decide.error().message;
    return decide.ok() ? decide.value() : nullptr;
  }
  Verdict verdictOf(PolicyDecide& decide) {
    Fixture x;
    return decide.decide(x.input(), {});
  }
};

TEST_F(PolicyLog, MostProtectiveContentAndRetentionReachTheVerdict) {
  auto decide = decideWith({{"redacted", 183, 0}, {"hash", 365, 730}, {"full", 0, 1000}});
  ASSERT_TRUE(decide);
  const auto v = verdictOf(*decide);
  EXPECT_EQ(v.log_content, "hash");
  EXPECT_EQ(v.retention_min_days, 365);
  EXPECT_EQ(v.retention_max_days, 730);
}

TEST_F(PolicyLog, FullOnlyWhenARuleNamesIt) {
  auto unnamed = decideWith({{"", 0, 0}});
  ASSERT_TRUE(unnamed);
  EXPECT_EQ(verdictOf(*unnamed).log_content, "redacted");
  auto named = decideWith({{"full", 0, 0}});
  ASSERT_TRUE(named);
  EXPECT_EQ(verdictOf(*named).log_content, "full");
}

TEST_F(PolicyLog, NoLogRuleMeansNoContent) {
  auto config = config::parseConfig(
      "upstreams:\n  - { name: u, base_url: 'http://127.0.0.1:1/v1', region: EU, model_origin: FR, models: [m] }\n"
      "policy: { vocabulary: " + kRepo + "/packs/vocabulary.yaml, packs: [" + kRepo + "/packs/jp.yaml] }\n",
      "inline.yaml");
  ASSERT_TRUE(config.ok()) << config.error().message;
  auto decide = PolicyDecide::create(*config.value());
  ASSERT_TRUE(decide.ok()) << decide.error().message;
  EXPECT_EQ(verdictOf(*decide.value()).log_content, "none");
}

TEST_F(PolicyLog, RetentionFromProgramListsEveryLogRule) {
  auto decide = decideWith({{"hash", 183, 0}, {"", 365, 730}, {"", 0, 90}});
  ASSERT_TRUE(decide);
  const auto r = retentionFromProgram(*decide->program());
  EXPECT_EQ(r.min_days, (std::vector<int64_t>{183, 365}));
  EXPECT_EQ(r.max_days, (std::vector<int64_t>{730, 90}));
  EXPECT_EQ(r.sources, (std::vector<std::string>{"rule:T-LOG-1", "rule:T-LOG-2", "rule:T-LOG-3"}));
}

TEST_F(PolicyLog, RetentionFromTheShippedPacksHasTheSixMonthMinimum) {
  auto config = config::parseConfig(
      "upstreams:\n  - { name: u, base_url: 'http://127.0.0.1:1/v1', region: EU, model_origin: FR, models: [m] }\n"
      "policy: { vocabulary: " + kRepo + "/packs/vocabulary.yaml, packs: [" + kRepo + "/packs/] }\n",
      "inline.yaml");
  ASSERT_TRUE(config.ok()) << config.error().message;
  auto retention = retentionFromConfig(*config.value());
  ASSERT_TRUE(retention.ok()) << retention.error().message;
  const auto& r = retention.value();
  ASSERT_FALSE(r.min_days.empty());
  EXPECT_GE(r.sources.size(), std::max(r.min_days.size(), r.max_days.size()));
  EXPECT_GE(*std::max_element(r.min_days.begin(), r.min_days.end()), 183);
}

TEST_F(PolicyLog, NoPolicyMeansNoRetention) {
  auto config = config::parseConfig(
      "upstreams:\n  - { name: u, base_url: 'http://127.0.0.1:1/v1', region: EU, model_origin: FR, models: [m] }\n",
      "inline.yaml");
  ASSERT_TRUE(config.ok()) << config.error().message;
  auto retention = retentionFromConfig(*config.value());
  ASSERT_TRUE(retention.ok());
  EXPECT_TRUE(retention->max_days.empty());
  EXPECT_TRUE(retention->min_days.empty());
}

}  // namespace
}  // namespace concord::proxy
