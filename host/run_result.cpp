#include "run_result.hpp"

#include <limits>

namespace learnrace {

void Trajectories::allocate(int32_t n_points, int32_t n_slots, int32_t n_periods) {
  slots = n_slots;
  periods = n_periods;
  const size_t points = static_cast<size_t>(n_points);
  const size_t rows = points * per_period(), dyads = points * per_dyad();
#define LR_X(member, name, store, record, fill, doc) member.assign(rows, static_cast<store>(fill));
  LR_TRAJECTORY_PERIOD_FIELDS(LR_X)
#undef LR_X
#define LR_X(member, name, store, record, fill, doc) member.assign(dyads, static_cast<store>(fill));
  LR_TRAJECTORY_DYAD_FIELDS(LR_X)
#undef LR_X
}

void Trajectories::attach(int32_t point, PointBuffers& b) {
  if (slots == 0) return;
  const size_t r = static_cast<size_t>(point) * per_period(), d = static_cast<size_t>(point) * per_dyad();
#define LR_X(member, name, store, record, fill, doc) b.traj_##member = member.data() + r;
  LR_TRAJECTORY_PERIOD_FIELDS(LR_X)
#undef LR_X
#define LR_X(member, name, store, record, fill, doc) b.traj_##member = member.data() + d;
  LR_TRAJECTORY_DYAD_FIELDS(LR_X)
#undef LR_X
}

TrajectoryView Trajectories::point(int32_t point) const {
  TrajectoryView v;
  v.slots = slots;
  v.periods = periods;
  if (slots == 0) return v;
  const size_t r = static_cast<size_t>(point) * per_period(), d = static_cast<size_t>(point) * per_dyad();
#define LR_X(member, name, store, record, fill, doc) v.member = member.data() + r;
  LR_TRAJECTORY_PERIOD_FIELDS(LR_X)
#undef LR_X
#define LR_X(member, name, store, record, fill, doc) v.member = member.data() + d;
  LR_TRAJECTORY_DYAD_FIELDS(LR_X)
#undef LR_X
  return v;
}

void RunResult::allocate(int32_t points, const OutputLayout& output_layout, int32_t slots) {
  layout = output_layout;
  n_points = points;
  counts.assign(static_cast<size_t>(points) * layout.total, 0);
  trajectories.allocate(points, slots, layout.periods);
}

PointBuffers RunResult::buffers(int32_t point) {
  PointBuffers b;
  b.counts = point_counts(point);
  trajectories.attach(point, b);
  return b;
}

}  // namespace learnrace
