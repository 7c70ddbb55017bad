// Secret patterns, written from each provider's published token format (prefixes, lengths,
// alphabets), and their validators: placeholder rejection, Shannon entropy for the generic
// "key = value" fallback, JWT header decoding, PEM block extension to its END line.
#include <hs/hs.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "detect/finding.h"
#include "detect/patterns.h"

namespace concord::detect {
namespace {

std::string_view sub(std::string_view t, Span s) { return t.substr(s.begin, s.end - s.begin); }

bool tokenChar(char c) { return isAlnum(c) || c == '_' || c == '-'; }

bool tokenBoundaries(std::string_view t, Span s) {
  return (s.begin == 0 || !tokenChar(t[s.begin - 1])) && (s.end >= t.size() || !tokenChar(t[s.end]));
}

double entropyBits(std::string_view v) {
  std::array<int, 256> counts{};
  for (unsigned char c : v) ++counts[c];
  double h = 0;
  for (int n : counts)
    if (n) {
      double p = static_cast<double>(n) / static_cast<double>(v.size());
      h -= p * std::log2(p);
    }
  return h;
}

bool lowerContains(std::string_view v, std::string_view needle) {
  if (needle.size() > v.size()) return false;
  for (size_t i = 0; i + needle.size() <= v.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && (v[i + k] | 0x20) == needle[k]) ++k;
    if (k == needle.size()) return true;
  }
  return false;
}

// Values that are obviously not real secrets: templates, masks, documentation placeholders.
bool placeholder(std::string_view v) {
  if (v.empty()) return true;
  if (v.find("${") != std::string_view::npos || v.find("{{") != std::string_view::npos ||
      v.find('<') != std::string_view::npos || v.find("***") != std::string_view::npos)
    return true;
  for (std::string_view w : {"xxxx", "your", "example", "placeholder", "changeme", "redacted", "dummy",
                             "password", "secret", "token", "here", "1234567", "abcdef", "insert", "replace"})
    if (lowerContains(v, w)) return true;
  int distinct = 0;
  std::array<bool, 256> seen{};
  for (unsigned char c : v)
    if (!seen[c]) seen[c] = true, ++distinct;
  return distinct < 5;
}

float vToken(std::string_view t, Span& s) { return tokenBoundaries(t, s) ? 0.95f : 0; }
float vTokenLow(std::string_view t, Span& s) { return tokenBoundaries(t, s) ? 0.7f : 0; }

// Narrows the span to the trailing value (after '=' / ':' and quotes).
Span valueOf(std::string_view t, Span s) {
  uint32_t e = s.end;
  uint32_t b = e;
  while (b > s.begin && t[b - 1] != '=' && t[b - 1] != ':' && t[b - 1] != '"' && t[b - 1] != '\'' &&
         t[b - 1] != ' ' && t[b - 1] != '\t')
    --b;
  return {b, e};
}

float vAssignedValue(std::string_view t, Span& s) {
  Span v = valueOf(t, s);
  if (v.end - v.begin < 16 || (v.end < t.size() && isAlnum(t[v.end]))) return 0;
  if (placeholder(sub(t, v))) return 0;
  s = v;
  return 0.9f;
}

float vStripe(std::string_view t, Span& s) {
  if (!tokenBoundaries(t, s)) return 0;
  return sub(t, s).find("_test_") != std::string_view::npos ? 0.8f : 0.95f;
}

float vTwilioSid(std::string_view t, Span& s) {
  if (!tokenBoundaries(t, s)) return 0;
  return t[s.begin] == 'S' ? 0.8f : 0.6f;  // SK… is an API key; AC… an account id
}

float vPrivateKey(std::string_view t, Span& s) {
  // Extend to the END line of the same block (bounded), so redaction removes the key body.
  constexpr size_t kMaxBlock = 16384;
  size_t limit = std::min(t.size(), static_cast<size_t>(s.end) + kMaxBlock);
  std::string_view rest = t.substr(s.end, limit - s.end);
  size_t endPos = rest.find("-----END");
  if (endPos != std::string_view::npos) {
    size_t close = rest.find("-----", endPos + 8);
    if (close != std::string_view::npos) s.end = static_cast<uint32_t>(s.end + close + 5);
  } else {
    // No END line (truncated paste): take the base64 body that follows.
    uint32_t e = s.end;
    while (e < limit && (isAlnum(t[e]) || t[e] == '+' || t[e] == '/' || t[e] == '=' || t[e] == '\n' ||
                         t[e] == '\r' || t[e] == ' ' || t[e] == ':' || t[e] == '-' || t[e] == ','))
      ++e;
    s.end = e;
  }
  return 0.99f;
}

int b64val(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-' || c == '+') return 62;
  if (c == '_' || c == '/') return 63;
  return -1;
}

float vJwt(std::string_view t, Span& s) {
  if (!tokenBoundaries(t, s)) return 0;
  std::string_view v = sub(t, s);
  size_t dot = v.find('.');
  std::string header;
  uint32_t acc = 0;
  int bits = 0;
  for (size_t i = 0; i < dot && header.size() < 256; ++i) {
    int x = b64val(v[i]);
    if (x < 0) return 0;
    acc = (acc << 6) | static_cast<uint32_t>(x);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      header.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  return header.find("\"alg\"") != std::string::npos || header.find("\"typ\"") != std::string::npos ? 0.95f : 0.6f;
}

float vConnection(std::string_view t, Span& s) {
  std::string_view v = sub(t, s);
  // Trim trailing punctuation a sentence may have glued on.
  while (!v.empty() && (v.back() == '.' || v.back() == ',' || v.back() == ')' || v.back() == ';')) v.remove_suffix(1);
  s.end = s.begin + static_cast<uint32_t>(v.size());
  size_t scheme = v.find("://");
  if (scheme != std::string_view::npos) {
    std::string_view cred = v.substr(scheme + 3);
    size_t at = cred.rfind('@');
    size_t colon = cred.find(':');
    if (at == std::string_view::npos || colon == std::string_view::npos || colon > at) return 0;
    std::string_view pass = cred.substr(colon + 1, at - colon - 1);
    if (pass.size() < 3 || pass.find("${") != std::string_view::npos || pass.front() == '<' ||
        pass.find("***") != std::string_view::npos || pass == "password" || pass == "pass")
      return 0;
    return v.substr(0, 4) == "http" ? 0.75f : 0.9f;
  }
  // ADO.NET / ODBC style: "...;Password=xyz;"
  size_t eq = v.rfind('=');
  if (eq == std::string_view::npos) return 0;
  std::string_view pass = v.substr(eq + 1);
  while (!pass.empty() && (pass.front() == '\'' || pass.front() == '"')) pass.remove_prefix(1);
  if (pass.size() < 4 || pass.find("${") != std::string_view::npos || pass.front() == '<') return 0;
  return 0.85f;
}

float vGeneric(std::string_view t, Span& s) {
  Span v = valueOf(t, s);
  std::string_view val = sub(t, v);
  while (!val.empty() && (val.back() == '"' || val.back() == '\'' || val.back() == ',' || val.back() == ';' ||
                          val.back() == '.'))
    val.remove_suffix(1);
  v.end = v.begin + static_cast<uint32_t>(val.size());
  if (val.size() < 8 || placeholder(val)) return 0;
  if (v.end < t.size() && isAlnum(t[v.end])) return 0;
  int classes = 0;
  classes += std::any_of(val.begin(), val.end(), [](char c) { return c >= 'a' && c <= 'z'; });
  classes += std::any_of(val.begin(), val.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  classes += std::any_of(val.begin(), val.end(), isDigit);
  classes += std::any_of(val.begin(), val.end(), [](char c) { return !isAlnum(c); });
  double h = entropyBits(val);
  std::string_view key = sub(t, {s.begin, v.begin});
  bool isPassword = lowerContains(key, "pass") || lowerContains(key, "pwd");
  if (isPassword) {
    if (classes < 2 || h < 2.5) return 0;
  } else if (val.size() < 16 || h < 3.3 || classes < 2 || std::none_of(val.begin(), val.end(), isDigit)) {
    // Real keys carry digits; identifiers in code ("token = kDetectorName") do not.
    return 0;
  }
  s = v;
  return h >= 4.0 ? 0.8f : 0.65f;
}

constexpr unsigned kC = HS_FLAG_CASELESS;

const PatternSpec kSecrets[] = {
    {"(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA|APKA)[A-Z2-7]{16}", 0, kinds::kAwsKey, Family::kSecrets, vToken, 0},
    {"aws.{0,24}(?:secret|private).{0,24}[:=]\\s{0,3}[\"']?[A-Za-z0-9/+]{40}", kC, kinds::kAwsKey, Family::kSecrets, vAssignedValue, 0},
    {"AIza[0-9A-Za-z_\\-]{35}", 0, kinds::kGcpKey, Family::kSecrets, vToken, 0},
    {"GOCSPX-[0-9A-Za-z_\\-]{28}", 0, kinds::kGcpKey, Family::kSecrets, vToken, 0},
    {"ya29\\.[0-9A-Za-z_\\-]{30,}", 0, kinds::kGcpKey, Family::kSecrets, vTokenLow, 0},
    {"\"private_key_id\"\\s{0,3}:\\s{0,3}\"[0-9a-f]{40}", 0, kinds::kGcpKey, Family::kSecrets, vAssignedValue, 0},
    {"AccountKey=[A-Za-z0-9+/]{86}==", 0, kinds::kAzureKey, Family::kSecrets, vAssignedValue, 0},
    {"SharedAccessKey=[A-Za-z0-9+/]{43}=", 0, kinds::kAzureKey, Family::kSecrets, vAssignedValue, 0},
    {"[A-Za-z0-9_~.]{3}\\dQ~[A-Za-z0-9_~.\\-]{31,34}", 0, kinds::kAzureKey, Family::kSecrets, vTokenLow, 0},
    {"[?&]sig=[A-Za-z0-9%+/]{40,90}", 0, kinds::kAzureKey, Family::kSecrets, vAssignedValue, 0},
    {"sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\\-]{40,}", 0, kinds::kOpenAiKey, Family::kSecrets, vToken, 0},
    {"sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}", 0, kinds::kOpenAiKey, Family::kSecrets, vToken, 0},
    {"sk-[A-Za-z0-9]{48}", 0, kinds::kOpenAiKey, Family::kSecrets, vTokenLow, 0},
    {"sk-ant-(?:api|admin|oat|ort|sid)\\d{2}-[A-Za-z0-9_\\-]{20,}", 0, kinds::kAnthropicKey, Family::kSecrets, vToken, 0},
    {"gh[pousr]_[A-Za-z0-9]{36,251}", 0, kinds::kGithubToken, Family::kSecrets, vToken, 0},
    {"github_pat_[A-Za-z0-9_]{50,}", 0, kinds::kGithubToken, Family::kSecrets, vToken, 0},
    {"gl(?:pat|dt|rt|ptt|soat|cbt|ffct|oas|imt|agent|ft|wt)-[A-Za-z0-9_\\-]{20,64}", 0, kinds::kGitlabToken, Family::kSecrets, vToken, 0},
    {"GR1348941[A-Za-z0-9_\\-]{20,40}", 0, kinds::kGitlabToken, Family::kSecrets, vToken, 0},
    {"xox[abposre]-[A-Za-z0-9\\-]{10,}", 0, kinds::kSlackToken, Family::kSecrets, vToken, 0},
    {"xapp-\\d-[A-Z0-9]{6,16}-\\d{6,16}-[a-f0-9]{32,80}", 0, kinds::kSlackToken, Family::kSecrets, vToken, 0},
    {"https://hooks\\.slack\\.com/(?:services|workflows)/T[A-Z0-9]{6,12}/[AB][A-Z0-9]{6,12}/[A-Za-z0-9]{20,32}", 0, kinds::kSlackToken, Family::kSecrets, vToken, 0},
    {"(?:sk|rk)_(?:live|test)_[0-9A-Za-z]{16,247}", 0, kinds::kStripeKey, Family::kSecrets, vStripe, 0},
    {"whsec_[A-Za-z0-9]{24,64}", 0, kinds::kStripeKey, Family::kSecrets, vToken, 0},
    {"(?:AC|SK)[0-9a-f]{32}", 0, kinds::kTwilioKey, Family::kSecrets, vTwilioSid, 0},
    {"twilio.{0,30}(?:token|secret|key).{0,10}[:=]\\s{0,3}[\"']?[0-9a-f]{32}", kC, kinds::kTwilioKey, Family::kSecrets, vAssignedValue, 0},
    {"-----BEGIN[ A-Z0-9]{0,24}PRIVATE KEY(?: BLOCK)?-----", 0, kinds::kPrivateKey, Family::kSecrets, vPrivateKey, 0},
    {"eyJ[A-Za-z0-9_\\-]{8,}\\.eyJ[A-Za-z0-9_\\-]{8,}\\.[A-Za-z0-9_\\-]{16,}", 0, kinds::kJwt, Family::kSecrets, vJwt, 0},
    {"(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\\+srv)?|rediss?|amqps?|mssql|sqlserver|oracle|jdbc:[a-z]{2,12}|ftps?|sftp|smtps?|ldaps?|https?)://[^\\s:/@'\"]+:[^\\s@'\"/]+@[^\\s'\"<>]+",
     kC, kinds::kConnectionString, Family::kSecrets, vConnection, 0},
    {"(?:server|data source|host|address)\\s?=[^;\\n]+;[^\\n]*(?:password|pwd)\\s?=\\s?[^;'\"\\s]{3,}", kC, kinds::kConnectionString, Family::kSecrets, vConnection, 0},
    {"(?:api[_\\-.]?key|apikey|secret|token|passw(?:or)?d|passwd|pwd|auth[_\\-.]?key|credentials?|private[_\\-.]?key|access[_\\-.]?key|client[_\\-.]?secret|bearer)[A-Za-z0-9_\\-.]*[\"']?\\s*(?:[:=]|=>|:=)\\s*[\"']?[A-Za-z0-9_\\-+/=.~!@#$%^&*]{8,}",
     kC, kinds::kGenericSecret, Family::kSecrets, vGeneric, 0},
    {"bearer\\s+[A-Za-z0-9_\\-.=+/]{20,}", kC, kinds::kGenericSecret, Family::kSecrets, vGeneric, 0},
};

}  // namespace

std::span<const PatternSpec> secretPatterns() { return kSecrets; }

}  // namespace concord::detect
