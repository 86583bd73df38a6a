// Entry points of the CPU's lockstep SIMD paths (cpu_simd/lockstep.hpp), one per instruction set, each in its own
// translation unit compiled for that instruction set; backend_cpu.cpp calls the widest one this CPU runs.
#pragma once

#include <cstdint>

#include "cpu_sink.hpp"
#include "params.hpp"
#include "point_constants.hpp"

namespace learnrace {

/// Lockstep SIMD paths compiled into this build (x86-64 with GCC or Clang: AVX-512 and AVX2).
#if defined(LEARNRACE_CPU_SIMD)
constexpr bool kCpuSimdBuilt = true;
#else
constexpr bool kCpuSimdBuilt = false;
#endif

#define LR_CPU_SIMD_ENTRY_POINTS                                                                               \
  void simulate_range(const ModelParams& p, const PointConstants& pc, const OutputLayout& lay, uint64_t begin, \
                      uint64_t end, CpuSink<false>& sink);                                                     \
  void simulate_range(const ModelParams& p, const PointConstants& pc, const OutputLayout& lay, uint64_t begin, \
                      uint64_t end, CpuSink<true>& sink);                                                      \
  /* The lane count, and the lane forms over arrays for the tests (n a multiple of the lane count): */         \
  int32_t lanes();                                                                                             \
  /* RandomGenerator(keys, dyad[i]).draw(period[i], stream) into words[4i .. 4i + 3] */                        \
  void lane_draws(const PhiloxRoundKeys& keys, const uint64_t* dyad, const uint32_t* period, uint32_t stream,  \
                  uint64_t n, uint32_t* words);                                                                \
  void lane_uniforms(const uint32_t* x, uint64_t n, float* u); /* u01_open */                                  \
  void lane_normal_pairs(const uint32_t* a, const uint32_t* b, uint64_t n, float* z0, float* z1);              \
  void lane_exps(const float* x, uint64_t n, float* y);     /* lr_exp */                                       \
  void lane_sigmoids(const float* x, uint64_t n, float* y); /* lr_sigmoid */

/// 16 lanes (AVX-512 F, DQ, BW, VL): simulate_dyad over dyads [begin, end), the same outputs; p.periods >= 1.
namespace cpu_avx512 {
LR_CPU_SIMD_ENTRY_POINTS
}
/// 8 lanes (AVX2 and FMA): the same.
namespace cpu_avx2 {
LR_CPU_SIMD_ENTRY_POINTS
}
#undef LR_CPU_SIMD_ENTRY_POINTS

}  // namespace learnrace
