// Diagnostics of the policy loader: every problem found in a vocabulary or a pack, with a stable
// code ("policy.unknown_fact"), the position (file:line:col, 1-based) and the source line as a
// snippet. Collected by value while loading; plain data, any thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

namespace concord::policy {

struct Diagnostic {
  std::string code;  // policy.bad_yaml, policy.unknown_fact, policy.type_mismatch, ...
  std::string file;
  int line = 0;
  int col = 0;
  std::string message;
  std::string snippet;  // the source line, trimmed of its newline
  bool warning = false; // warnings do not fail a load (lint still reports them)
};

// "file:line:col: code: message"
std::string formatDiagnostic(const Diagnostic& d);
// One line per diagnostic, with the snippet indented under it (for lint output).
std::string formatDiagnosticLong(const Diagnostic& d);

// A position in a source file, kept by the reader so later stages can report errors.
struct Pos {
  const std::string* file = nullptr;  // interned by SourceSet, stable for the load
  int line = 0;  // 1-based
  int col = 0;   // 1-based
};

// Files read during one load: their paths and lines, for snippets. Not thread-safe.
class SourceSet {
 public:
  // Returns the interned path; remembers its text for snippets.
  const std::string* add(const std::string& path, const std::string& text);
  std::string lineOf(const Pos& pos) const;

 private:
  struct File {
    std::string path;
    std::vector<std::string> lines;
  };
  std::vector<std::unique_ptr<File>> files_;
};

class Diagnostics {
 public:
  explicit Diagnostics(const SourceSet* sources) : sources_(sources) {}
  void error(const Pos& pos, std::string code, std::string message);
  void warn(const Pos& pos, std::string code, std::string message);
  bool hasErrors() const;
  const std::vector<Diagnostic>& all() const { return list_; }
  // Every error (not warnings) as "file:line:col: code: message", newline-separated.
  std::string summary() const;

 private:
  const SourceSet* sources_;
  std::vector<Diagnostic> list_;
};

}  // namespace concord::policy
