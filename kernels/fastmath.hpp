// Our own exp / log / sin-cos polynomials (docs/model.md section 18): identical float results on the CPU
// and on CUDA, because they use only +, -, *, /, explicit fused multiply-adds (lr_fma: one IEEE
// rounding on both) and bit operations; no implicit FMA contraction, no libm transcendentals.
#pragma once

#include <cmath>

#include "hd.hpp"

namespace learnrace {

/// e^x, relative error < 2e-7 on [-87, 88]; inputs outside are clamped.
LR_HD LR_INLINE float lr_exp(float x) {
  x = lr_clamp(x, -87.0f, 88.0f);
  const float n = floorf(lr_fma(x, 1.44269504088896341f, 0.5f));
  // Cody-Waite: ln2 = hi + lo, hi exact in 16 bits so n*hi is exact.
  const float r = lr_fma(-n, 1.42860682030941723e-06f, lr_fma(-n, 0.693145751953125f, x));
  float p = 1.0f / 5040.0f;
  p = lr_fma(p, r, 1.0f / 720.0f);
  p = lr_fma(p, r, 1.0f / 120.0f);
  p = lr_fma(p, r, 1.0f / 24.0f);
  p = lr_fma(p, r, 1.0f / 6.0f);
  p = lr_fma(p, r, 0.5f);
  p = lr_fma(p, r, 1.0f);
  p = lr_fma(p, r, 1.0f);
  const int32_t e = static_cast<int32_t>(n) + 127;
  return p * bits_float(static_cast<uint32_t>(e) << 23);
}

/// Natural log for positive normal floats x in [2^-126, 2^128): |error| < 3e-7 * max(1, |ln x|), i.e.
/// absolute error < 3e-7 near x = 1 and relative error < 3e-7 elsewhere (an absolute bound cannot
/// hold for large |ln x|: the float spacing at ln x = 87 is 7.6e-6). Measured: 1.2e-7 * max(1, |ln x|).
LR_HD LR_INLINE float lr_log(float x) {
  const uint32_t bits = float_bits(x);
  int32_t e = static_cast<int32_t>((bits >> 23) & 0xffu) - 127;
  float m = bits_float((bits & 0x007fffffu) | 0x3f800000u);  // m in [1, 2)
  if (m > 1.33333333f) {
    m = m * 0.5f;
    e += 1;
  }
  // log(m) = log1p(f) = f + f^2 (-1/2 + f Q(f)), f = m - 1 in [-1/3, 1/3] (exact), Q of degree 7 fitted
  // to (log1p(f) - f + f^2/2) / f^3 (weighted least squares on Chebyshev nodes, relative error of
  // log1p 6e-9 before rounding). No division: a GPU warp pays a dozen instructions for one.
  const float f = m - 1.0f;
  const float f2 = f * f;
  float q = -0.1264292597770691f;
  q = lr_fma(q, f, 0.14005275070667267f);
  q = lr_fma(q, f, -0.122418113052845f);
  q = lr_fma(q, f, 0.14000912010669708f);
  q = lr_fma(q, f, -0.16676318645477295f);
  q = lr_fma(q, f, 0.20010778307914734f);
  q = lr_fma(q, f, -0.24999889731407166f);
  q = lr_fma(q, f, 0.3333320617675781f);
  const float log_m = lr_fma(lr_fma(q, f, -0.5f), f2, f);
  const float fe = static_cast<float>(e);
  return lr_fma(fe, 0.693145751953125f, log_m) + fe * 1.42860682030941723e-06f;
}

/// Logistic function 1/(1+e^-x): absolute error < 2e-7 for all x, relative error < 3e-7 on [-87, 87].
LR_HD LR_INLINE float lr_sigmoid(float x) { return 1.0f / (1.0f + lr_exp(-x)); }

/// log(p/(1-p)) with p clamped to [1e-6, 1-1e-6].
LR_HD LR_INLINE float lr_logit(float p) {
  p = lr_clamp(p, 1.0e-6f, 1.0f - 1.0e-6f);
  return lr_log(p / (1.0f - p));
}

/// sin and cos of 2*pi*u for u in [0, 1); absolute error < 1e-6.
LR_HD LR_INLINE void lr_sincos_2pi(float u, float* s_out, float* c_out) {
  const float y = 4.0f * u;
  const float q = floorf(y + 0.5f);                // quadrant 0..4
  const float t = (y - q) * 1.57079632679489662f;  // |t| <= pi/4
  const float t2 = t * t;
  float s = -1.0f / 362880.0f;
  s = lr_fma(s, t2, 1.0f / 5040.0f);
  s = lr_fma(s, t2, -1.0f / 120.0f);
  s = lr_fma(s, t2, 1.0f / 6.0f);
  s = lr_fma(-(t * t2), s, t);  // t - t^3/6 + t^5/120 - ...
  float c = 1.0f / 3628800.0f;
  c = lr_fma(c, t2, -1.0f / 40320.0f);
  c = lr_fma(c, t2, 1.0f / 720.0f);
  c = lr_fma(c, t2, -1.0f / 24.0f);
  c = lr_fma(c, t2, 0.5f);
  c = lr_fma(-t2, c, 1.0f);
  const int32_t quadrant = static_cast<int32_t>(q) & 3;
  float so = s, co = c;
  if (quadrant == 1) {
    so = c;
    co = -s;
  } else if (quadrant == 2) {
    so = -s;
    co = -c;
  } else if (quadrant == 3) {
    so = -c;
    co = s;
  }
  *s_out = so;
  *c_out = co;
}

}  // namespace learnrace
