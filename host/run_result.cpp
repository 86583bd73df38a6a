#include "run_result.hpp"

#include <limits>

namespace learnrace {

void Trajectories::allocate(int32_t n_slots, int32_t n_periods) {
  slots = n_slots;
  periods = n_periods;
  const size_t rows = static_cast<size_t>(n_slots) * static_cast<size_t>(n_periods);
  const float nan = std::numeric_limits<float>::quiet_NaN();
  pair.assign(rows, 255);
  for (auto* v : {&x_a, &x_b, &trust, &stakes, &orientation, &relation, &power_a}) v->assign(rows, nan);
  dyad.assign(n_slots, std::numeric_limits<uint64_t>::max());
  intent_a.assign(n_slots, 255);
  intent_b.assign(n_slots, 255);
  for (auto* v : {&knowledge_a, &knowledge_b, &equity_a, &gain_a, &gain_b}) v->assign(n_slots, nan);
  cause.assign(n_slots, 255);
  duration.assign(n_slots, 0);
}

void Trajectories::attach(PointBuffers& b) {
  if (slots == 0) return;
  b.traj_pair = pair.data();
  b.traj_x_a = x_a.data();
  b.traj_x_b = x_b.data();
  b.traj_trust = trust.data();
  b.traj_stakes = stakes.data();
  b.traj_orientation = orientation.data();
  b.traj_relation = relation.data();
  b.traj_power_a = power_a.data();
  b.traj_dyad = dyad.data();
  b.traj_intent_a = intent_a.data();
  b.traj_intent_b = intent_b.data();
  b.traj_knowledge_a = knowledge_a.data();
  b.traj_knowledge_b = knowledge_b.data();
  b.traj_equity_a = equity_a.data();
  b.traj_cause = cause.data();
  b.traj_duration = duration.data();
  b.traj_gain_a = gain_a.data();
  b.traj_gain_b = gain_b.data();
}

}  // namespace learnrace
