// The start of a dyad (docs/model.md section 4): its initial conditions, each drawn once from its own random stream
// at the period word kInitPeriod (rng_streams.hpp) from its configured distribution (distributions.hpp), and the
// rest of its state (dyad_state.hpp: the members with start `cleared`) set from the parameters.
#pragma once

#include "distributions.hpp"
#include "dyad_state.hpp"
#include "learning.hpp"
#include "params.hpp"
#include "point_constants.hpp"
#include "rng.hpp"
#include "rng_streams.hpp"

namespace learnrace {

// The start of a dyad is lane-generic: State is DyadState (one dyad) or the CPU's lockstep SIMD path's block of
// dyads with the same members as vectors, one dyad per lane (DyadStateT of vectors).

/// The members with start `param` (dyad_state.hpp): capacity floors from the parameters, receptivity caps from the
/// intents, the exogenous hazard, no event fired. Only scenario events change them, so a dyad without events may set
/// them again at any time: the CUDA kernel without events does so every period, and no register carries them.
template <class State>
LR_HD LR_INLINE void set_param_state(const ModelParams& p, State& s) {
  using U = decltype(s.fired);
  s.a.alpha0 = p.firm[FirmA].alpha0;
  s.a.gamma0 = p.firm[FirmA].gamma0;
  s.a.receptivity_cap = lr_pick(p.receptivity_cap, s.a.intent);
  s.b.alpha0 = p.firm[FirmB].alpha0;
  s.b.gamma0 = p.firm[FirmB].gamma0;
  s.b.receptivity_cap = lr_pick(p.receptivity_cap, s.b.intent);
  s.hazard = p.hazard;
  s.fired = U(0u);
}

/// The part of a dyad's start that no random draw decides (the members with start `drawn` must be set): the members
/// with start `param`, and those with start `cleared`: nothing learned, suspected or run.
template <class State>
LR_HD LR_INLINE void clear_learning_state(const ModelParams& p, State& s) {
  using F = decltype(s.relation);
  using I = decltype(s.avoid_run);
  set_param_state(p, s);
  s.a.x = s.b.x = F(0.0f);
  s.a.y = s.b.y = F(0.0f);
  s.a.suspicion = s.b.suspicion = F(0.0f);
  s.a.exploit_run = s.b.exploit_run = I(0);
  s.a.violated = s.b.violated = I(0);
  s.avoid_run = I(0);
}

/// A's bargaining power at the start: power-dependence at x_A = x_B = 0 (nothing internalised yet), from the drawn
/// knowledge and equity.
template <class State>
LR_HD LR_INLINE auto start_power(const ModelParams& p, const State& s) {
  using F = decltype(s.relation);
  return bargaining_power_a(p, F(0.0f), F(0.0f), s.a.knowledge, s.b.knowledge, s.equity_a);
}

/// A dyad's initial draws from its own streams (period word kInitPeriod): the Draws of start_state for one dyad.
struct StartDraws {
  RandomGenerator rng;
  LR_HD LR_INLINE float latent(const Distribution& d, uint32_t stream) const { return sample_latent(d, rng, stream); }
  LR_HD LR_INLINE float real(const Distribution& d, uint32_t stream) const { return sample_real(d, rng, stream); }
  LR_HD LR_INLINE int32_t category(const Distribution& d, uint32_t stream) const {
    return sample_category(d, rng, stream);
  }
};

/// Initial conditions (period word kInitPeriod of the random streams) from `draw` (StartDraws, or the lockstep SIMD
/// path's draws of a block of dyads). Each firm's factors start at a drawn value z(0) and revert to the firm's own
/// long-run level m: z(0) itself (DistKind::Start, the default), or a draw of its own (model v3: "increasing trust",
/// "declining", docs/model.md section 4).
template <class State, class Draws>
LR_HD LR_INLINE void start_state(const ModelParams& p, const Draws& draw, State& s) {
  using F = decltype(s.relation);
  s.a.z[Trust] = draw.latent(p.init_factor[FirmA][Trust], rng_stream::init_trust_a);
  s.a.z[Stakes] = draw.latent(p.init_factor[FirmA][Stakes], rng_stream::init_stakes_a);
  s.a.z[Orientation] = draw.latent(p.init_factor[FirmA][Orientation], rng_stream::init_orientation_a);
  s.b.z[Trust] = draw.latent(p.init_factor[FirmB][Trust], rng_stream::init_trust_b);
  s.b.z[Stakes] = draw.latent(p.init_factor[FirmB][Stakes], rng_stream::init_stakes_b);
  s.b.z[Orientation] = draw.latent(p.init_factor[FirmB][Orientation], rng_stream::init_orientation_b);
  constexpr uint32_t level_streams[kFirms][kFirmFactors] = {
      {rng_stream::init_level_trust_a, rng_stream::init_level_stakes_a, rng_stream::init_level_orientation_a},
      {rng_stream::init_level_trust_b, rng_stream::init_level_stakes_b, rng_stream::init_level_orientation_b}};
  for (int32_t k = 0; k < kFirmFactors; ++k) {
    const Distribution& la = p.level_factor[FirmA][k];
    const Distribution& lb = p.level_factor[FirmB][k];
    s.a.level[k] = la.kind == DistKind::Start ? s.a.z[k] : draw.latent(la, level_streams[FirmA][k]);
    s.b.level[k] = lb.kind == DistKind::Start ? s.b.z[k] : draw.latent(lb, level_streams[FirmB][k]);
  }
  s.relation = lr_max(F(0.0f), draw.real(p.init_relation, rng_stream::init_relation));
  s.a.knowledge = lr_max(F(1.0e-3f), draw.real(p.init_knowledge[FirmA], rng_stream::init_knowledge_a));
  s.b.knowledge = lr_max(F(1.0e-3f), draw.real(p.init_knowledge[FirmB], rng_stream::init_knowledge_b));
  s.equity_a = lr_clamp(draw.real(p.init_equity, rng_stream::init_equity), F(0.0f), F(1.0f));
  s.a.intent = draw.category(p.init_intent[FirmA], rng_stream::init_intent_a);
  s.b.intent = draw.category(p.init_intent[FirmB], rng_stream::init_intent_b);
  s.a.strategy = draw.category(p.init_strategy[FirmA], rng_stream::init_strategy_a);
  s.b.strategy = draw.category(p.init_strategy[FirmB], rng_stream::init_strategy_b);
  s.power_start = start_power(p, s);
  clear_learning_state(p, s);
}

/// Initial conditions of one dyad. `pc` is point_constants(p).
LR_HD LR_INLINE DyadState dyad_start(const ModelParams& p, const PointConstants& pc, uint64_t dyad) {
  DyadState s;
  start_state(p, StartDraws{RandomGenerator(pc.keys, dyad)}, s);
  return s;
}

}  // namespace learnrace
