// internKind; see finding.h.
#include "detect/finding.h"

#include <array>

namespace concord::detect {

std::string_view internKind(std::string_view name) {
  using namespace kinds;
  static constexpr std::array kAll = {
      kEmail, kPhone, kCard, kIban, kCnId, kHkId, kSgNric, kMyNric, kThId, kIdNik, kKrRrn, kInAadhaar,
      kUsSsn, kUkNino, kIp, kDob, kPassport, kAwsKey, kGcpKey, kAzureKey, kOpenAiKey, kAnthropicKey,
      kGithubToken, kGitlabToken, kSlackToken, kStripeKey, kTwilioKey, kPrivateKey, kJwt,
      kConnectionString, kGenericSecret, kInjOverride, kInjRoleplay, kInjExtraction, kInjDelimiter,
      kInjEncoded, kInjIndirect};
  for (auto k : kAll)
    if (k == name) return k;
  return {};
}

}  // namespace concord::detect
