// One dyad over its whole life, in registers: the single source of truth for the model, shared by
// the CPU and CUDA backends (which differ only in the Sink that accumulates the counts).
//
// Sink concept (see backend_cpu.cpp for the reference implementation):
//   void count_period(uint64_t index);  // 9 per dyad-period, index < layout.period_end
//   void count_end(uint64_t index);     // per dyad, index >= period_end (never a moment)
//   void add_moments(const int64_t* sum_and_square);  // 2 * kMoments fixed-point values per dyad
//   void trajectory_row(uint32_t slot, int32_t period, const TrajectoryRow&);   // sampled dyads only
//   void trajectory_dyad(uint32_t slot, const TrajectoryDyad&);
#pragma once

#include "distributions.hpp"
#include "dyad_state.hpp"
#include "events.hpp"
#include "flows.hpp"
#include "learning.hpp"
#include "output_fields.hpp"
#include "output_layout.hpp"
#include "params.hpp"
#include "perception.hpp"
#include "period_inputs.hpp"
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

// The start of a dyad is lane-generic: State is DyadState (one dyad) or the CPU's lockstep SIMD path's block of
// dyads with the same members as vectors, one dyad per lane (kernels/cpu_simd/period_lanes.hpp).

/// The part of a firm's start that no random draw decides (everything but its factors, knowledge, intent and
/// strategy): capacity floors from the parameters, receptivity cap from the intent, nothing learned or suspected.
template <class Firm>
LR_HD LR_INLINE void clear_firm_state(const ModelParams& p, const FirmParams& fp, Firm& f) {
  f.alpha0 = fp.alpha0;
  f.gamma0 = fp.gamma0;
  f.receptivity_cap = lr_pick(p.receptivity_cap, f.intent);
  f.x = 0.0f;
  f.y = 0.0f;
  f.suspicion = 0.0f;
  f.exploit_run = 0;
  f.violated = 0;
}

/// The part of a dyad's start that no random draw decides (power_start and the drawn fields must be set).
template <class State>
LR_HD LR_INLINE void clear_learning_state(const ModelParams& p, State& s) {
  clear_firm_state(p, p.firm[FirmA], s.a);
  clear_firm_state(p, p.firm[FirmB], s.b);
  s.hazard = p.hazard;
  s.avoid_run = 0;
  s.fired = 0u;
  s.power_a = s.power_start;
}

/// A dyad's initial draws from its own streams (period word kInitPeriod): the Draws of start_state for one dyad.
struct StartDraws {
  RandomGenerator rng;
  LR_HD LR_INLINE float latent(const Distribution& d, uint32_t stream) const { return sample_latent(d, rng, stream); }
  LR_HD LR_INLINE float real(const Distribution& d, uint32_t stream) const { return sample_real(d, rng, stream); }
  LR_HD LR_INLINE int32_t category(const Distribution& d, uint32_t stream) const {
    return sample_category(d, rng, stream);
  }
};

/// Initial conditions (period word kInitPeriod of the random streams) from `draw` (StartDraws, or the lockstep SIMD
/// path's draws of a block of dyads). Each firm's factors start at its own level (drawn), which they revert to.
template <class State, class Draws>
LR_HD LR_INLINE void start_state(const ModelParams& p, const Draws& draw, State& s) {
  using F = decltype(s.relation);
  s.a.level[Trust] = draw.latent(p.init_factor[FirmA][Trust], rng_stream::init_trust_a);
  s.a.level[Stakes] = draw.latent(p.init_factor[FirmA][Stakes], rng_stream::init_stakes_a);
  s.a.level[Orientation] = draw.latent(p.init_factor[FirmA][Orientation], rng_stream::init_orientation_a);
  s.b.level[Trust] = draw.latent(p.init_factor[FirmB][Trust], rng_stream::init_trust_b);
  s.b.level[Stakes] = draw.latent(p.init_factor[FirmB][Stakes], rng_stream::init_stakes_b);
  s.b.level[Orientation] = draw.latent(p.init_factor[FirmB][Orientation], rng_stream::init_orientation_b);
  for (int32_t k = 0; k < kFirmFactors; ++k) {
    s.a.z[k] = s.a.level[k];
    s.b.z[k] = s.b.level[k];
  }
  s.relation = lr_max(F(0.0f), draw.real(p.init_relation, rng_stream::init_relation));
  s.a.knowledge = lr_max(F(1.0e-3f), draw.real(p.init_knowledge[FirmA], rng_stream::init_knowledge_a));
  s.b.knowledge = lr_max(F(1.0e-3f), draw.real(p.init_knowledge[FirmB], rng_stream::init_knowledge_b));
  s.equity_a = lr_clamp(draw.real(p.init_equity, rng_stream::init_equity), F(0.0f), F(1.0f));
  s.a.intent = draw.category(p.init_intent[FirmA], rng_stream::init_intent_a);
  s.b.intent = draw.category(p.init_intent[FirmB], rng_stream::init_intent_b);
  s.a.strategy = draw.category(p.init_strategy[FirmA], rng_stream::init_strategy_a);
  s.b.strategy = draw.category(p.init_strategy[FirmB], rng_stream::init_strategy_b);
  // Power-dependence at x_A = x_B = 0 (nothing internalised yet).
  s.power_start = bargaining_power_a(p, F(0.0f), F(0.0f), s.a.knowledge, s.b.knowledge, s.equity_a);
  clear_learning_state(p, s);
}

/// Initial conditions of one dyad. `pc` is point_constants(p).
LR_HD LR_INLINE DyadState dyad_start(const ModelParams& p, const PointConstants& pc, uint64_t dyad) {
  DyadState s;
  start_state(p, StartDraws{RandomGenerator(pc.keys, dyad)}, s);
  return s;
}

/// Kernel selector for dyad_period: kAnyKernel follows p.kernel at run time; the CUDA backend
/// instantiates one of the two fixed kernels to save registers.
constexpr int32_t kAnyKernel = -1;

namespace detail {
/// The strategic kernel's view of one firm's choice. Lane-generic: Firm is FirmState (F float) or the lockstep SIMD
/// path's firm of a block of dyads (F a vector).
template <class Firm, class F>
LR_HD LR_INLINE ChoiceContextT<F, decltype(Firm::strategy)> choice_context(
    const ModelParams& p, const Firm& self, const Firm& partner, const FirmFactorsT<F>& own, F self_equity, F belief,
    F relation_cov, CapacityT<F> self_c, CapacityT<F> partner_c) {
  return ChoiceContextT<F, decltype(Firm::strategy)>{self.strategy,
                                                     partner.strategy,
                                                     self.receptivity_cap,
                                                     partner.receptivity_cap,
                                                     self.x,
                                                     partner.x,
                                                     self.knowledge,
                                                     partner.knowledge,
                                                     self_equity,
                                                     own.trust,
                                                     own.stakes,
                                                     own.orientation,
                                                     belief,
                                                     lr_pick(p.w_output, self.intent),
                                                     relation_cov,
                                                     self_c,
                                                     partner_c};
}

/// A firm's factors after the period: trust feedback moves the level (and the latent with it; capped after a
/// detected violation when a recovery cap is set), then every latent takes its correlated shock around the level.
/// Lane-generic: Firm is FirmState (F float) or the lockstep SIMD path's firm of a block of dyads (F a vector).
template <class Firm, class F>
LR_HD LR_INLINE void update_factors(const ModelParams& p, const PointConstants& pc, Firm& f, F trust_delta,
                                    const F common[kFirmFactors], const F own[kFirmFactors],
                                    const F u_jump[kFirmFactors]) {
  const F shifted = f.level[Trust] + trust_delta;
  const F level_t = lr_select(f.violated != 0, lr_min(shifted, F(pc.trust_cap_logit)), shifted);
  f.z[Trust] = f.z[Trust] + (level_t - f.level[Trust]);
  f.level[Trust] = level_t;
  for (int32_t k = 0; k < kFirmFactors; ++k) {
    const F shock = lr_fma(F(pc.shock_common[k]), common[k], F(pc.shock_own[k]) * own[k]);
    f.z[k] = ou_jump_step(p.shock[k], f.level[k], f.z[k], shock, u_jump[k]);
  }
}
}  // namespace detail

/// Period t of a live dyad after its scenario events: flows, perception, strategy change, counts, factors,
/// termination, with the period's random numbers from `in` (period_inputs.hpp).
/// Returns the termination cause (Censored while the dyad goes on); the caller stops at p.periods.
/// The CPU's lockstep SIMD path runs this period as kernels/cpu_simd/period_lanes.hpp: the same steps, with the same
/// lane-generic formulas, and selects where this code branches. A change here is a change there
/// (tests/cpp/test_cpu_simd.cpp compares whole runs of both bit for bit).
template <int32_t kKernel = kAnyKernel, class Sink>
LR_HD LR_INLINE int32_t dyad_period_body(const ModelParams& p, const PointConstants& pc, const OutputLayout& lay,
                                         int64_t slot, DyadState& s, int32_t t, const StreamInputs& in, Sink& sink) {
  const bool propositional = kKernel == kAnyKernel ? p.kernel == KernelType::Propositional
                                                   : kKernel == static_cast<int32_t>(KernelType::Propositional);
  // Factors at the start of the period: they condition this period's strategy change.
  const FirmFactors fa = firm_factors(s.a);
  const FirmFactors fb = firm_factors(s.b);
  const float decay = relation_decay(s.relation, pc.inv_r0);
  const Capacity ca = capacity(s.a.alpha0, s.a.gamma0, decay);
  const Capacity cb = capacity(s.b.alpha0, s.b.gamma0, decay);
  const float rel_cov = relation_covariate(decay);

  // --- knowledge flows (Larsson Fig. 2) and learning ---
  const Flows f = compute_flows(
      p, effective_transparency(p, s.a.strategy, ca), effective_receptivity(p, s.a.strategy, s.a.receptivity_cap, ca),
      effective_transparency(p, s.b.strategy, cb), effective_receptivity(p, s.b.strategy, s.b.receptivity_cap, cb));
  s.a.x = internalise(s.a.x, f.t_ba, p.lambda);
  s.b.x = internalise(s.b.x, f.t_ab, p.lambda);
  s.a.y = s.a.y + p.lambda * f.appr_a;
  s.b.y = s.b.y + p.lambda * f.appr_b;
  s.power_a = bargaining_power_a(p, s.a.x, s.b.x, s.a.knowledge, s.b.knowledge, s.equity_a);

  // --- perceived exploitation: each firm's suspicion ---
  float eps[kPeriodNormals];  // trust c/A/B, stakes c/A/B, orientation c/A/B, perception A/B, (unused)
  in.normals(eps);
  const float noise_sd = p.perception_noise * decay;
  const float out_a = perceived_outflow(f.t_ab, f.t_ba, p.firm[FirmB].disguise, noise_sd, eps[9]);
  const float out_b = perceived_outflow(f.t_ba, f.t_ab, p.firm[FirmA].disguise, noise_sd, eps[10]);
  const float unexpected_a = unexpected_outflow(p, s.a.intent, out_a);
  const float unexpected_b = unexpected_outflow(p, s.b.intent, out_b);
  s.a.suspicion = suspicion_step(s.a.suspicion, unexpected_a, p.perception_weight);
  s.b.suspicion = suspicion_step(s.b.suspicion, unexpected_b, p.perception_weight);
  const bool detected_a = detected(p, s.a.suspicion);
  const bool detected_b = detected(p, s.b.suspicion);
  const float belief_a = exploitation_belief(s.a.suspicion, pc.inv_detect);
  const float belief_b = exploitation_belief(s.b.suspicion, pc.inv_detect);

  // --- strategy change ---
  int32_t next_a, next_b;
  if (propositional) {
    const PropositionalDraws u = in.propositional();
    const FirmView va{{s.a.z[Trust], s.a.z[Stakes], s.a.z[Orientation]}, belief_a};
    const FirmView vb{{s.b.z[Trust], s.b.z[Stakes], s.b.z[Orientation]}, belief_b};
    propositional_step(p, s.a.strategy, s.b.strategy, va, vb, rel_cov, detected_a, detected_b, u, &next_a, &next_b);
  } else {
    float ua[kStrategicUniforms], ub[kStrategicUniforms];
    in.strategic(ua, ub);
    const ChoiceContext xa = detail::choice_context(p, s.a, s.b, fa, s.equity_a, belief_a, rel_cov, ca, cb);
    const ChoiceContext xb = detail::choice_context(p, s.b, s.a, fb, 1.0f - s.equity_a, belief_b, rel_cov, cb, ca);
    next_a = strategic_choice(p, xa, ua[0], ua[1], ua[2]);
    next_b = strategic_choice(p, xb, ub[0], ub[1], ub[2]);
  }

  // --- counts: every live dyad-period lands in exactly one transition cell, and in one bin of each factor ---
  const int32_t from = pair_index(s.a.strategy, s.b.strategy);
  const int32_t to = pair_index(next_a, next_b);
  const int32_t bins = p.factor_bins;
  sink.count_period(lay.transition_index(from, to));
  sink.count_period(lay.binned_index(binned_axis(FirmA, Trust), factor_bin_unit(fa.trust, bins), from, to));
  sink.count_period(lay.binned_index(binned_axis(FirmA, Stakes), factor_bin_unit(fa.stakes, bins), from, to));
  sink.count_period(lay.binned_index(binned_axis(FirmA, Orientation), factor_bin_unit(fa.orientation, bins), from, to));
  sink.count_period(lay.binned_index(binned_axis(FirmB, Trust), factor_bin_unit(fb.trust, bins), from, to));
  sink.count_period(lay.binned_index(binned_axis(FirmB, Stakes), factor_bin_unit(fb.stakes, bins), from, to));
  sink.count_period(lay.binned_index(binned_axis(FirmB, Orientation), factor_bin_unit(fb.orientation, bins), from, to));
  sink.count_period(
      lay.binned_index(binned_axis(FirmA, Relation), relation_bin(s.relation, pc.relation_bin_scale, bins), from, to));
  sink.count_period(lay.occupancy_index(t, from));
  if (slot >= 0) {
    const TrajectoryRow row{from,      s.a.x,         s.b.x,          fa.trust,       fb.trust,
                            fa.stakes, fb.stakes,     fa.orientation, fb.orientation, s.relation,
                            s.power_a, s.a.suspicion, s.b.suspicion};
    sink.trajectory_row(static_cast<uint32_t>(slot), t, row);
  }

  // --- situational factors: endogenous trust, shocks, relation ---
  float ja[kJumpUniformsA], jb[kFirmFactors];
  in.jumps(ja, jb);
  s.a.violated |= detected_a ? 1 : 0;
  s.b.violated |= detected_b ? 1 : 0;
  {
    const float common[kFirmFactors] = {eps[0], eps[3], eps[6]};
    const float own_a[kFirmFactors] = {eps[1], eps[4], eps[7]};
    const float own_b[kFirmFactors] = {eps[2], eps[5], eps[8]};
    float jump_a[kFirmFactors], jump_b[kFirmFactors];
    for (int32_t k = 0; k < kFirmFactors; ++k) {
      jump_a[k] = ja[k];
      jump_b[k] = p.shock[k].jump_common ? ja[k] : jb[k];
    }
    detail::update_factors(p, pc, s.a, trust_feedback(p, f.t_ab, f.t_ba, unexpected_a), common, own_a, jump_a);
    detail::update_factors(p, pc, s.b, trust_feedback(p, f.t_ab, f.t_ba, unexpected_b), common, own_b, jump_b);
  }
  s.relation = relation_step(p, s.relation, f.t_ab, f.t_ba);

  // --- termination ---
  s.avoid_run = (s.a.strategy == Avoidance && s.b.strategy == Avoidance) ? s.avoid_run + 1 : 0;
  s.a.exploit_run = (detected_a && fa.trust < p.exploit_trust) ? s.a.exploit_run + 1 : 0;
  s.b.exploit_run = (detected_b && fb.trust < p.exploit_trust) ? s.b.exploit_run + 1 : 0;
  const TerminationInputs ti{s.avoid_run, s.a.intent,      s.b.intent,      s.a.x,    s.b.x,
                             s.power_a,   s.a.exploit_run, s.b.exploit_run, s.hazard, ja[kFirmFactors]};
  const int32_t cause = termination_cause(p, ti);
  if (cause == Censored) {
    s.a.strategy = next_a;
    s.b.strategy = next_b;
  }
  return cause;
}

/// Period t of a live dyad: its scenario events, then dyad_period_body with inputs computed as it goes. Returns the
/// termination cause (Censored while the dyad goes on); the caller stops at p.periods.
template <int32_t kKernel = kAnyKernel, class Sink>
LR_HD LR_INLINE int32_t dyad_period(const ModelParams& p, const PointConstants& pc, const OutputLayout& lay,
                                    uint64_t dyad, int64_t slot, DyadState& s, int32_t t, Sink& sink) {
  const StreamInputs in{RandomGenerator(pc.keys, dyad), static_cast<uint32_t>(t)};
  apply_events(p, pc, in.rng, in.period, t, s);
  return dyad_period_body<kKernel>(p, pc, lay, slot, s, t, in, sink);
}

/// What the per-dyad outcomes need from a finished dyad (the CUDA backend queues these).
struct DyadEnd {
  float gain_a, gain_b;
  float power_start, power_end;
  float x_a, x_b;
  float z_trust_a, z_trust_b;
  int32_t cause, duration;
};

LR_HD LR_INLINE DyadEnd dyad_end(const DyadState& s, int32_t cause, int32_t duration) {
  DyadEnd e;
  e.gain_a = learning_gain(s.a.x, s.b.knowledge, s.a.y);
  e.gain_b = learning_gain(s.b.x, s.a.knowledge, s.b.y);
  e.power_start = s.power_start;
  e.power_end = s.power_a;
  e.x_a = s.a.x;
  e.x_b = s.b.x;
  e.z_trust_a = s.a.z[Trust];
  e.z_trust_b = s.b.z[Trust];
  e.cause = cause;
  e.duration = duration;
  return e;
}

/// Per-dyad outcome counts and moments.
template <class Sink>
LR_HD LR_INLINE void dyad_outcomes(const ModelParams& p, const OutputLayout& lay, const DyadEnd& e, Sink& sink) {
  const float trust_a = lr_sigmoid(e.z_trust_a);
  const float trust_b = lr_sigmoid(e.z_trust_b);
  const float asym = learning_asymmetry(e.gain_a, e.gain_b);
  const float joint = e.gain_a + e.gain_b;
  const float shift = e.power_end - e.power_start;
  sink.count_end(lay.duration_index(e.cause, e.duration));
  sink.count_end(lay.hist_asymmetry + histogram_bin(asym, -1.0f, 1.0f, p.hist_bins));
  sink.count_end(lay.hist_power_shift + histogram_bin(shift, -1.0f, 1.0f, p.hist_bins));
  sink.count_end(lay.hist_joint + histogram_bin(joint, 0.0f, p.joint_max, p.hist_bins));
  // Hamel 2a: who gained bargaining power, and whether the dependence reversed (P_A crossed 1/2).
  const int32_t gained = shift > 0.0f ? PowerToA : shift < 0.0f ? PowerToB : PowerNeither;
  const int32_t reversal = (e.power_start < 0.5f && e.power_end > 0.5f)   ? PowerToA
                           : (e.power_start > 0.5f && e.power_end < 0.5f) ? PowerToB
                                                                          : PowerNeither;
  sink.count_end(lay.power_outcomes + kPowerRow_gained * kPowerColumns + gained);
  sink.count_end(lay.power_outcomes + kPowerRow_reversal * kPowerColumns + reversal);
  sink.count_end(lay.dyads);
  const float values[kMoments] = {asym, lr_abs(asym), shift, joint, e.gain_a, e.gain_b, e.x_a, e.x_b, trust_a, trust_b};
  int64_t fixed[2 * kMoments];
  for (int32_t k = 0; k < kMoments; ++k) {
    fixed[2 * k] = to_fixed_point(values[k]);
    fixed[2 * k + 1] = to_fixed_point(values[k] * values[k]);
  }
  sink.add_moments(fixed);
}

/// The record of a sampled dyad. Its intents are those it started with (events may change them later): drawn
/// again from their counter-based streams, so no register carries them through the dyad's life.
LR_HD LR_INLINE TrajectoryDyad trajectory_dyad_record(const ModelParams& p, const PointConstants& pc, uint64_t dyad,
                                                      const DyadState& s, const DyadEnd& e) {
  const RandomGenerator rng(pc.keys, dyad);
  const int32_t intent_a = sample_category(p.init_intent[FirmA], rng, rng_stream::init_intent_a);
  const int32_t intent_b = sample_category(p.init_intent[FirmB], rng, rng_stream::init_intent_b);
  return TrajectoryDyad{dyad,    intent_a,   intent_b, s.a.knowledge, s.b.knowledge, s.equity_a,
                        e.cause, e.duration, e.gain_a, e.gain_b,      s.power_start};
}

/// A dyad's end: its outcome counts and moments, and its record when it is sampled. `duration`: the period that
/// ended it plus one, or p.periods when it is censored.
template <class Sink>
LR_HD LR_INLINE void finish_dyad(const ModelParams& p, const PointConstants& pc, const OutputLayout& lay, uint64_t dyad,
                                 int64_t slot, const DyadState& s, int32_t cause, int32_t duration, Sink& sink) {
  const DyadEnd e = dyad_end(s, cause, duration);
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
  for (int32_t t = 0; t < p.periods; ++t) {
    cause = dyad_period(p, pc, lay, dyad, slot, s, t, sink);
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
