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

/// v after the operation.
LR_HD LR_INLINE float event_value(int32_t op, float v, float value) {
  return op == OpSet ? value : op == OpShift ? v + value : v * value;
}

namespace detail {
/// A factor event moves the firm's level and its current latent by the same amount: set and scale act on the
/// factor's value in (0, 1), shift on the logit scale.
LR_HD LR_INLINE void factor_event(int32_t op, float value, float& level, float& z) {
  float next;
  if (op == OpShift) {
    next = level + value;
  } else {
    const float v = op == OpSet ? value : lr_sigmoid(level) * value;
    next = lr_logit(v);
  }
  z += next - level;
  level = next;
}

LR_HD LR_INLINE void firm_event(const ModelParams& p, const Event& e, FirmState& f) {
  switch (e.variable) {
    case EventTrust:
      factor_event(e.op, e.value, f.level[Trust], f.z[Trust]);
      break;
    case EventStakes:
      factor_event(e.op, e.value, f.level[Stakes], f.z[Stakes]);
      break;
    case EventOrientation:
      factor_event(e.op, e.value, f.level[Orientation], f.z[Orientation]);
      break;
    case EventIntent:
      f.intent = static_cast<int32_t>(e.value);
      f.receptivity_cap = p.receptivity_cap[f.intent];
      break;
    case EventStrategy:
      f.strategy = static_cast<int32_t>(e.value);
      break;
    case EventReceptivityCap:
      f.receptivity_cap = lr_clamp(event_value(e.op, f.receptivity_cap, e.value), 0.0f, 1.0f);
      break;
    case EventAlpha0:
      f.alpha0 = lr_clamp(event_value(e.op, f.alpha0, e.value), 1.0e-3f, 1.0f);
      break;
    case EventGamma0:
      f.gamma0 = lr_clamp(event_value(e.op, f.gamma0, e.value), 1.0e-3f, 1.0f);
      break;
    case EventKnowledge:
      f.knowledge = lr_max(event_value(e.op, f.knowledge, e.value), 1.0e-3f);
      break;
    case EventSuspicion:
      f.suspicion = event_value(e.op, f.suspicion, e.value);
      break;
    default:
      break;
  }
}
}  // namespace detail

/// Applies event `e` (index `index`) to the dyad.
LR_HD LR_INLINE void apply_event(const ModelParams& p, const Event& e, DyadState& s) {
  if (e.target == TargetDyad) {
    if (e.variable == EventRelation)
      s.relation = lr_max(event_value(e.op, s.relation, e.value), 0.0f);
    else if (e.variable == EventHazard)
      s.hazard = lr_clamp(event_value(e.op, s.hazard, e.value), 0.0f, 1.0f);
    return;
  }
  if (e.target == TargetA || e.target == TargetBoth) detail::firm_event(p, e, s.a);
  if (e.target == TargetB || e.target == TargetBoth) detail::firm_event(p, e, s.b);
}

/// The events due at the start of period t. A random event draws one uniform (stream events_0_3 / events_4_7,
/// word e % 4) per dyad and period in its window, whether or not it fires.
LR_HD LR_INLINE void apply_events(const ModelParams& p, const PointConstants& pc, const RandomGenerator& rng,
                                  uint32_t period, int32_t t, DyadState& s) {
  if (p.n_events == 0) return;
  Draw4 u[2] = {{{0, 0, 0, 0}}, {{0, 0, 0, 0}}};
  if (pc.any_random_event) {
    u[0] = rng.draw(period, rng_stream::events_0_3);
    if (p.n_events > 4) u[1] = rng.draw(period, rng_stream::events_4_7);
  }
  // Unrolled over kMaxEvents: constant indices keep u in registers on the GPU.
#ifdef __CUDA_ARCH__
#pragma unroll
#endif
  for (int32_t i = 0; i < kMaxEvents; ++i) {
    if (i >= p.n_events) break;
    const Event& e = p.events[i];
    if (t < e.first || t > e.last) continue;
    const uint32_t bit = 1u << i;
    if (e.once && (s.fired & bit)) continue;
    if (e.probability < 1.0f && !(u01_open(u[i >> 2].v[i & 3]) < e.probability)) continue;
    apply_event(p, e, s);
    s.fired |= bit;
  }
}

}  // namespace learnrace
