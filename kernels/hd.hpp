// Portability macros: the model code is compiled by g++ (CPU backend) and nvcc (CUDA backend).
#pragma once

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
