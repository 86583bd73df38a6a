// Counter-based Philox4x32-10 (Random123). Key = (seed, sweep point); counter = (dyad id low,
// dyad id high, period, stream). No generator state is stored anywhere (MODEL.md section 9).
#pragma once

#include <Random123/philox.h>

#include "fastmath.hpp"
#include "hd.hpp"

namespace learnrace {

struct Draw4 {
  uint32_t v[4];
};

class RandomGenerator {
 public:
  LR_HD RandomGenerator(uint32_t seed, uint32_t point_key, uint64_t dyad)
      : key0_(seed),
        key1_(point_key),
        dyad_lo_(static_cast<uint32_t>(dyad)),
        dyad_hi_(static_cast<uint32_t>(dyad >> 32)) {}

  /// Four independent 32-bit words for (period, stream).
  LR_HD Draw4 draw(uint32_t period, uint32_t stream) const {
    r123::Philox4x32_R<10> philox;
    r123::Philox4x32_R<10>::ctr_type ctr = {{dyad_lo_, dyad_hi_, period, stream}};
    r123::Philox4x32_R<10>::key_type key = {{key0_, key1_}};
    const auto r = philox(ctr, key);
    Draw4 d;
    d.v[0] = r.v[0];
    d.v[1] = r.v[1];
    d.v[2] = r.v[2];
    d.v[3] = r.v[3];
    return d;
  }

 private:
  uint32_t key0_, key1_, dyad_lo_, dyad_hi_;
};

/// Uniform on the open interval (0, 1) from the top 24 bits, never 0 or 1. For x >> 8 = 2^24 - 1 the
/// midpoint 2^24 - 0.5 is not a float and rounds (to even) up to 2^24, i.e. u = 1: clamp it to the
/// largest float below 1, so `u < p` is always true for p = 1.
LR_HD LR_INLINE float u01_open(uint32_t x) {
  return lr_min((static_cast<float>(x >> 8) + 0.5f) * (1.0f / 16777216.0f), 0.99999994f);
}

/// Two standard normals by Box-Muller from two words.
LR_HD LR_INLINE void normal_pair(uint32_t a, uint32_t b, float* z0, float* z1) {
  const float r = sqrtf(-2.0f * lr_log(u01_open(a)));
  float s, c;
  lr_sincos_2pi(u01_open(b) - 0.5f / 16777216.0f, &s, &c);
  *z0 = r * c;
  *z1 = r * s;
}

}  // namespace learnrace
