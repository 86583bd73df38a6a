// One dyad over its whole life, in registers, for the CPU backend's scalar path: its start (docs/model.md section 4),
// its periods (dyad_period.hpp, the period every backend runs) and its end (section 16). The CUDA backend runs the
// same pieces (kernels/cuda/dyad_kernel.cuh), the CPU's lockstep SIMD path a block of dyads at once
// (kernels/cpu_simd/lockstep.hpp).
//
// Sink concept of a dyad (see cpu_sink.hpp for the reference implementation):
//   void count_period(uint64_t index);  // kPeriodCounts per dyad-period, index < layout.period_end
//   void count_end(uint64_t index);     // per dyad, index >= period_end (never a moment)
//   void add_moments(const int64_t* sum_and_square);  // 2 * kMoments fixed-point values per dyad
//   void trajectory_row(uint32_t slot, int32_t period, const TrajectoryRow&);   // sampled dyads only
//   void trajectory_dyad(uint32_t slot, const TrajectoryDyad&);
#pragma once

#include "dyad_end.hpp"
#include "dyad_period.hpp"
#include "dyad_start.hpp"
#include "dyad_state.hpp"
#include "events.hpp"
#include "output_fields.hpp"
#include "output_layout.hpp"
#include "params.hpp"
#include "period_counts.hpp"
#include "period_inputs.hpp"
#include "point_constants.hpp"
#include "rng.hpp"

namespace learnrace {

/// Slot of a dyad in the trajectory sample, or -1 if it is not sampled (id % stride == 0, id / stride < max).
LR_HD LR_INLINE int64_t trajectory_slot(const ModelParams& p, uint64_t dyad) {
  if (p.trajectory_max == 0 || dyad % p.trajectory_stride != 0) return -1;
  const uint64_t slot = dyad / p.trajectory_stride;
  return slot < p.trajectory_max ? static_cast<int64_t>(slot) : -1;
}

/// The period sink of one dyad (period_counts.hpp) on a dyad Sink: the dyad's counts, and its trajectory rows when
/// it is sampled (slot >= 0).
template <class Sink>
struct DyadSink {
  Sink& sink;
  int64_t slot;
  LR_HD LR_INLINE void count_period(const int32_t (&index)[kPeriodCounts]) {
    for (int32_t k = 0; k < kPeriodCounts; ++k) sink.count_period(static_cast<uint64_t>(index[k]));
  }
  LR_HD LR_INLINE void trajectory_row(int32_t t, const TrajectoryRow& row) {
    if (slot >= 0) sink.trajectory_row(static_cast<uint32_t>(slot), t, row);
  }
};

/// Period t of a live dyad: its scenario events, then the period (dyad_period_body) with the dyad's streams. `sink`
/// is a period sink (DyadSink, or the CUDA backend's). Returns the termination cause (Censored while the dyad goes
/// on); the caller stops at p.periods. kEvents = false, only for points without events (p.n_events == 0): the
/// members that only events change are set from the parameters instead (set_param_state), so that the CUDA kernel
/// keeps no register for them from one period to the next.
template <int32_t kKernel = kAnyKernel, bool kEvents = true, class PeriodSink>
LR_HD LR_INLINE int32_t dyad_period(const ModelParams& p, const PointConstants& pc, const OutputLayout& lay,
                                    uint64_t dyad, DyadState& s, int32_t t, PeriodSink& sink) {
  const DyadStreams streams{RandomGenerator(pc.keys, dyad), static_cast<uint32_t>(t)};
  if (kEvents)
    apply_events(p, pc, streams.rng, streams.period, t, s);
  else
    set_param_state(p, s);
  return dyad_period_body<kKernel>(p, pc, lay, s, t, streams, sink);
}

/// A dyad's end: its outcome counts and moments, and its record when it is sampled. `duration`: the period that
/// ended it plus one, or p.periods when it is censored.
template <class Sink>
LR_HD LR_INLINE void finish_dyad(const ModelParams& p, const PointConstants& pc, const OutputLayout& lay, uint64_t dyad,
                                 int64_t slot, const DyadState& s, int32_t cause, int32_t duration, Sink& sink) {
  const DyadEnd e = dyad_end(p, s, cause, duration);
  dyad_outcomes(p, lay, e, sink);
  if (slot >= 0) sink.trajectory_dyad(static_cast<uint32_t>(slot), trajectory_dyad_record(p, pc, dyad, s, e));
}

/// One dyad over its whole life: the composition the CPU backend runs (the CUDA backend runs the
/// same pieces, but refills a lane with the next dyad as soon as one terminates). `pc` is
/// point_constants(p), computed once per point by the caller. Taken by value, like the CUDA kernel's copy: a
/// local copy measured 2 % fewer CPU instructions than a reference (callgrind, throughput, propositional).
template <class Sink>
LR_HD void simulate_dyad(const ModelParams& p, const PointConstants pc, const OutputLayout& lay, uint64_t dyad,
                         Sink& sink) {
  DyadState s = dyad_start(p, pc, dyad);
  const int64_t slot = trajectory_slot(p, dyad);
  int32_t cause = Censored;
  int32_t duration = p.periods;
  DyadSink<Sink> period_sink{sink, slot};
  for (int32_t t = 0; t < p.periods; ++t) {
    cause = dyad_period(p, pc, lay, dyad, s, t, period_sink);
    if (cause != Censored) {
      duration = t + 1;
      break;
    }
  }
  finish_dyad(p, pc, lay, dyad, slot, s, cause, duration, sink);
}

/// simulate_dyad for a single dyad (tests): derives the point's constants itself.
template <class Sink>
LR_HD void simulate_dyad(const ModelParams& p, const OutputLayout& lay, uint64_t dyad, Sink& sink) {
  simulate_dyad(p, point_constants(p), lay, dyad, sink);
}

}  // namespace learnrace
