// Trajectory buffers of the CUDA backend: which sampled slots a chunk touches and the device arena
// that mirrors them (copied in before the kernel, so slots it does not write keep the host's values).
#pragma once

#include <cstdint>
#include <vector>

#include "backend.hpp"
#include "cuda/launch_shape.hpp"
#include "output_fields.hpp"
#include "params.hpp"

namespace learnrace::cuda_detail {

/// Sampled-trajectory slots of dyads [begin, end): slot k is dyad k * stride.
inline void slot_range(const ModelParams& p, uint64_t begin, uint64_t end, uint32_t* lo, uint32_t* hi) {
  if (p.trajectory_max == 0 || end <= begin) {
    *lo = *hi = 0;
    return;
  }
  const uint64_t first = (begin + p.trajectory_stride - 1) / p.trajectory_stride;
  const uint64_t last = (end + p.trajectory_stride - 1) / p.trajectory_stride;  // exclusive
  *lo = static_cast<uint32_t>(std::min<uint64_t>(first, p.trajectory_max));
  *hi = static_cast<uint32_t>(std::min<uint64_t>(last, p.trajectory_max));
}

/// The host gave every trajectory array (per-period arrays are empty, so may be null, when T_max is 0).
inline bool has_trajectory_buffers(const PointBuffers& b, int32_t periods) {
  bool per_period = true, per_dyad = true;
#define LR_X(member, name, store, record, fill, doc) per_period = per_period && b.traj_##member != nullptr;
  LR_TRAJECTORY_PERIOD_FIELDS(LR_X)
#undef LR_X
#define LR_X(member, name, store, record, fill, doc) per_dyad = per_dyad && b.traj_##member != nullptr;
  LR_TRAJECTORY_DYAD_FIELDS(LR_X)
#undef LR_X
  return (periods == 0 || per_period) && per_dyad;
}

/// One trajectory array: host pointer (at the chunk's first slot), device pointer, bytes.
struct TrajCopy {
  void* host;
  void* device;
  size_t bytes;
};

/// Lays out the device copies of every point's trajectory slots of this chunk in one arena.
/// `table[i]` gets device pointers; `copies` the host<->device pairs.
inline size_t plan_trajectories(const ChunkRequest& r, const std::vector<ModelParams>& params,
                                std::vector<DeviceTraj>& table, std::vector<TrajCopy>& copies, char* arena) {
  size_t used = 0;
  auto take = [&](void* host, size_t elem, size_t n, uint64_t first, void** dev_field) {
    used = (used + 255) & ~size_t(255);
    char* dev = arena ? arena + used : nullptr;
    if (arena) {
      *dev_field = dev;
      if (n > 0) copies.push_back(TrajCopy{static_cast<char*>(host) + first * elem, dev, n * elem});
    }
    used += n * elem;
  };
  for (int32_t i = 0; i < r.n_points; ++i) {
    const DeviceTraj& d = table[i];
    const uint32_t n = d.slot_hi - d.slot_lo;
    if (n == 0) continue;
    const PointBuffers& h = r.out[i];
    PointBuffers& dv = table[i].buf;
    const uint64_t periods = static_cast<uint64_t>(params[i].periods);
    const uint64_t rows = static_cast<uint64_t>(n) * periods, row0 = d.slot_lo * periods;
#define LR_X(member, name, store, record, fill, doc) \
  take(h.traj_##member, sizeof(store), rows, row0, reinterpret_cast<void**>(&dv.traj_##member));
    LR_TRAJECTORY_PERIOD_FIELDS(LR_X)
#undef LR_X
#define LR_X(member, name, store, record, fill, doc) \
  take(h.traj_##member, sizeof(store), n, d.slot_lo, reinterpret_cast<void**>(&dv.traj_##member));
    LR_TRAJECTORY_DYAD_FIELDS(LR_X)
#undef LR_X
  }
  return used;
}

}  // namespace learnrace::cuda_detail
