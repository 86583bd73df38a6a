// The lockstep SIMD path of the CPU backend for AVX-512 (F, DQ, BW, VL): 16 lanes (cpu_simd/lockstep.hpp).
// backend_cpu.cpp calls it only on a CPU that runs these instructions.
#include "cpu_simd/simd_tu_prologue.hpp"  // system headers first, for the baseline instruction set

#pragma GCC push_options
// GCC 12 reports the deliberately undefined inputs of its own AVX-512 intrinsics (_mm512_undefined_*) as
// maybe-uninitialized or uninitialized once they are inlined.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC target("avx512f,avx512dq,avx512bw,avx512vl,avx2,fma")

#define LR_SIMD_NS cpu_avx512
#define LR_SIMD_LANES 16
#include "cpu_simd/entry_points.hpp"

#pragma GCC diagnostic pop
#pragma GCC pop_options
