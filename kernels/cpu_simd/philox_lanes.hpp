// Philox4x32-10 for kLanes counters at once, one per vector lane: RandomGenerator::draw of kLanes dyads (rng.hpp).
//
// Included only by the SIMD translation units, after their `#pragma GCC target` (see backend_cpu_avx512.cpp).
#pragma once

#include "cpu_simd/lanes.hpp"
#include "rng.hpp"

namespace learnrace::LR_SIMD_NS {

/// Four words per lane: RandomGenerator::draw(period, stream) of each lane's dyad.
struct Draw4Lanes {
  VecU v[4];
};

/// Philox4x32-10 (Random123's rounds with the point's round keys) of kLanes counters (dyad id low, dyad id high,
/// period, stream).
LR_INLINE Draw4Lanes philox_lanes(const PhiloxRoundKeys& keys, VecU dyad_lo, VecU dyad_hi, VecU period,
                                  uint32_t stream) {
  VecU c0 = dyad_lo, c1 = dyad_hi, c2 = period, c3 = VecU(stream);
  for (int32_t r = 0; r < kPhiloxRounds; ++r) {
    VecU hi0, lo0, hi1, lo1;
    mulhilo(c0, PHILOX_M4x32_0, &hi0, &lo0);
    mulhilo(c2, PHILOX_M4x32_1, &hi1, &lo1);
    const VecU n0 = hi1 ^ c1 ^ VecU(keys.k[2 * r]);
    const VecU n2 = hi0 ^ c3 ^ VecU(keys.k[2 * r + 1]);
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
  }
  return Draw4Lanes{{c0, c1, c2, c3}};
}

}  // namespace learnrace::LR_SIMD_NS
