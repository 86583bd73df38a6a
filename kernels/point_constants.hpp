// What every dyad of one sweep point shares and would otherwise recompute in every draw or period:
// the Philox round keys, the reciprocals of the parameters the period divides by, and the shock loadings.
// Computed once per point (the CUDA backend on the host, into constant memory, where the kernel's by-value
// copy lives in uniform registers; the CPU backend before its dyad loop), the same bits on both backends.
#pragma once

#include <math.h>

#include "params.hpp"
#include "rng.hpp"

namespace learnrace {

struct PointConstants {
  PhiloxRoundKeys keys;              // philox_round_keys(seed, point_key)
  float inv_r0;                      // 1 / r0: relation_decay's exponent is -R * inv_r0
  float relation_bin_scale;          // factor_bins / relation_bin_max: R in bin units
  float inv_detect;                  // 1 / detect_threshold
  float trust_cap_logit;             // logit(trust_recovery_cap); +inf-like (3e38) when the cap is 1
  float shock_common[kFirmFactors];  // sigma sqrt(rho): loading of the common normal shock
  float shock_own[kFirmFactors];     // sigma sqrt(1 - rho): loading of the firm's own normal shock
  int32_t any_random_event;          // some event applies with probability < 1 (draws its uniforms only then)
};

LR_HD LR_INLINE PointConstants point_constants(const ModelParams& p) {
  PointConstants c;
  c.keys = philox_round_keys(p.seed, p.point_key);
  c.inv_r0 = 1.0f / p.r0;
  c.relation_bin_scale = static_cast<float>(p.factor_bins) / p.relation_bin_max;
  c.inv_detect = 1.0f / p.detect_threshold;
  c.trust_cap_logit = p.trust_recovery_cap >= 1.0f ? 3.0e38f : lr_logit(p.trust_recovery_cap);
  for (int32_t k = 0; k < kFirmFactors; ++k) {
    c.shock_common[k] = p.shock[k].sigma * sqrtf(p.shock[k].rho);
    c.shock_own[k] = p.shock[k].sigma * sqrtf(1.0f - p.shock[k].rho);
  }
  c.any_random_event = 0;
  for (int32_t e = 0; e < p.n_events; ++e)
    if (p.events[e].probability < 1.0f) c.any_random_event = 1;
  return c;
}

}  // namespace learnrace
