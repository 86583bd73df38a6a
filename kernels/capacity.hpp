// What conditions a period, read once at its start (docs/model.md section 6): each firm's factors T, S, L, the
// relation decay e^{-R/r0}, each firm's absorptive and communicative capacities and the R covariate.
//
// Lane-generic, like every rule of the period: F is float for one dyad (the scalar CPU path, CUDA) or a CPU SIMD
// vector of floats, one dyad per lane (kernels/cpu_simd/lanes.hpp), and every lane computes the float operations of
// the float form (hd.hpp's lane primitives; a select where a float form would branch).
#pragma once

#include "fastmath.hpp"

namespace learnrace {

/// A firm's factors T, S, L in (0, 1) at the start of a period.
template <class F>
struct FirmFactorsT {
  F trust, stakes, orientation;
};
using FirmFactors = FirmFactorsT<float>;

/// The factors sigma(z) of a firm (FirmStateT) from its latent logits.
template <class Firm>
LR_HD LR_INLINE auto firm_factors(const Firm& f) {
  using F = decltype(f.knowledge);
  return FirmFactorsT<F>{detail::sigmoid_lanes(f.z[0]), detail::sigmoid_lanes(f.z[1]), detail::sigmoid_lanes(f.z[2])};
}

/// e^{-R/r0}: drives the capacities, the misperception noise and the R covariate. inv_r0 = 1 / r0
/// (PointConstants): a product where a division would cost every period.
template <class F>
LR_HD LR_INLINE F relation_decay(F relation, float inv_r0) {
  return detail::exp_lanes(-relation * F(inv_r0));
}

/// Absorptive (alpha) and communicative (gamma) capacity grow with prior related interaction R
/// (Larsson; Cohen & Levinthal 1990); gamma0 is lower for tacit, embedded knowledge (Doz).
template <class F>
struct CapacityT {
  F alpha;
  F gamma;
};
using Capacity = CapacityT<float>;
/// One firm's capacities from its floors alpha0, gamma0; relation_decay = e^{-R/r0} (computed once per period and
/// shared by both firms and relation_covariate).
template <class F>
LR_HD LR_INLINE CapacityT<F> capacity(F alpha0, F gamma0, F relation_decay) {
  const F grown = F(1.0f) - relation_decay;
  return CapacityT<F>{alpha0 + (F(1.0f) - alpha0) * grown, gamma0 + (F(1.0f) - gamma0) * grown};
}

/// Covariate of R used by the propositional kernel and the ratchet gate: 2 (1 - e^{-R/r0}) - 1,
/// bounded in [-1, 1) like the capacities it drives.
template <class F>
LR_HD LR_INLINE F relation_covariate(F relation_decay) {
  return F(1.0f) - F(2.0f) * relation_decay;
}

}  // namespace learnrace
