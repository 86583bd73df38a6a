// The CPU backend's Sink (simulate_dyad.hpp): counts into a per-thread array, trajectory records straight into the
// point's buffers. Shared by the scalar path (backend_cpu.cpp) and the lockstep SIMD paths (cpu_simd/).
#pragma once

#include <cstdint>

#include "backend.hpp"
#include "output_layout.hpp"
#include "trajectory_store.hpp"

namespace learnrace {

/// Accumulates into a count array of its own (Shared = false) or one that other threads add into at the same time
/// (Shared = true: relaxed atomic additions); trajectory records go straight to the point's buffers (each sampled
/// dyad owns its slot, so no two threads write the same element). Every member is forced inline: the SIMD
/// translation units, compiled for other instruction sets, must not emit a copy the linker could pick for this one.
template <bool Shared>
struct CpuSink {
  uint64_t* counts;
  const OutputLayout* layout;
  const PointBuffers* out;
  int32_t periods;

  LR_INLINE void add(uint64_t index, uint64_t value) {
    if constexpr (Shared)
      __atomic_fetch_add(&counts[index], value, __ATOMIC_RELAXED);
    else
      counts[index] += value;
  }
  LR_INLINE void count_period(uint64_t index) { add(index, 1); }
  LR_INLINE void count_end(uint64_t index) { add(index, 1); }
  LR_INLINE void add_moments(const int64_t* fixed) {
    // Two's-complement wrap-around addition is associative, so int64 sums are stored as uint64.
    for (int32_t k = 0; k < 2 * kMoments; ++k) add(layout->moments + k, static_cast<uint64_t>(fixed[k]));
  }
  LR_INLINE void trajectory_row(uint32_t slot, int32_t t, const TrajectoryRow& row) {
    store_trajectory_row(*out, periods, slot, t, row);
  }
  LR_INLINE void trajectory_dyad(uint32_t slot, const TrajectoryDyad& d) { store_trajectory_dyad(*out, slot, d); }
};

}  // namespace learnrace
