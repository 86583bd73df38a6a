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
                      uint64_t end, CpuSink<true>& sink);

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
