// A serial, single-dyad implementation of the Sink concept of simulate_dyad.hpp for the tests: it
// accumulates counts exactly like the CPU backend's sink (so a plain loop over dyads is an
// independent reference for the backends' merging) and records every call of the current dyad.
#pragma once

#include <cstdint>
#include <vector>

#include "output_layout.hpp"
#include "simulate_dyad.hpp"

namespace learnrace::test {

struct ReferenceSink {
  std::vector<uint64_t>* counts = nullptr;  // may be null: record only
  const OutputLayout* layout = nullptr;

  // Record of the current dyad (reset with clear()).
  std::vector<uint64_t> period_indices;
  std::vector<uint64_t> end_indices;
  int moments_calls = 0;
  std::vector<TrajectoryRow> rows;
  std::vector<int32_t> row_periods;
  std::vector<uint32_t> row_slots;
  std::vector<TrajectoryDyad> dyad_records;
  std::vector<uint32_t> dyad_slots;

  void clear() {
    period_indices.clear();
    end_indices.clear();
    moments_calls = 0;
    rows.clear();
    row_periods.clear();
    row_slots.clear();
    dyad_records.clear();
    dyad_slots.clear();
  }

  void count_period(uint64_t index) {
    if (counts) ++(*counts)[index];
    period_indices.push_back(index);
  }
  void count_end(uint64_t index) {
    if (counts) ++(*counts)[index];
    end_indices.push_back(index);
  }
  void add_moments(const int64_t* fixed) {
    if (counts)
      for (int32_t k = 0; k < 2 * kMoments; ++k) (*counts)[layout->moments + k] += static_cast<uint64_t>(fixed[k]);
    ++moments_calls;
  }
  void trajectory_row(uint32_t slot, int32_t t, const TrajectoryRow& row) {
    rows.push_back(row);
    row_periods.push_back(t);
    row_slots.push_back(slot);
  }
  void trajectory_dyad(uint32_t slot, const TrajectoryDyad& d) {
    dyad_records.push_back(d);
    dyad_slots.push_back(slot);
  }
};

/// Counts of one point by a plain serial loop over dyads [0, dyads).
inline std::vector<uint64_t> serial_counts(const ModelParams& p, uint64_t dyads) {
  const OutputLayout layout = OutputLayout::make(p);
  std::vector<uint64_t> counts(layout.total, 0);
  ReferenceSink sink;
  sink.counts = &counts;
  sink.layout = &layout;
  for (uint64_t d = 0; d < dyads; ++d) {
    sink.clear();
    simulate_dyad(p, layout, d, sink);
  }
  return counts;
}

}  // namespace learnrace::test
