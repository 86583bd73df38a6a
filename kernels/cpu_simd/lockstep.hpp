// The CPU's lockstep SIMD path: kLanes dyads run their periods together, one dyad per vector lane, as the lanes of
// a GPU warp do (kernels/cuda/dyad_kernel.cuh): a lane whose dyad ends takes the next dyad of the range at once.
// Per period, what costs most and is the same float arithmetic for every dyad is computed for all lanes with
// vector instructions: the Philox4x32-10 draws, their uniforms and Box-Muller normals, the factor sigmoids and the
// relation decay (period_inputs.hpp); then each live lane runs dyad_period_body, the code every backend runs, with
// its lane's values. Every lane computes the same float operations as StreamInputs, so every output is bit for bit
// that of the scalar path (tests/cpp/test_cpu_simd.cpp).
//
// Included only by the SIMD translation units, after their `#pragma GCC target` (see backend_cpu_avx512.cpp).
#pragma once

#include "cpu_simd/lanes.hpp"
#include "cpu_simd/period_lanes.hpp"
#include "simulate_dyad.hpp"

namespace learnrace::LR_SIMD_NS {

/// Four words per lane: RandomGenerator::draw(period, stream) of each lane's dyad.
struct Draw4Lanes {
  VecU v[4];
};

/// Philox4x32-10 (Random123's rounds with the point's round keys) of kLanes counters (dyad id low, dyad id high,
/// period, stream).
LR_INLINE Draw4Lanes philox_lanes(const PhiloxRoundKeys& keys, VecU dyad_lo, VecU dyad_hi, VecU period,
                                  uint32_t stream) {
  VecU c0 = dyad_lo, c1 = dyad_hi, c2 = period, c3 = VecU(stream);
  for (int32_t r = 0; r < kPhiloxRounds; ++r) {
    VecU hi0, lo0, hi1, lo1;
    mulhilo(c0, PHILOX_M4x32_0, &hi0, &lo0);
    mulhilo(c2, PHILOX_M4x32_1, &hi1, &lo1);
    const VecU n0 = hi1 ^ c1 ^ VecU(keys.k[2 * r]);
    const VecU n2 = hi0 ^ c3 ^ VecU(keys.k[2 * r + 1]);
    c0 = n0;
    c1 = lo1;
    c2 = n2;
    c3 = lo0;
  }
  return Draw4Lanes{{c0, c1, c2, c3}};
}

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

/// Lane `lane`'s values of PeriodLanes: the Inputs of dyad_period_body (the members of StreamInputs).
struct LaneInputs {
  const PeriodLanes* in;
  int32_t lane;

  LR_INLINE FirmFactors factors(const FirmState& /*f*/, int32_t firm) const {
    return FirmFactors{in->factors[firm][Trust][lane], in->factors[firm][Stakes][lane],
                       in->factors[firm][Orientation][lane]};
  }
  LR_INLINE float decay(float /*relation*/, float /*inv_r0*/) const { return in->decay[lane]; }
  LR_INLINE void normals(float eps[kPeriodNormals]) const {
    for (int32_t k = 0; k < kPeriodNormals; ++k) eps[k] = in->eps[k][lane];
  }
  LR_INLINE PropositionalDraws propositional() const {
    return PropositionalDraws{in->step[0][lane], in->step[1][lane], in->step[2][lane], in->step[3][lane],
                              in->step[4][lane], in->step[5][lane], in->step[6][lane]};
  }
  LR_INLINE void strategic(float u_a[kStrategicUniforms], float u_b[kStrategicUniforms]) const {
    for (int32_t k = 0; k < kStrategicUniforms; ++k) {
      u_a[k] = in->step[k][lane];
      u_b[k] = in->step[kStrategicUniforms + k][lane];
    }
  }
  LR_INLINE void jumps(float u_a[kJumpUniformsA], float u_b[kFirmFactors]) const {
    for (int32_t k = 0; k < kJumpUniformsA; ++k) u_a[k] = in->jump_a[k][lane];
    for (int32_t k = 0; k < kFirmFactors; ++k) u_b[k] = in->jump_b[k][lane];
  }
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

/// StreamInputs' values for every lane at its dyad's next period, from the lanes' latent factors z[firm][k] and
/// relation R after events.
template <int32_t kKernel>
LR_INLINE void period_inputs(const PointConstants& pc, const LaneIds& L, const VecF (&z)[kFirms][kFirmFactors],
                             VecF relation, PeriodLanes& out) {
  for (int32_t firm = 0; firm < kFirms; ++firm)
    for (int32_t k = 0; k < kFirmFactors; ++k) detail::sigmoid_lanes(z[firm][k]).store(out.factors[firm][k]);
  // relation_decay: lr_exp(-relation * inv_r0).
  detail::exp_lanes(-relation * VecF(pc.inv_r0)).store(out.decay);

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

/// The states of the dyads in flight. The propositional kernel keeps them lane-major (DyadLanes) and runs its
/// period for all lanes at once (period_lanes.hpp); the strategic kernel keeps one DyadState per lane and runs
/// dyad_period_body lane by lane.
template <int32_t kKernel>
struct LaneStates;

template <>
struct LaneStates<static_cast<int32_t>(KernelType::Propositional)> {
  DyadLanes s;
  LaneStates() { __builtin_memset(&s, 0, sizeof s); }  // idle lanes compute too (unused): keep them defined
  void set(int32_t i, const DyadState& d) { set_lane(s, i, d); }
  DyadState get(int32_t i) const { return lane(s, i); }
  template <class F>
  void update(int32_t i, F&& f) {
    DyadState d = get(i);
    f(d);
    set(i, d);
  }
  void inputs(const PointConstants& pc, const LaneIds& L, PeriodLanes& in) const {
    const VecF z[kFirms][kFirmFactors] = {{s.a.z[0], s.a.z[1], s.a.z[2]}, {s.b.z[0], s.b.z[1], s.b.z[2]}};
    period_inputs<static_cast<int32_t>(KernelType::Propositional)>(pc, L, z, s.relation, in);
  }
  /// Runs the period of every lane; returns each lane's termination cause.
  template <class Sink>
  VecI period(const ModelParams& p, const PointConstants& pc, const OutputLayout& lay, const LaneIds& L,
              const PeriodLanes& in, Sink& sink) {
    const VecI t = lr_as_int(VecU::load(L.period));
    return propositional_period_lanes(p, pc, lay, L.live, L.slot, t, s, in, sink);
  }
};

template <>
struct LaneStates<static_cast<int32_t>(KernelType::Strategic)> {
  DyadState s[kLanes] = {};
  void set(int32_t i, const DyadState& d) { s[i] = d; }
  const DyadState& get(int32_t i) const { return s[i]; }
  template <class F>
  void update(int32_t i, F&& f) {
    f(s[i]);
  }
  void inputs(const PointConstants& pc, const LaneIds& L, PeriodLanes& in) const {
    // Gathered lane by lane.
    VecF z[kFirms][kFirmFactors], relation;
    for (int32_t i = 0; i < kLanes; ++i) {
      for (int32_t k = 0; k < kFirmFactors; ++k) {
        z[FirmA][k].v[i] = s[i].a.z[k];
        z[FirmB][k].v[i] = s[i].b.z[k];
      }
      relation.v[i] = s[i].relation;
    }
    period_inputs<static_cast<int32_t>(KernelType::Strategic)>(pc, L, z, relation, in);
  }
  template <class Sink>
  VecI period(const ModelParams& p, const PointConstants& pc, const OutputLayout& lay, const LaneIds& L,
              const PeriodLanes& in, Sink& sink) {
    VecI cause(static_cast<int32_t>(Censored));
    for (int32_t i = 0; i < kLanes; ++i)
      if (L.live[i])
        cause.v[i] = dyad_period_body<static_cast<int32_t>(KernelType::Strategic)>(
            p, pc, lay, L.slot[i], s[i], static_cast<int32_t>(L.period[i]), LaneInputs{&in, i}, sink);
    return cause;
  }
};

/// Dyads [begin, end) of one point, kLanes at a time; the same outputs as simulate_dyad over each dyad.
/// p.periods >= 1.
template <int32_t kKernel, class Sink>
void simulate_lockstep(const ModelParams& p, const PointConstants& pc, const OutputLayout& lay, uint64_t begin,
                       uint64_t end, Sink& sink) {
  LaneIds L;
  LaneStates<kKernel> S;
  PeriodLanes in;
  uint64_t next = begin;
  int32_t live = 0;
  const auto start = [&](int32_t i) {
    L.live[i] = next < end;
    if (!L.live[i]) return;
    S.set(i, dyad_start(p, pc, next));
    L.dyad[i] = next;
    L.dyad_lo[i] = static_cast<uint32_t>(next);
    L.dyad_hi[i] = static_cast<uint32_t>(next >> 32);
    L.period[i] = 0;
    L.slot[i] = trajectory_slot(p, next);
    ++next;
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
        if (L.live[i])
          S.update(i, [&](DyadState& s) {
            apply_events(p, pc, RandomGenerator(pc.keys, L.dyad[i]), L.period[i], static_cast<int32_t>(L.period[i]), s);
          });
    S.inputs(pc, L, in);
    const VecI cause = S.period(p, pc, lay, L, in, sink);
    for (int32_t i = 0; i < kLanes; ++i) {
      if (!L.live[i]) continue;
      const int32_t t = static_cast<int32_t>(L.period[i]);
      L.period[i] = static_cast<uint32_t>(t + 1);
      if (cause.v[i] != Censored || t + 1 >= p.periods) {
        finish_dyad(p, pc, lay, L.dyad[i], L.slot[i], S.get(i), cause.v[i], t + 1, sink);
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
