// In-memory result of a run: per-point integer counts (OutputLayout) and trajectory samples.
// This is what the HDF5 writer stores and what the Python bindings expose without copying.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "backend.hpp"
#include "output_layout.hpp"
#include "params.hpp"

namespace learnrace {

/// Trajectory sample of one point: per-period arrays are [slots][periods] (row-major), per-dyad
/// arrays [slots]. Slots never reached (fewer dyads than stride * max) keep pair = 255, NaN floats,
/// dyad = UINT64_MAX, cause = 255, duration = 0.
struct Trajectories {
  int32_t slots = 0;
  int32_t periods = 0;
  std::vector<uint8_t> pair;
  std::vector<float> x_a, x_b, trust, stakes, orientation, relation, power_a;
  std::vector<uint64_t> dyad;
  std::vector<uint8_t> intent_a, intent_b;
  std::vector<float> knowledge_a, knowledge_b, equity_a;
  std::vector<uint8_t> cause;
  std::vector<int32_t> duration;
  std::vector<float> gain_a, gain_b;

  void allocate(int32_t n_slots, int32_t n_periods);
  /// Pointers for a backend (null when slots == 0).
  void attach(PointBuffers& b);
};

struct PointResult {
  std::vector<uint64_t> counts;  // OutputLayout::total words; moments are int64 stored as uint64
  Trajectories trajectories;
};

struct RunResult {
  std::vector<std::string> point_names;
  std::vector<ModelParams> params;  // one per point
  std::vector<PointResult> points;
  OutputLayout layout;              // identical for all points
  uint64_t dyads_per_point = 0;
  std::string config_toml;          // effective experiment (after command-line overrides)
  std::string backend;              // "cpu" or "cuda"
  double seconds = 0.0;             // wall time of the simulation
};

}  // namespace learnrace
