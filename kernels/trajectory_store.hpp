// Writes trajectory records of sampled dyads into PointBuffers (host or device memory alike).
#pragma once

#include "backend.hpp"
#include "simulate_dyad.hpp"

namespace learnrace {

LR_HD LR_INLINE void store_trajectory_row(const PointBuffers& b, int32_t periods, uint32_t slot, int32_t t,
                                          const TrajectoryRow& r) {
  const uint64_t i = static_cast<uint64_t>(slot) * periods + t;
  b.traj_pair[i] = static_cast<uint8_t>(r.pair);
  b.traj_x_a[i] = r.x_a;
  b.traj_x_b[i] = r.x_b;
  b.traj_trust[i] = r.trust_a;  // TODO(v2 schema): per-firm fields
  b.traj_stakes[i] = r.stakes_a;
  b.traj_orientation[i] = r.orientation_a;
  b.traj_relation[i] = r.relation;
  b.traj_power_a[i] = r.power_a;
}

LR_HD LR_INLINE void store_trajectory_dyad(const PointBuffers& b, uint32_t slot, const TrajectoryDyad& d) {
  b.traj_dyad[slot] = d.dyad;
  b.traj_intent_a[slot] = static_cast<uint8_t>(d.intent_a);
  b.traj_intent_b[slot] = static_cast<uint8_t>(d.intent_b);
  b.traj_knowledge_a[slot] = d.knowledge_a;
  b.traj_knowledge_b[slot] = d.knowledge_b;
  b.traj_equity_a[slot] = d.equity_a;
  b.traj_cause[slot] = static_cast<uint8_t>(d.cause);
  b.traj_duration[slot] = d.duration;
  b.traj_gain_a[slot] = d.gain_a;
  b.traj_gain_b[slot] = d.gain_b;
}

}  // namespace learnrace
