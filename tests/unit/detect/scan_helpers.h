// Shared helpers for detector tests: one scanner for the whole test binary (building the
// database takes seconds), and a table-driven check of expected spans.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "detect/scanner.h"

namespace concord::detect::testing {

inline const Scanner& sharedScanner() {
  static std::shared_ptr<const Scanner> s = [] {
    auto r = Scanner::build({});
    if (!r.ok()) ADD_FAILURE() << r.error().message;
    return r.ok() ? r.value() : nullptr;
  }();
  return *s;
}

inline std::vector<Finding> scanText(std::string_view text) {
  thread_local ScanScratch scratch;
  std::vector<Finding> out;
  EXPECT_TRUE(sharedScanner().scan(text, scratch, out).ok());
  return out;
}

// A vector: text, expected kind, expected covered substring ("" = the kind must NOT be found).
struct Vector {
  std::string text;
  std::string_view kind;
  std::string value;
};

inline void checkVectors(const std::vector<Vector>& vs) {
  for (const auto& v : vs) {
    auto f = scanText(v.text);
    bool found = false, exact = false;
    for (const auto& x : f)
      if (x.kind == v.kind) {
        found = true;
        exact |= v.text.substr(x.begin, x.end - x.begin) == v.value;
      }
    if (v.value.empty()) {
      EXPECT_FALSE(found) << "unexpected " << v.kind << " in: " << v.text;
    } else {
      EXPECT_TRUE(exact) << "expected " << v.kind << " '" << v.value << "' in: " << v.text;
    }
  }
}

}  // namespace concord::detect::testing
