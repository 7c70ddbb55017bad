// Secret vectors from the providers' public formats (values assembled at run time).
#include "scan_helpers.h"

namespace concord::detect {
namespace {

using testing::checkVectors;

std::string rep(char c, int n) { return std::string(static_cast<size_t>(n), c); }
const std::string kMix36 = "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8";  // 36 mixed chars

TEST(Secrets, ProviderTokens) {
  std::string aws = "AKIA" + std::string("Q3EGRUTMXLZH5WVY");
  std::string gh = "ghp_" + kMix36;
  std::string gl = "glpat-" + std::string("xY9zK2mN4pQ8rS6tU1vW");
  std::string slack = "xoxb-" + std::string("123456789012-1234567890123-") + kMix36.substr(0, 24);
  std::string stripe = "sk_live_" + kMix36.substr(0, 24);
  std::string openai = "sk-proj-" + kMix36 + kMix36.substr(0, 12);
  std::string anthropic = "sk-ant-api03-" + kMix36 + kMix36 + "AA";
  std::string gcp = "AIza" + kMix36.substr(0, 35);
  std::string twilio = "SK" + std::string("0123456789abcdef0123456789abcdef");
  checkVectors({{"key " + aws + " in config", kinds::kAwsKey, aws},
                {"token=" + gh, kinds::kGithubToken, gh},
                {"use " + gl + " for CI", kinds::kGitlabToken, gl},
                {"SLACK " + slack, kinds::kSlackToken, slack},
                {"stripe " + stripe, kinds::kStripeKey, stripe},
                {"OPENAI_API_KEY=" + openai, kinds::kOpenAiKey, openai},
                {"ANTHROPIC_API_KEY=" + anthropic, kinds::kAnthropicKey, anthropic},
                {"maps " + gcp, kinds::kGcpKey, gcp},
                {"twilio " + twilio, kinds::kTwilioKey, twilio},
                {"word AKIA is short", kinds::kAwsKey, ""}});
}

TEST(Secrets, StructuredSecrets) {
  std::string pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA" + rep('x', 40) + "\n-----END RSA PRIVATE KEY-----";
  std::string jwt = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U";
  std::string conn = "postgres://admin:S3cr3tPw!@db.internal:5432/app";
  checkVectors({{"key:\n" + pem + "\nend", kinds::kPrivateKey, pem},
                {"Authorization: Bearer " + jwt, kinds::kJwt, jwt},
                {"DATABASE_URL=" + conn + " ", kinds::kConnectionString, conn},
                {"postgres://user:${DB_PASSWORD}@db/app", kinds::kConnectionString, ""}});
}

TEST(Secrets, GenericNeedsEntropyAndContext) {
  checkVectors({{"api_key = \"Zx81Kq0Lr9Tn2Ws7Bv4Mc6Yd\"", kinds::kGenericSecret, "Zx81Kq0Lr9Tn2Ws7Bv4Mc6Yd"},
                {"password: \"hunter2\"", kinds::kGenericSecret, ""},
                {"api_key = \"your-api-key-here\"", kinds::kGenericSecret, ""},
                {"Zx81Kq0Lr9Tn2Ws7Bv4Mc6Yd alone", kinds::kGenericSecret, ""},
                // regression: code identifiers after "token =" are not secrets
                {"auto token = kDetectorInjection;", kinds::kGenericSecret, ""}});
}

TEST(Secrets, LongValuesAreCoveredWhole) {
  // Starts are located in a window before the FIRST end of a match; a long value must still be
  // reported from its start to its last byte (a JWT's head is long before its first end).
  auto chars = [](size_t n) {
    const std::string a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    std::string o;
    for (size_t i = 0; i < n; ++i) o += a[(i * 7 + i / 5) % a.size()];
    return o;
  };
  const std::string pw = "password = \"" + chars(400) + "\"";
  const std::string pat = "github_pat_" + chars(300);
  const std::string jwt = "eyJhbGciOiJIUzI1NiJ9.eyJ" + chars(500) + "." + chars(60);
  const std::string bearer = "Bearer " + chars(1500);
  checkVectors({{"x " + pw + " y", kinds::kGenericSecret, chars(400)},
                {"tok " + pat + " end", kinds::kGithubToken, pat},
                {"jwt " + jwt + " z", kinds::kJwt, jwt},
                {"h: " + bearer, kinds::kGenericSecret, chars(1500)}});
}

}  // namespace
}  // namespace concord::detect
