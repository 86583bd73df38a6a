// One dyad over its whole life, in registers: the single source of truth for the model, shared by
// the CPU and CUDA backends (which differ only in the Sink that accumulates the counts).
//
// Sink concept (see backend_cpu.cpp for the reference implementation):
//   void count_period(uint64_t index);  // 6 per dyad-period, index < layout.period_end
//   void count_end(uint64_t index);     // 5 per dyad, index >= period_end (never a moment)
//   void add_moments(const int64_t* sum_and_square);  // 2 * kMoments fixed-point values per dyad
//   void trajectory_row(uint32_t slot, int32_t period, const TrajectoryRow&);   // sampled dyads only
//   void trajectory_dyad(uint32_t slot, const TrajectoryDyad&);
#pragma once

#include "distributions.hpp"
#include "flows.hpp"
#include "learning.hpp"
#include "output_fields.hpp"
#include "output_layout.hpp"
#include "params.hpp"
#include "point_constants.hpp"
#include "rng.hpp"
#include "rng_streams.hpp"
#include "shocks.hpp"
#include "strategy.hpp"
#include "termination.hpp"
#include "transition_propositional.hpp"
#include "transition_strategic.hpp"

namespace learnrace {

// TrajectoryRow / TrajectoryDyad, the records of sampled dyads, are generated from the output schema registry
// (output_fields.hpp): a new field is one line there plus the line below that fills it.

/// Slot of a dyad in the trajectory sample, or -1 if it is not sampled (id % stride == 0, id / stride < max).
LR_HD LR_INLINE int64_t trajectory_slot(const ModelParams& p, uint64_t dyad) {
  if (p.trajectory_max == 0 || dyad % p.trajectory_stride != 0) return -1;
  const uint64_t slot = dyad / p.trajectory_stride;
  return slot < p.trajectory_max ? static_cast<int64_t>(slot) : -1;
}

LR_HD LR_INLINE int32_t factor_bin_unit(float v, int32_t bins) { return histogram_bin(v, 0.0f, 1.0f, bins); }

/// Bin of R on [0, relation_bin_max) with `bins` bins (the last one open): R times bins / relation_bin_max.
LR_HD LR_INLINE int32_t relation_bin(float relation, float relation_bin_scale, int32_t bins) {
  return bin_of_scaled(relation * relation_bin_scale, bins);
}

/// Everything a dyad carries from one period to the next (registers on the GPU).
struct DyadState {
  float z_trust, z_stakes, z_orient;  // latent logits of T, S, L
  float relation;
  float know_a, know_b, equity_a;
  float x_a, x_b, y_a, y_b;
  float net_outflow_a;
  float power_start, power_a;
  int32_t intent_a, intent_b;
  int32_t s_a, s_b;
  int32_t avoid_run;
};

/// The part of a dyad's start that no random draw decides: nothing learned, nothing owed, no
/// avoidance run, power at its starting value (power_start must be set).
LR_HD LR_INLINE void clear_learning_state(DyadState& s) {
  s.x_a = 0.0f;
  s.x_b = 0.0f;
  s.y_a = 0.0f;
  s.y_b = 0.0f;
  s.net_outflow_a = 0.0f;
  s.avoid_run = 0;
  s.power_a = s.power_start;
}

/// Initial conditions of one dyad (period word kInitPeriod of its random streams). `pc` is
/// point_constants(p).
LR_HD LR_INLINE DyadState dyad_start(const ModelParams& p, const PointConstants& pc, uint64_t dyad) {
  const RandomGenerator rng(pc.keys, dyad);
  DyadState s;
  s.z_trust = sample_latent(p.init_factor[Trust], rng, rng_stream::init_trust);
  s.z_stakes = sample_latent(p.init_factor[Stakes], rng, rng_stream::init_stakes);
  s.z_orient = sample_latent(p.init_factor[Orientation], rng, rng_stream::init_orientation);
  s.relation = lr_max(0.0f, sample_real(p.init_relation, rng, rng_stream::init_relation));
  s.know_a = lr_max(1.0e-3f, sample_real(p.init_knowledge[0], rng, rng_stream::init_knowledge_a));
  s.know_b = lr_max(1.0e-3f, sample_real(p.init_knowledge[1], rng, rng_stream::init_knowledge_b));
  s.equity_a = lr_clamp(sample_real(p.init_equity, rng, rng_stream::init_equity), 0.0f, 1.0f);
  s.intent_a = sample_category(p.init_intent[0], rng, rng_stream::init_intent_a);
  s.intent_b = sample_category(p.init_intent[1], rng, rng_stream::init_intent_b);
  s.s_a = sample_category(p.init_strategy[0], rng, rng_stream::init_strategy_a);
  s.s_b = sample_category(p.init_strategy[1], rng, rng_stream::init_strategy_b);
  // Power-dependence at x_A = x_B = 0 (nothing internalised yet).
  s.power_start = bargaining_power_a(p, 0.0f, 0.0f, s.know_a, s.know_b, s.equity_a);
  clear_learning_state(s);
  return s;
}

/// Kernel selector for dyad_period: kAnyKernel follows p.kernel at run time; the CUDA backend
/// instantiates one of the two fixed kernels to save registers.
constexpr int32_t kAnyKernel = -1;

/// Period t of a live dyad: flows, strategy change, counts, shocks, termination. Returns the
/// termination cause (Censored while the dyad goes on); the caller stops at p.periods.
template <int32_t kKernel = kAnyKernel, class Sink>
LR_HD LR_INLINE int32_t dyad_period(const ModelParams& p, const PointConstants& pc, const OutputLayout& lay,
                                    uint64_t dyad, int64_t slot, DyadState& s, int32_t t, Sink& sink) {
  const RandomGenerator rng(pc.keys, dyad);
  const uint32_t period = static_cast<uint32_t>(t);
  const bool propositional = kKernel == kAnyKernel ? p.kernel == KernelType::Propositional
                                                   : kKernel == static_cast<int32_t>(KernelType::Propositional);
  // Factors at the start of the period: they condition this period's strategy change.
  const float trust = lr_sigmoid(s.z_trust);
  const float stakes = lr_sigmoid(s.z_stakes);
  const float orientation = lr_sigmoid(s.z_orient);
  const float decay = relation_decay(s.relation, pc.inv_r0);
  const Capacity cap = capacity(p, decay);
  const float rel_cov = relation_covariate(decay);

  // --- knowledge flows (Larsson Fig. 2) and learning ---
  const Flows f =
      compute_flows(p, effective_transparency(p, s.s_a, cap), effective_receptivity(p, s.s_a, s.intent_a, cap),
                    effective_transparency(p, s.s_b, cap), effective_receptivity(p, s.s_b, s.intent_b, cap));
  s.x_a = internalise(s.x_a, f.t_ba, p.lambda);
  s.x_b = internalise(s.x_b, f.t_ab, p.lambda);
  s.y_a = s.y_a + p.lambda * f.appr_a;
  s.y_b = s.y_b + p.lambda * f.appr_b;
  s.net_outflow_a = s.net_outflow_a + (f.t_ab - f.t_ba);
  s.power_a = bargaining_power_a(p, s.x_a, s.x_b, s.know_a, s.know_b, s.equity_a);

  // --- strategy change ---
  int32_t next_a, next_b;
  if (propositional) {
    const Draw4 tr = rng.draw(period, rng_stream::transition);
    const Draw4 ex = rng.draw(period, rng_stream::exploration);
    const Moderators m{{s.z_trust, s.z_stakes, s.z_orient, rel_cov}};
    propositional_step(p, s.s_a, s.s_b, m, u01_open(tr.v[0]), u01_open(tr.v[1]), u01_open(tr.v[2]), u01_open(ex.v[0]),
                       u01_open(ex.v[1]), &next_a, &next_b);
  } else {
    const Draw4 da = rng.draw(period, rng_stream::strategic_choice_a);
    const Draw4 db = rng.draw(period, rng_stream::strategic_choice_b);
    const ChoiceContext ca{s.s_a,    s.s_b,      s.intent_a, s.intent_b, s.x_a,       s.x_b,   s.know_a,
                           s.know_b, s.equity_a, trust,      stakes,     orientation, rel_cov, cap};
    const ChoiceContext cb{s.s_b, s.s_a,  s.intent_b,  s.intent_a, s.x_b, s.x_a, s.know_b, s.know_a, 1.0f - s.equity_a,
                           trust, stakes, orientation, rel_cov,    cap};
    next_a = strategic_choice(p, ca, u01_open(da.v[0]), u01_open(da.v[1]), u01_open(da.v[2]));
    next_b = strategic_choice(p, cb, u01_open(db.v[0]), u01_open(db.v[1]), u01_open(db.v[2]));
  }

  // --- counts: every live dyad-period lands in exactly one transition cell ---
  const int32_t from = pair_index(s.s_a, s.s_b);
  const int32_t to = pair_index(next_a, next_b);
  sink.count_period(lay.transition_index(from, to));
  sink.count_period(lay.binned_index(Trust, factor_bin_unit(trust, p.factor_bins), from, to));
  sink.count_period(lay.binned_index(Stakes, factor_bin_unit(stakes, p.factor_bins), from, to));
  sink.count_period(lay.binned_index(Orientation, factor_bin_unit(orientation, p.factor_bins), from, to));
  sink.count_period(
      lay.binned_index(Relation, relation_bin(s.relation, pc.relation_bin_scale, p.factor_bins), from, to));
  sink.count_period(lay.occupancy_index(t, from));
  if (slot >= 0) {
    const TrajectoryRow row{from, s.x_a, s.x_b, trust, stakes, orientation, s.relation, s.power_a};
    sink.trajectory_row(static_cast<uint32_t>(slot), t, row);
  }

  // --- situational factors: endogenous trust, shocks, relation ---
  const Draw4 nrm = rng.draw(period, rng_stream::shock_normal);
  const Draw4 jmp = rng.draw(period, rng_stream::shock_jump);
  float eps_trust, eps_stakes, eps_orient, eps_unused;
  normal_pair(nrm.v[0], nrm.v[1], &eps_trust, &eps_stakes);
  normal_pair(nrm.v[2], nrm.v[3], &eps_orient, &eps_unused);
  s.z_trust =
      ou_jump_step(p.shock[Trust], s.z_trust + trust_feedback(p, f.t_ab, f.t_ba), eps_trust, u01_open(jmp.v[0]));
  s.z_stakes = ou_jump_step(p.shock[Stakes], s.z_stakes, eps_stakes, u01_open(jmp.v[1]));
  s.z_orient = ou_jump_step(p.shock[Orientation], s.z_orient, eps_orient, u01_open(jmp.v[2]));
  s.relation = relation_step(p, s.relation, f.t_ab, f.t_ba);

  // --- termination ---
  s.avoid_run = (s.s_a == Avoidance && s.s_b == Avoidance) ? s.avoid_run + 1 : 0;
  const TerminationInputs ti{s.avoid_run, s.intent_a, s.intent_b,      s.x_a,
                             s.x_b,       s.power_a,  s.net_outflow_a, u01_open(jmp.v[3])};
  const int32_t cause = termination_cause(p, ti);
  if (cause == Censored) {
    s.s_a = next_a;
    s.s_b = next_b;
  }
  return cause;
}

/// What the per-dyad outcomes need from a finished dyad (the CUDA backend queues these).
struct DyadEnd {
  float gain_a, gain_b;
  float shift;  // P_A(end) - P_A(0)
  float x_a, x_b;
  float z_trust;
  int32_t cause, duration;
};

LR_HD LR_INLINE DyadEnd dyad_end(const DyadState& s, int32_t cause, int32_t duration) {
  DyadEnd e;
  e.gain_a = learning_gain(s.x_a, s.know_b, s.y_a);
  e.gain_b = learning_gain(s.x_b, s.know_a, s.y_b);
  e.shift = s.power_a - s.power_start;
  e.x_a = s.x_a;
  e.x_b = s.x_b;
  e.z_trust = s.z_trust;
  e.cause = cause;
  e.duration = duration;
  return e;
}

/// Per-dyad outcome counts and moments.
template <class Sink>
LR_HD LR_INLINE void dyad_outcomes(const ModelParams& p, const OutputLayout& lay, const DyadEnd& e, Sink& sink) {
  const float trust = lr_sigmoid(e.z_trust);
  const float asym = learning_asymmetry(e.gain_a, e.gain_b);
  const float joint = e.gain_a + e.gain_b;
  sink.count_end(lay.duration_index(e.cause, e.duration));
  sink.count_end(lay.hist_asymmetry + histogram_bin(asym, -1.0f, 1.0f, p.hist_bins));
  sink.count_end(lay.hist_power_shift + histogram_bin(e.shift, -1.0f, 1.0f, p.hist_bins));
  sink.count_end(lay.hist_joint + histogram_bin(joint, 0.0f, p.joint_max, p.hist_bins));
  sink.count_end(lay.dyads);
  const float values[kMoments] = {asym, lr_abs(asym), e.shift, joint, e.gain_a, e.gain_b, e.x_a, e.x_b, trust};
  int64_t fixed[2 * kMoments];
  for (int32_t k = 0; k < kMoments; ++k) {
    fixed[2 * k] = to_fixed_point(values[k]);
    fixed[2 * k + 1] = to_fixed_point(values[k] * values[k]);
  }
  sink.add_moments(fixed);
}

LR_HD LR_INLINE TrajectoryDyad trajectory_dyad_record(uint64_t dyad, const DyadState& s, const DyadEnd& e) {
  return TrajectoryDyad{dyad,       s.intent_a, s.intent_b, s.know_a, s.know_b,
                        s.equity_a, e.cause,    e.duration, e.gain_a, e.gain_b};
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
  for (int32_t t = 0; t < p.periods; ++t) {
    cause = dyad_period(p, pc, lay, dyad, slot, s, t, sink);
    if (cause != Censored) {
      duration = t + 1;
      break;
    }
  }
  const DyadEnd e = dyad_end(s, cause, duration);
  dyad_outcomes(p, lay, e, sink);
  if (slot >= 0) sink.trajectory_dyad(static_cast<uint32_t>(slot), trajectory_dyad_record(dyad, s, e));
}

/// simulate_dyad for a single dyad (tests): derives the point's constants itself.
template <class Sink>
LR_HD void simulate_dyad(const ModelParams& p, const OutputLayout& lay, uint64_t dyad, Sink& sink) {
  simulate_dyad(p, point_constants(p), lay, dyad, sink);
}

}  // namespace learnrace
