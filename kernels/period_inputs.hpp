// What one period of a dyad reads besides its state: its random numbers (uniforms and standard normals from the
// dyad's counter-based streams, kernels/rng_streams.hpp), the sigmoids of its firms' factors and its relation decay
// e^{-R/r0} at the start of the period (after events).
//   - dyad_period_body (simulate_dyad.hpp: the CUDA backend and the scalar CPU path) computes the sigmoids and the
//     decay itself (firm_factors, relation_decay) and draws its random numbers through StreamInputs below, where the
//     period asks for them;
//   - the CPU's lockstep SIMD path (kernels/cpu_simd/lockstep.hpp) computes all of them for a block of dyads at once,
//     one dyad per vector lane, with the lane-generic forms of the same functions (the same float operations), and
//     its period reads them as vectors (kernels/cpu_simd/period_lanes.hpp).
#pragma once

#include "dyad_state.hpp"
#include "fastmath.hpp"
#include "rng.hpp"
#include "rng_streams.hpp"
#include "shocks.hpp"
#include "transition_propositional.hpp"

namespace learnrace {

/// A firm's factors T, S, L in (0, 1) at the start of a period (lane-generic: F float, or a vector of dyads).
template <class F>
struct FirmFactorsT {
  F trust, stakes, orientation;
};
using FirmFactors = FirmFactorsT<float>;
LR_HD LR_INLINE FirmFactors firm_factors(const FirmState& f) {
  return FirmFactors{lr_sigmoid(f.z[Trust]), lr_sigmoid(f.z[Stakes]), lr_sigmoid(f.z[Orientation])};
}

/// Normals per period: trust common/A/B, stakes common/A/B, orientation common/A/B, perception A/B, (unused).
constexpr int32_t kPeriodNormals = 12;
/// Uniforms of the strategic kernel per firm: inertia, ratchet gate, logit choice.
constexpr int32_t kStrategicUniforms = 3;
/// Uniforms of firm A's shock_jump_a draw: jumps of T, S, L, then the exogenous hazard; firm B's: jumps of T, S, L.
constexpr int32_t kJumpUniformsA = kFirmFactors + 1;

/// The period's inputs computed where they are used, from the dyad's streams (period word `period`).
struct StreamInputs {
  RandomGenerator rng;
  uint32_t period;

  LR_HD LR_INLINE void normals(float eps[kPeriodNormals]) const {
    const Draw4 n0 = rng.draw(period, rng_stream::shock_normal_trust);
    const Draw4 n1 = rng.draw(period, rng_stream::shock_normal_stakes);
    const Draw4 n2 = rng.draw(period, rng_stream::shock_normal_other);
    normal_pair(n0.v[0], n0.v[1], &eps[0], &eps[1]);
    normal_pair(n0.v[2], n0.v[3], &eps[2], &eps[3]);
    normal_pair(n1.v[0], n1.v[1], &eps[4], &eps[5]);
    normal_pair(n1.v[2], n1.v[3], &eps[6], &eps[7]);
    normal_pair(n2.v[0], n2.v[1], &eps[8], &eps[9]);
    normal_pair(n2.v[2], n2.v[3], &eps[10], &eps[11]);
  }
  LR_HD LR_INLINE PropositionalDraws propositional() const {
    const Draw4 tr = rng.draw(period, rng_stream::transition);
    const Draw4 ex = rng.draw(period, rng_stream::exploration);
    return PropositionalDraws{u01_open(tr.v[0]), u01_open(tr.v[1]), u01_open(tr.v[2]), u01_open(tr.v[3]),
                              u01_open(ex.v[2]), u01_open(ex.v[0]), u01_open(ex.v[1])};
  }
  LR_HD LR_INLINE void strategic(float u_a[kStrategicUniforms], float u_b[kStrategicUniforms]) const {
    const Draw4 da = rng.draw(period, rng_stream::strategic_choice_a);
    const Draw4 db = rng.draw(period, rng_stream::strategic_choice_b);
    for (int32_t k = 0; k < kStrategicUniforms; ++k) {
      u_a[k] = u01_open(da.v[k]);
      u_b[k] = u01_open(db.v[k]);
    }
  }
  LR_HD LR_INLINE void jumps(float u_a[kJumpUniformsA], float u_b[kFirmFactors]) const {
    const Draw4 ja = rng.draw(period, rng_stream::shock_jump_a);
    const Draw4 jb = rng.draw(period, rng_stream::shock_jump_b);
    for (int32_t k = 0; k < kJumpUniformsA; ++k) u_a[k] = u01_open(ja.v[k]);
    for (int32_t k = 0; k < kFirmFactors; ++k) u_b[k] = u01_open(jb.v[k]);
  }
};

}  // namespace learnrace
