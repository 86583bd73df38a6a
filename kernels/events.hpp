// Scenario events (docs/model.md section 5): dated or random set / shift / scale of a named state or
// parameter of firm A, firm B, both, or the dyad, applied at the start of a period, in the order listed.
#pragma once

#include "dyad_state.hpp"
#include "fastmath.hpp"
#include "params.hpp"
#include "point_constants.hpp"
#include "rng.hpp"
#include "rng_streams.hpp"

namespace learnrace {

/// Largest magnitude an event may give an unbounded variable (knowledge, suspicion, relation; a factor's logit):
/// results saturate there, so repeated shifts or scales never overflow float32 (docs/model.md section 5).
constexpr float kEventSaturation = 1.0e4f;

/// v after the operation; `left`: periods left in a ramp's window, this one included (>= 1).
LR_HD LR_INLINE float event_value(int32_t op, float v, float value, int32_t left) {
  const float next = op == OpSet     ? value
                     : op == OpShift ? v + value
                     : op == OpScale ? v * value
                                     : v + (value - v) / static_cast<float>(left);
  return lr_clamp(next, -kEventSaturation, kEventSaturation);
}

namespace detail {
/// A factor event moves the firm's level and its current latent by the same amount: set, scale and ramp act on the
/// factor's value in (0, 1), shift on the logit scale.
LR_HD LR_INLINE void factor_event(int32_t op, float value, int32_t left, float& level, float& z) {
  const float next =
      op == OpShift ? event_value(op, level, value, left) : lr_logit(event_value(op, lr_sigmoid(level), value, left));
  z = lr_clamp(z + (next - level), -kEventSaturation, kEventSaturation);
  level = next;
}

LR_HD LR_INLINE void firm_event(const ModelParams& p, const Event& e, int32_t left, FirmState& f) {
  switch (e.variable) {
    case EventTrust:
      factor_event(e.op, e.value, left, f.level[Trust], f.z[Trust]);
      break;
    case EventStakes:
      factor_event(e.op, e.value, left, f.level[Stakes], f.z[Stakes]);
      break;
    case EventOrientation:
      factor_event(e.op, e.value, left, f.level[Orientation], f.z[Orientation]);
      break;
    case EventIntent:
      f.intent = static_cast<int32_t>(e.value);
      f.receptivity_cap = p.receptivity_cap[f.intent];
      break;
    case EventStrategy:
      f.strategy = static_cast<int32_t>(e.value);
      break;
    case EventReceptivityCap:
      f.receptivity_cap = lr_clamp(event_value(e.op, f.receptivity_cap, e.value, left), 0.0f, 1.0f);
      break;
    case EventAlpha0:
      f.alpha0 = lr_clamp(event_value(e.op, f.alpha0, e.value, left), 1.0e-3f, 1.0f);
      break;
    case EventGamma0:
      f.gamma0 = lr_clamp(event_value(e.op, f.gamma0, e.value, left), 1.0e-3f, 1.0f);
      break;
    case EventKnowledge:
      f.knowledge = lr_max(event_value(e.op, f.knowledge, e.value, left), 1.0e-3f);
      break;
    case EventSuspicion:
      f.suspicion = event_value(e.op, f.suspicion, e.value, left);
      break;
    default:
      break;
  }
}
}  // namespace detail

/// Applies event `e` to the dyad at period t.
LR_HD LR_INLINE void apply_event(const ModelParams& p, const Event& e, int32_t t, DyadState& s) {
  const int32_t left = e.op == OpRamp ? e.last - t + 1 : 1;  // periods left in a ramp (config: from, until)
  if (e.target == TargetDyad) {
    if (e.variable == EventRelation)
      s.relation = lr_max(event_value(e.op, s.relation, e.value, left), 0.0f);
    else if (e.variable == EventHazard)
      s.hazard = lr_clamp(event_value(e.op, s.hazard, e.value, left), 0.0f, 1.0f);
    return;
  }
  if (e.target == TargetA || e.target == TargetBoth) detail::firm_event(p, e, left, s.a);
  if (e.target == TargetB || e.target == TargetBoth) detail::firm_event(p, e, left, s.b);
}

namespace detail {
/// Word w of a draw, by selects (no indexing: the draw stays in registers on the GPU).
LR_HD LR_INLINE uint32_t draw_word(const Draw4& d, int32_t w) {
  return w == 0 ? d.v[0] : w == 1 ? d.v[1] : w == 2 ? d.v[2] : d.v[3];
}
}  // namespace detail

/// The events due at the start of period t. A random event draws one uniform (stream events_0_3 / events_4_7,
/// word e % 4) per dyad and period in its window, whether or not it fires.
LR_HD LR_INLINE void apply_events(const ModelParams& p, const PointConstants& pc, const RandomGenerator& rng,
                                  uint32_t period, int32_t t, DyadState& s) {
  if (p.n_events == 0) return;
  Draw4 u0 = {{0, 0, 0, 0}}, u1 = {{0, 0, 0, 0}};
  if (pc.any_random_event) {
    u0 = rng.draw(period, rng_stream::events_0_3);
    if (p.n_events > 4) u1 = rng.draw(period, rng_stream::events_4_7);
  }
  // A loop, not unrolled: the event code is emitted once (unrolled, it was most of the GPU period's static code).
  // The uniform of event i is picked by selects, so the draws stay in registers.
#ifdef __CUDA_ARCH__
#pragma unroll 1
#endif
  for (int32_t i = 0; i < p.n_events; ++i) {
    const Event& e = p.events[i];
    if (t < e.first || t > e.last) continue;
    const uint32_t bit = 1u << i;
    if (e.once && (s.fired & bit)) continue;
    if (e.probability < 1.0f) {
      const int32_t w = i & 3;
      const uint32_t word = i < 4 ? detail::draw_word(u0, w) : detail::draw_word(u1, w);
      if (!(u01_open(word) < e.probability)) continue;
    }
    apply_event(p, e, t, s);
    s.fired |= bit;
  }
}

}  // namespace learnrace
