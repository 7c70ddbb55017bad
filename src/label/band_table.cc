#include "label/band_table.h"

#include <algorithm>

namespace concord::label {

void BandTable::add(int64_t row_id, const Sketch& sketch) {
  if (row_id <= 0 || row_id > UINT32_MAX) return;
  last_row_ = std::max(last_row_, row_id);
  if (sketch.shingles == 0) return;
  if ((used_ + kBands) * 2 > slots_.size()) grow();
  for (int64_t key : bandKeys(sketch)) insert(fingerprint(key), static_cast<uint32_t>(row_id));
}

void BandTable::insert(uint32_t fp, uint32_t row) {
  size_t i = fp & mask_;
  while (slots_[i].row != 0) i = (i + 1) & mask_;
  slots_[i] = {fp, row};
  ++used_;
}

void BandTable::grow() {
  std::vector<Slot> old;
  old.swap(slots_);
  size_t capacity = std::max<size_t>(1024, old.size() * 2);
  while ((used_ + kBands) * 2 > capacity) capacity *= 2;
  slots_.assign(capacity, Slot{});
  mask_ = capacity - 1;
  used_ = 0;
  for (const Slot& s : old)
    if (s.row != 0) insert(s.key, s.row);
}

void BandTable::clear() {
  slots_.clear();
  slots_.shrink_to_fit();
  mask_ = 0;
  used_ = 0;
  last_row_ = 0;
}

}  // namespace concord::label
