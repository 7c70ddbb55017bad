// Finding: one thing a detector found in a text segment (kind, byte span in the ORIGINAL text,
// score, detector name). Plain value type; `kind` and `detector` always point at static strings
// (the constants below), so a Finding can be copied freely and outlives the scanner. Any thread.
#pragma once

#include <cstdint>
#include <string_view>

namespace concord::detect {

struct Finding {
  std::string_view kind;      // e.g. "pii.email"; always one of the k* constants in `kinds`
  uint32_t begin = 0;         // byte offset in the original text (inclusive)
  uint32_t end = 0;           // byte offset in the original text (exclusive)
  float score = 0.0f;         // 0..1, higher = more certain
  std::string_view detector;  // "pii", "secrets", "injection"
};

namespace kinds {
inline constexpr std::string_view kEmail = "pii.email";
inline constexpr std::string_view kPhone = "pii.phone";
inline constexpr std::string_view kCard = "pii.card";
inline constexpr std::string_view kIban = "pii.iban";
inline constexpr std::string_view kCnId = "pii.cn_id";
inline constexpr std::string_view kHkId = "pii.hk_id";
inline constexpr std::string_view kSgNric = "pii.sg_nric";
inline constexpr std::string_view kMyNric = "pii.my_nric";
inline constexpr std::string_view kThId = "pii.th_id";
inline constexpr std::string_view kIdNik = "pii.id_nik";
inline constexpr std::string_view kKrRrn = "pii.kr_rrn";
inline constexpr std::string_view kInAadhaar = "pii.in_aadhaar";
inline constexpr std::string_view kUsSsn = "pii.us_ssn";
inline constexpr std::string_view kUkNino = "pii.uk_nino";
inline constexpr std::string_view kIp = "pii.ip";
inline constexpr std::string_view kDob = "pii.dob";
inline constexpr std::string_view kPassport = "pii.passport";

inline constexpr std::string_view kAwsKey = "secret.aws_key";
inline constexpr std::string_view kGcpKey = "secret.gcp_key";
inline constexpr std::string_view kAzureKey = "secret.azure_key";
inline constexpr std::string_view kOpenAiKey = "secret.openai_key";
inline constexpr std::string_view kAnthropicKey = "secret.anthropic_key";
inline constexpr std::string_view kGithubToken = "secret.github_token";
inline constexpr std::string_view kGitlabToken = "secret.gitlab_token";
inline constexpr std::string_view kSlackToken = "secret.slack_token";
inline constexpr std::string_view kStripeKey = "secret.stripe_key";
inline constexpr std::string_view kTwilioKey = "secret.twilio_key";
inline constexpr std::string_view kPrivateKey = "secret.private_key";
inline constexpr std::string_view kJwt = "secret.jwt";
inline constexpr std::string_view kConnectionString = "secret.connection_string";
inline constexpr std::string_view kGenericSecret = "secret.generic";

inline constexpr std::string_view kInjOverride = "injection.override";
inline constexpr std::string_view kInjRoleplay = "injection.roleplay";
inline constexpr std::string_view kInjExtraction = "injection.extraction";
inline constexpr std::string_view kInjDelimiter = "injection.delimiter";
inline constexpr std::string_view kInjEncoded = "injection.encoded";
inline constexpr std::string_view kInjIndirect = "injection.indirect";
}  // namespace kinds

inline constexpr std::string_view kDetectorPii = "pii";
inline constexpr std::string_view kDetectorSecrets = "secrets";
inline constexpr std::string_view kDetectorInjection = "injection";

inline bool isInjectionKind(std::string_view k) { return k.substr(0, 10) == "injection."; }
inline bool isSecretKind(std::string_view k) { return k.substr(0, 7) == "secret."; }
inline bool isPiiKind(std::string_view k) { return k.substr(0, 4) == "pii."; }

// Returns the static kind constant equal to `name`, or an empty view if unknown (used by the
// CLI and the eval tool to turn user input into interned kinds).
std::string_view internKind(std::string_view name);

}  // namespace concord::detect
