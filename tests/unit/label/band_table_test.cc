#include "label/band_table.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace concord::label {
namespace {

std::string text(int i) {
  std::string t;
  for (int w = 0; w < 60; ++w) t += "w" + std::to_string((i * 7919 + w * 104729) % 100000) + " ";
  return t;
}

// Every answer is found again through each of its bands, across several growths of the table;
// an unrelated sketch finds (almost) nothing; empty sketches add nothing but move lastRow.
TEST(BandTable, FindsEveryRowThroughEachBandAcrossGrowth) {
  BandTable t;
  constexpr int kRows = 3000;  // 96,000 entries: the table grows from 1,024 slots several times
  for (int i = 1; i <= kRows; ++i) t.add(i, sketchText(text(i)));
  EXPECT_EQ(t.entries(), static_cast<size_t>(kRows) * kBands);
  EXPECT_EQ(t.lastRow(), kRows);
  EXPECT_LE(t.entries() * 2, t.bytes() / 8);  // at most half full
  for (int i : {1, 2, 1500, kRows}) {
    Sketch s = sketchText(text(i));
    for (int64_t key : bandKeys(s)) {
      bool found = false;
      t.forEach(key, [&](int64_t row) { found = found || row == i; });
      EXPECT_TRUE(found) << i;
    }
  }
  std::set<int64_t> stray;
  for (int64_t key : bandKeys(sketchText("completely different words about the sea and the sky tonight")))
    t.forEach(key, [&](int64_t row) { stray.insert(row); });
  EXPECT_LE(stray.size(), 2u);
  t.add(kRows + 5, Sketch{});
  EXPECT_EQ(t.lastRow(), kRows + 5);
  EXPECT_EQ(t.entries(), static_cast<size_t>(kRows) * kBands);
  t.clear();
  EXPECT_EQ(t.entries(), 0u);
  EXPECT_EQ(t.lastRow(), 0);
  int calls = 0;
  t.forEach(1, [&](int64_t) { ++calls; });
  EXPECT_EQ(calls, 0);
}

}  // namespace
}  // namespace concord::label
