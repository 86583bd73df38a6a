// Vectors of LR_SIMD_LANES floats / 32-bit integers for the CPU's lockstep SIMD path, one dyad per lane, with the
// lane primitives of kernels/hd.hpp (lr_fma, lr_floor, lr_select, ...), so that the lane-generic forms of the
// model's math (fastmath.hpp, rng.hpp) run on them with exactly the float operations of their float forms: IEEE
// add, subtract, multiply, divide and square root per lane, fused multiply-add only where lr_fma asks for it.
//
// Included only by the SIMD translation units (backend_cpu_avx512.cpp, backend_cpu_avx2.cpp), after their
// `#pragma GCC target`, inside namespace learnrace::LR_SIMD_NS; LR_SIMD_LANES is 16 (AVX-512) or 8 (AVX2).
#pragma once

#include <immintrin.h>

#include <cstdint>

#include "hd.hpp"

#if !defined(LR_SIMD_NS) || !defined(LR_SIMD_LANES)
#error "define LR_SIMD_NS and LR_SIMD_LANES before including cpu_simd/lanes.hpp"
#endif

namespace learnrace::LR_SIMD_NS {

constexpr int32_t kLanes = LR_SIMD_LANES;

using vf_t = float __attribute__((vector_size(4 * kLanes)));
using vi_t = int32_t __attribute__((vector_size(4 * kLanes)));
using vu_t = uint32_t __attribute__((vector_size(4 * kLanes)));

/// A per-lane condition (all bits set where true), as GCC's vector comparisons give it.
struct Mask {
  vi_t v;
  Mask() = default;
  explicit Mask(vi_t x) : v(x) {}
  explicit Mask(bool c) : v(vi_t{} - static_cast<int32_t>(c)) {}  // the same condition in every lane
};
LR_INLINE Mask operator|(Mask a, Mask b) { return Mask{a.v | b.v}; }
LR_INLINE Mask operator&(Mask a, Mask b) { return Mask{a.v & b.v}; }
LR_INLINE Mask operator!(Mask a) { return Mask{~a.v}; }

struct VecF {
  vf_t v;
  VecF() = default;
  explicit VecF(vf_t x) : v(x) {}
  VecF(float x) : v(vf_t{} + x) {}  // NOLINT: a constant broadcast to every lane, like F(c) for a float
  static VecF load(const float* p) {
    VecF r;
    __builtin_memcpy(&r.v, p, sizeof r.v);
    return r;
  }
  void store(float* p) const { __builtin_memcpy(p, &v, sizeof v); }
};
struct VecI {
  vi_t v;
  VecI() = default;
  explicit VecI(vi_t x) : v(x) {}
  VecI(int32_t x) : v(vi_t{} + x) {}  // NOLINT
};
struct VecU {
  vu_t v;
  VecU() = default;
  explicit VecU(vu_t x) : v(x) {}
  VecU(uint32_t x) : v(vu_t{} + x) {}  // NOLINT
  static VecU load(const uint32_t* p) {
    VecU r;
    __builtin_memcpy(&r.v, p, sizeof r.v);
    return r;
  }
  void store(uint32_t* p) const { __builtin_memcpy(p, &v, sizeof v); }
};

// --- float lanes ---
LR_INLINE VecF operator+(VecF a, VecF b) { return VecF(a.v + b.v); }
LR_INLINE VecF operator-(VecF a, VecF b) { return VecF(a.v - b.v); }
LR_INLINE VecF operator*(VecF a, VecF b) { return VecF(a.v * b.v); }
LR_INLINE VecF operator/(VecF a, VecF b) { return VecF(a.v / b.v); }
LR_INLINE VecF operator-(VecF a) { return VecF(-a.v); }
LR_INLINE Mask operator<(VecF a, VecF b) { return Mask{a.v < b.v}; }
LR_INLINE Mask operator>(VecF a, VecF b) { return Mask{a.v > b.v}; }
LR_INLINE Mask operator>=(VecF a, VecF b) { return Mask{a.v >= b.v}; }
LR_INLINE Mask operator==(VecF a, VecF b) { return Mask{a.v == b.v}; }

// --- integer lanes ---
LR_INLINE VecI operator+(VecI a, VecI b) { return VecI(a.v + b.v); }
LR_INLINE VecI operator-(VecI a, VecI b) { return VecI(a.v - b.v); }
LR_INLINE VecI operator&(VecI a, VecI b) { return VecI(a.v & b.v); }
LR_INLINE VecI operator|(VecI a, VecI b) { return VecI(a.v | b.v); }
LR_INLINE Mask operator==(VecI a, VecI b) { return Mask{a.v == b.v}; }
LR_INLINE Mask operator!=(VecI a, VecI b) { return Mask{a.v != b.v}; }
LR_INLINE Mask operator>=(VecI a, VecI b) { return Mask{a.v >= b.v}; }
LR_INLINE Mask operator>(VecI a, VecI b) { return Mask{a.v > b.v}; }
LR_INLINE Mask operator<=(VecI a, VecI b) { return Mask{a.v <= b.v}; }
LR_INLINE VecI operator*(VecI a, VecI b) { return VecI(a.v * b.v); }
LR_INLINE VecU operator&(VecU a, VecU b) { return VecU(a.v & b.v); }
LR_INLINE VecU operator|(VecU a, VecU b) { return VecU(a.v | b.v); }
LR_INLINE VecU operator^(VecU a, VecU b) { return VecU(a.v ^ b.v); }
LR_INLINE VecU operator>>(VecU a, int n) { return VecU(a.v >> n); }
LR_INLINE VecU operator<<(VecU a, int n) { return VecU(a.v << n); }

// --- the lane primitives of hd.hpp ---
LR_INLINE VecF lr_select(Mask c, VecF a, VecF b) { return VecF(c.v ? a.v : b.v); }
LR_INLINE VecI lr_select(Mask c, VecI a, VecI b) { return VecI(c.v ? a.v : b.v); }
/// values[code] per lane (codes 0 .. n-1), as hd.hpp's lr_pick (a table of floats or int32_t: one permute, below).
template <int32_t n>
LR_INLINE VecF lr_pick(const VecF (&values)[n], VecI code) {
  VecF r = values[0];
  for (int32_t k = 1; k < n; ++k) r = lr_select(code == VecI(k), values[k], r);
  return r;
}
/// a / b for b > 0, as hd.hpp's lr_div_pos: a zero numerator gives itself (its signed zero), else the IEEE quotient.
LR_INLINE VecF lr_div_pos(VecF a, VecF b) {
  const Mask zero = a == VecF(0.0f);
  return lr_select(zero, a, lr_select(zero, VecF(1.0f), a) / b);
}
LR_INLINE VecU float_bits(VecF x) { return VecU(reinterpret_cast<vu_t>(x.v)); }
LR_INLINE VecF bits_float(VecU u) { return VecF(reinterpret_cast<vf_t>(u.v)); }
LR_INLINE VecI lr_trunc_int(VecF x) { return VecI(__builtin_convertvector(x.v, vi_t)); }
LR_INLINE VecF lr_int_float(VecI i) { return VecF(__builtin_convertvector(i.v, vf_t)); }
LR_INLINE VecU lr_as_uint(VecI i) { return VecU(reinterpret_cast<vu_t>(i.v)); }
LR_INLINE VecI lr_as_int(VecU u) { return VecI(reinterpret_cast<vi_t>(u.v)); }

/// The lanes whose bit is set in `bits` (bit i: lane i).
LR_INLINE Mask lane_mask(uint32_t bits) {
  vi_t lane_bit;
  for (int32_t i = 0; i < kLanes; ++i) lane_bit[i] = 1 << i;
  return Mask{((vi_t{} + static_cast<int32_t>(bits)) & lane_bit) != 0};
}

#if LR_SIMD_LANES == 16
/// As the scalar templates: min = b < a ? b : a, max = a < b ? b : a (the same operand for NaN and signed zeros):
/// one instruction, since vminps(x, y) is x < y ? x : y and vmaxps(x, y) is x > y ? x : y.
LR_INLINE VecF lr_min(VecF a, VecF b) { return VecF(_mm512_min_ps(b.v, a.v)); }
LR_INLINE VecF lr_max(VecF a, VecF b) { return VecF(_mm512_max_ps(b.v, a.v)); }
/// values[code] per lane (codes 0 .. n-1): the table loaded into a vector (the lanes past n masked off, not read),
/// then one permute.
template <int32_t n>
LR_INLINE VecF lr_pick(const float (&values)[n], VecI code) {
  static_assert(n <= kLanes, "a table of at most one vector");
  const __m512 table = _mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << n) - 1), values);
  return VecF(_mm512_permutexvar_ps(reinterpret_cast<__m512i>(code.v), table));
}
template <int32_t n>
LR_INLINE VecI lr_pick(const int32_t (&values)[n], VecI code) {
  static_assert(n <= kLanes, "a table of at most one vector");
  const __m512i table = _mm512_maskz_loadu_epi32(static_cast<__mmask16>((1u << n) - 1), values);
  return VecI(reinterpret_cast<vi_t>(_mm512_permutexvar_epi32(reinterpret_cast<__m512i>(code.v), table)));
}
/// values[index * stride] per lane, as hd.hpp's lr_gather: one gather instruction.
LR_INLINE VecF lr_gather(const float* values, VecI index, int32_t stride) {
  return VecF(_mm512_i32gather_ps(reinterpret_cast<__m512i>((index * VecI(stride)).v), values, 4));
}
LR_INLINE VecU lr_gather(const uint32_t* values, VecI index, int32_t stride) {
  return VecU(
      reinterpret_cast<vu_t>(_mm512_i32gather_epi32(reinterpret_cast<__m512i>((index * VecI(stride)).v), values, 4)));
}
/// Bit i set where lane i of c is true.
LR_INLINE uint32_t lane_bits(Mask c) { return _mm512_movepi32_mask(reinterpret_cast<__m512i>(c.v)); }
LR_INLINE bool lr_any(Mask c) {
  return _mm512_test_epi32_mask(reinterpret_cast<__m512i>(c.v), reinterpret_cast<__m512i>(c.v)) != 0;
}
LR_INLINE VecF lr_fma(VecF a, VecF b, VecF c) { return VecF(_mm512_fmadd_ps(a.v, b.v, c.v)); }
LR_INLINE VecF lr_floor(VecF x) { return VecF(_mm512_roundscale_ps(x.v, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC)); }
LR_INLINE VecF lr_sqrt(VecF x) { return VecF(_mm512_sqrt_ps(x.v)); }
/// The high and low 32 bits of the 64-bit products a * b, per lane (Philox's mulhilo32).
LR_INLINE void mulhilo(VecU a, uint32_t b, VecU* hi, VecU* lo) {
  const __m512i m = _mm512_set1_epi32(static_cast<int32_t>(b));
  const __m512i x = reinterpret_cast<__m512i>(a.v);
  const __m512i even = _mm512_mul_epu32(x, m);                        // lanes 0, 2, ...: 64-bit products
  const __m512i odd = _mm512_mul_epu32(_mm512_srli_epi64(x, 32), m);  // lanes 1, 3, ...
  *hi = VecU(reinterpret_cast<vu_t>(_mm512_mask_blend_epi32(0xAAAA, _mm512_srli_epi64(even, 32), odd)));
  *lo = VecU(reinterpret_cast<vu_t>(_mm512_mask_blend_epi32(0xAAAA, even, _mm512_slli_epi64(odd, 32))));
}
#elif LR_SIMD_LANES == 8
/// The lanes below n (n <= 8), for masked loads.
template <int32_t n>
LR_INLINE __m256i first_lanes() {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
template <int32_t n>
LR_INLINE VecF lr_pick(const float (&values)[n], VecI code) {
  static_assert(n <= kLanes, "a table of at most one vector");
  const __m256 table = _mm256_maskload_ps(values, first_lanes<n>());
  return VecF(_mm256_permutevar8x32_ps(table, reinterpret_cast<__m256i>(code.v)));
}
template <int32_t n>
LR_INLINE VecI lr_pick(const int32_t (&values)[n], VecI code) {
  static_assert(n <= kLanes, "a table of at most one vector");
  const __m256i table = _mm256_maskload_epi32(values, first_lanes<n>());
  return VecI(reinterpret_cast<vi_t>(_mm256_permutevar8x32_epi32(table, reinterpret_cast<__m256i>(code.v))));
}
LR_INLINE VecF lr_min(VecF a, VecF b) { return VecF(_mm256_min_ps(b.v, a.v)); }
LR_INLINE VecF lr_max(VecF a, VecF b) { return VecF(_mm256_max_ps(b.v, a.v)); }
LR_INLINE VecF lr_gather(const float* values, VecI index, int32_t stride) {
  return VecF(_mm256_i32gather_ps(values, reinterpret_cast<__m256i>((index * VecI(stride)).v), 4));
}
LR_INLINE VecU lr_gather(const uint32_t* values, VecI index, int32_t stride) {
  return VecU(reinterpret_cast<vu_t>(_mm256_i32gather_epi32(reinterpret_cast<const int*>(values),
                                                            reinterpret_cast<__m256i>((index * VecI(stride)).v), 4)));
}
LR_INLINE uint32_t lane_bits(Mask c) {
  return static_cast<uint32_t>(_mm256_movemask_ps(reinterpret_cast<__m256>(c.v)));
}
LR_INLINE bool lr_any(Mask c) { return _mm256_movemask_ps(reinterpret_cast<__m256>(c.v)) != 0; }
LR_INLINE VecF lr_fma(VecF a, VecF b, VecF c) { return VecF(_mm256_fmadd_ps(a.v, b.v, c.v)); }
LR_INLINE VecF lr_floor(VecF x) { return VecF(_mm256_floor_ps(x.v)); }
LR_INLINE VecF lr_sqrt(VecF x) { return VecF(_mm256_sqrt_ps(x.v)); }
/// The low words by vpmulld: one instruction instead of a shift and a blend.
LR_INLINE void mulhilo(VecU a, uint32_t b, VecU* hi, VecU* lo) {
  const __m256i m = _mm256_set1_epi32(static_cast<int32_t>(b));
  const __m256i x = reinterpret_cast<__m256i>(a.v);
  const __m256i even = _mm256_mul_epu32(x, m);
  const __m256i odd = _mm256_mul_epu32(_mm256_srli_epi64(x, 32), m);
  *hi = VecU(reinterpret_cast<vu_t>(_mm256_blend_epi32(_mm256_srli_epi64(even, 32), odd, 0xAA)));
  *lo = VecU(reinterpret_cast<vu_t>(_mm256_mullo_epi32(x, m)));
}
#else
#error "LR_SIMD_LANES must be 16 (AVX-512) or 8 (AVX2)"
#endif

}  // namespace learnrace::LR_SIMD_NS
