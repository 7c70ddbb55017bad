#include "policy/diagnostic.h"

#include <sstream>

namespace concord::policy {

std::string formatDiagnostic(const Diagnostic& d) {
  std::ostringstream o;
  o << d.file << ":" << d.line << ":" << d.col << ": " << (d.warning ? "warning: " : "") << d.code
    << ": " << d.message;
  return o.str();
}

std::string formatDiagnosticLong(const Diagnostic& d) {
  std::string s = formatDiagnostic(d);
  if (!d.snippet.empty()) {
    s += "\n    " + d.snippet + "\n    ";
    if (d.col > 0) s += std::string(static_cast<size_t>(d.col - 1), ' ') + "^";
  }
  return s;
}

const std::string* SourceSet::add(const std::string& path, const std::string& text) {
  auto f = std::make_unique<File>();
  f->path = path;
  std::string line;
  std::istringstream in(text);
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    f->lines.push_back(line);
  }
  files_.push_back(std::move(f));
  return &files_.back()->path;
}

std::string SourceSet::lineOf(const Pos& pos) const {
  for (const auto& f : files_)
    if (&f->path == pos.file && pos.line >= 1 && pos.line <= static_cast<int>(f->lines.size()))
      return f->lines[static_cast<size_t>(pos.line - 1)];
  return {};
}

void Diagnostics::error(const Pos& pos, std::string code, std::string message) {
  Diagnostic d;
  d.code = std::move(code);
  d.file = pos.file ? *pos.file : "<input>";
  d.line = pos.line;
  d.col = pos.col;
  d.message = std::move(message);
  if (sources_) d.snippet = sources_->lineOf(pos);
  list_.push_back(std::move(d));
}

void Diagnostics::warn(const Pos& pos, std::string code, std::string message) {
  error(pos, std::move(code), std::move(message));
  list_.back().warning = true;
}

bool Diagnostics::hasErrors() const {
  for (const auto& d : list_)
    if (!d.warning) return true;
  return false;
}

std::string Diagnostics::summary() const {
  std::string s;
  for (const auto& d : list_) {
    if (d.warning) continue;
    if (!s.empty()) s += "\n";
    s += formatDiagnostic(d);
  }
  return s;
}

}  // namespace concord::policy
