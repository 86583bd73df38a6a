// Knowledge flows, creation and appropriation: Larsson et al. (1998) Figure 2, operationalised
// in docs/model.md section 8. With the discrete levels this reproduces all 25 cells of the figure.
#pragma once

#include "fastmath.hpp"
#include "params.hpp"
#include "strategy.hpp"

namespace learnrace {

/// Absorptive (alpha) and communicative (gamma) capacity grow with prior related interaction R
/// (Larsson; Cohen & Levinthal 1990); gamma0 is lower for tacit, embedded knowledge (Doz).
struct Capacity {
  float alpha;
  float gamma;
};
/// One firm's capacities from its floors alpha0, gamma0; relation_decay = e^{-R/r0} (computed once per period and
/// shared by both firms and relation_covariate).
LR_HD LR_INLINE Capacity capacity(float alpha0, float gamma0, float relation_decay) {
  const float grown = 1.0f - relation_decay;
  return Capacity{alpha0 + (1.0f - alpha0) * grown, gamma0 + (1.0f - gamma0) * grown};
}

LR_HD LR_INLINE float effective_transparency(const ModelParams& p, int32_t strategy, Capacity c) {
  return p.level[transparency_level(strategy)] * c.gamma;
}
/// Receptivity scaled by absorptive capacity and capped by the firm's receptivity cap (set by its intent, Hamel 3a:
/// substitution caps it; scenario events may change it).
LR_HD LR_INLINE float effective_receptivity(const ModelParams& p, int32_t strategy, float receptivity_cap, Capacity c) {
  return lr_min(p.level[receptivity_level(strategy)] * c.alpha, receptivity_cap);
}

struct Flows {
  float t_ab;     // transfer A -> B
  float t_ba;     // transfer B -> A
  float created;  // jointly created knowledge c
  float appr_a;   // share of c appropriated by A
  float appr_b;
};

/// t_AB = min(tau_A, rho_B); c = kappa_c (t_AB + t_BA) + kappa_x t_AB t_BA; firm f appropriates
/// c * inflow_f / max(t_AB, t_BA) (Larsson Fig. 2: "c->a&b" when mutual, only the receiver when one-way).
/// The firm with the larger inflow appropriates c itself (inflow / max = 1 exactly), so one division.
LR_HD LR_INLINE Flows compute_flows(const ModelParams& p, float tau_a, float rho_a, float tau_b, float rho_b) {
  Flows f;
  f.t_ab = lr_min(tau_a, rho_b);
  f.t_ba = lr_min(tau_b, rho_a);
  f.created = p.kappa_c * (f.t_ab + f.t_ba) + p.kappa_x * f.t_ab * f.t_ba;
  const float larger = lr_max(f.t_ab, f.t_ba);
  if (larger > 0.0f) {
    // zero for a one-way flow's giver (smaller inflow 0)
    const float smaller_share = lr_div_pos(f.created * lr_min(f.t_ab, f.t_ba), larger);
    f.appr_a = f.t_ba >= f.t_ab ? f.created : smaller_share;
    f.appr_b = f.t_ab >= f.t_ba ? f.created : smaller_share;
  } else {
    f.appr_a = 0.0f;
    f.appr_b = 0.0f;
  }
  return f;
}

}  // namespace learnrace
