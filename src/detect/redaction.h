// Redaction of findings in a text: type tags ("[EMAIL]"), partial masks ("****1234"), or
// reversible pseudonyms ("<EMAIL_1>") kept in a PseudonymVault so the answer can be restored
// for the user (whole or streamed, see PseudonymRestorer) while the upstream never sees the value.
//
// Ownership/threads: a PseudonymVault belongs to one exchange (one conversation of one tenant)
// and is used by that exchange's coroutine only; it is not thread-safe. redact() is a pure
// function apart from the vault it is given.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "detect/finding.h"

namespace concord::detect {

enum class RedactionMode { kTag, kMask, kPseudonym };

// "pii.email" -> "EMAIL", "secret.aws_key" -> "AWS_KEY".
std::string redactionLabel(std::string_view kind);

// Partial mask of a value: "****" plus its last four letters/digits ("****" alone under 8 bytes).
std::string maskValue(std::string_view value);

class PseudonymVault {
 public:
  // `tenant` namespaces the vault (a vault is never shared across tenants); tokens are numbered
  // per kind in order of first appearance, so replaying a conversation's messages in order
  // gives the same tokens on every request of that conversation.
  explicit PseudonymVault(std::string tenant = {}) : tenant_(std::move(tenant)) {}

  // The token for `value` (same value, same token), e.g. "<EMAIL_1>".
  const std::string& tokenFor(std::string_view kind, std::string_view value);
  // The value behind a token, or nullptr.
  const std::string* valueOf(std::string_view token) const;
  // Replaces every known token in `text` with its value.
  std::string restore(std::string_view text) const;

  const std::string& tenant() const { return tenant_; }
  size_t size() const { return byValue_.size(); }
  static constexpr size_t kMaxTokenLength = 40;

 private:
  std::string tenant_;
  std::unordered_map<std::string, std::string> byValue_;  // kind + '\0' + value -> token
  std::unordered_map<std::string, std::string> byToken_;  // token -> value
  std::map<std::string, uint32_t, std::less<>> counters_;  // label -> last number
};

// Restores tokens in a streamed answer. A token split across chunks ("<EMA" + "IL_1>") is held
// back until complete; at most PseudonymVault::kMaxTokenLength bytes are ever held.
class PseudonymRestorer {
 public:
  explicit PseudonymRestorer(const PseudonymVault& vault) : vault_(vault) {}
  // Returns the text that can be released now.
  std::string feed(std::string_view chunk);
  // Releases whatever is held at the end of the stream.
  std::string finish();

 private:
  const PseudonymVault& vault_;
  std::string held_;
};

// Returns `text` with the PII/secret findings replaced (injection findings are left alone).
// Overlapping findings are merged into the first. `vault` is required for kPseudonym (without
// one, kPseudonym falls back to kTag).
std::string redact(std::string_view text, std::span<const Finding> findings, RedactionMode mode,
                   PseudonymVault* vault);

}  // namespace concord::detect
