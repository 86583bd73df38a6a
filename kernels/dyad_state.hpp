// THE registry of a dyad's state (docs/model.md section 2): everything a dyad carries from one period to the next,
// listed ONCE as X-macros. Generated from it: FirmStateT / DyadStateT (one dyad, or the CPU's lockstep SIMD path's
// block of dyads with every member a vector, one dyad per lane), for_each_state_member (what moves a dyad into a
// SIMD lane and out of it) and for_each_drawn_member (what the CUDA backend's init ring carries from a dyad's draws
// to the lane that runs it). Adding a state variable is one line here plus the rule that uses it.
#pragma once

#include "params.hpp"

namespace learnrace {

// X(type, member, extent, start, doc). `type`: F (a float per dyad), I (an int32_t), U (a uint32_t); `extent`: empty
// for one value, [n] for an array; `start`: how a dyad starts (dyad_start.hpp), `drawn` (start_state draws it, or
// computes it from its draws), `param` (set_param_state sets it from the parameters and the drawn members; only
// scenario events change it later, so a dyad without events may set it again at any time) or `cleared`
// (clear_learning_state sets it from the drawn members; the period changes it).
#define LR_FIRM_STATE(X)                                                                                          \
  X(F, level, [kFirmFactors], drawn, "the firm's own level m of T, S, L (logit scale): where its factor reverts") \
  X(F, z, [kFirmFactors], drawn, "latent logits of T, S, L (the factor is sigmoid(z))")                           \
  X(F, alpha0, , param, "absorptive capacity floor (events may change it)")                                       \
  X(F, gamma0, , param, "communicative capacity floor (events may change it)")                                    \
  X(F, receptivity_cap, , param, "cap on effective receptivity, from the intent (Hamel 3a) or events")            \
  X(F, knowledge, , drawn, "unique alliance-relevant knowledge U")                                                \
  X(F, x, , cleared, "internalised fraction of the partner's knowledge")                                          \
  X(F, y, , cleared, "appropriated new knowledge")                                                                \
  X(F, suspicion, , cleared, "q: perceived net outflow, averaged")                                                \
  X(I, intent, , drawn, "intent (Hamel 3a)")                                                                      \
  X(I, strategy, , drawn, "current learning strategy")                                                            \
  X(I, exploit_run, , cleared, "consecutive periods of detected exploitation with low trust")                     \
  X(I, violated, , cleared, "1 once the firm has detected exploitation (trust recovery cap applies)")

#define LR_DYAD_STATE(X)                                                           \
  X(F, relation, , drawn, "prior related interaction R")                           \
  X(F, equity_a, , drawn, "A's equity share")                                      \
  X(F, hazard, , param, "exogenous hazard per period (events may change it)")      \
  X(F, power_start, , drawn, "A's bargaining power at the start (from the draws)") \
  X(I, avoid_run, , cleared, "consecutive periods of mutual avoidance")            \
  X(U, fired, , param, "bit e: event e (with `once`) has been applied")

/// One firm's state. F, I, U: float, int32_t, uint32_t for one dyad, or vectors of them (one dyad per lane).
template <class F, class I, class U>
struct FirmStateT {
#define LR_X(type, member, extent, start, doc) type member extent;
  LR_FIRM_STATE(LR_X)
#undef LR_X
};

/// A dyad's state: its two firms and the dyad's own members.
template <class F, class I, class U>
struct DyadStateT {
  FirmStateT<F, I, U> a, b;
#define LR_X(type, member, extent, start, doc) type member extent;
  LR_DYAD_STATE(LR_X)
#undef LR_X
};

using FirmState = FirmStateT<float, int32_t, uint32_t>;
using DyadState = DyadStateT<float, int32_t, uint32_t>;

/// How a member starts (the `start` column).
enum class StateStart : int32_t { drawn, param, cleared, any };

namespace detail {
constexpr StateStart drawn = StateStart::drawn, param = StateStart::param, cleared = StateStart::cleared;

/// f(x, y) for a member of start `start` if kWhich is that start or `any`, element by element for an array member.
template <StateStart kWhich, class X, class Y, class Fn>
LR_HD LR_INLINE void state_member(StateStart start, X& x, Y& y, Fn& f) {
  if (kWhich == StateStart::any || start == kWhich) f(x, y);
}
template <StateStart kWhich, class X, class Y, int32_t n, class Fn>
LR_HD LR_INLINE void state_member(StateStart start, X (&x)[n], Y (&y)[n], Fn& f) {
  if (kWhich == StateStart::any || start == kWhich)
    for (int32_t k = 0; k < n; ++k) f(x[k], y[k]);
}

/// f(x.m, y.m) for every member m of two firms of start kWhich (or all), in table order.
template <StateStart kWhich, class X, class Y, class Fn>
LR_HD LR_INLINE void firm_members(X& x, Y& y, Fn& f) {
#define LR_X(type, member, extent, start, doc) state_member<kWhich>(start, x.member, y.member, f);
  LR_FIRM_STATE(LR_X)
#undef LR_X
}

/// The same for two dyads: firm A's members, firm B's, then the dyad's.
template <StateStart kWhich, class X, class Y, class Fn>
LR_HD LR_INLINE void dyad_members(X& x, Y& y, Fn& f) {
  firm_members<kWhich>(x.a, y.a, f);
  firm_members<kWhich>(x.b, y.b, f);
#define LR_X(type, member, extent, start, doc) state_member<kWhich>(start, x.member, y.member, f);
  LR_DYAD_STATE(LR_X)
#undef LR_X
}
}  // namespace detail

/// Calls f(x, y) for every scalar element of two states of the same layout (e.g. a SIMD block's member and one
/// dyad's), in table order: what moves a dyad into a SIMD lane and out of it.
template <class X, class Y, class Fn>
LR_HD LR_INLINE void for_each_state_member(X& x, Y& y, Fn&& f) {
  detail::dyad_members<StateStart::any>(x, y, f);
}

/// Calls f(element) for every scalar element of the members of s of start kWhich, in table order.
template <StateStart kWhich, class State, class Fn>
LR_HD LR_INLINE void for_each_member_of(State& s, Fn&& f) {
  const auto one = [&f](auto& element, auto&) { f(element); };
  detail::dyad_members<kWhich>(s, s, one);
}

/// The drawn members (what the CUDA init ring carries).
template <class State, class Fn>
LR_HD LR_INLINE void for_each_drawn_member(State& s, Fn&& f) {
  for_each_member_of<StateStart::drawn>(s, f);
}

/// 32-bit words of the drawn members of one dyad (what the CUDA init ring carries per dyad).
constexpr int32_t kDrawnStateWords = 0
#define LR_X(type, member, extent, start, doc) \
  +(detail::start == detail::drawn ? 2 * static_cast<int32_t>(sizeof(FirmState::member) / 4) : 0)
    LR_FIRM_STATE(LR_X)
#undef LR_X
#define LR_X(type, member, extent, start, doc) \
  +(detail::start == detail::drawn ? static_cast<int32_t>(sizeof(DyadState::member) / 4) : 0)
        LR_DYAD_STATE(LR_X)
#undef LR_X
    ;

}  // namespace learnrace
