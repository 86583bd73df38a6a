// In-memory result of a run: the integer counts (OutputLayout) and trajectory samples of all points. Every
// output is ONE contiguous array with a leading point axis, the shape it has in the run file; backends get
// per-point pointers into it (PointBuffers). This is what the HDF5 writer stores and what the Python bindings
// expose as numpy views without copying.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "backend.hpp"
#include "output_layout.hpp"
#include "params.hpp"

namespace learnrace {

/// One point's slice of Trajectories, read-only: per-period arrays [slots][periods], per-dyad arrays
/// [slots]. Pointers are null when slots == 0.
struct TrajectoryView {
  int32_t slots = 0;
  int32_t periods = 0;
  const uint8_t* pair = nullptr;
  const float* x_a = nullptr;
  const float* x_b = nullptr;
  const float* trust = nullptr;
  const float* stakes = nullptr;
  const float* orientation = nullptr;
  const float* relation = nullptr;
  const float* power_a = nullptr;
  const uint64_t* dyad = nullptr;
  const uint8_t* intent_a = nullptr;
  const uint8_t* intent_b = nullptr;
  const float* knowledge_a = nullptr;
  const float* knowledge_b = nullptr;
  const float* equity_a = nullptr;
  const uint8_t* cause = nullptr;
  const int32_t* duration = nullptr;
  const float* gain_a = nullptr;
  const float* gain_b = nullptr;
};

/// Trajectory samples of all points, one array per field (row-major): per-period arrays
/// [points][slots][periods], per-dyad arrays [points][slots]. All points have the same number of slots.
/// Slots never reached (fewer dyads than stride * max) keep pair = 255, NaN floats, dyad = UINT64_MAX,
/// cause = 255, duration = 0.
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

  /// Sizes every array for n_points points and fills it with the "never reached" values.
  void allocate(int32_t n_points, int32_t n_slots, int32_t n_periods);
  /// Elements of one point in a per-dyad / per-period array.
  size_t per_dyad() const { return static_cast<size_t>(slots); }
  size_t per_period() const { return static_cast<size_t>(slots) * static_cast<size_t>(periods); }
  /// Point `point`'s slice as backend pointers (left null when slots == 0).
  void attach(int32_t point, PointBuffers& b);
  TrajectoryView point(int32_t point) const;
};

struct RunResult {
  std::vector<std::string> point_names;
  std::vector<ModelParams> params;  // one per point
  OutputLayout layout;              // identical for all points
  int32_t n_points = 0;
  std::vector<uint64_t> counts;  // [n_points][layout.total] words; moments are int64 stored as uint64
  Trajectories trajectories;     // [n_points][slots][periods] / [n_points][slots]
  uint64_t dyads_per_point = 0;
  std::string config_toml;  // effective experiment (after command-line overrides)
  std::string backend;      // "cpu" or "cuda"
  double seconds = 0.0;     // wall time of the simulation

  /// Sets layout and n_points, zeroes the counts and allocates `slots` trajectory slots per point.
  void allocate(int32_t points, const OutputLayout& output_layout, int32_t slots);
  /// The layout.total count words of one point.
  uint64_t* point_counts(int32_t point) { return counts.data() + static_cast<size_t>(point) * layout.total; }
  const uint64_t* point_counts(int32_t point) const {
    return counts.data() + static_cast<size_t>(point) * layout.total;
  }
  /// Where a backend adds one point's counts and writes its trajectory slots.
  PointBuffers buffers(int32_t point);
};

}  // namespace learnrace
