// Detector evaluation; see eval.h.
#include "detect/eval.h"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace concord::detect {

double tprAtFpr(const std::vector<float>& pos, const std::vector<float>& neg, double maxFpr) {
  std::vector<float> thresholds(pos.begin(), pos.end());
  std::sort(thresholds.begin(), thresholds.end());
  thresholds.erase(std::unique(thresholds.begin(), thresholds.end()), thresholds.end());
  double best = 0;
  for (float t : thresholds) {
    if (t <= 0) continue;
    double fp = static_cast<double>(std::count_if(neg.begin(), neg.end(), [&](float s) { return s >= t; }));
    double fpr = neg.empty() ? 0 : fp / static_cast<double>(neg.size());
    if (fpr > maxFpr) continue;
    double tp = static_cast<double>(std::count_if(pos.begin(), pos.end(), [&](float s) { return s >= t; }));
    best = std::max(best, pos.empty() ? 0 : tp / static_cast<double>(pos.size()));
  }
  return best;
}

Result<EvalReport> evaluate(const Scanner& scanner, std::istream& in, const std::vector<std::string>& filter) {
  EvalReport rep;
  ScanScratch scratch;
  std::vector<float> pos, neg;
  std::string line;
  size_t lineNo = 0;
  auto wanted = [&](std::string_view k) {
    return filter.empty() || std::find(filter.begin(), filter.end(), k) != filter.end();
  };
  while (std::getline(in, line)) {
    ++lineNo;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("text") || !j["text"].is_string())
      return makeError("detect.eval_input", "line " + std::to_string(lineNo) + ": expected {\"text\": ...}");
    std::string text = j["text"].get<std::string>();
    std::vector<Finding> found;
    Status st = scanner.scan(text, scratch, found);
    if (!st.ok()) return st.error();
    if (j.contains("label")) {
      ++rep.labelLines;
      float score = injectionScore(found);
      if (j["label"].get<int>() != 0) ++rep.positives, pos.push_back(score);
      else ++rep.negatives, neg.push_back(score);
      continue;
    }
    ++rep.spanLines;
    struct Gold {
      std::string kind;
      uint32_t b, e;
      bool matched = false;
    };
    std::vector<Gold> gold;
    if (j.contains("spans"))
      for (const auto& s : j["spans"]) {
        std::string k = s.value("kind", "");
        if (!wanted(k)) continue;
        gold.push_back({k, s.value("start", 0u), s.value("end", 0u)});
      }
    for (const Finding& f : found) {
      if (isInjectionKind(f.kind) || !wanted(f.kind)) continue;
      bool hit = false;
      for (Gold& g : gold)
        if (!g.matched && g.kind == f.kind && f.begin < g.e && g.b < f.end) {
          g.matched = hit = true;
          break;
        }
      auto& c = rep.kinds[std::string(f.kind)];
      (hit ? c.tp : c.fp)++;
    }
    for (const Gold& g : gold)
      if (!g.matched) rep.kinds[g.kind].fn++;
  }
  for (const auto& [k, c] : rep.kinds) {
    rep.total.tp += c.tp;
    rep.total.fp += c.fp;
    rep.total.fn += c.fn;
  }
  rep.tprAt1 = tprAtFpr(pos, neg, 0.01);
  rep.tprAt5 = tprAtFpr(pos, neg, 0.05);
  return rep;
}

std::string EvalReport::toJson() const {
  nlohmann::json j;
  auto counts = [](const KindCounts& c) {
    return nlohmann::json{{"tp", c.tp}, {"fp", c.fp}, {"fn", c.fn}, {"precision", c.precision()},
                          {"recall", c.recall()}, {"f1", c.fBeta(1)}, {"f2", c.fBeta(2)}};
  };
  if (spanLines) {
    j["spans"]["lines"] = spanLines;
    for (const auto& [k, c] : kinds) j["spans"]["kinds"][k] = counts(c);
    j["spans"]["micro"] = counts(total);
  }
  if (labelLines)
    j["injection"] = {{"lines", labelLines}, {"positives", positives}, {"negatives", negatives},
                      {"tpr_at_1pct_fpr", tprAt1}, {"tpr_at_5pct_fpr", tprAt5}};
  return j.dump(2);
}

}  // namespace concord::detect
