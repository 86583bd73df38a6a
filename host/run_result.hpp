// In-memory result of a run: the integer counts (OutputLayout) and trajectory samples of all points. Every
// output is ONE contiguous array with a leading point axis, the shape it has in the run file; backends get
// per-point pointers into it (PointBuffers). This is what the HDF5 writer stores and what the Python bindings
// expose as numpy views without copying.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "backend.hpp"
#include "output_fields.hpp"
#include "output_layout.hpp"
#include "params.hpp"

namespace learnrace {

/// One point's slice of Trajectories, read-only: per-period arrays [slots][periods], per-dyad arrays
/// [slots], one pointer per trajectory field (output_fields.hpp). Pointers are null when slots == 0.
struct TrajectoryView {
  int32_t slots = 0;
  int32_t periods = 0;
#define LR_X(member, name, store, record, fill, doc) const store* member = nullptr;
  LR_TRAJECTORY_PERIOD_FIELDS(LR_X)
  LR_TRAJECTORY_DYAD_FIELDS(LR_X)
#undef LR_X
};

/// Trajectory samples of all points, one array per field of the output schema registry (row-major):
/// per-period arrays [points][slots][periods], per-dyad arrays [points][slots]. All points have the same
/// number of slots. Slots never reached keep each field's fill value (pair = 255, NaN floats,
/// dyad = UINT64_MAX, cause = 255, duration = 0).
struct Trajectories {
  int32_t slots = 0;
  int32_t periods = 0;
#define LR_X(member, name, store, record, fill, doc) std::vector<store> member;
  LR_TRAJECTORY_PERIOD_FIELDS(LR_X)
  LR_TRAJECTORY_DYAD_FIELDS(LR_X)
#undef LR_X

  /// Sizes every array for n_points points and fills it with the "never reached" values.
  void allocate(int32_t n_points, int32_t n_slots, int32_t n_periods);
  /// Elements of one point in a per-dyad / per-period array.
  size_t per_dyad() const { return static_cast<size_t>(slots); }
  size_t per_period() const { return static_cast<size_t>(slots) * static_cast<size_t>(periods); }
  /// Point `point`'s slice as backend pointers (left null when slots == 0).
  void attach(int32_t point, PointBuffers& b);
  TrajectoryView point(int32_t point) const;
};

/// Calls f(name, member, per_period) for every trajectory field of the registry, in its order: `name` is the
/// dataset name (/trajectories/<name>), `member` a pointer to the std::vector member of Trajectories that holds
/// the whole [points][slots][periods] or [points][slots] array.
template <class F>
void for_each_trajectory_field(F&& f) {
#define LR_X(member, name, store, record, fill, doc) f(#name, &Trajectories::member, true);
  LR_TRAJECTORY_PERIOD_FIELDS(LR_X)
#undef LR_X
#define LR_X(member, name, store, record, fill, doc) f(#name, &Trajectories::member, false);
  LR_TRAJECTORY_DYAD_FIELDS(LR_X)
#undef LR_X
}

/// Element type of a trajectory field given its member pointer.
template <class Member>
using trajectory_value_t =
    typename std::decay_t<decltype(std::declval<Trajectories&>().*std::declval<Member>())>::value_type;

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
