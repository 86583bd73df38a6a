// Situational factors (docs/model.md section 14): each firm's factors revert to the firm's own level under
// correlated OU-with-jumps shocks; endogenous trust moves the level; prior related interaction R accumulates.
// Lane-generic where the CPU's lockstep SIMD path runs them on vectors of dyads (F: float or a vector of floats, as
// in flows.hpp).
#pragma once

#include "fastmath.hpp"
#include "params.hpp"
#include "point_constants.hpp"

namespace learnrace {

/// z' = m + phi (z - m) + e + jump: `shock` is the firm's correlated normal shock already scaled,
/// sigma (sqrt(rho) eps_common + sqrt(1 - rho) eps_firm); the jump's sign is drawn from the same uniform as the
/// Bernoulli (u < p/2: down, p/2 <= u < p: up).
template <class F>
LR_HD LR_INLINE F ou_jump_step(const FactorShock& s, F level, F z, F shock, F u_jump) {
  const F next = level + F(s.phi) * (z - level) + shock;
  const F jump = lr_select(u_jump < F(0.5f * s.p_jump), F(-s.jump_size), F(s.jump_size));
  return lr_select(u_jump < F(s.p_jump), next + jump, next);
}

/// Endogenous trust of one firm, on the latent scale of its level: it rises with reciprocated flow and falls
/// with the net outflow it PERCEIVES beyond what its intent expects to give (docs/model.md section 10). Larsson:
/// "the resulting initial exploitation of these partners is likely to undermine their trust in the competing
/// organization" [002:310].
template <class F>
LR_HD LR_INLINE F trust_feedback(const ModelParams& p, F t_ab, F t_ba, F unexpected_outflow) {
  return F(p.eta_up) * lr_min(t_ab, t_ba) - F(p.eta_down) * lr_max(unexpected_outflow, F(0.0f));
}

/// A firm's factors after the period: trust feedback moves the level (and the latent with it; capped after a
/// detected violation when a recovery cap is set), then every latent takes its correlated shock around the level:
/// `common` and `own` are the standard normals of the common and of the firm's own shock of T, S, L, `u_jump` the
/// uniforms of its jumps. Firm: FirmStateT (one dyad, or a vector of dyads).
template <class Firm, class F>
LR_HD LR_INLINE void update_factors(const ModelParams& p, const PointConstants& pc, Firm& f, F trust_delta,
                                    const F (&common)[kFirmFactors], const F (&own)[kFirmFactors],
                                    const F (&u_jump)[kFirmFactors]) {
  const F shifted = f.level[Trust] + trust_delta;
  const F level_t = lr_select(f.violated != 0, lr_min(shifted, F(pc.trust_cap_logit)), shifted);
  f.z[Trust] = f.z[Trust] + (level_t - f.level[Trust]);
  f.level[Trust] = level_t;
  for (int32_t k = 0; k < kFirmFactors; ++k) {
    const F shock = lr_fma(F(pc.shock_common[k]), common[k], F(pc.shock_own[k]) * own[k]);
    f.z[k] = ou_jump_step(p.shock[k], f.level[k], f.z[k], shock, u_jump[k]);
  }
}

/// R += (t_AB + t_BA)/2 each period (joint engagement), with slow decay delta_R.
template <class F>
LR_HD LR_INLINE F relation_step(const ModelParams& p, F relation, F t_ab, F t_ba) {
  return F(1.0f - p.delta_r) * relation + F(0.5f) * (t_ab + t_ba);
}

}  // namespace learnrace
