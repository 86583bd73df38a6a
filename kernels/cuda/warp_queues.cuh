// Per-warp queues of the CUDA backend: the init ring (start states of the next dyads, drawn by the
// whole warp in lock step) and the end ring (outcome records, processed 32 at a time).
#pragma once

#include "cuda/launch_shape.hpp"
#include "cuda/sinks.cuh"
#include "simulate_dyad.hpp"

namespace learnrace::cuda_detail {

__device__ __forceinline__ uint32_t lanemask_lt(uint32_t lane) { return (1u << lane) - 1u; }

/// A state member as a ring word, and back.
__device__ __forceinline__ uint32_t word_of(float v) { return float_bits(v); }
__device__ __forceinline__ uint32_t word_of(int32_t v) { return static_cast<uint32_t>(v); }
__device__ __forceinline__ uint32_t word_of(uint32_t v) { return v; }
__device__ __forceinline__ float of_word(uint32_t w, float) { return bits_float(w); }
__device__ __forceinline__ int32_t of_word(uint32_t w, int32_t) { return static_cast<int32_t>(w); }
__device__ __forceinline__ uint32_t of_word(uint32_t w, uint32_t) { return w; }

/// Draws the initial conditions of the next (up to) 32 dyads of the point into the init ring, all
/// lanes together. Returns how many were started (0 when the point's dyads are all handed out).
/// next_dyad: the point's count of dyads handed out (global, shared by the blocks of the point), or the warp's own
/// (kWarpOwnsPoint: a register of lane 0, no atomic).
template <bool kWarpOwnsPoint>
__device__ __forceinline__ uint32_t refill_init_ring(const LaunchArgs& a, const ModelParams& p,
                                                     const PointConstants& pc, uint32_t* next_dyad, uint32_t lane,
                                                     uint32_t* ring) {
  uint32_t base = 0;
  if (lane == 0) {
    if (kWarpOwnsPoint) {
      base = *next_dyad;
      *next_dyad = base + 32u;
    } else {
      base = atomicAdd(next_dyad, 32u);
    }
  }
  base = __shfl_sync(kFullMask, base, 0);
  const uint32_t avail = base < a.dyad_count ? min(32u, a.dyad_count - base) : 0u;
  __syncwarp();  // earlier reads of the ring are done
  if (lane < avail) {
    const uint32_t offset = base + lane;
    const uint64_t dyad = a.dyad_begin + offset;
    DyadState s = dyad_start(p, pc, dyad);
    const int64_t slot = trajectory_slot(p, dyad);
    int32_t field = 0;
    for_each_drawn_member(s, [&](const auto& value) {
      ring[field * 32 + lane] = word_of(value);
      ++field;
    });
    ring[InitOffset * 32 + lane] = offset;
    ring[InitSlot * 32 + lane] = slot >= 0 ? static_cast<uint32_t>(slot) : kNoSlot;
  }
  __syncwarp();
  return avail;
}

__device__ __forceinline__ void pop_init(const ModelParams& p, const uint32_t* ring, uint32_t i, DyadState& s,
                                         uint32_t& offset, uint32_t& slot) {
  int32_t field = 0;
  for_each_drawn_member(s, [&](auto& value) {
    value = of_word(ring[field * 32 + i], value);
    ++field;
  });
  offset = ring[InitOffset * 32 + i];
  slot = ring[InitSlot * 32 + i];
  clear_learning_state(p, s);  // the rest of the start state, as in dyad_start
}

__device__ __forceinline__ void push_end(uint32_t* ring, uint32_t i, const DyadEnd& e) {
  ring[EndGainA * 32 + i] = float_bits(e.gain_a);
  ring[EndGainB * 32 + i] = float_bits(e.gain_b);
  ring[EndPowerStart * 32 + i] = float_bits(e.power_start);
  ring[EndPowerEnd * 32 + i] = float_bits(e.power_end);
  ring[EndXA * 32 + i] = float_bits(e.x_a);
  ring[EndXB * 32 + i] = float_bits(e.x_b);
  ring[EndZTrustA * 32 + i] = float_bits(e.z_trust_a);
  ring[EndZTrustB * 32 + i] = float_bits(e.z_trust_b);
  ring[EndCauseDuration * 32 + i] = static_cast<uint32_t>(e.cause) | static_cast<uint32_t>(e.duration) << 3;
}

/// Outcomes of the first n (<= 32) queued dyads, all lanes together.
__device__ __forceinline__ void drain_end_ring(const LaunchArgs& a, const ModelParams& p, uint32_t* hist,
                                               uint64_t* counts, uint32_t lane, const uint32_t* ring, uint32_t n) {
  __syncwarp();  // the pushes are visible
  const bool valid = lane < n;
  DyadEnd e{0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0, 0};
  if (valid) {
    e.gain_a = bits_float(ring[EndGainA * 32 + lane]);
    e.gain_b = bits_float(ring[EndGainB * 32 + lane]);
    e.power_start = bits_float(ring[EndPowerStart * 32 + lane]);
    e.power_end = bits_float(ring[EndPowerEnd * 32 + lane]);
    e.x_a = bits_float(ring[EndXA * 32 + lane]);
    e.x_b = bits_float(ring[EndXB * 32 + lane]);
    e.z_trust_a = bits_float(ring[EndZTrustA * 32 + lane]);
    e.z_trust_b = bits_float(ring[EndZTrustB * 32 + lane]);
    const uint32_t cd = ring[EndCauseDuration * 32 + lane];
    e.cause = static_cast<int32_t>(cd & 7u);
    e.duration = static_cast<int32_t>(cd >> 3);
  }
  OutcomeSink sink{&a, hist, counts, lane, valid};
  dyad_outcomes(p, a.lay, e, sink);
  __syncwarp();  // the reads are done before the ring is reused
}

}  // namespace learnrace::cuda_detail
