// Philox4x32-10 for kLanes counters at once, one per vector lane: RandomGenerator::draw of kLanes dyads (rng.hpp).
//
// The draws of a period differ only in the stream word, so the first round and half of the second, which do not
// depend on it, are computed once for all the period's streams (PhiloxLanes) and each stream's draw continues from
// there: 17 of the 20 mulhilo per stream.
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

/// The point's round keys, each broadcast to every lane once (for the rounds' xors).
struct PhiloxKeyLanes {
  VecU k[2 * kPhiloxRounds];
  explicit PhiloxKeyLanes(const PhiloxRoundKeys& keys) {
    for (int32_t i = 0; i < 2 * kPhiloxRounds; ++i) k[i] = VecU(keys.k[i]);
  }
};

/// The draws of kLanes counters (dyad id low, dyad id high, period, stream) for any stream: Philox4x32-10 with the
/// point's round keys, Random123's rounds (c0, c1, c2, c3) -> (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0) with
/// (hi0, lo0) = c0 * M0 and (hi1, lo1) = c2 * M1.
class PhiloxLanes {
 public:
  LR_INLINE PhiloxLanes(const PhiloxKeyLanes& keys, VecU dyad_lo, VecU dyad_hi, VecU period) : keys_(keys) {
    // Round 1: c2 = hi0 ^ stream ^ k1 is its only word that depends on the stream.
    VecU hi0, lo0, hi1, lo1;
    mulhilo(dyad_lo, PHILOX_M4x32_0, &hi0, &lo0);
    mulhilo(period, PHILOX_M4x32_1, &hi1, &lo1);
    c2_before_stream_ = hi0 ^ keys.k[1];
    c1_key_ = lo1 ^ keys.k[2];  // round 2's c1 ^ k0
    // Round 2's c2 and c3 come from round 1's c0 and c3 only: the same for every stream.
    VecU hi0b, lo0b;
    mulhilo(hi1 ^ dyad_hi ^ keys.k[0], PHILOX_M4x32_0, &hi0b, &lo0b);
    c2_ = hi0b ^ lo0 ^ keys.k[3];
    c3_ = lo0b;
  }

  /// The four words of stream `stream`.
  LR_INLINE Draw4Lanes draw(uint32_t stream) const {
    // Round 2's c0 and c1, from round 1's c2.
    VecU hi1, lo1;
    mulhilo(c2_before_stream_ ^ VecU(stream), PHILOX_M4x32_1, &hi1, &lo1);
    VecU c0 = hi1 ^ c1_key_, c1 = lo1, c2 = c2_, c3 = c3_;
    for (int32_t r = 2; r < kPhiloxRounds; ++r) {
      VecU hi0, lo0;
      mulhilo(c0, PHILOX_M4x32_0, &hi0, &lo0);
      mulhilo(c2, PHILOX_M4x32_1, &hi1, &lo1);
      c0 = hi1 ^ c1 ^ keys_.k[2 * r];
      c2 = hi0 ^ c3 ^ keys_.k[2 * r + 1];
      c1 = lo1;
      c3 = lo0;
    }
    return Draw4Lanes{{c0, c1, c2, c3}};
  }

 private:
  const PhiloxKeyLanes& keys_;
  VecU c2_before_stream_;  // round 1's c2 but the stream: hi0 ^ k1
  VecU c1_key_;            // round 1's c1 (lo1) ^ round 2's k0
  VecU c2_, c3_;           // round 2's c2 and c3
};

/// Philox4x32-10 (Random123's rounds with the point's round keys) of kLanes counters (dyad id low, dyad id high,
/// period, stream).
LR_INLINE Draw4Lanes philox_lanes(const PhiloxRoundKeys& keys, VecU dyad_lo, VecU dyad_hi, VecU period,
                                  uint32_t stream) {
  const PhiloxKeyLanes key_lanes(keys);
  return PhiloxLanes(key_lanes, dyad_lo, dyad_hi, period).draw(stream);
}

}  // namespace learnrace::LR_SIMD_NS
