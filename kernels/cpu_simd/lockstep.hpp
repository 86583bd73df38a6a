// The CPU's lockstep SIMD path: kLanes dyads run their periods together, one dyad per vector lane, as the lanes of
// a GPU warp do (kernels/cuda/dyad_kernel.cuh): a lane whose dyad ends takes the next dyad of the range at once.
// Per period, the inputs that are the same float arithmetic for every dyad are computed for all lanes with vector
// instructions: the Philox4x32-10 draws, their uniforms and Box-Muller normals, the factor sigmoids and the relation
// decay (period_inputs.hpp). Then either kernel runs its whole period for all lanes at once, branch-free
// (period_lanes.hpp). Every lane computes the same float operations as the scalar path, so every output is bit for
// bit that of the scalar path (tests/cpp/test_cpu_simd.cpp).
//
// Included only by the SIMD translation units, after their `#pragma GCC target` (see backend_cpu_avx512.cpp).
#pragma once

#include "cpu_simd/lanes.hpp"
#include "cpu_simd/period_lanes.hpp"
#include "simulate_dyad.hpp"

namespace learnrace::LR_SIMD_NS {

/// Uniforms of the strategy-change step: PropositionalDraws in its member order, or the strategic kernel's three
/// uniforms of firm A, then of firm B.
constexpr int32_t kStepUniforms = 7;

/// One period's inputs (period_inputs.hpp) of every lane, value-major.
struct alignas(64) PeriodLanes {
  float factors[kFirms][kFirmFactors][kLanes];
  float decay[kLanes];
  float eps[kPeriodNormals][kLanes];
  float step[kStepUniforms][kLanes];
  float jump_a[kJumpUniformsA][kLanes];
  float jump_b[kFirmFactors][kLanes];
};

/// Which dyad each lane runs, and where it is.
struct LaneIds {
  alignas(64) uint32_t dyad_lo[kLanes];
  alignas(64) uint32_t dyad_hi[kLanes];
  alignas(64) uint32_t period[kLanes];  // the lane's next period t
  uint64_t dyad[kLanes];
  int64_t slot[kLanes];
  bool live[kLanes];
};

/// Stores u01_open of each word of d in rows[k], for the words k listed in `words` (row k of the output gets word
/// words[k]).
template <int32_t kRows>
LR_INLINE void store_uniforms(const Draw4Lanes& d, const int32_t (&words)[kRows], float (*rows)[kLanes]) {
  for (int32_t k = 0; k < kRows; ++k) detail::u01_open_lanes(d.v[words[k]]).store(rows[k]);
}

/// StreamInputs' values for every lane at its dyad's next period, from the lanes' states S after events.
template <int32_t kKernel>
LR_INLINE void period_inputs(const PointConstants& pc, const LaneIds& L, const DyadLanes& S, PeriodLanes& out) {
  for (int32_t k = 0; k < kFirmFactors; ++k) {
    detail::sigmoid_lanes(S.a.z[k]).store(out.factors[FirmA][k]);
    detail::sigmoid_lanes(S.b.z[k]).store(out.factors[FirmB][k]);
  }
  // relation_decay: lr_exp(-relation * inv_r0).
  detail::exp_lanes(-S.relation * VecF(pc.inv_r0)).store(out.decay);

  // The period's draws (StreamInputs).
  const VecU lo = VecU::load(L.dyad_lo), hi = VecU::load(L.dyad_hi), period = VecU::load(L.period);
  const uint32_t normal_streams[3] = {rng_stream::shock_normal_trust, rng_stream::shock_normal_stakes,
                                      rng_stream::shock_normal_other};
  for (int32_t d = 0; d < 3; ++d) {
    const Draw4Lanes n = philox_lanes(pc.keys, lo, hi, period, normal_streams[d]);
    VecF z0, z1, z2, z3;
    detail::normal_pair_lanes(n.v[0], n.v[1], &z0, &z1);
    detail::normal_pair_lanes(n.v[2], n.v[3], &z2, &z3);
    z0.store(out.eps[4 * d]);
    z1.store(out.eps[4 * d + 1]);
    z2.store(out.eps[4 * d + 2]);
    z3.store(out.eps[4 * d + 3]);
  }
  const bool propositional = kKernel == static_cast<int32_t>(KernelType::Propositional);
  if (propositional) {
    // PropositionalDraws: counter A, counter B, empower, barrier A from `transition`; barrier B, explore A, explore B
    // from words 2, 0, 1 of `exploration`.
    store_uniforms(philox_lanes(pc.keys, lo, hi, period, rng_stream::transition), {0, 1, 2, 3}, out.step);
    store_uniforms(philox_lanes(pc.keys, lo, hi, period, rng_stream::exploration), {2, 0, 1}, out.step + 4);
  } else {
    store_uniforms(philox_lanes(pc.keys, lo, hi, period, rng_stream::strategic_choice_a), {0, 1, 2}, out.step);
    store_uniforms(philox_lanes(pc.keys, lo, hi, period, rng_stream::strategic_choice_b), {0, 1, 2},
                   out.step + kStrategicUniforms);
  }
  store_uniforms(philox_lanes(pc.keys, lo, hi, period, rng_stream::shock_jump_a), {0, 1, 2, 3}, out.jump_a);
  store_uniforms(philox_lanes(pc.keys, lo, hi, period, rng_stream::shock_jump_b), {0, 1, 2}, out.jump_b);
}

/// The start states of the next kLanes dyads of the range, drawn for all of them at once (start_state with
/// StartDrawsLanes), handed to lanes one by one as their dyads end (the CUDA backend's init ring does the same for
/// a warp, kernels/cuda/warp_queues.cuh).
class StartRing {
 public:
  StartRing(const ModelParams& p, const PointConstants& pc, uint64_t begin, uint64_t end)
      : p_(p), pc_(pc), next_(begin), end_(end) {}
  /// The next dyad's id and start state; false when the range is exhausted.
  bool pop(uint64_t* dyad, DyadState* s) {
    if (used_ == count_) {
      if (next_ >= end_) return false;
      refill();
    }
    *dyad = first_ + static_cast<uint64_t>(used_);
    *s = lane(ring_, used_);
    ++used_;
    return true;
  }

 private:
  void refill() {
    alignas(64) uint32_t lo[kLanes], hi[kLanes];
    uint64_t dyad[kLanes];
    for (int32_t i = 0; i < kLanes; ++i) {
      dyad[i] = next_ + static_cast<uint64_t>(i);  // lanes past the range draw too (unused)
      lo[i] = static_cast<uint32_t>(dyad[i]);
      hi[i] = static_cast<uint32_t>(dyad[i] >> 32);
    }
    start_state(p_, StartDrawsLanes{pc_.keys, VecU::load(lo), VecU::load(hi), dyad}, ring_);
    first_ = next_;
    count_ = static_cast<int32_t>(end_ - next_ < static_cast<uint64_t>(kLanes) ? end_ - next_ : kLanes);
    used_ = 0;
    next_ += static_cast<uint64_t>(count_);
  }

  const ModelParams& p_;
  const PointConstants& pc_;
  uint64_t next_, end_;
  uint64_t first_ = 0;
  int32_t count_ = 0, used_ = 0;
  DyadLanes ring_;
};

/// Dyads [begin, end) of one point, kLanes at a time; the same outputs as simulate_dyad over each dyad.
/// p.periods >= 1.
template <int32_t kKernel, class Sink>
void simulate_lockstep(const ModelParams& p, const PointConstants& pc, const OutputLayout& lay, uint64_t begin,
                       uint64_t end, Sink& sink) {
  LaneIds L;
  DyadLanes S;                        // the states of the dyads in flight
  __builtin_memset(&S, 0, sizeof S);  // idle lanes compute too (unused): keep them defined
  PeriodLanes in;
  StartRing ring(p, pc, begin, end);
  int32_t live = 0;
  const auto start = [&](int32_t i) {
    uint64_t dyad;
    DyadState s;
    L.live[i] = ring.pop(&dyad, &s);
    if (!L.live[i]) return;
    set_lane(S, i, s);
    L.dyad[i] = dyad;
    L.dyad_lo[i] = static_cast<uint32_t>(dyad);
    L.dyad_hi[i] = static_cast<uint32_t>(dyad >> 32);
    L.period[i] = 0;
    L.slot[i] = trajectory_slot(p, dyad);
    ++live;
  };
  for (int32_t i = 0; i < kLanes; ++i) {
    L.period[i] = 0;  // idle lanes compute inputs too (unused): keep them defined
    L.dyad_lo[i] = L.dyad_hi[i] = 0;
    L.slot[i] = -1;
    start(i);
  }
  while (live > 0) {
    if (p.n_events != 0)
      for (int32_t i = 0; i < kLanes; ++i)
        if (L.live[i]) {
          DyadState s = lane(S, i);
          apply_events(p, pc, RandomGenerator(pc.keys, L.dyad[i]), L.period[i], static_cast<int32_t>(L.period[i]), s);
          set_lane(S, i, s);
        }
    period_inputs<kKernel>(pc, L, S, in);
    const VecI cause = period_lanes<kKernel>(p, pc, lay, L.live, L.slot, lr_as_int(VecU::load(L.period)), S, in, sink);
    for (int32_t i = 0; i < kLanes; ++i) {
      if (!L.live[i]) continue;
      const int32_t t = static_cast<int32_t>(L.period[i]);
      L.period[i] = static_cast<uint32_t>(t + 1);
      if (cause.v[i] != Censored || t + 1 >= p.periods) {
        finish_dyad(p, pc, lay, L.dyad[i], L.slot[i], lane(S, i), cause.v[i], t + 1, sink);
        --live;
        start(i);
      }
    }
  }
}

/// simulate_lockstep for the point's kernel.
template <class Sink>
void simulate_lockstep_any(const ModelParams& p, const PointConstants& pc, const OutputLayout& lay, uint64_t begin,
                           uint64_t end, Sink& sink) {
  if (p.kernel == KernelType::Propositional)
    simulate_lockstep<static_cast<int32_t>(KernelType::Propositional)>(p, pc, lay, begin, end, sink);
  else
    simulate_lockstep<static_cast<int32_t>(KernelType::Strategic)>(p, pc, lay, begin, end, sink);
}

}  // namespace learnrace::LR_SIMD_NS
