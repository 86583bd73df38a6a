// The `strategic` strategy-change kernel (docs/model.md section 12): each firm picks its next strategy
// by logit choice over a one-period expected utility, with its own factors and its own suspicion. P1-P9 are NOT
// coded here, so the proposition tests can fail against it.
#pragma once

#include "capacity.hpp"
#include "flows.hpp"
#include "learning.hpp"
#include "params.hpp"
#include "strategy.hpp"

namespace learnrace {

/// What one firm knows when it chooses (its own side is "self", the other "partner"). Lane-generic: F float and I
/// int32_t for one dyad, or vectors of them (the CPU's lockstep SIMD path, one dyad per lane).
template <class F, class I>
struct ChoiceContextT {
  I current;                            // own current strategy
  I partner;                            // partner's current strategy
  F self_cap, partner_cap;              // receptivity caps (intent, Hamel 3a)
  F self_x, partner_x;                  // internalised fractions
  F self_knowledge, partner_knowledge;  // U
  F self_equity;
  F trust, stakes, orientation;    // the firm's own T, S, L in (0, 1)
  F belief;                        // its belief that the partner exploits it, in [0, 1] (suspicion)
  F w_output;                      // value it puts on the joint tasks' outputs (its intent's w_output)
  F w_power;                       // weight it puts on bargaining power (its intent's w_power, model v3)
  F relation_cov;                  // R covariate in [-1, 1)
  CapacityT<F> self_c, partner_c;  // both firms' capacities
};
using ChoiceContext = ChoiceContextT<float, int32_t>;

/// A firm's choice context from its state (Firm: FirmStateT of one dyad or of a vector of dyads) and its partner's.
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
                                                     F(lr_pick(p.w_output, self.intent)),
                                                     F(lr_pick(p.w_power, self.intent)),
                                                     relation_cov,
                                                     self_c,
                                                     partner_c};
}

namespace detail {
/// Utility of playing `s` against a partner whose transparency and receptivity levels (ModelParams::level values)
/// are partner_tau_value and partner_rho_value.
/// tau_level, rho_level: the ModelParams::level values of s's transparency and receptivity; effort: s's effort costs
/// (strategy_effort), the same for every partner scenario.
template <class F, class I>
LR_HD LR_INLINE F strategic_utility(const ModelParams& p, const ChoiceContextT<F, I>& c, float tau_level,
                                    float rho_level, F effort_transparency, F effort_receptivity, F partner_tau_value,
                                    F partner_rho_value, F power_now, F leak_weight) {
  const F tau_self = F(tau_level) * c.self_c.gamma;
  const F rho_self = lr_min(F(rho_level) * c.self_c.alpha, c.self_cap);
  const F tau_partner = partner_tau_value * c.partner_c.gamma;
  const F rho_partner = lr_min(partner_rho_value * c.partner_c.alpha, c.partner_cap);
  const FlowsT<F> f = compute_flows(p, tau_self, rho_self, tau_partner, rho_partner);
  // Own gain from what flows in (t_ba), partner's gain from what leaks out (t_ab).
  const F gain_self = F(p.lambda) * (f.t_ba * (F(1.0f) - c.self_x) * c.partner_knowledge + f.appr_a);
  const F gain_partner = F(p.lambda) * (f.t_ab * (F(1.0f) - c.partner_x) * c.self_knowledge + f.appr_b);
  const F x_self = internalise(c.self_x, f.t_ba, p.lambda);
  const F x_partner = internalise(c.partner_x, f.t_ab, p.lambda);
  const F power_next = bargaining_power_a(p, x_self, x_partner, c.self_knowledge, c.partner_knowledge, c.self_equity);
  const F loose = F(1.0f) - c.orientation;
  return gain_self * (F(1.0f) + F(p.w_stakes) * c.stakes)                // stakes raise the value of learning
         - leak_weight * gain_partner                                    // leak threat
         + c.w_power * (power_next - power_now) * loose                  // Larsson: the power pay-off of the race
         + F(p.w_continuation) * lr_min(f.t_ab, f.t_ba) * c.orientation  // continuation value of reciprocity
         + c.w_output * F(0.5f) * (f.t_ab + f.t_ba)  // Hamel: "the stream of economic benefits ... of joint tasks"
         - effort_transparency                       // effort costs
         - effort_receptivity;
}

/// Array element k = value where k == index, for a loop that is not unrolled on CUDA: there array[index] would put the
/// array in local memory, predicated moves keep it in registers. Elsewhere the plain store.
template <class T, int32_t n>
LR_HD LR_INLINE void set_element(T (&array)[n], int32_t index, const T& value) {
#if defined(__CUDA_ARCH__)
#pragma unroll
  for (int32_t k = 0; k < n; ++k)
    if (k == index) array[k] = value;
#else
  array[index] = value;
#endif
}

/// values[index] (lr_pick) of a small array filled by set_element in such a loop: on CUDA by selects (an indexed read
/// would put the array in local memory), elsewhere lr_pick.
template <class T, class I, int32_t n>
LR_HD LR_INLINE T get_element(const T (&values)[n], I index) {
#if defined(__CUDA_ARCH__)
  T out = values[0];
#pragma unroll
  for (int32_t k = 1; k < n; ++k) out = lr_select(index == I(k), values[k], out);
  return out;
#else
  return lr_pick(values, index);
#endif
}

/// A firm's choice when inertia has not kept its strategy (strategic_choice), branch-free.
template <class F, class I>
LR_HD LR_INLINE I strategic_choice_moving(const ModelParams& p, const ChoiceContextT<F, I>& c, F u_gate, F u_choice) {
  // Stakes motivate raising receptivity: "assertiveness increases with the stakes involved" [002:280] (model v3).
  const F gate = sigmoid_lanes(F(p.gate_g0) + F(p.gate_orientation) * c.orientation + F(p.gate_trust) * c.trust +
                               F(p.gate_stakes) * c.stakes + F(p.gate_relation) * c.relation_cov);
  const auto may_raise = u_gate < gate;
  const I tau_now = transparency_level(c.current), rho_now = receptivity_level(c.current);
  const I partner_tau = transparency_level(c.partner), partner_rho = receptivity_level(c.partner);
  const I partner_tau_cut = lr_select(partner_tau > I(0), partner_tau - I(1), I(0));
  const F power_now =
      bargaining_power_a(p, c.self_x, c.partner_x, c.self_knowledge, c.partner_knowledge, c.self_equity);
  // The partner's transparency next period (level index L, M, H), expected for each candidate s (docs/model.md
  // section 12, model v3). Two reactions to the firm's own move come first:
  //  - vigilance: a firm that starts to take (cuts its transparency while the partner still discloses) expects the
  //    partner to counter, cutting to Low: "the "suckered" organization will counter rapidly" [002:241];
  //    compromisers "are more guarded and therefore less easy to exploit" [002:250];
  //  - deterrence: a firm that retaliates (withholds, at Low transparency) while it believes itself exploited
  //    expects the taker to re-open one step: "deterring punishments for opportunistic "cheating"" [002:310], TIT
  //    FOR TAT's "credible retaliation against competitive opportunism" [002:328].
  // Otherwise the partner keeps its strategy, or cuts its transparency one step with probability (1 - T (1 - b))
  // times the firm's own transparency level: suspicion b raises the expected cut and the leak threat, so "strike
  // first" [002:226] can emerge from the payoffs, and what the firm discloses is what tempts: moderation "is less
  // significant than the integrative collaboration and therefore less tempting to exploit" [002:250].
  const F keep = c.trust * (F(1.0f) - c.belief);
  const F leak_weight = F(p.w_leak) * (F(1.0f) - keep) * (F(1.0f) - c.orientation);
  const F partner_rho_value = lr_pick(p.level, partner_rho);
  const I partner_tau_up = lr_select(I(2) > partner_tau, partner_tau + I(1), I(2));
  const auto partner_discloses = partner_tau > I(0);
  const auto partner_closed = I(2) > partner_tau;
  const F partner_guard = lr_select(partner_tau == I(2), F(p.vigilance[1]), F(p.vigilance[0]));
  using Cond = decltype(u_gate < gate);  // bool, or a lane mask
  F utility[kStrategies];
  Cond feasible[kStrategies];
  F best(-3.0e38f);
  // On CUDA neither loop below is unrolled: the 15 utilities of a firm are one utility's code run 15 times (a fifth
  // of the static code and far fewer live registers; the same operations in the same order).
#if defined(__CUDA_ARCH__)
#pragma unroll 1
#endif
  for (int32_t s = 0; s < kStrategies; ++s) {
    const int32_t tau_s = transparency_level(s), rho_s = receptivity_level(s);
    const float tau_level = p.level[tau_s], rho_level = p.level[rho_s];
    const Cond feasible_s = may_raise | ((I(tau_s) <= tau_now) & (I(rho_s) <= rho_now));
    set_element(feasible, s, feasible_s);
    // Effort costs, the same against every partner scenario.
    const F effort_transparency = F(p.cost_transparency * tau_level) / c.self_c.gamma;
    const F effort_receptivity = F(p.cost_receptivity * rho_level) / c.self_c.alpha;
    F at[3];  // against a partner at transparency level L, M, H
#if defined(__CUDA_ARCH__)
#pragma unroll 1
#endif
    for (int32_t level = 0; level < 3; ++level)
      set_element(at, level,
                  strategic_utility(p, c, tau_level, rho_level, effort_transparency, effort_receptivity,
                                    F(p.level[level]), partner_rho_value, power_now, leak_weight));
    const auto cuts = tau_now > I(tau_s);
    const F counter = lr_select(cuts & partner_discloses, partner_guard, F(0.0f));
    const F reopen =
        lr_select((I(tau_s) == I(0)) & partner_closed, lr_min(F(p.deterrence) * c.belief, F(1.0f) - counter), F(0.0f));
    const F rest = F(1.0f) - counter - reopen;
    const F cut = (F(1.0f) - keep) * F(tau_level);
    const F u_keep = get_element(at, partner_tau), u_cut = get_element(at, partner_tau_cut);
    const F u_up = get_element(at, partner_tau_up);
    const F utility_s = counter * at[0] + reopen * u_up + rest * ((F(1.0f) - cut) * u_keep + cut * u_cut);
    set_element(utility, s, utility_s);
    best = lr_select(feasible_s & (utility_s > best), utility_s, best);
  }
  F weight[kStrategies];
  F total(0.0f);
  for (int32_t s = 0; s < kStrategies; ++s) {
    weight[s] = lr_select(feasible[s], exp_lanes(F(p.beta_qre) * (utility[s] - best)), F(0.0f));
    total = total + weight[s];
  }
  // Inverse CDF over the feasible strategies: the first whose cumulative weight exceeds the target.
  const F target = u_choice * total;
  F cumulative(0.0f);
  I chosen = c.current;
  Cond done = may_raise & !may_raise;  // false
  for (int32_t s = 0; s < kStrategies; ++s) {
    const Cond take = feasible[s] & !done;
    cumulative = lr_select(take, cumulative + weight[s], cumulative);
    chosen = lr_select(take, I(s), chosen);
    done = done | (take & (target < cumulative));
  }
  return chosen;
}
}  // namespace detail

/// One firm's choice, for one dyad or a vector of dyads. u_inertia < inertia keeps the current strategy; raising
/// transparency or receptivity passes the ratchet gate sigmoid(g0 + gL L + gT T + gS S + gR R) only if u_gate is
/// below it (Larsson: "easier ... to decrease rather than to increase their transparency and receptivity"); otherwise
/// logit choice with precision beta_qre, by inverse CDF of u_choice. The choice is computed when some lane moves.
template <class F, class I>
LR_HD LR_INLINE I strategic_choice(const ModelParams& p, const ChoiceContextT<F, I>& c, F u_inertia, F u_gate,
                                   F u_choice) {
  const auto keeps = u_inertia < F(p.inertia);
  I chosen = c.current;
  if (lr_any(!keeps)) chosen = lr_select(keeps, c.current, detail::strategic_choice_moving(p, c, u_gate, u_choice));
  return chosen;
}

/// Both firms' choices, from their contexts and the period's draws (PeriodDrawsT: inertia_a/b, gate_a/b,
/// choice_a/b). The two choices are the same code on other values: on CUDA it is emitted once and run for firm A,
/// then for firm B (a loop that is not unrolled: half the static code, the same work).
template <class F, class I, class Draws>
LR_HD LR_INLINE void strategic_step(const ModelParams& p, const ChoiceContextT<F, I>& xa,
                                    const ChoiceContextT<F, I>& xb, const Draws& d, I* next_a, I* next_b) {
#if defined(__CUDA_ARCH__)
#pragma unroll 1
#endif
  for (int32_t firm = 0; firm < kFirms; ++firm) {
    const bool b = firm == FirmB;
    // Member by member (a select of the whole context went through local memory on CUDA).
    const auto pick = [b](const auto& x_b, const auto& x_a) { return b ? x_b : x_a; };
    const ChoiceContextT<F, I> c{
        pick(xb.current, xa.current),
        pick(xb.partner, xa.partner),
        pick(xb.self_cap, xa.self_cap),
        pick(xb.partner_cap, xa.partner_cap),
        pick(xb.self_x, xa.self_x),
        pick(xb.partner_x, xa.partner_x),
        pick(xb.self_knowledge, xa.self_knowledge),
        pick(xb.partner_knowledge, xa.partner_knowledge),
        pick(xb.self_equity, xa.self_equity),
        pick(xb.trust, xa.trust),
        pick(xb.stakes, xa.stakes),
        pick(xb.orientation, xa.orientation),
        pick(xb.belief, xa.belief),
        pick(xb.w_output, xa.w_output),
        pick(xb.w_power, xa.w_power),
        pick(xb.relation_cov, xa.relation_cov),
        {pick(xb.self_c.alpha, xa.self_c.alpha), pick(xb.self_c.gamma, xa.self_c.gamma)},
        {pick(xb.partner_c.alpha, xa.partner_c.alpha), pick(xb.partner_c.gamma, xa.partner_c.gamma)}};
    const I chosen =
        strategic_choice(p, c, pick(d.inertia_b, d.inertia_a), pick(d.gate_b, d.gate_a), pick(d.choice_b, d.choice_a));
    if (b)
      *next_b = chosen;
    else
      *next_a = chosen;
  }
}

}  // namespace learnrace
