// The `strategic` strategy-change kernel (docs/model.md section 12): each firm picks its next strategy
// by logit choice over a one-period expected utility, with its own factors and its own suspicion. P1-P9 are NOT
// coded here, so the proposition tests can fail against it.
#pragma once

#include "flows.hpp"
#include "learning.hpp"
#include "params.hpp"
#include "strategy.hpp"

namespace learnrace {

/// What one firm knows when it chooses (its own side is "self", the other "partner").
struct ChoiceContext {
  int32_t current;                          // own current strategy
  int32_t partner;                          // partner's current strategy
  float self_cap, partner_cap;              // receptivity caps (intent, Hamel 3a)
  float self_x, partner_x;                  // internalised fractions
  float self_knowledge, partner_knowledge;  // U
  float self_equity;
  float trust, stakes, orientation;  // the firm's own T, S, L in (0, 1)
  float belief;                      // its belief that the partner exploits it, in [0, 1] (suspicion)
  float w_output;                    // value it puts on the joint tasks' outputs (its intent's w_output)
  float relation_cov;                // R covariate in [-1, 1)
  Capacity self_c, partner_c;        // both firms' capacities
};

namespace detail {
/// Utility of playing `s` against a partner at (partner transparency level, receptivity level).
LR_HD LR_INLINE float strategic_utility(const ModelParams& p, const ChoiceContext& c, int32_t s,
                                        int32_t partner_tau_level, int32_t partner_rho_level, float power_now,
                                        float leak_weight) {
  const float tau_self = p.level[transparency_level(s)] * c.self_c.gamma;
  const float rho_self = lr_min(p.level[receptivity_level(s)] * c.self_c.alpha, c.self_cap);
  const float tau_partner = p.level[partner_tau_level] * c.partner_c.gamma;
  const float rho_partner = lr_min(p.level[partner_rho_level] * c.partner_c.alpha, c.partner_cap);
  const Flows f = compute_flows(p, tau_self, rho_self, tau_partner, rho_partner);
  // Own gain from what flows in (t_ba), partner's gain from what leaks out (t_ab).
  const float gain_self = p.lambda * (f.t_ba * (1.0f - c.self_x) * c.partner_knowledge + f.appr_a);
  const float gain_partner = p.lambda * (f.t_ab * (1.0f - c.partner_x) * c.self_knowledge + f.appr_b);
  const float x_self = internalise(c.self_x, f.t_ba, p.lambda);
  const float x_partner = internalise(c.partner_x, f.t_ab, p.lambda);
  const float power_next =
      bargaining_power_a(p, x_self, x_partner, c.self_knowledge, c.partner_knowledge, c.self_equity);
  const float loose = 1.0f - c.orientation;
  return gain_self * (1.0f + p.w_stakes * c.stakes)                   // stakes raise the value of learning
         - leak_weight * gain_partner                                 // leak threat
         + p.w_power * (power_next - power_now) * loose               // Larsson: the power pay-off of the race
         + p.w_continuation * lr_min(f.t_ab, f.t_ba) * c.orientation  // continuation value of reciprocity
         + c.w_output * 0.5f * (f.t_ab + f.t_ba)  // Hamel: "the stream of economic benefits ... of joint tasks"
         - p.cost_transparency * p.level[transparency_level(s)] / c.self_c.gamma  // effort costs
         - p.cost_receptivity * p.level[receptivity_level(s)] / c.self_c.alpha;
}
}  // namespace detail

/// One firm's choice. u_inertia < inertia keeps the current strategy; raising transparency or
/// receptivity passes the ratchet gate sigmoid(g0 + gL L + gT T + gR R) only if u_gate is below it
/// (Larsson: "easier ... to decrease rather than to increase their transparency and receptivity");
/// otherwise logit choice with precision beta_qre, by inverse CDF of u_choice.
LR_HD LR_INLINE int32_t strategic_choice(const ModelParams& p, const ChoiceContext& c, float u_inertia, float u_gate,
                                         float u_choice) {
  if (u_inertia < p.inertia) return c.current;
  const float gate = lr_sigmoid(p.gate_g0 + p.gate_orientation * c.orientation + p.gate_trust * c.trust +
                                p.gate_relation * c.relation_cov);
  const bool may_raise = u_gate < gate;
  const int32_t tau_now = transparency_level(c.current), rho_now = receptivity_level(c.current);
  const int32_t partner_tau = transparency_level(c.partner), partner_rho = receptivity_level(c.partner);
  const int32_t partner_tau_cut = partner_tau > 0 ? partner_tau - 1 : 0;
  const float power_now =
      bargaining_power_a(p, c.self_x, c.partner_x, c.self_knowledge, c.partner_knowledge, c.self_equity);
  // The partner is expected to keep its strategy with probability T (1 - b), else to cut its transparency one
  // step: suspicion b lowers the expected partner transparency and raises the leak threat, so "strike first"
  // [002:226] can emerge from the payoffs.
  const float keep = c.trust * (1.0f - c.belief);
  const float leak_weight = p.w_leak * (1.0f - keep) * (1.0f - c.orientation);
  float utility[kStrategies];
  bool feasible[kStrategies];
  float best = -3.0e38f;
  for (int32_t s = 0; s < kStrategies; ++s) {
    feasible[s] = may_raise || (transparency_level(s) <= tau_now && receptivity_level(s) <= rho_now);
    utility[s] =
        keep * detail::strategic_utility(p, c, s, partner_tau, partner_rho, power_now, leak_weight) +
        (1.0f - keep) * detail::strategic_utility(p, c, s, partner_tau_cut, partner_rho, power_now, leak_weight);
    if (feasible[s] && utility[s] > best) best = utility[s];
  }
  float weight[kStrategies];
  float total = 0.0f;
  for (int32_t s = 0; s < kStrategies; ++s) {
    weight[s] = feasible[s] ? lr_exp(p.beta_qre * (utility[s] - best)) : 0.0f;
    total += weight[s];
  }
  const float target = u_choice * total;
  float cumulative = 0.0f;
  int32_t chosen = c.current;
  for (int32_t s = 0; s < kStrategies; ++s) {
    if (!feasible[s]) continue;
    cumulative += weight[s];
    chosen = s;
    if (target < cumulative) break;
  }
  return chosen;
}

}  // namespace learnrace
