#include "run_result.hpp"

#include <limits>

namespace learnrace {

void Trajectories::allocate(int32_t n_points, int32_t n_slots, int32_t n_periods) {
  slots = n_slots;
  periods = n_periods;
  const size_t points = static_cast<size_t>(n_points);
  const size_t rows = points * per_period(), dyads = points * per_dyad();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  pair.assign(rows, 255);
  for (auto* v : {&x_a, &x_b, &trust, &stakes, &orientation, &relation, &power_a}) v->assign(rows, nan);
  dyad.assign(dyads, std::numeric_limits<uint64_t>::max());
  intent_a.assign(dyads, 255);
  intent_b.assign(dyads, 255);
  for (auto* v : {&knowledge_a, &knowledge_b, &equity_a, &gain_a, &gain_b}) v->assign(dyads, nan);
  cause.assign(dyads, 255);
  duration.assign(dyads, 0);
}

void Trajectories::attach(int32_t point, PointBuffers& b) {
  if (slots == 0) return;
  const size_t r = static_cast<size_t>(point) * per_period(), d = static_cast<size_t>(point) * per_dyad();
  b.traj_pair = pair.data() + r;
  b.traj_x_a = x_a.data() + r;
  b.traj_x_b = x_b.data() + r;
  b.traj_trust = trust.data() + r;
  b.traj_stakes = stakes.data() + r;
  b.traj_orientation = orientation.data() + r;
  b.traj_relation = relation.data() + r;
  b.traj_power_a = power_a.data() + r;
  b.traj_dyad = dyad.data() + d;
  b.traj_intent_a = intent_a.data() + d;
  b.traj_intent_b = intent_b.data() + d;
  b.traj_knowledge_a = knowledge_a.data() + d;
  b.traj_knowledge_b = knowledge_b.data() + d;
  b.traj_equity_a = equity_a.data() + d;
  b.traj_cause = cause.data() + d;
  b.traj_duration = duration.data() + d;
  b.traj_gain_a = gain_a.data() + d;
  b.traj_gain_b = gain_b.data() + d;
}

TrajectoryView Trajectories::point(int32_t point) const {
  TrajectoryView v;
  v.slots = slots;
  v.periods = periods;
  if (slots == 0) return v;
  const size_t r = static_cast<size_t>(point) * per_period(), d = static_cast<size_t>(point) * per_dyad();
  v.pair = pair.data() + r;
  v.x_a = x_a.data() + r;
  v.x_b = x_b.data() + r;
  v.trust = trust.data() + r;
  v.stakes = stakes.data() + r;
  v.orientation = orientation.data() + r;
  v.relation = relation.data() + r;
  v.power_a = power_a.data() + r;
  v.dyad = dyad.data() + d;
  v.intent_a = intent_a.data() + d;
  v.intent_b = intent_b.data() + d;
  v.knowledge_a = knowledge_a.data() + d;
  v.knowledge_b = knowledge_b.data() + d;
  v.equity_a = equity_a.data() + d;
  v.cause = cause.data() + d;
  v.duration = duration.data() + d;
  v.gain_a = gain_a.data() + d;
  v.gain_b = gain_b.data() + d;
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
