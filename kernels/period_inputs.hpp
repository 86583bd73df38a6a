// The random inputs of one period, generated from the stream registry (rng_streams.hpp, LR_PERIOD_STREAMS): the
// struct that holds them and the code that draws one group of them, lane-generic. The period (dyad_period.hpp)
// draws each group where it needs it, so no draw is made that its kernel does not use and no draw stays live in a
// register longer than it must.
//
// A Streams object gives the four words of a stream's draw at the period: DyadStreams below for one dyad (the
// scalar CPU path and CUDA), the lockstep SIMD path's for a block of dyads (kernels/cpu_simd/lockstep.hpp).
#pragma once

#include "rng.hpp"
#include "rng_streams.hpp"

namespace learnrace {

/// The period's inputs, one member per input of LR_PERIOD_STREAMS (F: float, or a vector of dyads).
template <class F>
struct PeriodDrawsT {
#define LR_X(stream, id, group, kind, w0, w1, w2, w3) F w0, w1, w2, w3;
  LR_PERIOD_STREAMS(LR_X)
#undef LR_X
};
using PeriodDraws = PeriodDrawsT<float>;

namespace detail {
template <class Words, class F>
LR_HD LR_INLINE void fill_uniforms(const Words& w, F& u0, F& u1, F& u2, F& u3) {
  u0 = u01_open_lanes(w.v[0]);
  u1 = u01_open_lanes(w.v[1]);
  u2 = u01_open_lanes(w.v[2]);
  u3 = u01_open_lanes(w.v[3]);
}
template <class Words, class F>
LR_HD LR_INLINE void fill_normals(const Words& w, F& z0, F& z1, F& z2, F& z3) {
  normal_pair_lanes(w.v[0], w.v[1], &z0, &z1);
  normal_pair_lanes(w.v[2], w.v[3], &z2, &z3);
}
}  // namespace detail

/// Draws the inputs of group kGroup into d: one draw per stream of the group.
template <DrawGroup kGroup, class Streams, class F>
LR_HD LR_INLINE void draw_inputs(const Streams& streams, PeriodDrawsT<F>& d) {
#define LR_X(stream, id, group, kind, w0, w1, w2, w3) \
  if constexpr (kGroup == DrawGroup::group)           \
    detail::fill_##kind(streams.draw(rng_stream::stream), d.w0, d.w1, d.w2, d.w3);
  LR_PERIOD_STREAMS(LR_X)
#undef LR_X
}

/// One dyad's streams at one period.
struct DyadStreams {
  RandomGenerator rng;
  uint32_t period;
  LR_HD LR_INLINE Draw4 draw(uint32_t stream) const { return rng.draw(period, stream); }
};

}  // namespace learnrace
