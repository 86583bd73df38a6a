// Per-warp queues of the CUDA backend: the init ring (start states of the next dyads, drawn by the
// whole warp in lock step) and the end ring (outcome records, processed 32 at a time).
#pragma once

#include "cuda/launch_shape.hpp"
#include "cuda/sinks.cuh"
#include "simulate_dyad.hpp"

namespace learnrace::cuda_detail {

__device__ __forceinline__ uint32_t lanemask_lt(uint32_t lane) { return (1u << lane) - 1u; }

/// Draws the initial conditions of the next (up to) 32 dyads of the point into the init ring, all
/// lanes together. Returns how many were started (0 when the point's dyads are all handed out).
__device__ __forceinline__ uint32_t refill_init_ring(const LaunchArgs& a, const ModelParams& p,
                                                     const PointConstants& pc, uint32_t point, uint32_t lane,
                                                     uint32_t* ring) {
  uint32_t base = 0;
  if (lane == 0) base = atomicAdd(&a.next_dyad[point], 32u);
  base = __shfl_sync(kFullMask, base, 0);
  const uint32_t avail = base < a.dyad_count ? min(32u, a.dyad_count - base) : 0u;
  __syncwarp();  // earlier reads of the ring are done
  if (lane < avail) {
    const uint32_t offset = base + lane;
    const uint64_t dyad = a.dyad_begin + offset;
    const DyadState s = dyad_start(p, pc, dyad);
    const int64_t slot = trajectory_slot(p, dyad);
    ring[InitZTrust * 32 + lane] = float_bits(s.z_trust);
    ring[InitZStakes * 32 + lane] = float_bits(s.z_stakes);
    ring[InitZOrient * 32 + lane] = float_bits(s.z_orient);
    ring[InitRelation * 32 + lane] = float_bits(s.relation);
    ring[InitKnowA * 32 + lane] = float_bits(s.know_a);
    ring[InitKnowB * 32 + lane] = float_bits(s.know_b);
    ring[InitEquityA * 32 + lane] = float_bits(s.equity_a);
    ring[InitPowerStart * 32 + lane] = float_bits(s.power_start);
    ring[InitPacked * 32 + lane] = static_cast<uint32_t>(s.intent_a) | static_cast<uint32_t>(s.intent_b) << 8 |
                                   static_cast<uint32_t>(s.s_a) << 16 | static_cast<uint32_t>(s.s_b) << 24;
    ring[InitOffset * 32 + lane] = offset;
    ring[InitSlot * 32 + lane] = slot >= 0 ? static_cast<uint32_t>(slot) : kNoSlot;
  }
  __syncwarp();
  return avail;
}

__device__ __forceinline__ void pop_init(const uint32_t* ring, uint32_t i, DyadState& s, uint32_t& offset,
                                         uint32_t& slot) {
  s.z_trust = bits_float(ring[InitZTrust * 32 + i]);
  s.z_stakes = bits_float(ring[InitZStakes * 32 + i]);
  s.z_orient = bits_float(ring[InitZOrient * 32 + i]);
  s.relation = bits_float(ring[InitRelation * 32 + i]);
  s.know_a = bits_float(ring[InitKnowA * 32 + i]);
  s.know_b = bits_float(ring[InitKnowB * 32 + i]);
  s.equity_a = bits_float(ring[InitEquityA * 32 + i]);
  s.power_start = bits_float(ring[InitPowerStart * 32 + i]);
  const uint32_t packed = ring[InitPacked * 32 + i];
  s.intent_a = static_cast<int32_t>(packed & 0xffu);
  s.intent_b = static_cast<int32_t>(packed >> 8 & 0xffu);
  s.s_a = static_cast<int32_t>(packed >> 16 & 0xffu);
  s.s_b = static_cast<int32_t>(packed >> 24);
  offset = ring[InitOffset * 32 + i];
  slot = ring[InitSlot * 32 + i];
  clear_learning_state(s);  // the rest of the start state, as in dyad_start
}

__device__ __forceinline__ void push_end(uint32_t* ring, uint32_t i, const DyadEnd& e) {
  ring[EndGainA * 32 + i] = float_bits(e.gain_a);
  ring[EndGainB * 32 + i] = float_bits(e.gain_b);
  ring[EndShift * 32 + i] = float_bits(e.shift);
  ring[EndXA * 32 + i] = float_bits(e.x_a);
  ring[EndXB * 32 + i] = float_bits(e.x_b);
  ring[EndZTrust * 32 + i] = float_bits(e.z_trust);
  ring[EndCauseDuration * 32 + i] = static_cast<uint32_t>(e.cause) | static_cast<uint32_t>(e.duration) << 3;
}

/// Outcomes of the first n (<= 32) queued dyads, all lanes together.
__device__ __forceinline__ void drain_end_ring(const LaunchArgs& a, const ModelParams& p, uint32_t* hist,
                                               uint64_t* counts, uint32_t lane, const uint32_t* ring, uint32_t n) {
  __syncwarp();  // the pushes are visible
  const bool valid = lane < n;
  DyadEnd e{0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0, 0};
  if (valid) {
    e.gain_a = bits_float(ring[EndGainA * 32 + lane]);
    e.gain_b = bits_float(ring[EndGainB * 32 + lane]);
    e.shift = bits_float(ring[EndShift * 32 + lane]);
    e.x_a = bits_float(ring[EndXA * 32 + lane]);
    e.x_b = bits_float(ring[EndXB * 32 + lane]);
    e.z_trust = bits_float(ring[EndZTrust * 32 + lane]);
    const uint32_t cd = ring[EndCauseDuration * 32 + lane];
    e.cause = static_cast<int32_t>(cd & 7u);
    e.duration = static_cast<int32_t>(cd >> 3);
  }
  OutcomeSink sink{&a, hist, counts, lane, valid};
  dyad_outcomes(p, a.lay, e, sink);
  __syncwarp();  // the reads are done before the ring is reused
}

}  // namespace learnrace::cuda_detail
