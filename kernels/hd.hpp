// Portability macros: the model code is compiled by g++ (CPU backend) and nvcc (CUDA backend).
#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(__CUDACC__)
#define LR_HD __host__ __device__
#define LR_INLINE __forceinline__
#else
#define LR_HD
// Forced on the CPU too: left to its heuristics, GCC moved dyad_period, strategic_choice or lr_exp out of
// line after unrelated edits (callgrind, throughput --kernel strategic: 7.9 % more instructions).
#define LR_INLINE inline __attribute__((always_inline))
#endif

namespace learnrace {

LR_HD LR_INLINE uint32_t float_bits(float f) {
#if defined(__CUDA_ARCH__)
  return __float_as_uint(f);
#else
  uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
#endif
}

LR_HD LR_INLINE float bits_float(uint32_t u) {
#if defined(__CUDA_ARCH__)
  return __uint_as_float(u);
#else
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
#endif
}

template <class T>
LR_HD LR_INLINE T lr_min(T a, T b) {
  return b < a ? b : a;
}
template <class T>
LR_HD LR_INLINE T lr_max(T a, T b) {
  return a < b ? b : a;
}
template <class T>
LR_HD LR_INLINE T lr_clamp(T v, T lo, T hi) {
  return lr_min(lr_max(v, lo), hi);
}
LR_HD LR_INLINE float lr_abs(float v) { return v < 0.0f ? -v : v; }

// Lane primitives: the lane-generic forms of the model's float math (fastmath.hpp, rng.hpp) are written with these,
// so that one definition runs on a float (CUDA, the scalar CPU path) and on a CPU SIMD vector of floats, one dyad
// per lane (kernels/cpu_simd/lanes.hpp defines the same functions for its vector types).
/// c ? a : b (on vectors: per lane).
LR_HD LR_INLINE float lr_select(bool c, float a, float b) { return c ? a : b; }
LR_HD LR_INLINE int32_t lr_select(bool c, int32_t a, int32_t b) { return c ? a : b; }
/// values[code] (on vectors: per lane, by selects).
template <class T, int32_t n>
LR_HD LR_INLINE T lr_pick(const T (&values)[n], int32_t code) {
  return values[code];
}
/// Whether the condition holds in any lane (for one dyad: the condition itself). Code that only some lanes need is
/// skipped when none does.
LR_HD LR_INLINE bool lr_any(bool c) { return c; }
/// values[index * stride] (on vectors: per lane, a gather). `index` must be valid in every lane.
template <class T>
LR_HD LR_INLINE T lr_gather(const T* values, int32_t index, int32_t stride) {
  return values[index * stride];
}
/// Rounds toward minus infinity (exact).
LR_HD LR_INLINE float lr_floor(float x) { return floorf(x); }
/// Correctly rounded square root (IEEE; CUDA: sqrtf with --prec-sqrt=true).
LR_HD LR_INLINE float lr_sqrt(float x) { return sqrtf(x); }
/// Truncation toward zero, like static_cast<int32_t>.
LR_HD LR_INLINE int32_t lr_trunc_int(float x) { return static_cast<int32_t>(x); }
/// The float nearest to i (exact for |i| < 2^24).
LR_HD LR_INLINE float lr_int_float(int32_t i) { return static_cast<float>(i); }
/// The bits of i as unsigned, and back.
LR_HD constexpr uint32_t lr_as_uint(int32_t i) { return static_cast<uint32_t>(i); }
LR_HD constexpr int32_t lr_as_int(uint32_t u) { return static_cast<int32_t>(u); }

/// a * b + c with a single rounding (IEEE 754 fusedMultiplyAdd), so the same bits on the CPU and
/// on CUDA. Written out where wanted: implicit contraction stays off (-ffp-contract=off,
/// -fmad=false), because the compilers would fuse different pairs. One FFMA on the GPU; on the CPU
/// one vfmadd where the build enables FMA instructions (LEARNRACE_CPU_FMA), else libm's exact fmaf.
LR_HD LR_INLINE float lr_fma(float a, float b, float c) {
#if defined(__CUDA_ARCH__)
  return __fmaf_rn(a, b, c);
#else
  return __builtin_fmaf(a, b, c);
#endif
}

/// a / b for a denominator b > 0, bit for bit equal to the plain quotient (a zero numerator gives
/// the same signed zero). A zero numerator never reaches the division: CUDA's IEEE division takes
/// a slow subroutine for it, which costs a warp dozens of instructions whenever one lane has one.
LR_HD LR_INLINE float lr_div_pos(float a, float b) {
  const bool zero = a == 0.0f;
  float numerator = zero ? 1.0f : a;
#if defined(__CUDA_ARCH__)
  asm("" : "+f"(numerator));  // opaque: otherwise nvcc divides `a` itself and selects afterwards
#endif
  const float q = numerator / b;
  return zero ? a : q;
}

}  // namespace learnrace
