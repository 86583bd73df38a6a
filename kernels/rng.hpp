// Counter-based Philox4x32-10 (Random123). Key = (seed, sweep point); counter = (dyad id low,
// dyad id high, period, stream). No generator state is stored anywhere (docs/model.md section 18).
#pragma once

#include <Random123/philox.h>

#include "fastmath.hpp"
#include "hd.hpp"

namespace learnrace {

struct Draw4 {
  uint32_t v[4];
};

constexpr int32_t kPhiloxRounds = 10;

/// The key schedule of Philox4x32-10: round r uses (k[2r], k[2r + 1]) = key + r (W0, W1), exactly
/// Random123's bumpkey sequence. Computed once per point (PointConstants; on CUDA the kernel's copy sits
/// in uniform registers), it saves the 18 key additions of every draw.
struct PhiloxRoundKeys {
  uint32_t k[2 * kPhiloxRounds];
};

LR_HD LR_INLINE PhiloxRoundKeys philox_round_keys(uint32_t seed, uint32_t point_key) {
  PhiloxRoundKeys out;
  r123array2x32 key = {{seed, point_key}};
  for (int32_t r = 0; r < kPhiloxRounds; ++r) {
    out.k[2 * r] = key.v[0];
    out.k[2 * r + 1] = key.v[1];
    key = _philox4x32bumpkey(key);
  }
  return out;
}

/// Key = (seed, sweep point), precomputed as round keys; counter = (dyad id low, dyad id high,
/// period, stream). Equal to r123::Philox4x32_R<10> (tests/cpp/test_rng.cpp checks it word for word).
class RandomGenerator {
 public:
  /// `keys` must outlive the generator (on the GPU: the kernel's copy of the point's constants).
  LR_HD RandomGenerator(const PhiloxRoundKeys& keys, uint64_t dyad)
      : keys_(keys), dyad_lo_(static_cast<uint32_t>(dyad)), dyad_hi_(static_cast<uint32_t>(dyad >> 32)) {}

  /// Four independent 32-bit words for (period, stream).
  LR_HD Draw4 draw(uint32_t period, uint32_t stream) const {
    r123array4x32 ctr = {{dyad_lo_, dyad_hi_, period, stream}};
#ifdef __CUDA_ARCH__
#pragma unroll
#endif
    for (int32_t r = 0; r < kPhiloxRounds; ++r) {
      const r123array2x32 key = {{keys_.k[2 * r], keys_.k[2 * r + 1]}};
      ctr = _philox4x32round(ctr, key);
    }
    Draw4 d;
    d.v[0] = ctr.v[0];
    d.v[1] = ctr.v[1];
    d.v[2] = ctr.v[2];
    d.v[3] = ctr.v[3];
    return d;
  }

 private:
  const PhiloxRoundKeys& keys_;
  uint32_t dyad_lo_, dyad_hi_;
};

namespace detail {
struct RoundKeysHolder {
  PhiloxRoundKeys keys;
};
}  // namespace detail

/// A generator that owns its round keys (tests, host tools): usable wherever a RandomGenerator is.
/// Not copyable, since the base refers to the keys inside this object.
class SeededRandomGenerator : private detail::RoundKeysHolder, public RandomGenerator {
 public:
  SeededRandomGenerator(uint32_t seed, uint32_t point_key, uint64_t dyad)
      : detail::RoundKeysHolder{philox_round_keys(seed, point_key)}, RandomGenerator(keys, dyad) {}
  SeededRandomGenerator(const SeededRandomGenerator&) = delete;
  SeededRandomGenerator& operator=(const SeededRandomGenerator&) = delete;
};

namespace detail {
/// u01_open, lane-generic (hd.hpp's lane primitives): U is uint32_t or a CPU SIMD vector of them.
template <class U>
LR_HD LR_INLINE auto u01_open_lanes(U x) {
  using F = decltype(bits_float(x));
  // (k + 0.5) 2^-24 for k = x >> 8, as one fused multiply-add: RN(k 2^-24 + 2^-25) = RN(k + 0.5) 2^-24,
  // since scaling by a power of two commutes with rounding; the same bits as a separate add and multiply.
  // k < 2^24: its conversion is exact, signed or not.
  return lr_min(lr_fma(lr_int_float(lr_as_int(x >> 8)), F(1.0f / 16777216.0f), F(0.5f / 16777216.0f)), F(0.99999994f));
}

/// normal_pair, lane-generic.
template <class U, class F>
LR_HD LR_INLINE void normal_pair_lanes(U a, U b, F* z0, F* z1) {
  const F r = lr_sqrt(F(-2.0f) * log_lanes(u01_open_lanes(a)));
  F s, c;
  sincos_2pi_lanes(u01_open_lanes(b) - F(0.5f / 16777216.0f), &s, &c);
  *z0 = r * c;
  *z1 = r * s;
}
}  // namespace detail

/// Uniform on the open interval (0, 1) from the top 24 bits, never 0 or 1. For x >> 8 = 2^24 - 1 the
/// midpoint 2^24 - 0.5 is not a float and rounds (to even) up to 2^24, i.e. u = 1: clamp it to the
/// largest float below 1, so `u < p` is always true for p = 1.
LR_HD LR_INLINE float u01_open(uint32_t x) { return detail::u01_open_lanes(x); }

/// Two standard normals by Box-Muller from two words.
LR_HD LR_INLINE void normal_pair(uint32_t a, uint32_t b, float* z0, float* z1) {
  detail::normal_pair_lanes(a, b, z0, z1);
}

}  // namespace learnrace
