// One period of a live dyad (docs/model.md section 2, steps 2 to 9): THE period of the model, run by every backend.
// It composes the rules, each of which lives in its own file: capacity.hpp (section 6), flows.hpp (7, 8),
// learning.hpp (9), perception.hpp (10), transition_propositional.hpp (11), transition_strategic.hpp (12),
// period_counts.hpp (13), shocks.hpp (14), termination.hpp (15), with the random inputs of period_inputs.hpp (18).
//
// Lane-generic: State is DyadStateT (dyad_state.hpp) of one dyad, F float and I int32_t (the scalar CPU path, and
// CUDA with one thread per dyad), or of a block of dyads with every member a vector, one dyad per lane (the CPU's
// lockstep SIMD path, kernels/cpu_simd/lockstep.hpp). Every rule is written with hd.hpp's lane primitives, so each
// lane computes exactly the float operations of the scalar path; where one dyad would branch, lanes select, and
// work that no lane needs is skipped (lr_any).
#pragma once

#include "capacity.hpp"
#include "dyad_state.hpp"
#include "flows.hpp"
#include "learning.hpp"
#include "output_layout.hpp"
#include "params.hpp"
#include "perception.hpp"
#include "period_counts.hpp"
#include "period_inputs.hpp"
#include "point_constants.hpp"
#include "shocks.hpp"
#include "termination.hpp"
#include "transition_propositional.hpp"
#include "transition_strategic.hpp"

namespace learnrace {

/// Kernel selector for dyad_period: kAnyKernel follows p.kernel at run time; the CUDA backend and the SIMD path
/// instantiate one of the two fixed kernels.
constexpr int32_t kAnyKernel = -1;

/// Period t of a live dyad (or of every lane of a block) after its scenario events: flows, perception, strategy
/// change, counts, factors, termination, with the period's random numbers drawn from `streams` where they are
/// needed (period_inputs.hpp). Counts and the trajectory row go to `sink` (period_counts.hpp). Returns the
/// termination cause (Censored while the dyad goes on); the caller stops at p.periods.
template <int32_t kKernel, class State, class Streams, class Sink>
LR_HD LR_INLINE auto dyad_period_body(const ModelParams& p, const PointConstants& pc, const OutputLayout& lay, State& s,
                                      decltype(s.avoid_run) t, const Streams& streams, Sink& sink) {
  using F = decltype(s.relation);
  using I = decltype(s.avoid_run);
  const bool propositional = kKernel == kAnyKernel ? p.kernel == KernelType::Propositional
                                                   : kKernel == static_cast<int32_t>(KernelType::Propositional);
  // Factors at the start of the period: they condition this period's strategy change.
  const FirmFactorsT<F> fa = firm_factors(s.a);
  const FirmFactorsT<F> fb = firm_factors(s.b);
  const F decay = relation_decay(s.relation, pc.inv_r0);
  const CapacityT<F> ca = capacity(s.a.alpha0, s.a.gamma0, decay);
  const CapacityT<F> cb = capacity(s.b.alpha0, s.b.gamma0, decay);
  const F rel_cov = relation_covariate(decay);

  // --- knowledge flows (Larsson Fig. 2) and learning ---
  const FlowsT<F> f = compute_flows(
      p, effective_transparency(p, s.a.strategy, ca), effective_receptivity(p, s.a.strategy, s.a.receptivity_cap, ca),
      effective_transparency(p, s.b.strategy, cb), effective_receptivity(p, s.b.strategy, s.b.receptivity_cap, cb));
  s.a.x = internalise(s.a.x, f.t_ba, p.lambda);
  s.b.x = internalise(s.b.x, f.t_ab, p.lambda);
  s.a.y = s.a.y + F(p.lambda) * f.appr_a;
  s.b.y = s.b.y + F(p.lambda) * f.appr_b;
  const F power_a = bargaining_power_a(p, s.a.x, s.b.x, s.a.knowledge, s.b.knowledge, s.equity_a);

  // --- perceived exploitation: each firm's suspicion ---
  PeriodDrawsT<F> d;
  draw_inputs<DrawGroup::Perception>(streams, d);
  const F noise_sd = F(p.perception_noise) * decay;
  const F out_a = perceived_outflow(f.t_ab, f.t_ba, p.firm[FirmB].disguise, noise_sd, d.perception_a);
  const F out_b = perceived_outflow(f.t_ba, f.t_ab, p.firm[FirmA].disguise, noise_sd, d.perception_b);
  const F unexpected_a = unexpected_outflow(p, s.a.intent, out_a);
  const F unexpected_b = unexpected_outflow(p, s.b.intent, out_b);
  s.a.suspicion = suspicion_step(s.a.suspicion, unexpected_a, p.perception_weight);
  s.b.suspicion = suspicion_step(s.b.suspicion, unexpected_b, p.perception_weight);
  const auto detected_a = detected(p, s.a.suspicion);
  const auto detected_b = detected(p, s.b.suspicion);
  const F belief_a = exploitation_belief(s.a.suspicion, pc.inv_detect);
  const F belief_b = exploitation_belief(s.b.suspicion, pc.inv_detect);

  // --- strategy change ---
  I next_a, next_b;
  if constexpr (kKernel == kAnyKernel) next_a = next_b = I(0);  // one step below sets them; GCC cannot see it
  if (propositional) {
    draw_inputs<DrawGroup::Propositional>(streams, d);
    const FirmViewT<F> va{{s.a.z[Trust], s.a.z[Stakes], s.a.z[Orientation]}, belief_a};
    const FirmViewT<F> vb{{s.b.z[Trust], s.b.z[Stakes], s.b.z[Orientation]}, belief_b};
    propositional_step(p, s.a.strategy, s.b.strategy, va, vb, rel_cov, detected_a, detected_b, d, &next_a, &next_b);
  } else {
    draw_inputs<DrawGroup::Strategic>(streams, d);
    const auto xa = choice_context(p, s.a, s.b, fa, s.equity_a, belief_a, rel_cov, ca, cb);
    const auto xb = choice_context(p, s.b, s.a, fb, F(1.0f) - s.equity_a, belief_b, rel_cov, cb, ca);
    strategic_step(p, xa, xb, d, &next_a, &next_b);
  }

  // --- counts: every live dyad-period lands in exactly one transition cell, and in one bin of each factor ---
  count_period(pc, lay, s, fa, fb, power_a, t, next_a, next_b, sink);

  // --- situational factors: endogenous trust, shocks, relation ---
  draw_inputs<DrawGroup::Shocks>(streams, d);
  draw_inputs<DrawGroup::Jumps>(streams, d);
  s.a.violated = s.a.violated | lr_select(detected_a, I(1), I(0));
  s.b.violated = s.b.violated | lr_select(detected_b, I(1), I(0));
  {
    const F common[kFirmFactors] = {d.trust_common, d.stakes_common, d.orientation_common};
    const F own_a[kFirmFactors] = {d.trust_a, d.stakes_a, d.orientation_a};
    const F own_b[kFirmFactors] = {d.trust_b, d.stakes_b, d.orientation_b};
    const F jump_a[kFirmFactors] = {d.jump_trust_a, d.jump_stakes_a, d.jump_orientation_a};
    const F drawn_b[kFirmFactors] = {d.jump_trust_b, d.jump_stakes_b, d.jump_orientation_b};
    F jump_b[kFirmFactors];
    for (int32_t k = 0; k < kFirmFactors; ++k) jump_b[k] = p.shock[k].jump_common ? jump_a[k] : drawn_b[k];
    update_factors(p, pc, s.a, trust_feedback(p, f.t_ab, f.t_ba, unexpected_a), common, own_a, jump_a);
    update_factors(p, pc, s.b, trust_feedback(p, f.t_ab, f.t_ba, unexpected_b), common, own_b, jump_b);
  }
  s.relation = relation_step(p, s.relation, f.t_ab, f.t_ba);

  // --- termination ---
  update_runs(p, s, fa.trust, fb.trust, detected_a, detected_b);
  const TerminationInputsT<F, I> ti{s.avoid_run,   s.a.intent,      s.b.intent,      s.a.x,    s.b.x,   power_a,
                                    s.power_start, s.a.exploit_run, s.b.exploit_run, s.hazard, d.hazard};
  const I cause = termination_cause(p, ti);
  const auto goes_on = cause == I(Censored);
  s.a.strategy = lr_select(goes_on, next_a, s.a.strategy);
  s.b.strategy = lr_select(goes_on, next_b, s.b.strategy);
  return cause;
}

}  // namespace learnrace
