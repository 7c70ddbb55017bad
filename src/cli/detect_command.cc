// `concord detect scan [--file F] [--kinds k1,k2]` prints findings of a text (stdin or file) as
// JSON; `concord detect eval --data FILE.jsonl [--kinds ...]` prints evaluation figures.
// Logic lives in src/detect (scanner, eval); this file only parses flags.
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "detect/eval.h"
#include "detect/language.h"
#include "detect/scanner.h"

namespace concord::cli {
namespace {

std::vector<std::string> splitKinds(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string k;
  while (std::getline(ss, k, ','))
    if (!k.empty()) out.push_back(k);
  return out;
}

}  // namespace

int runDetect(int argc, char** argv) {
  CLI::App app{"concord detect: run the detectors"};
  app.require_subcommand(1);
  std::string file, data, kinds;
  float minScore = 0.5f;
  auto* scan = app.add_subcommand("scan", "print findings of a text (stdin or --file) as JSON");
  scan->add_option("--file", file, "text file (default: stdin)");
  scan->add_option("--kinds", kinds, "comma-separated kinds to report");
  scan->add_option("--min-score", minScore, "drop findings under this score");
  auto* eval = app.add_subcommand("eval", "precision/recall per kind, injection TPR at 1%/5% FPR");
  eval->add_option("--data", data, "JSONL file")->required();
  eval->add_option("--kinds", kinds, "comma-separated kinds to evaluate");
  eval->add_option("--min-score", minScore, "drop findings under this score");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  detect::ScannerOptions opts;
  opts.minScore = minScore;
  if (scan->parsed()) opts.kinds = splitKinds(kinds);
  auto built = detect::Scanner::build(opts);
  if (!built.ok()) {
    std::fprintf(stderr, "concord detect: %s\n", built.error().message.c_str());
    return 2;
  }
  const auto& scanner = *built.value();
  if (scan->parsed()) {
    std::stringstream ss;
    if (file.empty()) {
      ss << std::cin.rdbuf();
    } else {
      std::ifstream f(file, std::ios::binary);
      if (!f) {
        std::fprintf(stderr, "concord detect: cannot read %s\n", file.c_str());
        return 2;
      }
      ss << f.rdbuf();
    }
    std::string text = ss.str();
    detect::ScanScratch scratch;
    std::vector<detect::Finding> found;
    Status st = scanner.scan(text, scratch, found);
    if (!st.ok()) {
      std::fprintf(stderr, "concord detect: %s\n", st.error().message.c_str());
      return 2;
    }
    nlohmann::json j;
    j["language"] = std::string(detect::detectLanguage(text));
    j["injection_score"] = detect::injectionScore(found);
    j["findings"] = nlohmann::json::array();
    for (const auto& f : found)
      j["findings"].push_back({{"kind", f.kind}, {"start", f.begin}, {"end", f.end}, {"score", f.score},
                               {"detector", f.detector}, {"text", text.substr(f.begin, f.end - f.begin)}});
    std::cout << j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    return found.empty() ? 0 : 1;
  }
  std::ifstream in(data, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "concord detect: cannot read %s\n", data.c_str());
    return 2;
  }
  auto rep = detect::evaluate(scanner, in, splitKinds(kinds));
  if (!rep.ok()) {
    std::fprintf(stderr, "concord detect: %s\n", rep.error().message.c_str());
    return 2;
  }
  std::cout << rep.value().toJson() << "\n";
  return 0;
}

}  // namespace concord::cli
