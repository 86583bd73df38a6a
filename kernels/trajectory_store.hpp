// Writes trajectory records of sampled dyads into PointBuffers (host or device memory alike), one store per
// field of the output schema registry (output_fields.hpp).
#pragma once

#include "backend.hpp"
#include "output_fields.hpp"

namespace learnrace {

LR_HD LR_INLINE void store_trajectory_row(const PointBuffers& b, int32_t periods, uint32_t slot, int32_t t,
                                          const TrajectoryRow& r) {
  const uint64_t i = static_cast<uint64_t>(slot) * periods + t;
#define LR_X(member, name, store, record, fill, doc) b.traj_##member[i] = static_cast<store>(r.member);
  LR_TRAJECTORY_PERIOD_FIELDS(LR_X)
#undef LR_X
}

LR_HD LR_INLINE void store_trajectory_dyad(const PointBuffers& b, uint32_t slot, const TrajectoryDyad& d) {
#define LR_X(member, name, store, record, fill, doc) b.traj_##member[slot] = static_cast<store>(d.member);
  LR_TRAJECTORY_DYAD_FIELDS(LR_X)
#undef LR_X
}

}  // namespace learnrace
