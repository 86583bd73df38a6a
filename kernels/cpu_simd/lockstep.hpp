// The CPU's lockstep SIMD path: kLanes dyads run their periods together, one dyad per vector lane, as the lanes of
// a GPU warp do (kernels/cuda/dyad_kernel.cuh): a lane whose dyad ends takes the next dyad of the range at once.
// Each period is THE period (dyad_period.hpp) with the block's state as vectors (DyadStateT of VecF, VecI, VecU):
// every lane computes the float operations of the scalar path, so every output is bit for bit that of the scalar
// path (tests/cpp/test_cpu_simd.cpp). What is SIMD-specific lives here: the vector Philox draws of the lanes'
// streams, the vector start draws, moving a dyad into a lane and out of it (from the state registry), and the sink
// that scatters the lanes' counts and trajectory rows.
//
// Included only by the SIMD translation units, after their `#pragma GCC target` (see backend_cpu_avx512.cpp).
#pragma once

#include "cpu_simd/lanes.hpp"
#include "cpu_simd/philox_lanes.hpp"
#include "simulate_dyad.hpp"

namespace learnrace::LR_SIMD_NS {

/// DyadState of kLanes dyads, member by member.
using DyadLanes = DyadStateT<VecF, VecI, VecU>;

/// Puts dyad state s into lane i.
LR_INLINE void set_lane(DyadLanes& L, int32_t i, const DyadState& s) {
  for_each_state_member(L, s, [i](auto& lanes, const auto& value) { lanes.v[i] = value; });
}

/// The dyad state in lane i.
LR_INLINE DyadState lane(const DyadLanes& L, int32_t i) {
  DyadState s;
  for_each_state_member(L, s, [i](const auto& lanes, auto& value) { value = lanes.v[i]; });
  return s;
}

/// The initial draws of kLanes dyads (lane i: dyad dyad[i]), the Draws of start_state (simulate_dyad.hpp): one
/// vector Philox draw per stream for all lanes; Beta (a rejection sampler) draws lane by lane.
struct StartDrawsLanes {
  const PhiloxRoundKeys& keys;
  const uint64_t* dyad;
  PhiloxLanes rng;  // the lanes' streams at the start's period word

  StartDrawsLanes(const PhiloxRoundKeys& k, const PhiloxKeyLanes& key_lanes, VecU lo, VecU hi, const uint64_t* d)
      : keys(k), dyad(d), rng(key_lanes, lo, hi, VecU(rng_stream::kInitPeriod)) {}
  Draw4Lanes words(uint32_t stream) const { return rng.draw(stream); }
  VecF latent(const Distribution& d, uint32_t stream) const {
    if (d.kind == DistKind::Fixed) return VecF(lr_logit(d.a));
    if (d.kind == DistKind::Beta)
      return each_lane([&](const RandomGenerator& g) { return sample_latent(d, g, stream); });
    const Draw4Lanes w = words(stream);
    return latent_of_words<VecF>(d, w.v[0], w.v[1]);
  }
  VecF real(const Distribution& d, uint32_t stream) const {
    if (d.kind == DistKind::Fixed) return VecF(d.a);
    if (d.kind == DistKind::Beta) return each_lane([&](const RandomGenerator& g) { return sample_real(d, g, stream); });
    const Draw4Lanes w = words(stream);
    return real_of_words<VecF>(d, w.v[0], w.v[1]);
  }
  VecI category(const Distribution& d, uint32_t stream) const {
    if (d.kind != DistKind::Categorical) return VecI(static_cast<int32_t>(d.a));
    return category_of_uniform<VecI>(d, detail::u01_open_lanes(words(stream).v[0]));
  }
  template <class Sample>
  VecF each_lane(Sample&& sample) const {
    VecF r;
    for (int32_t i = 0; i < kLanes; ++i) r.v[i] = sample(RandomGenerator(keys, dyad[i]));
    return r;
  }
};

/// The lanes' streams at their periods (the Streams of dyad_period_body: one vector Philox draw per stream, from
/// the part of the rounds that all streams share).
struct LaneStreams {
  PhiloxLanes rng;
  Draw4Lanes draw(uint32_t stream) const { return rng.draw(stream); }
};

/// Which dyad each lane runs, and where it is.
struct LaneIds {
  alignas(64) uint32_t dyad_lo[kLanes];
  alignas(64) uint32_t dyad_hi[kLanes];
  alignas(64) uint32_t period[kLanes];  // the lane's next period t
  uint64_t dyad[kLanes];
  int64_t slot[kLanes];
  uint32_t live = 0;     // bit i: lane i runs a dyad
  uint32_t sampled = 0;  // bit i: lane i runs a dyad whose trajectory is sampled (slot >= 0)
};

/// The lanes of a bit set (bit i: lane i), lowest first.
template <class Body>
LR_INLINE void for_each_lane(uint32_t bits, Body&& body) {
  for (; bits != 0; bits &= bits - 1) body(__builtin_ctz(bits));
}

/// The period sink of the lanes (period_counts.hpp) on a dyad Sink: the counts of the live lanes, one lane after the
/// other, and the trajectory rows of the live lanes whose dyad is sampled.
template <class Sink>
struct LanesSink {
  Sink& sink;
  const LaneIds& ids;
  LR_INLINE void count_period(const VecI (&index)[kPeriodCounts]) {
    for_each_lane(ids.live, [&](int32_t i) {
      for (int32_t k = 0; k < kPeriodCounts; ++k) sink.count_period(static_cast<uint64_t>(index[k].v[i]));
    });
  }
  LR_INLINE void trajectory_row(VecI t, const TrajectoryRowT<VecF, VecI>& row) {
    for_each_lane(ids.sampled, [&](int32_t i) {
      TrajectoryRow r;
#define LR_X(member, name, store, record, fill, doc) r.member = row.member.v[i];
      LR_TRAJECTORY_PERIOD_FIELDS(LR_X)
#undef LR_X
      sink.trajectory_row(static_cast<uint32_t>(ids.slot[i]), t.v[i], r);
    });
  }
};

/// The start states of the next kLanes dyads of the range, drawn for all of them at once (start_state with
/// StartDrawsLanes), handed to lanes one by one as their dyads end (the CUDA backend's init ring does the same for
/// a warp, kernels/cuda/warp_queues.cuh).
class StartRing {
 public:
  StartRing(const ModelParams& p, const PointConstants& pc, uint64_t begin, uint64_t end)
      : p_(p), pc_(pc), key_lanes_(pc.keys), next_(begin), end_(end) {}
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
    start_state(p_, StartDrawsLanes{pc_.keys, key_lanes_, VecU::load(lo), VecU::load(hi), dyad}, ring_);
    first_ = next_;
    count_ = static_cast<int32_t>(end_ - next_ < static_cast<uint64_t>(kLanes) ? end_ - next_ : kLanes);
    used_ = 0;
    next_ += static_cast<uint64_t>(count_);
  }

  const ModelParams& p_;
  const PointConstants& pc_;
  const PhiloxKeyLanes key_lanes_;
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
  StartRing ring(p, pc, begin, end);
  const PhiloxKeyLanes key_lanes(pc.keys);
  const auto start = [&](int32_t i) {
    uint64_t dyad;
    DyadState s;
    const uint32_t bit = 1u << i;
    L.live &= ~bit;
    L.sampled &= ~bit;
    if (!ring.pop(&dyad, &s)) return;
    L.live |= bit;
    set_lane(S, i, s);
    L.dyad[i] = dyad;
    L.dyad_lo[i] = static_cast<uint32_t>(dyad);
    L.dyad_hi[i] = static_cast<uint32_t>(dyad >> 32);
    L.period[i] = 0;
    L.slot[i] = trajectory_slot(p, dyad);
    if (L.slot[i] >= 0) L.sampled |= bit;
  };
  for (int32_t i = 0; i < kLanes; ++i) {
    L.period[i] = 0;  // idle lanes compute inputs too (unused): keep them defined
    L.dyad_lo[i] = L.dyad_hi[i] = 0;
    L.slot[i] = -1;
    start(i);
  }
  LanesSink<Sink> lanes_sink{sink, L};
  while (L.live != 0) {
    if (p.n_events != 0)
      for_each_lane(L.live, [&](int32_t i) {
        DyadState s = lane(S, i);
        apply_events(p, pc, RandomGenerator(pc.keys, L.dyad[i]), L.period[i], static_cast<int32_t>(L.period[i]), s);
        set_lane(S, i, s);
      });
    const VecU period = VecU::load(L.period);
    const LaneStreams streams{PhiloxLanes(key_lanes, VecU::load(L.dyad_lo), VecU::load(L.dyad_hi), period)};
    const VecI cause = dyad_period_body<kKernel>(p, pc, lay, S, lr_as_int(period), streams, lanes_sink);
    // The live lanes move on to t + 1; those whose dyad ended, or reached the last period, take the next dyad.
    const Mask live = lane_mask(L.live);
    const VecI next = lr_as_int(period) + VecI(1);
    lr_as_uint(lr_select(live, next, lr_as_int(period))).store(L.period);
    const uint32_t ended = lane_bits(live & ((cause != VecI(Censored)) | (next >= VecI(p.periods))));
    for_each_lane(ended, [&](int32_t i) {
      finish_dyad(p, pc, lay, L.dyad[i], L.slot[i], lane(S, i), cause.v[i], next.v[i], sink);
      start(i);
    });
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
