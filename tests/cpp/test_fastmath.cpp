// Our own exp / log / sigmoid / logit / sin-cos (kernels/fastmath.hpp) against the C++ standard
// library in double precision, on dense grids, with the error bounds documented in fastmath.hpp.
#include <gtest/gtest.h>

#include <cmath>

#include "fastmath.hpp"

namespace learnrace {
namespace {

// Grid of n + 1 equally spaced floats on [lo, hi].
template <class F>
void on_grid(float lo, float hi, int n, F&& f) {
  for (int i = 0; i <= n; ++i) f(lo + (hi - lo) * (static_cast<float>(i) / static_cast<float>(n)));
}

TEST(FastMath, ExpRelativeErrorBelow2e7) {
  // Documented: relative error < 2e-7 on [-87, 88] (measured 7.8e-8 with the fused Horner steps, 1.0e-7 before).
  double worst = 0.0;
  float at = 0.0f;
  on_grid(-87.0f, 88.0f, 10000000, [&](float x) {
    const double e = std::exp(static_cast<double>(x));
    const double rel = std::fabs(lr_exp(x) - e) / e;
    if (rel > worst) worst = rel, at = x;
  });
  EXPECT_LT(worst, 2e-7) << "at x = " << at;
  EXPECT_EQ(lr_exp(0.0f), 1.0f);
  // Outside [-87, 88] the argument is clamped (finite, normal results).
  EXPECT_EQ(lr_exp(-1000.0f), lr_exp(-87.0f));
  EXPECT_EQ(lr_exp(1000.0f), lr_exp(88.0f));
  EXPECT_TRUE(std::isnormal(lr_exp(-87.0f)));
  EXPECT_TRUE(std::isfinite(lr_exp(88.0f)));
}

TEST(FastMath, LogErrorBelow3e7TimesMaxOneAbsLog) {
  // Documented: |error| < 3e-7 * max(1, |ln x|) for normal x (measured 1.2e-7). Every float in
  // [0.5, 2) (where the bound is absolute), and every 101st bit pattern over all normal floats.
  double worst = 0.0;
  float at = 0.0f;
  auto check = [&](float x) {
    const double l = std::log(static_cast<double>(x));
    const double err = std::fabs(lr_log(x) - l) / std::fmax(1.0, std::fabs(l));
    if (err > worst) worst = err, at = x;
  };
  for (uint32_t b = float_bits(0.5f); b < float_bits(2.0f); ++b) check(bits_float(b));
  for (uint32_t b = 0x00800000u; b < 0x7f800000u; b += 101) check(bits_float(b));
  EXPECT_LT(worst, 3e-7) << "at x = " << at;
  EXPECT_EQ(lr_log(1.0f), 0.0f);
}

TEST(FastMath, LogRelativeErrorNearOne) {
  // ln(1 + f) is evaluated as f + f^2 (...), so near x = 1 the error is relative too: every float in
  // [0.75, 1.3125) (measured 7.3e-8; Box-Muller's radius sqrt(-2 ln u) for u near 1 depends on it).
  double worst = 0.0;
  float at = 0.0f;
  for (uint32_t b = float_bits(0.75f); b < float_bits(1.3125f); ++b) {
    const float x = bits_float(b);
    if (x == 1.0f) continue;
    const double l = std::log(static_cast<double>(x));
    const double rel = std::fabs(lr_log(x) - l) / std::fabs(l);
    if (rel > worst) worst = rel, at = x;
  }
  EXPECT_LT(worst, 1.5e-7) << "at x = " << at;
}

TEST(FastMath, SigmoidAbsoluteAndRelativeError) {
  // Documented: absolute error < 2e-7 everywhere, relative error < 3e-7 on [-87, 87]
  // (follows from lr_exp's 2e-7 relative error plus two roundings; measured 8.9e-8 and 1.5e-7).
  double worst_abs = 0.0, worst_rel = 0.0;
  on_grid(-120.0f, 120.0f, 10000000, [&](float x) {
    const double s = 1.0 / (1.0 + std::exp(-static_cast<double>(x)));
    const double err = std::fabs(lr_sigmoid(x) - s);
    worst_abs = std::fmax(worst_abs, err);
    if (std::fabs(x) <= 87.0f) worst_rel = std::fmax(worst_rel, err / s);
  });
  EXPECT_LT(worst_abs, 2e-7);
  EXPECT_LT(worst_rel, 3e-7);
  EXPECT_EQ(lr_sigmoid(0.0f), 0.5f);
  EXPECT_GE(lr_sigmoid(-1.0e4f), 0.0f);  // clamped, never negative or NaN
  EXPECT_LE(lr_sigmoid(1.0e4f), 1.0f);
}

TEST(FastMath, LogitMatchesLogOfOdds) {
  // lr_logit(p) = lr_log(p / (1 - p)) with p clamped to [1e-6, 1 - 1e-6]. Bound: lr_log's
  // 3e-7 * max(1, |l|) plus the two float roundings of p / (1 - p) (relative 2 * 6e-8 -> absolute
  // 1.2e-7 in the log), so 3e-7 * max(1, |l|) + 1.5e-7.
  double worst = 0.0;
  on_grid(1.0e-6f, 1.0f - 1.0e-6f, 2000000, [&](float p) {
    const double l = std::log(static_cast<double>(p) / (1.0 - static_cast<double>(p)));
    const double bound = 3e-7 * std::fmax(1.0, std::fabs(l)) + 1.5e-7;
    worst = std::fmax(worst, std::fabs(lr_logit(p) - l) / bound);
  });
  EXPECT_LT(worst, 1.0);
  EXPECT_EQ(lr_logit(0.0f), lr_logit(1.0e-6f));  // clamped
  EXPECT_EQ(lr_logit(1.0f), lr_logit(1.0f - 1.0e-6f));
}

TEST(FastMath, FmaRoundsOnce) {
  // lr_fma must be a true fused multiply-add (the CUDA backend's __fmaf_rn rounds once): with
  // a = 1 + 2^-12, a * a = 1 + 2^-11 + 2^-24 exactly. Rounded first, the product is a tie and goes to
  // even, 1 + 2^-11, so a separate multiply and add of -(1 + 2^-11) would give 0; fused, 2^-24.
  volatile float a = 1.0f + 0x1p-12f;  // volatile: computed at run time, not folded by the compiler
  volatile float c = -(1.0f + 0x1p-11f);
  EXPECT_EQ(lr_fma(a, a, c), 0x1p-24f);
  EXPECT_EQ(lr_fma(2.0f, 3.0f, 1.0f), 7.0f);
}

TEST(FastMath, SinCos2PiAbsoluteErrorBelow1e6) {
  // Documented: absolute error < 1e-6 for u in [0, 1) (measured 8.3e-8).
  double worst_s = 0.0, worst_c = 0.0;
  float at = 0.0f;
  const int n = 10000000;
  for (int i = 0; i < n; ++i) {
    const float u = static_cast<float>(i) / static_cast<float>(n);
    float s, c;
    lr_sincos_2pi(u, &s, &c);
    const double a = 2.0 * M_PI * static_cast<double>(u);
    const double es = std::fabs(s - std::sin(a)), ec = std::fabs(c - std::cos(a));
    if (es > worst_s) worst_s = es, at = u;
    worst_c = std::fmax(worst_c, ec);
  }
  EXPECT_LT(worst_s, 1e-6) << "at u = " << at;
  EXPECT_LT(worst_c, 1e-6);
  // Quadrant boundaries are exact.
  float s, c;
  lr_sincos_2pi(0.0f, &s, &c);
  EXPECT_EQ(s, 0.0f);
  EXPECT_EQ(c, 1.0f);
  lr_sincos_2pi(0.25f, &s, &c);
  EXPECT_EQ(s, 1.0f);
  lr_sincos_2pi(0.5f, &s, &c);
  EXPECT_EQ(c, -1.0f);
}

}  // namespace
}  // namespace learnrace
