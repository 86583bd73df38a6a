// Perceived exploitation (docs/model.md section 10): each firm sees the partner's taking and its own receipts
// with noise, and averages its perceived net outflow into a suspicion state. Lane-generic where the CPU's lockstep
// SIMD path runs them on vectors of dyads (F: float or a vector of floats, as in flows.hpp).
#pragma once

#include "fastmath.hpp"
#include "params.hpp"

namespace learnrace {

/// Firm f's perceived net outflow this period: what the partner takes (t_out, seen through the partner's
/// disguise: exploitation "well disguised" is seen less [002:241]) minus what f receives (t_in), plus
/// misperception whose sd is `noise_sd` per unit of flow. noise_sd = perception_noise e^{-R/r0}: a shared past
/// removes "some of the noise and ambiguity which are inherent to collaboration between dissimilar
/// organizations" [003:2480-2494]; misattribution [002:266] is this noise.
template <class F>
LR_HD LR_INLINE F perceived_outflow(F t_out, F t_in, float partner_disguise, F noise_sd, F eps) {
  const F volume = F(0.5f) * (t_out + t_in);
  return lr_fma(noise_sd * volume, eps, F(1.0f - partner_disguise) * t_out - t_in);
}

/// What feeds suspicion: the perceived net outflow beyond what the firm expects to give for its intent.
template <class F, class I>
LR_HD LR_INLINE F unexpected_outflow(const ModelParams& p, I intent, F perceived) {
  return perceived - F(lr_pick(p.expected_outflow, intent));
}

/// Suspicion: an exponentially weighted average of perceived net outflow, q' = q + w (o - q).
template <class F>
LR_HD LR_INLINE F suspicion_step(F q, F perceived, float weight) {
  return lr_fma(F(weight), perceived - q, q);
}

/// The firm's belief that the partner exploits it, in [0, 1]: suspicion relative to the detection threshold
/// (inv_threshold = 1 / threshold, from PointConstants). It reaches 1 at detection.
template <class F>
LR_HD LR_INLINE F exploitation_belief(F suspicion, float inv_threshold) {
  return lr_clamp(suspicion * F(inv_threshold), F(0.0f), F(1.0f));
}

/// The partner is exploiting this firm, as it sees it: suspicion above the detection threshold.
/// (bool for a float; a lane mask for a vector.)
template <class F>
LR_HD LR_INLINE auto detected(const ModelParams& p, F suspicion) {
  return suspicion > F(p.detect_threshold);
}

}  // namespace learnrace
