// Our own exp / log / sin-cos polynomials (docs/model.md section 18): identical float results on the CPU
// and on CUDA, because they use only +, -, *, /, explicit fused multiply-adds (lr_fma: one IEEE
// rounding on both) and bit operations; no implicit FMA contraction, no libm transcendentals.
#pragma once

#include <cmath>

#include "hd.hpp"

namespace learnrace {

namespace detail {
// The polynomials, lane-generic (hd.hpp's lane primitives): F is float or a CPU SIMD vector of floats
// (kernels/cpu_simd/lanes.hpp). Every lane computes exactly the float operations of the float instantiation.

template <class F>
LR_HD LR_INLINE F exp_lanes(F x) {
  x = lr_clamp(x, F(-87.0f), F(88.0f));
  const F n = lr_floor(lr_fma(x, F(1.44269504088896341f), F(0.5f)));
  // Cody-Waite: ln2 = hi + lo, hi exact in 16 bits so n*hi is exact.
  const F r = lr_fma(-n, F(1.42860682030941723e-06f), lr_fma(-n, F(0.693145751953125f), x));
  F p = F(1.0f / 5040.0f);
  p = lr_fma(p, r, F(1.0f / 720.0f));
  p = lr_fma(p, r, F(1.0f / 120.0f));
  p = lr_fma(p, r, F(1.0f / 24.0f));
  p = lr_fma(p, r, F(1.0f / 6.0f));
  p = lr_fma(p, r, F(0.5f));
  p = lr_fma(p, r, F(1.0f));
  p = lr_fma(p, r, F(1.0f));
  const auto e = lr_trunc_int(n) + 127;
  return p * bits_float(lr_as_uint(e) << 23);
}

template <class F>
LR_HD LR_INLINE F log_lanes(F x) {
  const auto bits = float_bits(x);
  auto e = lr_as_int((bits >> 23) & 0xffu) - 127;
  F m = bits_float((bits & 0x007fffffu) | 0x3f800000u);  // m in [1, 2)
  const auto halve = m > F(1.33333333f);
  m = lr_select(halve, m * F(0.5f), m);
  e = e + lr_select(halve, decltype(e)(1), decltype(e)(0));
  // log(m) = log1p(f) = f + f^2 (-1/2 + f Q(f)), f = m - 1 in [-1/3, 1/3] (exact), Q of degree 7 fitted
  // to (log1p(f) - f + f^2/2) / f^3 (weighted least squares on Chebyshev nodes, relative error of
  // log1p 6e-9 before rounding). No division: a GPU warp pays a dozen instructions for one.
  const F f = m - F(1.0f);
  const F f2 = f * f;
  F q = F(-0.1264292597770691f);
  q = lr_fma(q, f, F(0.14005275070667267f));
  q = lr_fma(q, f, F(-0.122418113052845f));
  q = lr_fma(q, f, F(0.14000912010669708f));
  q = lr_fma(q, f, F(-0.16676318645477295f));
  q = lr_fma(q, f, F(0.20010778307914734f));
  q = lr_fma(q, f, F(-0.24999889731407166f));
  q = lr_fma(q, f, F(0.3333320617675781f));
  const F log_m = lr_fma(lr_fma(q, f, F(-0.5f)), f2, f);
  const F fe = lr_int_float(e);
  return lr_fma(fe, F(0.693145751953125f), log_m) + fe * F(1.42860682030941723e-06f);
}

template <class F>
LR_HD LR_INLINE void sincos_2pi_lanes(F u, F* s_out, F* c_out) {
  const F y = F(4.0f) * u;
  const F q = lr_floor(y + F(0.5f));              // quadrant 0..4
  const F t = (y - q) * F(1.57079632679489662f);  // |t| <= pi/4
  const F t2 = t * t;
  F s = F(-1.0f / 362880.0f);
  s = lr_fma(s, t2, F(1.0f / 5040.0f));
  s = lr_fma(s, t2, F(-1.0f / 120.0f));
  s = lr_fma(s, t2, F(1.0f / 6.0f));
  s = lr_fma(-(t * t2), s, t);  // t - t^3/6 + t^5/120 - ...
  F c = F(1.0f / 3628800.0f);
  c = lr_fma(c, t2, F(-1.0f / 40320.0f));
  c = lr_fma(c, t2, F(1.0f / 720.0f));
  c = lr_fma(c, t2, F(-1.0f / 24.0f));
  c = lr_fma(c, t2, F(0.5f));
  c = lr_fma(-t2, c, F(1.0f));
  // Quadrant 1: (c, -s); 2: (-s, -c); 3: (-c, s). Negation is exact, so selects give the bits of branches.
  const auto quadrant = lr_trunc_int(q) & 3;
  const auto odd = (quadrant & 1) != 0;
  const F so = lr_select(odd, c, s);
  const F co = lr_select(odd, s, c);
  *s_out = lr_select((quadrant & 2) != 0, -so, so);
  *c_out = lr_select(((quadrant + 1) & 2) != 0, -co, co);
}
/// log(p/(1-p)) with p clamped to [1e-6, 1-1e-6], as lr_logit.
template <class F>
LR_HD LR_INLINE F logit_lanes(F p) {
  p = lr_clamp(p, F(1.0e-6f), F(1.0f - 1.0e-6f));
  return log_lanes(p / (F(1.0f) - p));
}
/// 1 / (1 + e^-x), as lr_sigmoid.
template <class F>
LR_HD LR_INLINE F sigmoid_lanes(F x) {
  return F(1.0f) / (F(1.0f) + exp_lanes(-x));
}
}  // namespace detail

/// e^x, relative error < 2e-7 on [-87, 88]; inputs outside are clamped.
LR_HD LR_INLINE float lr_exp(float x) { return detail::exp_lanes(x); }

/// Natural log for positive normal floats x in [2^-126, 2^128): |error| < 3e-7 * max(1, |ln x|), i.e.
/// absolute error < 3e-7 near x = 1 and relative error < 3e-7 elsewhere (an absolute bound cannot
/// hold for large |ln x|: the float spacing at ln x = 87 is 7.6e-6). Measured: 1.2e-7 * max(1, |ln x|).
LR_HD LR_INLINE float lr_log(float x) { return detail::log_lanes(x); }

/// Logistic function 1/(1+e^-x): absolute error < 2e-7 for all x, relative error < 3e-7 on [-87, 87].
LR_HD LR_INLINE float lr_sigmoid(float x) { return 1.0f / (1.0f + lr_exp(-x)); }

/// log(p/(1-p)) with p clamped to [1e-6, 1-1e-6].
LR_HD LR_INLINE float lr_logit(float p) { return detail::logit_lanes(p); }

/// sin and cos of 2*pi*u for u in [0, 1); absolute error < 1e-6.
LR_HD LR_INLINE void lr_sincos_2pi(float u, float* s_out, float* c_out) { detail::sincos_2pi_lanes(u, s_out, c_out); }

}  // namespace learnrace
