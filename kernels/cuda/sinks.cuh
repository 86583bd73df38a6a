// Sinks of the CUDA backend (simulate_dyad.hpp's Sink concept): per-period counts of one lane into
// the block's shared histogram, and the lock-step outcome pass of up to 32 dyads with
// warp-aggregated atomics and CUB warp sums (REDUX) of the moments.
#pragma once

#include <cub/warp/warp_reduce.cuh>
#include <type_traits>

#include "cuda/launch_shape.hpp"
#include "simulate_dyad.hpp"
#include "trajectory_store.hpp"

namespace learnrace::cuda_detail {

__device__ __forceinline__ void add_count(const LaunchArgs& a, uint32_t* hist, uint64_t* counts, uint32_t i,
                                          uint32_t n) {
  if (i < a.shared_words)
    atomicAdd(&hist[i], n);
  else
    atomicAdd(reinterpret_cast<unsigned long long*>(&counts[i]), static_cast<unsigned long long>(n));
}

/// The period sink of one lane (period_counts.hpp): its counts, and its trajectory rows when its dyad is sampled
/// (slot: the dyad's trajectory slot, or kNoSlot), to the device buffers.
/// kPeriodShared: all per-dyad-period sections are in shared memory (no global fallback branch).
/// kWarpGlobal: no shared counts, and the lanes of the warp count into the same point's array (streamed_kernel): each
/// count is added once per warp and index, by the first lane of those that share it (one global atomic where lanes
/// agree, as OutcomeSink::count_end does).
template <bool kPeriodShared, bool kWarpGlobal = false>
struct PeriodSink {
  const LaunchArgs* a;
  uint32_t* hist;
  uint64_t* counts;
  const DeviceTraj* traj;
  int32_t periods;
  uint32_t slot;

  __device__ void count_period(const int32_t (&index)[kPeriodCounts]) {
    if (kWarpGlobal) {
      const uint32_t active = __activemask();  // the lanes with a live dyad this period
      const uint32_t lane = threadIdx.x % 32u;
      for (int32_t k = 0; k < kPeriodCounts; ++k) {
        const uint32_t i = static_cast<uint32_t>(index[k]);
        const uint32_t peers = __match_any_sync(active, i);
        if (lane == static_cast<uint32_t>(__ffs(peers) - 1))
          atomicAdd(reinterpret_cast<unsigned long long*>(&counts[i]), static_cast<unsigned long long>(__popc(peers)));
      }
    } else {
      for (int32_t k = 0; k < kPeriodCounts; ++k) {
        const uint32_t i = static_cast<uint32_t>(index[k]);
        if (kPeriodShared)
          atomicAdd(&hist[i], 1u);
        else
          add_count(*a, hist, counts, i, 1u);
      }
    }
  }
  __device__ void trajectory_row(int32_t t, const TrajectoryRow& row) {
    if (slot != kNoSlot) store_trajectory_row(traj->buf, periods, slot - traj->slot_lo, t, row);
  }
};

using WarpSumU32 = cub::WarpReduce<unsigned int>;
// CUB's shuffle specialisation keeps nothing in its temp storage, so a per-thread dummy serves.
static_assert(std::is_empty<cub::NullType>::value && sizeof(WarpSumU32::TempStorage) <= 1,
              "cub::WarpReduce<unsigned int> needs real temp storage in this CCCL version");

/// Sum over the full, converged warp: CUB's WarpReduce, which is one REDUX instruction on sm_80+.
__device__ __forceinline__ uint32_t warp_sum_u32(uint32_t v) {
  WarpSumU32::TempStorage unused;
  return WarpSumU32(unused).Sum(v);
}

/// Exact sum over the (converged) warp of a uint64 modulo 2^64, from three 32-bit warp reductions
/// of 22-bit pieces: each piece's sum stays below 32 * 2^22, so nothing is lost.
__device__ __forceinline__ unsigned long long warp_sum_u64(unsigned long long v) {
  const uint64_t s0 = warp_sum_u32(static_cast<uint32_t>(v) & 0x3fffffu);
  const uint64_t s1 = warp_sum_u32(static_cast<uint32_t>(v >> 22) & 0x3fffffu);
  const uint64_t s2 = warp_sum_u32(static_cast<uint32_t>(v >> 44));
  return s0 + (s1 << 22) + (s2 << 44);
}

/// Outcomes of up to 32 dyads in lock step (all lanes of the warp call every method; `valid`
/// marks the lanes that hold a dyad). Counts are warp-aggregated, moments warp-reduced.
struct OutcomeSink {
  const LaunchArgs* a;
  uint32_t* hist;
  uint64_t* counts;
  uint32_t lane;
  bool valid;

  __device__ void count_end(uint64_t index) {
    const uint32_t i = static_cast<uint32_t>(index);
    const uint32_t peers = __match_any_sync(kFullMask, valid ? i : 0xffffffffu);
    if (valid && lane == static_cast<uint32_t>(__ffs(peers) - 1)) add_count(*a, hist, counts, i, __popc(peers));
  }
  __device__ void add_moments(const int64_t* fixed) {
    // int64 added as uint64: wrap-around addition is associative, so the sum is order-free. Lane k
    // keeps the warp's sum of value k and adds it to the global word: one atomic instruction.
    static_assert(2 * kMoments <= 32, "one lane per moment word");
    unsigned long long mine = 0ull;
    for (int32_t k = 0; k < 2 * kMoments; ++k) {
      const unsigned long long v = valid ? static_cast<unsigned long long>(fixed[k]) : 0ull;
      const unsigned long long sum = warp_sum_u64(v);
      if (lane == static_cast<uint32_t>(k)) mine = sum;
    }
    if (lane < 2 * kMoments) atomicAdd(reinterpret_cast<unsigned long long*>(&counts[a->lay.moments + lane]), mine);
  }
};

}  // namespace learnrace::cuda_detail
