// The CUDA kernels: persistent lanes that run one dyad at a time and take the next one as soon as it
// ends (see backend_cuda.cu for the design). Included by backend_cuda.cu only (defines c_params, c_point).
// dyad_kernel: blocks of one point, whose parameters sit in constant memory (at most kMaxPointsPerLaunch points per
// launch); streamed_kernel: any number of points, parameters in global memory, each warp runs whole points.
#pragma once

#include "cuda/launch_shape.hpp"
#include "cuda/sinks.cuh"
#include "cuda/warp_queues.cuh"
#include "simulate_dyad.hpp"

namespace learnrace::cuda_detail {

// Sized by kMaxPointsPerLaunch, which launch_shape.hpp derives so that both fit constant memory (static_assert).
__constant__ ModelParams c_params[kMaxPointsPerLaunch];
// Per-point constants (point_constants of the point's params: Philox round keys, reciprocals).
__constant__ PointConstants c_point[kMaxPointsPerLaunch];

/// The dyads [0, a.dyad_count) of one point (offsets from a.dyad_begin), run by the calling warp's lanes, each lane one
/// dyad at a time, until the point's dyads are all handed out and done. next_dyad: see refill_init_ring.
/// kWarpOwnsPoint: this warp alone runs the point (streamed_kernel: its counts go straight to global memory,
/// warp-aggregated); else the blocks of the point share it (dyad_kernel: counts in the block's shared memory).
template <int32_t kKernel, bool kPeriodShared, bool kEvents, bool kWarpOwnsPoint>
__device__ __forceinline__ void run_point(const LaunchArgs& a, const ModelParams& p, const PointConstants& pc,
                                          uint32_t* next_dyad, uint32_t* hist, uint64_t* counts, const DeviceTraj* traj,
                                          uint32_t lane, uint32_t* init_ring, uint32_t* end_ring) {
  // Lane state: the dyad in flight (its trajectory slot in the sink).
  PeriodSink<kPeriodShared, kWarpOwnsPoint> sink{&a, hist, counts, traj, p.periods, kNoSlot};
  DyadState s;
  uint32_t offset = 0;
  int32_t t = 0;
  bool live = false;
  // Warp-uniform queue state.
  uint32_t init_head = 0, init_count = 0, end_count = 0;
  bool exhausted = false;

  while (true) {
    // --- lanes without a dyad take the next one ---
    uint32_t need = __ballot_sync(kFullMask, !live);
    while (need != 0u) {
      if (init_count == 0u) {
        if (exhausted) break;
        init_head = 0;
        init_count = refill_init_ring<kWarpOwnsPoint>(a, p, pc, next_dyad, lane, init_ring);
        if (init_count == 0u) {
          exhausted = true;
          break;
        }
      }
      const uint32_t rank = __popc(need & lanemask_lt(lane));
      if (!live && rank < init_count) {
        pop_init(p, init_ring, init_head + rank, s, offset, sink.slot);
        t = 0;
        live = true;
      }
      const uint32_t taken = min(static_cast<uint32_t>(__popc(need)), init_count);
      init_head += taken;
      init_count -= taken;
      need = __ballot_sync(kFullMask, !live);
    }
    if (__ballot_sync(kFullMask, live) == 0u) break;  // the point's dyads are all done

    // --- one period of every live dyad ---
    int32_t cause = Censored;
    if (live && t < p.periods) {
      cause = dyad_period<kKernel, kEvents>(p, pc, a.lay, a.dyad_begin + offset, s, t, sink);
      ++t;
    }
    bool done = live && (cause != Censored || t >= p.periods);

    // --- finished dyads queue their outcomes; 32 queued are processed together ---
    uint32_t fin = __ballot_sync(kFullMask, done);
    while (fin != 0u) {
      const uint32_t rank = __popc(fin & lanemask_lt(lane));
      const uint32_t space = 32u - end_count;
      if (done && rank < space) {
        // duration: the period that ended it (t after the increment), or T_max when censored.
        // Without events nothing changes a dyad's knowledge or equity: its start power is computed again, so no
        // register carries it.
        if (!kEvents) s.power_start = start_power(p, s);
        const DyadEnd e = dyad_end(p, s, cause, t);
        push_end(end_ring, end_count + rank, e);
        if (sink.slot != kNoSlot) {
          const uint64_t dyad = a.dyad_begin + offset;
          store_trajectory_dyad(traj->buf, sink.slot - traj->slot_lo, trajectory_dyad_record(p, pc, dyad, s, e));
        }
        done = false;
        live = false;
      }
      end_count += min(static_cast<uint32_t>(__popc(fin)), space);
      if (end_count == 32u) {
        drain_end_ring(a, p, hist, counts, lane, end_ring, 32u);
        end_count = 0;
      }
      fin = __ballot_sync(kFullMask, done);
    }
  }
  if (end_count != 0u) drain_end_ring(a, p, hist, counts, lane, end_ring, end_count);
}

/// kKernel: transition kernel (KernelType). kPeriodShared: all per-period sections fit in shared
/// memory (no global-atomic branch per count). kEvents: some point of the launch has scenario events (without,
/// the common case, the kernel has no event code and keeps no register for what only events change).
template <int32_t kKernel, bool kPeriodShared, bool kEvents>
__global__ void __launch_bounds__(kThreads, min_blocks_for(kKernel)) dyad_kernel(const __grid_constant__ LaunchArgs a) {
  extern __shared__ uint32_t smem[];
  const uint32_t point = blockIdx.x / a.blocks_per_point;
  const ModelParams& p = c_params[point];
  // A copy, not a reference: the constants are warp-uniform, so ptxas keeps them in uniform registers
  // for the whole kernel and a Philox round is 2 IMAD.WIDE + 2 LOP3 (a reference reloads the keys).
  const PointConstants pc = c_point[point];
  uint64_t* counts = a.counts + static_cast<uint64_t>(point) * a.lay.total;
  uint32_t* hist = smem + kRingWords * kWarpsPerBlock;
  for (uint32_t i = threadIdx.x; i < a.shared_words; i += kThreads) hist[i] = 0u;
  __syncthreads();

  const uint32_t warp = threadIdx.x / 32u;
  const uint32_t lane = threadIdx.x % 32u;
  uint32_t* init_ring = smem + kRingWords * warp;
  run_point<kKernel, kPeriodShared, kEvents, false>(a, p, pc, &a.next_dyad[point], hist, counts, a.traj + point, lane,
                                                    init_ring, init_ring + 32 * kInitFields);

  // --- the block's shared counts join the point's global counts ---
  __syncthreads();
  for (uint32_t i = threadIdx.x; i < a.shared_words; i += kThreads) {
    const uint32_t v = hist[i];
    if (v != 0u) atomicAdd(reinterpret_cast<unsigned long long*>(&counts[i]), static_cast<unsigned long long>(v));
  }
}

/// Any number of points (issue 22: e.g. 10^5 points x 1,000 dyads for inference): their parameters and constants in
/// global memory (a.params, a.constants, read through the cache), no shared counts (a.shared_words = 0). Each warp
/// takes the next point of the launch (a.next_point), runs all its dyads alone, then takes the next: a point of 1,000
/// dyads keeps a warp's lanes busy where it would leave a block's idle, and the block scheduler never waits.
/// The dyads and their random streams are those of dyad_kernel: the counts are the same, bit for bit.
template <int32_t kKernel, bool kEvents>
__global__ void __launch_bounds__(kThreads, min_blocks_for(kKernel))
    streamed_kernel(const __grid_constant__ LaunchArgs a) {
  extern __shared__ uint32_t smem[];
  const uint32_t warp = threadIdx.x / 32u;
  const uint32_t lane = threadIdx.x % 32u;
  uint32_t* init_ring = smem + kRingWords * warp;
  while (true) {
    uint32_t point = 0;
    if (lane == 0) point = atomicAdd(a.next_point, 1u);
    point = __shfl_sync(kFullMask, point, 0);
    if (point >= a.n_points) return;
    uint32_t next_dyad = 0;  // lane 0's count of the point's dyads handed out
    run_point<kKernel, false, kEvents, true>(a, a.params[point], a.constants[point], &next_dyad, nullptr,
                                             a.counts + static_cast<uint64_t>(point) * a.lay.total, a.traj + point,
                                             lane, init_ring, init_ring + 32 * kInitFields);
  }
}

}  // namespace learnrace::cuda_detail
