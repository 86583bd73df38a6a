// One period of either kernel for a block of dyads, one per vector lane, branch-free: the CPU's lockstep SIMD path
// (lockstep.hpp) runs it instead of dyad_period_body lane by lane. It is dyad_period_body
// (simulate_dyad.hpp) with every branch a select, over the block's state held lane-major (DyadLanes):
//   - the model's formulas are the lane-generic functions every backend runs (flows.hpp, learning.hpp,
//     perception.hpp, shocks.hpp, transition_propositional.hpp, transition_strategic.hpp, simulate_dyad.hpp's
//     update_factors and choice_context), so each lane
//     computes exactly the float operations of the scalar path;
//   - what branches on a strategy, an intent or a proposition (the pair-move table, the levels of Larsson Fig. 1,
//     the termination causes) is written here once more as selects; tests/cpp/test_cpu_simd.cpp checks every output
//     of whole runs against the scalar path bit for bit.
// The counts go to the Sink lane by lane (a scatter of increments), as do the trajectory rows of sampled dyads.
//
// Included only by the SIMD translation units, after their `#pragma GCC target` (see backend_cpu_avx512.cpp).
#pragma once

#include "cpu_simd/lanes.hpp"
#include "cpu_simd/philox_lanes.hpp"
#include "simulate_dyad.hpp"

namespace learnrace::LR_SIMD_NS {

/// FirmState of kLanes dyads, member by member.
struct FirmLanes {
  VecF level[kFirmFactors];
  VecF z[kFirmFactors];
  VecF alpha0, gamma0, receptivity_cap, knowledge, x, y, suspicion;
  VecI intent, strategy, exploit_run, violated;
};

/// DyadState of kLanes dyads, member by member.
struct alignas(64) DyadLanes {
  FirmLanes a, b;
  VecF relation, equity_a, hazard, power_start, power_a;
  VecI avoid_run;
  VecU fired;
};

/// Calls f(vector member, scalar member) for every member of a DyadState and its DyadLanes twin: the one list that
/// moves a dyad into a lane and out of it.
template <class Lanes, class State, class F>
LR_INLINE void for_each_member(Lanes& L, State& s, F&& f) {
  const auto firm = [&f](auto& l, auto& x) {
    for (int32_t k = 0; k < kFirmFactors; ++k) {
      f(l.level[k], x.level[k]);
      f(l.z[k], x.z[k]);
    }
    f(l.alpha0, x.alpha0);
    f(l.gamma0, x.gamma0);
    f(l.receptivity_cap, x.receptivity_cap);
    f(l.knowledge, x.knowledge);
    f(l.x, x.x);
    f(l.y, x.y);
    f(l.suspicion, x.suspicion);
    f(l.intent, x.intent);
    f(l.strategy, x.strategy);
    f(l.exploit_run, x.exploit_run);
    f(l.violated, x.violated);
  };
  firm(L.a, s.a);
  firm(L.b, s.b);
  f(L.relation, s.relation);
  f(L.equity_a, s.equity_a);
  f(L.hazard, s.hazard);
  f(L.power_start, s.power_start);
  f(L.power_a, s.power_a);
  f(L.avoid_run, s.avoid_run);
  f(L.fired, s.fired);
}
// Every member is in the list above: a member added to FirmState or DyadState must be added there too.
static_assert(sizeof(FirmState) == (2 * kFirmFactors + 7 + 4) * 4, "FirmState changed: update for_each_member");
static_assert(sizeof(DyadState) == 2 * sizeof(FirmState) + 7 * 4, "DyadState changed: update for_each_member");

/// Puts dyad state s into lane i.
LR_INLINE void set_lane(DyadLanes& L, int32_t i, const DyadState& s) {
  for_each_member(L, s, [i](auto& lanes, const auto& value) { lanes.v[i] = value; });
}

/// The dyad state in lane i.
LR_INLINE DyadState lane(const DyadLanes& L, int32_t i) {
  DyadState s;
  for_each_member(L, s, [i](const auto& lanes, auto& value) { value = lanes.v[i]; });
  return s;
}

/// The initial draws of kLanes dyads (lane i: dyad dyad[i]), the Draws of start_state (simulate_dyad.hpp): one
/// vector Philox draw per stream for all lanes; Beta (a rejection sampler) draws lane by lane.
struct StartDrawsLanes {
  const PhiloxRoundKeys& keys;
  VecU lo, hi;
  const uint64_t* dyad;

  Draw4Lanes words(uint32_t stream) const { return philox_lanes(keys, lo, hi, VecU(rng_stream::kInitPeriod), stream); }
  VecF latent(const Distribution& d, uint32_t stream) const {
    if (d.kind == DistKind::Fixed) return VecF(lr_logit(d.a));
    if (d.kind == DistKind::Beta)
      return each_lane([&](const RandomGenerator& g) { return sample_latent(d, g, stream); });
    const Draw4Lanes w = words(stream);
    return latent_of_words<VecF>(d, w.v[0], w.v[1]);
  }
  VecF real(const Distribution& d, uint32_t stream) const {
    if (d.kind == DistKind::Fixed) return VecF(d.a);
    if (d.kind == DistKind::Beta) return each_lane([&](const RandomGenerator& g) { return sample_real(d, g, stream); });
    const Draw4Lanes w = words(stream);
    return real_of_words<VecF>(d, w.v[0], w.v[1]);
  }
  VecI category(const Distribution& d, uint32_t stream) const {
    if (d.kind != DistKind::Categorical) return VecI(static_cast<int32_t>(d.a));
    return category_of_uniform<VecI>(d, detail::u01_open_lanes(words(stream).v[0]));
  }
  template <class Sample>
  VecF each_lane(Sample&& sample) const {
    VecF r;
    for (int32_t i = 0; i < kLanes; ++i) r.v[i] = sample(RandomGenerator(keys, dyad[i]));
    return r;
  }
};

/// p.level of the transparency and of the receptivity of each lane's strategy (Larsson Fig. 1, strategy.hpp).
LR_INLINE VecF transparency_level_lanes(const ModelParams& p, VecI strategy) {
  const float levels[kStrategies] = {p.level[transparency_level(0)], p.level[transparency_level(1)],
                                     p.level[transparency_level(2)], p.level[transparency_level(3)],
                                     p.level[transparency_level(4)]};
  return lr_pick(levels, strategy);
}
LR_INLINE VecF receptivity_level_lanes(const ModelParams& p, VecI strategy) {
  const float levels[kStrategies] = {p.level[receptivity_level(0)], p.level[receptivity_level(1)],
                                     p.level[receptivity_level(2)], p.level[receptivity_level(3)],
                                     p.level[receptivity_level(4)]};
  return lr_pick(levels, strategy);
}

/// The transparency and receptivity level codes (strategy.hpp) of each lane's strategy: the vector overloads of
/// transition_strategic.hpp's transparency_level_of and receptivity_level_of.
LR_INLINE VecI transparency_level_of(VecI s) {
  const int32_t levels[kStrategies] = {transparency_level(0), transparency_level(1), transparency_level(2),
                                       transparency_level(3), transparency_level(4)};
  return lr_pick(levels, s);
}
LR_INLINE VecI receptivity_level_of(VecI s) {
  const int32_t levels[kStrategies] = {receptivity_level(0), receptivity_level(1), receptivity_level(2),
                                       receptivity_level(3), receptivity_level(4)};
  return lr_pick(levels, s);
}

/// cut_transparency (strategy.hpp) of each lane's strategy.
LR_INLINE VecI cut_transparency_lanes(VecI s) {
  const int32_t cut[kStrategies] = {cut_transparency(0), cut_transparency(1), cut_transparency(2), cut_transparency(3),
                                    cut_transparency(4)};
  return lr_pick(cut, s);
}

/// bin_of_scaled (output_layout.hpp) of each lane's value.
LR_INLINE VecI bin_of_scaled_lanes(VecF scaled, int32_t n) {
  const VecI inside = lr_select(scaled < VecF(static_cast<float>(n)), lr_trunc_int(scaled), VecI(n - 1));
  return lr_select(scaled > VecF(0.0f), inside, VecI(0));  // NaN: bin 0
}

/// The proposition coefficients of each lane's pair state (PropositionBeta, lane-generic for empower_predictor).
struct PropositionBetaLanes {
  VecF b0;
  VecF beta[kFactors];
};

/// propositional_step (transition_propositional.hpp) for every lane: the same moves in the same order, as selects.
LR_INLINE void propositional_step_lanes(const ModelParams& p, VecI a, VecI b, const FirmViewT<VecF>& fa,
                                        const FirmViewT<VecF>& fb, VecF relation_cov, Mask detected_a, Mask detected_b,
                                        const float (*u)[kLanes], VecI* next_a, VecI* next_b) {
  // The pair-move table, unpacked lane by lane.
  VecI proposition, mover, empower_a, empower_b, barrier_a, barrier_b;
  const VecI pair = a * VecI(kStrategies) + b;
  for (int32_t i = 0; i < kLanes; ++i) {
    const PairMoves m = detail::unpack_moves(detail::kPairMovesHost[pair.v[i]]);
    proposition.v[i] = m.proposition;
    mover.v[i] = m.mover;
    empower_a.v[i] = m.empower_a;
    empower_b.v[i] = m.empower_b;
    barrier_a.v[i] = m.barrier_a;
    barrier_b.v[i] = m.barrier_b;
  }
  const VecF u_counter_a = VecF::load(u[0]), u_counter_b = VecF::load(u[1]), u_empower = VecF::load(u[2]);
  const VecF u_barrier_a = VecF::load(u[3]), u_barrier_b = VecF::load(u[4]);
  const VecF u_explore_a = VecF::load(u[5]), u_explore_b = VecF::load(u[6]);
  const VecI avoid(static_cast<int32_t>(Avoidance));

  // Detection: "the "suckered" organization will counter rapidly" [002:241]; not against an avoiding partner.
  const VecI cut_a = cut_transparency_lanes(a), cut_b = cut_transparency_lanes(b);
  const Mask counter_a = detected_a & (b != avoid) & (u_counter_a < VecF(p.p_counter)) & (cut_a != a);
  const Mask counter_b = detected_b & (a != avoid) & (u_counter_b < VecF(p.p_counter)) & (cut_b != b);
  VecI na = lr_select(counter_a, cut_a, a);
  VecI nb = lr_select(counter_b, cut_b, b);

  // Empowering move (P6-P9): each lane's proposition's coefficients; "it takes two" for a joint move.
  PropositionBetaLanes beta;
  {
    const VecI prop = lr_select(proposition == VecI(NoProposition), VecI(0), proposition);
    for (int32_t i = 0; i < kLanes; ++i) {
      const PropositionBeta& b_i = p.beta[prop.v[i]];
      beta.b0.v[i] = b_i.b0;
      for (int32_t k = 0; k < kFactors; ++k) beta.beta[k].v[i] = b_i.beta[k];
    }
  }
  const VecF eta_a = empower_predictor(beta, fa, relation_cov);
  const VecF eta_b = empower_predictor(beta, fb, relation_cov);
  const VecF eta =
      lr_select(mover == VecI(MoverX), eta_a, lr_select(mover == VecI(MoverY), eta_b, lr_min(eta_a, eta_b)));
  const Mask empowered =
      (proposition != VecI(NoProposition)) & !counter_a & !counter_b & (u_empower < detail::sigmoid_lanes(eta));
  na = lr_select(empowered, empower_a, na);
  nb = lr_select(empowered, empower_b, nb);

  // Each firm's own barrier move (P1-P4); P5 (facing an avoiding partner) has its own probability.
  const VecF pa = lr_select(b == avoid, VecF(p.p_avoid), barrier_probability(p.barrier, fa, relation_cov));
  const VecF pb = lr_select(a == avoid, VecF(p.p_avoid), barrier_probability(p.barrier, fb, relation_cov));
  const Mask barrier_moves_a = !empowered & !counter_a & (barrier_a != a) & (u_barrier_a < pa);
  const Mask barrier_moves_b = !empowered & !counter_b & (barrier_b != b) & (u_barrier_b < pb);
  na = lr_select(barrier_moves_a, barrier_a, na);
  nb = lr_select(barrier_moves_b, barrier_b, nb);

  // Exploration noise last.
  na = lr_select(u_explore_a < VecF(p.epsilon), uniform_strategy(u_explore_a, p.epsilon), na);
  nb = lr_select(u_explore_b < VecF(p.epsilon), uniform_strategy(u_explore_b, p.epsilon), nb);
  *next_a = na;
  *next_b = nb;
}

/// termination_cause (termination.hpp) for every lane: the causes in the same order, the first that fires wins.
LR_INLINE VecI termination_cause_lanes(const ModelParams& p, const DyadLanes& s, VecF u_hazard) {
  const VecI internalization(static_cast<int32_t>(Internalization));
  const auto race_won = [&](const FirmLanes& f, VecF power) {
    const Mask power_ok = mask_all(!p.exit_needs_power) | (power >= VecF(p.exit_power));
    return (f.intent == internalization) & (f.x >= VecF(p.exit_knowledge)) & power_ok;
  };
  const auto withdraws = [&](const FirmLanes& f) { return f.exploit_run >= lr_pick(p.exploit_tolerance, f.intent); };
  VecI cause(static_cast<int32_t>(Censored));
  cause = lr_select(u_hazard < s.hazard, VecI(ExogenousHazard), cause);
  cause = lr_select(withdraws(s.b), VecI(ExploitedBWithdraws), cause);
  cause = lr_select(withdraws(s.a), VecI(ExploitedAWithdraws), cause);
  cause = lr_select(race_won(s.b, VecF(1.0f) - s.power_a), VecI(RaceWonByB), cause);
  cause = lr_select(race_won(s.a, s.power_a), VecI(RaceWonByA), cause);
  cause = lr_select(s.avoid_run >= VecI(p.avoid_periods), VecI(Disintegration), cause);
  return cause;
}

/// dyad_period_body of kernel kKernel for every lane of `s` at its period `t`, with the period's inputs `in`
/// (lockstep.hpp's PeriodLanes: uniforms, normals, factor sigmoids, relation decay). Counts and trajectory rows go to
/// the sink for the lanes in `live` only; every lane's state is updated. Returns each lane's termination cause.
template <int32_t kKernel, class In, class Sink>
LR_INLINE VecI period_lanes(const ModelParams& p, const PointConstants& pc, const OutputLayout& lay,
                            const bool (&live)[kLanes], const int64_t (&slot)[kLanes], VecI t, DyadLanes& s,
                            const In& in, Sink& sink) {
  // Factors at the start of the period: they condition this period's strategy change.
  VecF fac[kFirms][kFirmFactors];
  for (int32_t firm = 0; firm < kFirms; ++firm)
    for (int32_t k = 0; k < kFirmFactors; ++k) fac[firm][k] = VecF::load(in.factors[firm][k]);
  const VecF decay = VecF::load(in.decay);
  const CapacityT<VecF> ca = capacity(s.a.alpha0, s.a.gamma0, decay);
  const CapacityT<VecF> cb = capacity(s.b.alpha0, s.b.gamma0, decay);
  const VecF rel_cov = relation_covariate(decay);

  // --- knowledge flows (Larsson Fig. 2) and learning ---
  const FlowsT<VecF> f =
      compute_flows(p, transparency_of_level(transparency_level_lanes(p, s.a.strategy), ca),
                    receptivity_of_level(receptivity_level_lanes(p, s.a.strategy), s.a.receptivity_cap, ca),
                    transparency_of_level(transparency_level_lanes(p, s.b.strategy), cb),
                    receptivity_of_level(receptivity_level_lanes(p, s.b.strategy), s.b.receptivity_cap, cb));
  s.a.x = internalise(s.a.x, f.t_ba, p.lambda);
  s.b.x = internalise(s.b.x, f.t_ab, p.lambda);
  s.a.y = s.a.y + VecF(p.lambda) * f.appr_a;
  s.b.y = s.b.y + VecF(p.lambda) * f.appr_b;
  s.power_a = bargaining_power_a(p, s.a.x, s.b.x, s.a.knowledge, s.b.knowledge, s.equity_a);

  // --- perceived exploitation: each firm's suspicion ---
  const VecF noise_sd = VecF(p.perception_noise) * decay;
  const VecF out_a = perceived_outflow(f.t_ab, f.t_ba, p.firm[FirmB].disguise, noise_sd, VecF::load(in.eps[9]));
  const VecF out_b = perceived_outflow(f.t_ba, f.t_ab, p.firm[FirmA].disguise, noise_sd, VecF::load(in.eps[10]));
  const VecF unexpected_a = out_a - lr_pick(p.expected_outflow, s.a.intent);  // unexpected_outflow (perception.hpp)
  const VecF unexpected_b = out_b - lr_pick(p.expected_outflow, s.b.intent);
  s.a.suspicion = suspicion_step(s.a.suspicion, unexpected_a, p.perception_weight);
  s.b.suspicion = suspicion_step(s.b.suspicion, unexpected_b, p.perception_weight);
  const Mask detected_a = detected(p, s.a.suspicion);
  const Mask detected_b = detected(p, s.b.suspicion);
  const VecF belief_a = exploitation_belief(s.a.suspicion, pc.inv_detect);
  const VecF belief_b = exploitation_belief(s.b.suspicion, pc.inv_detect);

  // --- strategy change ---
  VecI next_a, next_b;
  if constexpr (kKernel == static_cast<int32_t>(KernelType::Propositional)) {
    const FirmViewT<VecF> va{{s.a.z[Trust], s.a.z[Stakes], s.a.z[Orientation]}, belief_a};
    const FirmViewT<VecF> vb{{s.b.z[Trust], s.b.z[Stakes], s.b.z[Orientation]}, belief_b};
    propositional_step_lanes(p, s.a.strategy, s.b.strategy, va, vb, rel_cov, detected_a, detected_b, in.step, &next_a,
                             &next_b);
  } else {
    const FirmFactorsT<VecF> own_a{fac[FirmA][Trust], fac[FirmA][Stakes], fac[FirmA][Orientation]};
    const FirmFactorsT<VecF> own_b{fac[FirmB][Trust], fac[FirmB][Stakes], fac[FirmB][Orientation]};
    const auto xa = detail::choice_context(p, s.a, s.b, own_a, s.equity_a, belief_a, rel_cov, ca, cb);
    const auto xb = detail::choice_context(p, s.b, s.a, own_b, VecF(1.0f) - s.equity_a, belief_b, rel_cov, cb, ca);
    // Firm A's uniforms in rows 0..2, firm B's from row kStrategicUniforms (lockstep.hpp's period_inputs).
    const auto u = [&](int32_t row) { return VecF::load(in.step[row]); };
    next_a = strategic_choice_lanes(p, xa, u(0), u(1), u(2));
    next_b = strategic_choice_lanes(p, xb, u(kStrategicUniforms), u(kStrategicUniforms + 1), u(kStrategicUniforms + 2));
  }

  // --- counts: every live dyad-period lands in exactly one transition cell, and in one bin of each factor ---
  {
    const VecI from = s.a.strategy * VecI(kStrategies) + s.b.strategy;  // pair_index
    const VecI to = next_a * VecI(kStrategies) + next_b;
    // The bin of each binned factor (kBinnedFactors axes, in binned_axis order).
    const int32_t bins = p.factor_bins;
    VecI bin[kBinnedFactors];
    const float unit = static_cast<float>(bins);  // factor_bin_unit: histogram_bin on [0, 1), v / 1 = v exactly
    for (int32_t firm = 0; firm < kFirms; ++firm)
      for (int32_t k = 0; k < kFirmFactors; ++k)
        bin[binned_axis(firm, k)] = bin_of_scaled_lanes(fac[firm][k] * VecF(unit), bins);
    bin[binned_axis(FirmA, Relation)] = bin_of_scaled_lanes(s.relation * VecF(pc.relation_bin_scale), bins);
    for (int32_t i = 0; i < kLanes; ++i) {
      if (!live[i]) continue;
      sink.count_period(lay.transition_index(from.v[i], to.v[i]));
      for (int32_t axis = 0; axis < kBinnedFactors; ++axis)
        sink.count_period(lay.binned_index(axis, bin[axis].v[i], from.v[i], to.v[i]));
      sink.count_period(lay.occupancy_index(t.v[i], from.v[i]));
      if (slot[i] >= 0) {
        const TrajectoryRow row{from.v[i],
                                s.a.x.v[i],
                                s.b.x.v[i],
                                fac[FirmA][Trust].v[i],
                                fac[FirmB][Trust].v[i],
                                fac[FirmA][Stakes].v[i],
                                fac[FirmB][Stakes].v[i],
                                fac[FirmA][Orientation].v[i],
                                fac[FirmB][Orientation].v[i],
                                s.relation.v[i],
                                s.power_a.v[i],
                                s.a.suspicion.v[i],
                                s.b.suspicion.v[i]};
        sink.trajectory_row(static_cast<uint32_t>(slot[i]), t.v[i], row);
      }
    }
  }

  // --- situational factors: endogenous trust, shocks, relation ---
  VecF ja[kJumpUniformsA], jb[kFirmFactors];
  for (int32_t k = 0; k < kJumpUniformsA; ++k) ja[k] = VecF::load(in.jump_a[k]);
  for (int32_t k = 0; k < kFirmFactors; ++k) jb[k] = VecF::load(in.jump_b[k]);
  s.a.violated = s.a.violated | lr_select(detected_a, VecI(1), VecI(0));
  s.b.violated = s.b.violated | lr_select(detected_b, VecI(1), VecI(0));
  {
    VecF eps[kPeriodNormals];
    for (int32_t k = 0; k < kPeriodNormals; ++k) eps[k] = VecF::load(in.eps[k]);
    const VecF common[kFirmFactors] = {eps[0], eps[3], eps[6]};
    const VecF own_a[kFirmFactors] = {eps[1], eps[4], eps[7]};
    const VecF own_b[kFirmFactors] = {eps[2], eps[5], eps[8]};
    VecF jump_b[kFirmFactors];
    for (int32_t k = 0; k < kFirmFactors; ++k) jump_b[k] = p.shock[k].jump_common ? ja[k] : jb[k];
    detail::update_factors(p, pc, s.a, trust_feedback(p, f.t_ab, f.t_ba, unexpected_a), common, own_a, ja);
    detail::update_factors(p, pc, s.b, trust_feedback(p, f.t_ab, f.t_ba, unexpected_b), common, own_b, jump_b);
  }
  s.relation = relation_step(p, s.relation, f.t_ab, f.t_ba);

  // --- termination ---
  const VecI avoid(static_cast<int32_t>(Avoidance));
  s.avoid_run = lr_select((s.a.strategy == avoid) & (s.b.strategy == avoid), s.avoid_run + VecI(1), VecI(0));
  const VecF low_trust(p.exploit_trust);
  s.a.exploit_run = lr_select(detected_a & (fac[FirmA][Trust] < low_trust), s.a.exploit_run + VecI(1), VecI(0));
  s.b.exploit_run = lr_select(detected_b & (fac[FirmB][Trust] < low_trust), s.b.exploit_run + VecI(1), VecI(0));
  const VecI cause = termination_cause_lanes(p, s, ja[kFirmFactors]);
  const Mask goes_on = cause == VecI(static_cast<int32_t>(Censored));
  s.a.strategy = lr_select(goes_on, next_a, s.a.strategy);
  s.b.strategy = lr_select(goes_on, next_b, s.b.strategy);
  return cause;
}

}  // namespace learnrace::LR_SIMD_NS
