// Situational factors (docs/model.md section 14): each firm's factors revert to the firm's own level under
// correlated OU-with-jumps shocks; endogenous trust moves the level; prior related interaction R accumulates.
#pragma once

#include "fastmath.hpp"
#include "params.hpp"
#include "rng.hpp"

namespace learnrace {

/// z' = m + phi (z - m) + e + jump: `shock` is the firm's correlated normal shock already scaled,
/// sigma (sqrt(rho) eps_common + sqrt(1 - rho) eps_firm); the jump's sign is drawn from the same uniform as the
/// Bernoulli (u < p/2: down, p/2 <= u < p: up).
LR_HD LR_INLINE float ou_jump_step(const FactorShock& s, float level, float z, float shock, float u_jump) {
  float next = level + s.phi * (z - level) + shock;
  if (u_jump < s.p_jump) next += (u_jump < 0.5f * s.p_jump) ? -s.jump_size : s.jump_size;
  return next;
}

/// Endogenous trust of one firm, on the latent scale of its level: it rises with reciprocated flow and falls
/// with the net outflow it PERCEIVES beyond what its intent expects to give (docs/model.md section 10). Larsson:
/// "the resulting initial exploitation of these partners is likely to undermine their trust in the competing
/// organization" [002:310].
LR_HD LR_INLINE float trust_feedback(const ModelParams& p, float t_ab, float t_ba, float unexpected_outflow) {
  return p.eta_up * lr_min(t_ab, t_ba) - p.eta_down * lr_max(unexpected_outflow, 0.0f);
}

/// R += (t_AB + t_BA)/2 each period (joint engagement), with slow decay delta_R.
LR_HD LR_INLINE float relation_step(const ModelParams& p, float relation, float t_ab, float t_ba) {
  return (1.0f - p.delta_r) * relation + 0.5f * (t_ab + t_ba);
}

/// e^{-R/r0}: drives the capacities, the misperception noise and the R covariate. inv_r0 = 1 / r0
/// (PointConstants): a product where a division would cost every period.
LR_HD LR_INLINE float relation_decay(float relation, float inv_r0) { return lr_exp(-relation * inv_r0); }

/// Covariate of R used by the propositional kernel and the ratchet gate: 2 (1 - e^{-R/r0}) - 1,
/// bounded in [-1, 1) like the capacities it drives.
LR_HD LR_INLINE float relation_covariate(float relation_decay) { return 1.0f - 2.0f * relation_decay; }

}  // namespace learnrace
