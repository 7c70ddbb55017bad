// Small helpers for the policy-related CLI commands (policy, check, assess): resolve the
// vocabulary next to a pack directory, load a program and print its diagnostics, parse dates.
// CLI only (main thread).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "policy/program.h"

namespace concord::policy {

// `vocabulary` if given, else <first directory or pack's folder>/vocabulary.yaml.
std::string resolveVocabulary(const std::string& vocabulary, const std::vector<std::string>& packs);
// Loads and prints every diagnostic (errors and warnings) to stderr; nullptr on error.
std::shared_ptr<const Program> loadForCli(const std::string& vocabulary, const std::vector<std::string>& packs,
                                          bool enable_unverified);
int32_t todayUtc();
// "YYYY-MM-DD" or empty (today); nullopt on a malformed date.
std::optional<int32_t> dayOrToday(const std::string& s);
std::vector<std::string> splitComma(const std::string& s);

}  // namespace concord::policy
