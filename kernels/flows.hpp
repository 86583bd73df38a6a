// Knowledge flows, creation and appropriation: Larsson et al. (1998) Figure 2, operationalised
// in docs/model.md section 8. With the discrete levels this reproduces all 25 cells of the figure.
#pragma once

#include "capacity.hpp"
#include "fastmath.hpp"
#include "params.hpp"
#include "strategy.hpp"

namespace learnrace {

// The functions below are lane-generic: F is float or a vector of floats, and every lane computes the float
// operations of the float form (hd.hpp's lane primitives; a select where a float form would branch).

/// Transparency of a strategy whose level (ModelParams::level of its transparency) is `level`, scaled by
/// communicative capacity.
template <class F>
LR_HD LR_INLINE F transparency_of_level(F level, CapacityT<F> c) {
  return level * c.gamma;
}
/// Receptivity of a strategy whose level is `level`, scaled by absorptive capacity and capped by the firm's
/// receptivity cap (set by its intent, Hamel 3a: substitution caps it; scenario events may change it).
template <class F>
LR_HD LR_INLINE F receptivity_of_level(F level, F receptivity_cap, CapacityT<F> c) {
  return lr_min(level * c.alpha, receptivity_cap);
}
/// Effective transparency and receptivity of a firm playing `strategy` (I: int32_t, or a vector of strategies).
template <class F, class I>
LR_HD LR_INLINE F effective_transparency(const ModelParams& p, I strategy, CapacityT<F> c) {
  return transparency_of_level(F(lr_pick(p.level, transparency_level(strategy))), c);
}
template <class F, class I>
LR_HD LR_INLINE F effective_receptivity(const ModelParams& p, I strategy, F receptivity_cap, CapacityT<F> c) {
  return receptivity_of_level(F(lr_pick(p.level, receptivity_level(strategy))), receptivity_cap, c);
}

template <class F>
struct FlowsT {
  F t_ab;     // transfer A -> B
  F t_ba;     // transfer B -> A
  F created;  // jointly created knowledge c
  F appr_a;   // share of c appropriated by A
  F appr_b;
};
using Flows = FlowsT<float>;

/// t_AB = min(tau_A, rho_B); c = kappa_c (t_AB + t_BA) + kappa_x t_AB t_BA; firm f appropriates
/// c * inflow_f / max(t_AB, t_BA) (Larsson Fig. 2: "c->a&b" when mutual, only the receiver when one-way).
/// The firm with the larger inflow appropriates c itself (inflow / max = 1 exactly), so one division.
/// Nothing flows (larger = 0): nobody appropriates anything (the quotient, not needed, is selected away).
template <class F>
LR_HD LR_INLINE FlowsT<F> compute_flows(const ModelParams& p, F tau_a, F rho_a, F tau_b, F rho_b) {
  FlowsT<F> f;
  f.t_ab = lr_min(tau_a, rho_b);
  f.t_ba = lr_min(tau_b, rho_a);
  f.created = F(p.kappa_c) * (f.t_ab + f.t_ba) + F(p.kappa_x) * f.t_ab * f.t_ba;
  const F larger = lr_max(f.t_ab, f.t_ba);
  const auto flowing = larger > F(0.0f);
  // zero for a one-way flow's giver (smaller inflow 0)
  const F smaller_share = lr_div_pos(f.created * lr_min(f.t_ab, f.t_ba), larger);
  f.appr_a = lr_select(flowing, lr_select(f.t_ba >= f.t_ab, f.created, smaller_share), F(0.0f));
  f.appr_b = lr_select(flowing, lr_select(f.t_ab >= f.t_ba, f.created, smaller_share), F(0.0f));
  return f;
}

}  // namespace learnrace
