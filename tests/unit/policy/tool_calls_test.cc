// answer.tool_calls: predicates on the tool calls of an answer (name patterns, numeric and text
// argument tests), decided only in the answer phase and never at request time.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "policy/pack_tests.h"
#include "policy/program.h"
#include "policy/yaml_source.h"
#include "test_util.h"

namespace concord::policy {
namespace {

const char* kPack = R"YAML(
pack: { id: agents, jurisdiction: EU, instrument: "Org policy", version: "1" }
rules:
  - id: PAY-HOLD
    cite: "Org 8.1"
    concept: oversight.human
    when: { answer.tool_calls: { name: ["transfer_*", send_payment], argument: amount, gte: 1000 } }
    then: { action: hold, reason: "big payment" }
  - id: RM-HOLD
    cite: "Org 8.2"
    concept: oversight.human
    when: { answer.tool_calls: { argument: "*", matches: ["*rm -rf*"] } }
    then: { action: hold, reason: "destructive" }
  - id: MAIL-DENY
    cite: "Org 8.3"
    concept: oversight.human
    when: { answer.tool_calls: { name: send_email, argument: to, not_matches: ["*@acme.example"] } }
    then: { action: deny, message: "outside mail" }
  - id: ANY-DELETE
    cite: "Org 8.4"
    concept: oversight.human
    when: { answer.tool_calls: "delete_*" }
    then: { action: hold, reason: "deletes" }
  - id: EU-LOG
    cite: "Art. 19"
    concept: logging.retention_min
    when: { principal.jurisdictions: EU }
    then: { action: log, content: hash }
)YAML";

class ToolCallsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = loadProgram(testing::inlineOptions({kPack}));
    ASSERT_TRUE(r.ok()) << r.error().message;
    program_ = *r;
    principal_.jurisdictions = {"EU"};
    facts_.principal = &principal_;
    facts_.endpoint = "chat.completions";
    facts_.day = *parseDay("2026-12-01");
  }
  Decision answer(std::string_view name, std::vector<ToolArgFact> args) {
    args_ = std::move(args);
    calls_ = {ToolCallFact{name, args_}};
    facts_.tool_calls = calls_;
    return program_->decideAnswer(facts_);
  }
  static ToolArgFact number(std::string_view key, double x, std::string_view text) {
    return ToolArgFact{key, text, x, true};
  }
  std::shared_ptr<const Program> program_;
  Principal principal_;
  Facts facts_;
  std::vector<ToolArgFact> args_;
  std::vector<ToolCallFact> calls_;
};

TEST_F(ToolCallsTest, ProgramKnowsItHasAnswerRules) { EXPECT_TRUE(program_->hasAnswerRules()); }

TEST_F(ToolCallsTest, AmountAtOrAboveTheThresholdHolds) {
  auto d = answer("transfer_funds", {number("amount", 1000, "1000")});
  EXPECT_EQ(d.verdict, Verdict::kHold);
  EXPECT_TRUE(d.fired("PAY-HOLD"));
  EXPECT_TRUE(d.rules.front().on_answer);
  EXPECT_EQ(answer("transfer_funds", {number("amount", 999.5, "999.5")}).verdict, Verdict::kAllow);
  EXPECT_EQ(answer("get_balance", {number("amount", 5000, "5000")}).verdict, Verdict::kAllow);
}

TEST_F(ToolCallsTest, AnAmountThatIsNotANumberDoesNotMatchARange) {
  EXPECT_EQ(answer("send_payment", {ToolArgFact{"amount", "5000 EUR"}}).verdict, Verdict::kAllow);
}

TEST_F(ToolCallsTest, TextPatternsMatchAnyArgumentCaseInsensitively) {
  auto d = answer("run_shell", {ToolArgFact{"cmd", "cd /x && RM -RF /"}});
  EXPECT_EQ(d.verdict, Verdict::kHold);
  EXPECT_TRUE(d.fired("RM-HOLD"));
  EXPECT_EQ(answer("run_shell", {ToolArgFact{"cmd", "ls"}}).verdict, Verdict::kAllow);
}

TEST_F(ToolCallsTest, NotMatchesDeniesOutsideRecipientsOnly) {
  EXPECT_EQ(answer("send_email", {ToolArgFact{"to", "a@evil.example"}}).verdict, Verdict::kDeny);
  EXPECT_EQ(answer("send_email", {ToolArgFact{"to", "ops@ACME.example"}}).verdict, Verdict::kAllow);
  EXPECT_EQ(answer("send_email", {ToolArgFact{"subject", "hi"}}).verdict, Verdict::kAllow);  // no recipient
}

TEST_F(ToolCallsTest, ANamePatternAloneMatchesAnyCallOfThatName) {
  EXPECT_EQ(answer("delete_user", {}).verdict, Verdict::kHold);
}

TEST_F(ToolCallsTest, OneMatchingCallAmongSeveralIsEnough) {
  args_ = {ToolArgFact{"to", "ops@acme.example"}};
  std::vector<ToolArgFact> second{ToolArgFact{"to", "x@evil.example"}};
  calls_ = {ToolCallFact{"send_email", args_}, ToolCallFact{"send_email", second}};
  facts_.tool_calls = calls_;
  EXPECT_EQ(program_->decideAnswer(facts_).verdict, Verdict::kDeny);
}

TEST_F(ToolCallsTest, TheAnswerPhaseIgnoresRequestRulesAndTheRequestPhaseIgnoresAnswerRules) {
  auto a = answer("delete_user", {});
  EXPECT_FALSE(a.fired("EU-LOG"));  // decided with the request already
  facts_.tool_calls = {};
  auto r = program_->decide(facts_, {});
  EXPECT_TRUE(r.fired("EU-LOG"));
  EXPECT_EQ(r.verdict, Verdict::kAllow);
  // Even with tool calls in the facts, the request phase does not decide on them.
  facts_.tool_calls = calls_;
  EXPECT_FALSE(program_->decide(facts_, {}).fired("ANY-DELETE"));
  EXPECT_TRUE(program_->decideAll(facts_, {}).fired("ANY-DELETE"));
}

TEST_F(ToolCallsTest, BadPredicatesAreReportedWithTheirPosition) {
  for (const char* when : {R"({ answer.tool_calls: { matches: ["*x*"] } })",
                           R"({ answer.tool_calls: { name: x, argument: a, gte: lots } })",
                           R"({ answer.tool_calls: { name: x, colour: red } })"}) {
    std::string pack = std::string(R"YAML(
pack: { id: bad, jurisdiction: EU, instrument: "x", version: "1" }
rules:
  - id: BAD
    cite: "x"
    concept: oversight.human
    when: )YAML") + when + R"YAML(
    then: { action: hold, reason: "x" }
)YAML";
    std::vector<Diagnostic> diags;
    auto r = loadProgram(testing::inlineOptions({pack}), &diags);
    ASSERT_FALSE(r.ok()) << when;
    EXPECT_EQ(r.error().code, "policy.type_mismatch") << when;
  }
}

// Pack tests give tool calls as a list of { name, arguments }; anything else is a failed case
// with a clear reason, and the other cases still run.
TEST_F(ToolCallsTest, PackTestsTakeToolCallsAndRefuseMalformedOnes) {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / ("concord-toolcalls-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  std::ofstream(dir / "t.yaml") << R"YAML(tests:
  - name: held
    as_of: 2026-12-01
    facts: { answer.tool_calls: [{ name: transfer_x, arguments: { amount: 5000 } }] }
    expect: { action: hold, rules: [PAY-HOLD] }
  - name: not a list
    facts: { answer.tool_calls: 5 }
    expect: { action: allow }
  - name: no name
    facts: { answer.tool_calls: [{ arguments: { amount: 1 } }] }
    expect: { action: allow }
)YAML";
  const PackTestReport rep = runPackTests(*program_, {dir.string()});
  EXPECT_EQ(rep.passed, 1);
  EXPECT_EQ(rep.failed, 2);
  const std::string text = renderPackTestReport(rep, false);
  EXPECT_NE(text.find("answer.tool_calls must be a list"), std::string::npos) << text;
  EXPECT_NE(text.find("answer.tool_calls items need { name, arguments }"), std::string::npos) << text;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace concord::policy
