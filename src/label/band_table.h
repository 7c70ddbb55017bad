// BandTable: the LSH band index of the provenance index, in memory. Maps each MinHash band key
// (sketch.h bandKeys) to the answers (SQLite row ids) whose sketch has it, so that a lookup
// without a manifest finds its candidates in 32 probes. It replaces a SQLite table of 32 rows
// per answer, which was most of the cost of recording an answer (docs/provenance-format.md §7):
// the table is rebuilt from the stored sketches by the process that looks texts up, when it
// first does, and caught up before each lookup, so recording an answer writes one row.
// Open addressing with linear probing over 8-byte entries (32-bit key fingerprint, 32-bit row
// id), at most half full: ~0.5 KB of memory per indexed answer. A fingerprint collision only
// adds a candidate, which the caller checks by similarity anyway.
// Plain value type; one thread at a time (ProvenanceIndex holds its database mutex).
#pragma once

#include <cstdint>
#include <vector>

#include "label/sketch.h"

namespace concord::label {

class BandTable {
 public:
  // Adds the band keys of `sketch` for `row_id` (> 0, < 2^32). An empty sketch adds nothing.
  void add(int64_t row_id, const Sketch& sketch);
  // Calls f(row_id) for every row sharing band `key`, once per stored entry.
  template <typename F>
  void forEach(int64_t key, F&& f) const {
    if (slots_.empty()) return;
    const uint32_t fp = fingerprint(key);
    for (size_t i = fp & mask_;; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (s.row == 0) return;
      if (s.key == fp) f(static_cast<int64_t>(s.row));
    }
  }
  size_t entries() const { return used_; }
  size_t bytes() const { return slots_.size() * sizeof(Slot); }
  int64_t lastRow() const { return last_row_; }  // highest row id added (catch-up point)
  void clear();

 private:
  struct Slot {
    uint32_t key = 0;
    uint32_t row = 0;  // 0 = empty
  };
  static uint32_t fingerprint(int64_t key) { return static_cast<uint32_t>(key ^ (key >> 32)); }
  void insert(uint32_t fp, uint32_t row);
  void grow();

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t used_ = 0;
  int64_t last_row_ = 0;
};

}  // namespace concord::label
