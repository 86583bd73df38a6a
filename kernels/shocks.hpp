// Situational factors (MODEL.md section 4): latent OU-with-jumps shocks, endogenous trust and
// prior related interaction.
#pragma once

#include "fastmath.hpp"
#include "params.hpp"
#include "rng.hpp"

namespace learnrace {

/// z' = mu + phi (z - mu) + sigma eps + J * Bernoulli(p_jump) * sign, with the sign drawn from the
/// same uniform as the Bernoulli (u < p/2: down, p/2 <= u < p: up).
LR_HD LR_INLINE float ou_jump_step(const FactorShock& s, float z, float eps, float u_jump) {
  float next = s.mu + s.phi * (z - s.mu) + s.sigma * eps;
  if (u_jump < s.p_jump) next += (u_jump < 0.5f * s.p_jump) ? -s.jump_size : s.jump_size;
  return next;
}

/// Endogenous trust on the latent scale. Larsson: reciprocity builds trust, exploitation (one side
/// taking more than it gives) undermines it.
LR_HD LR_INLINE float trust_feedback(const ModelParams& p, float t_ab, float t_ba) {
  return p.eta_up * lr_min(t_ab, t_ba) - p.eta_down * lr_abs(t_ab - t_ba);
}

/// R += (t_AB + t_BA)/2 each period (joint engagement), with slow decay delta_R.
LR_HD LR_INLINE float relation_step(const ModelParams& p, float relation, float t_ab, float t_ba) {
  return (1.0f - p.delta_r) * relation + 0.5f * (t_ab + t_ba);
}

/// e^{-R/r0}: drives the capacities and the R covariate. inv_r0 = 1 / r0 (PointConstants): a product
/// where a division would cost every period.
LR_HD LR_INLINE float relation_decay(float relation, float inv_r0) { return lr_exp(-relation * inv_r0); }

/// Covariate of R used by the propositional kernel and the ratchet gate: 2 (1 - e^{-R/r0}) - 1,
/// bounded in [-1, 1) like the capacities it drives.
LR_HD LR_INLINE float relation_covariate(float relation_decay) { return 1.0f - 2.0f * relation_decay; }

}  // namespace learnrace
