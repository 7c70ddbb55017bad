// Evaluation of the detectors against labelled JSONL data (`concord detect eval`):
//  - span lines {"text": ..., "spans": [{"kind","start","end"}]}: per-kind span-level
//    precision, recall, F1, F2. A predicted span counts as a true positive when it overlaps a
//    not-yet-matched gold span of the same kind (one-to-one); offsets are bytes of UTF-8 text.
//  - label lines {"text": ..., "label": 0|1}: injection TPR at 1% and 5% FPR, using the text
//    score injectionScore(findings).
// Single-threaded; used by the CLI and tests.
#pragma once

#include <istream>
#include <map>
#include <string>
#include <vector>

#include "common/result.h"
#include "detect/scanner.h"

namespace concord::detect {

struct KindCounts {
  size_t tp = 0, fp = 0, fn = 0;
  double precision() const { return tp + fp ? double(tp) / double(tp + fp) : 0; }
  double recall() const { return tp + fn ? double(tp) / double(tp + fn) : 0; }
  double fBeta(double beta) const {
    double p = precision(), r = recall(), b2 = beta * beta;
    return p + r > 0 ? (1 + b2) * p * r / (b2 * p + r) : 0;
  }
};

struct EvalReport {
  std::map<std::string, KindCounts> kinds;  // by kind
  KindCounts total;
  size_t spanLines = 0, labelLines = 0, positives = 0, negatives = 0;
  double tprAt1 = 0, tprAt5 = 0;
  std::string toJson() const;
};

// Reads JSONL from `in`. `kindsFilter` (empty: all) restricts the kinds counted on both sides.
Result<EvalReport> evaluate(const Scanner& scanner, std::istream& in, const std::vector<std::string>& kindsFilter);

// TPR at the best threshold whose FPR is <= maxFpr (positive when score >= threshold > 0).
double tprAtFpr(const std::vector<float>& positives, const std::vector<float>& negatives, double maxFpr);

}  // namespace concord::detect
