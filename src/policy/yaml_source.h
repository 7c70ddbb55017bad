// Helpers shared by the vocabulary and pack readers: load a YAML file into a node while
// remembering its text for snippets, turn yaml-cpp marks into 1-based positions, and read
// scalars and lists with a type check that reports through Diagnostics. Loader-only (not the
// request path); single thread per load.
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <vector>

#include "policy/diagnostic.h"

namespace concord::policy {

// Parses `text` (read from `path`, or given inline with a made-up path). On a YAML syntax
// error reports policy.bad_yaml and returns nullopt.
std::optional<YAML::Node> parseYaml(const std::string& path, const std::string& text,
                                    SourceSet& sources, Diagnostics& diags, const std::string** interned);
// Reads a whole file; nullopt (and policy.bad_yaml "cannot read") if it cannot.
std::optional<std::string> readFileText(const std::string& path);

Pos posOf(const std::string* file, const YAML::Node& node);

// Scalar as string, or policy.type_mismatch when `node` is not a scalar.
std::optional<std::string> scalarOf(const YAML::Node& node, const std::string* file, Diagnostics& d,
                                    const char* what);
// Scalar or sequence of scalars as a list of strings.
std::optional<std::vector<std::string>> stringsOf(const YAML::Node& node, const std::string* file,
                                                  Diagnostics& d, const char* what);

// "YYYY-MM-DD" -> days since 1970-01-01; nullopt when malformed or not a real date.
std::optional<int32_t> parseDay(const std::string& s);
std::string formatDay(int32_t day);
std::optional<double> parseNumber(const std::string& s);
std::optional<bool> parseBool(const std::string& s);

}  // namespace concord::policy
