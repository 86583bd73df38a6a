// The definitions of the entry points declared in cpu_simd.hpp, for one instruction set: included once by each SIMD
// translation unit (backend_cpu_avx512.cpp, backend_cpu_avx2.cpp), after its `#pragma GCC target`.
#pragma once

#include "cpu_simd/cpu_simd.hpp"
#include "cpu_simd/lockstep.hpp"

namespace learnrace::LR_SIMD_NS {

void simulate_range(const ModelParams& p, const PointConstants& pc, const OutputLayout& lay, uint64_t begin,
                    uint64_t end, CpuSink<false>& sink) {
  simulate_lockstep_any(p, pc, lay, begin, end, sink);
}

void simulate_range(const ModelParams& p, const PointConstants& pc, const OutputLayout& lay, uint64_t begin,
                    uint64_t end, CpuSink<true>& sink) {
  simulate_lockstep_any(p, pc, lay, begin, end, sink);
}

int32_t lanes() { return kLanes; }

void lane_draws(const PhiloxRoundKeys& keys, const uint64_t* dyad, const uint32_t* period, uint32_t stream, uint64_t n,
                uint32_t* words) {
  for (uint64_t i = 0; i < n; i += kLanes) {
    alignas(64) uint32_t lo[kLanes], hi[kLanes];
    for (int32_t l = 0; l < kLanes; ++l) {
      lo[l] = static_cast<uint32_t>(dyad[i + l]);
      hi[l] = static_cast<uint32_t>(dyad[i + l] >> 32);
    }
    const Draw4Lanes d = philox_lanes(keys, VecU::load(lo), VecU::load(hi), VecU::load(period + i), stream);
    alignas(64) uint32_t w[4][kLanes];
    for (int32_t k = 0; k < 4; ++k) d.v[k].store(w[k]);
    for (int32_t l = 0; l < kLanes; ++l)
      for (int32_t k = 0; k < 4; ++k) words[4 * (i + l) + k] = w[k][l];
  }
}

void lane_uniforms(const uint32_t* x, uint64_t n, float* u) {
  for (uint64_t i = 0; i < n; i += kLanes) detail::u01_open_lanes(VecU::load(x + i)).store(u + i);
}

void lane_normal_pairs(const uint32_t* a, const uint32_t* b, uint64_t n, float* z0, float* z1) {
  for (uint64_t i = 0; i < n; i += kLanes) {
    VecF v0, v1;
    detail::normal_pair_lanes(VecU::load(a + i), VecU::load(b + i), &v0, &v1);
    v0.store(z0 + i);
    v1.store(z1 + i);
  }
}

void lane_exps(const float* x, uint64_t n, float* y) {
  for (uint64_t i = 0; i < n; i += kLanes) detail::exp_lanes(VecF::load(x + i)).store(y + i);
}

void lane_sigmoids(const float* x, uint64_t n, float* y) {
  for (uint64_t i = 0; i < n; i += kLanes) detail::sigmoid_lanes(VecF::load(x + i)).store(y + i);
}

}  // namespace learnrace::LR_SIMD_NS
