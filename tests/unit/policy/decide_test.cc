// Decisions of compiled inline packs: precedence, bitset matching, dates, wildcards, not,
// ranges, routes, obligations, deployment facts, unverified and assess-only rules.
#include <gtest/gtest.h>

#include "policy/program.h"
#include "policy/yaml_source.h"
#include "test_util.h"

namespace concord::policy {
namespace {

const char* kPack = R"YAML(
pack: { id: test-eu, jurisdiction: EU, instrument: "Test Act", version: "1" }
rules:
  - id: EU-LABEL
    cite: "Art. 50(1)"
    concept: label.explicit
    effective: { from: 2026-08-02 }
    when: { principal.jurisdictions: EU, deployment.user_facing: true, request.endpoint: [chat.completions, responses] }
    then: { action: label, placement: first_turn, text: { en: "You are talking to an AI.", de: "Sie sprechen mit einer KI." } }
  - id: EU-LOG
    cite: "Art. 19"
    concept: logging.retention_min
    when: { principal.jurisdictions: EU }
    then: { action: log, content: hash, retention_min_days: 183 }
  - id: EU-PII-REDACT
    cite: "GDPR Art. 5"
    concept: data.minimisation
    when: { principal.jurisdictions: EU, request.findings: { kind: "pii.*", min_score: 0.7 } }
    then: { action: redact, kinds: ["pii.*"], mode: mask }
  - id: EU-SECRET-DENY
    cite: "Org"
    concept: risk_class.prohibited
    priority: 5
    when: { request.findings: { kind: "secret.*" } }
    then: { action: deny, message: "secrets may not leave" }
  - id: EU-SOCIAL
    cite: "Art. 5(1)(c)"
    concept: risk_class.prohibited
    when: { principal.jurisdictions: EU, deployment.use_case: social_scoring }
    then: { action: deny, message: "prohibited practice" }
  - id: EU-HOLD
    cite: "Art. 14"
    concept: oversight.human
    when: { deployment.use_case: [credit, employment], not: { principal.tenant: trusted } }
    then: { action: hold, reason: "human approval" }
  - id: EU-ROUTE
    cite: "GDPR Ch. V"
    concept: transfer.cross_border
    when: { principal.jurisdictions: EU, request.findings: { kind: "pii.*" } }
    then: { action: route, require_region: [EU] }
  - id: EU-FRONTIER
    cite: "Art. 51"
    concept: frontier_compute
    mode: assess
    when: { system.training_flop: { gt: 1.0e25 } }
    then: { action: document, text: "notify the Commission" }
  - id: EU-UNVERIFIED
    cite: "?"
    concept: oversight.human
    confidence: U
    when: { principal.jurisdictions: EU }
    then: { action: hold, reason: "unverified" }
  - id: EU-EXPIRED
    cite: "old"
    concept: oversight.human
    effective: { from: 2020-01-01, until: 2021-01-01 }
    when: { principal.jurisdictions: EU }
    then: { action: deny }
  - id: NO-CN-ORIGIN-PUBLIC
    cite: "Org policy 3"
    concept: transfer.cross_border
    when: { principal.public_body: true, route.model_origin: CN }
    then: { action: deny, message: "CN-origin models not for public bodies" }
  - id: US-FED
    cite: "OMB"
    jurisdiction: US
    concept: oversight.human
    when: { principal.jurisdictions: US, request.model: "gpt-*" }
    then: { action: label, placement: end, text: { en: "AI" } }
)YAML";

class DecideTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = loadProgram(testing::inlineOptions({kPack}));
    ASSERT_TRUE(r.ok()) << r.error().message;
    program_ = *r;
    principal_.tenant = "acme";
    principal_.jurisdictions = {"EU"};
    auto dep = program_->compileDeployment({{"deployment.user_facing", {"true"}},
                                            {"deployment.use_case", {"customer_service"}}});
    ASSERT_TRUE(dep.ok()) << dep.error().message;
    dep_ = *dep;
    facts_.principal = &principal_;
    facts_.deployment = &dep_;
    facts_.endpoint = "chat.completions";
    facts_.model = "gpt-4o";
    facts_.day = *parseDay("2026-12-01");
  }
  std::shared_ptr<const Program> program_;
  Principal principal_;
  Deployment dep_;
  Facts facts_;
};

TEST_F(DecideTest, TypicalEuChatGetsLabelAndLogOnly) {
  Decision d = program_->decide(facts_, {});
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  EXPECT_TRUE(d.fired("EU-LABEL"));
  EXPECT_TRUE(d.fired("EU-LOG"));
  EXPECT_FALSE(d.fired("EU-PII-REDACT"));
  EXPECT_FALSE(d.fired("EU-UNVERIFIED"));  // confidence U is off by default
  EXPECT_FALSE(d.fired("EU-EXPIRED"));
  EXPECT_FALSE(d.fired("EU-FRONTIER"));    // assess-only
  ASSERT_EQ(d.labels.size(), 1u);
  EXPECT_EQ(d.labels[0].placement, Placement::kFirstTurn);
  EXPECT_EQ(d.labels[0].textFor("de"), "Sie sprechen mit einer KI.");
  EXPECT_EQ(d.labels[0].textFor("fr"), "You are talking to an AI.");
  EXPECT_TRUE(d.log.required);
  EXPECT_EQ(d.log.content, LogContent::kHash);
  EXPECT_EQ(d.log.retention_min_days, 183);
  EXPECT_FALSE(d.route_constrained);
}

TEST_F(DecideTest, BeforeEffectiveDateTheRuleDoesNotFire) {
  facts_.day = *parseDay("2026-08-01");
  EXPECT_FALSE(program_->decide(facts_, {}).fired("EU-LABEL"));
  facts_.day = *parseDay("2026-08-02");
  EXPECT_TRUE(program_->decide(facts_, {}).fired("EU-LABEL"));
}

TEST_F(DecideTest, WildcardFindingsWithMinScore) {
  FindingFact low[] = {{"pii.email", 0.5}};
  facts_.findings = low;
  EXPECT_FALSE(program_->decide(facts_, {}).fired("EU-PII-REDACT"));
  FindingFact high[] = {{"pii.email", 0.95}};
  facts_.findings = high;
  Decision d = program_->decide(facts_, {});
  EXPECT_TRUE(d.fired("EU-PII-REDACT"));
  ASSERT_EQ(d.redactions.size(), 1u);
  EXPECT_EQ(d.redactions[0].mode, RedactMode::kMask);
  EXPECT_EQ((*d.redactions[0].kinds)[0], "pii.*");
}

TEST_F(DecideTest, DenyBeatsHoldAndRedactAndListsEveryRuleInPrecedenceOrder) {
  auto dep = program_->compileDeployment({{"deployment.use_case", {"credit", "social_scoring"}}});
  ASSERT_TRUE(dep.ok());
  facts_.deployment = &*dep;
  FindingFact f[] = {{"pii.email", 0.9}, {"secret.aws_key", 0.99}};
  facts_.findings = f;
  Decision d = program_->decide(facts_, {});
  EXPECT_EQ(d.verdict, Verdict::kDeny);
  EXPECT_EQ(d.deciding_rule, "EU-SECRET-DENY");  // priority 5 beats EU-SOCIAL
  EXPECT_EQ(d.denial_message, "secrets may not leave");
  ASSERT_GE(d.rules.size(), 4u);
  EXPECT_EQ(d.rules[0].id, "EU-SECRET-DENY");
  EXPECT_EQ(d.rules[1].id, "EU-SOCIAL");
  EXPECT_EQ(d.rules[2].action, Action::kHold);
  EXPECT_EQ(d.rules[3].action, Action::kRedact);
  EXPECT_EQ(d.rules[0].cite, "Org");
}

TEST_F(DecideTest, HoldUnlessNegatedConditionHolds) {
  auto dep = program_->compileDeployment({{"deployment.use_case", {"employment"}}});
  ASSERT_TRUE(dep.ok());
  facts_.deployment = &*dep;
  Decision d = program_->decide(facts_, {});
  EXPECT_EQ(d.verdict, Verdict::kHold);
  EXPECT_EQ(d.denial_message, "human approval");
  principal_.tenant = "trusted";
  EXPECT_EQ(program_->decide(facts_, {}).verdict, Verdict::kAllow);
}

TEST_F(DecideTest, RouteRuleKeepsOnlyCompliantCandidates) {
  FindingFact f[] = {{"pii.name", 0.9}};
  facts_.findings = f;
  RouteFact c[] = {{"openai-us", "US", "US"}, {"mistral-eu", "EU", "FR"}, {"azure-eu", "EU-west", "US"}};
  Decision d = program_->decide(facts_, c);
  EXPECT_TRUE(d.route_constrained);
  EXPECT_EQ(d.allowed_routes, (std::vector<uint32_t>{1, 2}));  // EU-west is inside EU
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  RouteFact us_only[] = {{"openai-us", "US", "US"}};
  Decision none = program_->decide(facts_, us_only);
  EXPECT_TRUE(none.no_compliant_route);
  EXPECT_EQ(none.verdict, Verdict::kDeny);
  EXPECT_EQ(none.deciding_rule, "EU-ROUTE");
}

TEST_F(DecideTest, DenyRuleWinsOverNoCompliantRoute) {
  FindingFact f[] = {{"pii.name", 0.9}, {"secret.aws_key", 0.9}};
  facts_.findings = f;
  RouteFact us_only[] = {{"openai-us", "US", "US"}};
  Decision d = program_->decide(facts_, us_only);
  EXPECT_EQ(d.verdict, Verdict::kDeny);
  EXPECT_FALSE(d.no_compliant_route);
  EXPECT_EQ(d.deciding_rule, "EU-SECRET-DENY");
  EXPECT_TRUE(d.allowed_routes.empty());
}

TEST_F(DecideTest, UnconstrainedRoutesAreAllAllowed) {
  RouteFact c[] = {{"a", "US", "US"}, {"b", "CN", "CN"}};
  Decision d = program_->decide(facts_, c);
  EXPECT_FALSE(d.route_constrained);
  EXPECT_EQ(d.allowed_routes, (std::vector<uint32_t>{0, 1}));
}

TEST_F(DecideTest, CandidateScopedDenyFiltersRoutesAndDeniesOnlyWhenNoneRemain) {
  principal_.roles = {"public_body"};
  RouteFact c[] = {{"qwen", "CN", "CN"}, {"gpt", "US", "US"}};
  Decision d = program_->decide(facts_, c);
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  EXPECT_EQ(d.allowed_routes, (std::vector<uint32_t>{1}));
  RouteFact only_cn[] = {{"qwen", "CN", "CN"}};
  Decision d2 = program_->decide(facts_, only_cn);
  EXPECT_EQ(d2.verdict, Verdict::kDeny);
  EXPECT_TRUE(d2.fired("NO-CN-ORIGIN-PUBLIC"));
  principal_.roles = {};
  EXPECT_EQ(program_->decide(facts_, only_cn).verdict, Verdict::kAllow);
}

TEST_F(DecideTest, HierarchicalJurisdictionAndGlobModel) {
  principal_.jurisdictions = {"US-CA"};
  Decision d = program_->decide(facts_, {});
  EXPECT_TRUE(d.fired("US-FED"));  // a US rule binds Californian users
  EXPECT_FALSE(d.fired("EU-LOG"));
  facts_.model = "claude-3";
  EXPECT_FALSE(program_->decide(facts_, {}).fired("US-FED"));
}

TEST_F(DecideTest, DecideAllAddsAssessRulesWithoutChangingTheVerdict) {
  auto dep = program_->compileDeployment({{"system.training_flop", {"3e25"}}});
  ASSERT_TRUE(dep.ok());
  facts_.deployment = &*dep;
  EXPECT_FALSE(program_->decide(facts_, {}).fired("EU-FRONTIER"));
  Decision d = program_->decideAll(facts_, {});
  EXPECT_TRUE(d.fired("EU-FRONTIER"));
  EXPECT_EQ(d.verdict, Verdict::kAllow);
  auto small = program_->compileDeployment({{"system.training_flop", {"1e25"}}});  // gt, not gte
  facts_.deployment = &*small;
  EXPECT_FALSE(program_->decideAll(facts_, {}).fired("EU-FRONTIER"));
}

TEST(DecideOptions, UnverifiedRulesFireWhenEnabled) {
  auto o = testing::inlineOptions({kPack});
  o.enable_unverified = true;
  auto r = loadProgram(o);
  ASSERT_TRUE(r.ok());
  Principal p;
  p.jurisdictions = {"EU"};
  Facts f;
  f.principal = &p;
  f.day = *parseDay("2026-12-01");
  Decision d = (*r)->decide(f, {});
  EXPECT_TRUE(d.fired("EU-UNVERIFIED"));
  EXPECT_EQ(d.verdict, Verdict::kHold);
}

TEST_F(DecideTest, DeploymentRejectsBadFacts) {
  EXPECT_EQ(program_->compileDeployment({{"deployment.nope", {"x"}}}).error().code, "policy.unknown_fact");
  EXPECT_EQ(program_->compileDeployment({{"deployment.user_facing", {"maybe"}}}).error().code,
            "policy.type_mismatch");
  EXPECT_EQ(program_->compileDeployment({{"route.region", {"EU"}}}).error().code, "policy.type_mismatch");
}

TEST_F(DecideTest, DeploymentOfAnotherProgramIsIgnored) {
  auto other = loadProgram(testing::inlineOptions({kPack}));
  ASSERT_TRUE(other.ok());
  auto dep = (*other)->compileDeployment({{"deployment.user_facing", {"true"}}});
  facts_.deployment = &*dep;
  EXPECT_FALSE(program_->decide(facts_, {}).fired("EU-LABEL"));
}

TEST(Glob, Patterns) {
  EXPECT_TRUE(globMatch("pii.*", "pii.email"));
  EXPECT_TRUE(globMatch("*", ""));
  EXPECT_TRUE(globMatch("a*c*e", "abcde"));
  EXPECT_FALSE(globMatch("pii.*", "secret.pii"));
  EXPECT_FALSE(globMatch("abc", "abcd"));
}

TEST(Dates, RoundTripAndValidation) {
  EXPECT_EQ(*parseDay("1970-01-01"), 0);
  EXPECT_EQ(formatDay(*parseDay("2026-08-02")), "2026-08-02");
  EXPECT_EQ(formatDay(*parseDay("2024-02-29")), "2024-02-29");
  EXPECT_FALSE(parseDay("2025-02-29"));
  EXPECT_FALSE(parseDay("2026-13-01"));
  EXPECT_FALSE(parseDay("2026-8-2"));
}

}  // namespace
}  // namespace concord::policy
