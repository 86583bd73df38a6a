// What every dyad of one sweep point shares and would otherwise recompute in every draw or period:
// the Philox round keys and the reciprocals of the two parameters the period divides by. Computed
// once per point (the CUDA backend on the host, into constant memory, where the kernel's by-value
// copy lives in uniform registers; the CPU backend before its dyad loop), the same bits on both backends.
#pragma once

#include "params.hpp"
#include "rng.hpp"

namespace learnrace {

struct PointConstants {
  PhiloxRoundKeys keys;      // philox_round_keys(seed, point_key)
  float inv_r0;              // 1 / r0: relation_decay's exponent is -R * inv_r0
  float relation_bin_scale;  // factor_bins / relation_bin_max: R in bin units
};

LR_HD LR_INLINE PointConstants point_constants(const ModelParams& p) {
  PointConstants c;
  c.keys = philox_round_keys(p.seed, p.point_key);
  c.inv_r0 = 1.0f / p.r0;
  c.relation_bin_scale = static_cast<float>(p.factor_bins) / p.relation_bin_max;
  return c;
}

}  // namespace learnrace
