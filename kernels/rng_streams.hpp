// THE registry of random streams (HOOMD-blue pattern) and of what each word of a period's draws feeds. Every random
// draw in the model names one of these streams, so a draw depends only on (seed, point, dyad, period, stream) and
// never on which thread, chunk or backend simulated the dyad. Never reuse or renumber an id within a model version:
// it changes every result. The period's inputs (PeriodDrawsT, period_inputs.hpp) are generated from
// LR_PERIOD_STREAMS; docs/model.md section 18 lists the same table.
#pragma once

#include <cstdint>

namespace learnrace {

/// The draws of a period, by the step that asks for them (each stream belongs to one group).
enum class DrawGroup : int32_t {
  Perception,     // both kernels: the perceptions' standard normals (and one shock normal of the same draw)
  Shocks,         // both kernels: the other standard normals of the factors' shocks
  Jumps,          // both kernels: the shocks' jump uniforms and the exogenous hazard
  Propositional,  // the propositional kernel's strategy change
  Strategic,      // the strategic kernel's strategy change
};

// Initial conditions, drawn once at period word kInitPeriod. X(stream, id).
#define LR_INIT_STREAMS(X)        \
  X(init_trust_a, 1)              \
  X(init_stakes_a, 2)             \
  X(init_orientation_a, 3)        \
  X(init_relation, 4)             \
  X(init_knowledge_a, 5)          \
  X(init_knowledge_b, 6)          \
  X(init_equity, 7)               \
  X(init_intent_a, 8)             \
  X(init_intent_b, 9)             \
  X(init_strategy_a, 10)          \
  X(init_strategy_b, 11)          \
  X(init_trust_b, 12)             \
  X(init_stakes_b, 13)            \
  X(init_orientation_b, 14)       \
  X(init_level_trust_a, 27)       \
  X(init_level_stakes_a, 28)      \
  X(init_level_orientation_a, 29) \
  X(init_level_trust_b, 30)       \
  X(init_level_stakes_b, 31)      \
  X(init_level_orientation_b, 32)

// Per period (period word t). X(stream, id, group, kind, w0, w1, w2, w3): the PeriodDrawsT inputs that the four
// words of the stream's draw feed. kind `uniforms`: input wk is u01_open(word k); kind `normals`: (w0, w1) are the
// Box-Muller pair of words 0 and 1, (w2, w3) that of words 2 and 3. Inputs named unused_* are drawn, not used.
#define LR_PERIOD_STREAMS(X)                                                                               \
  X(shock_normal_trust, 16, Shocks, normals, trust_common, trust_a, trust_b, stakes_common)                \
  X(shock_normal_stakes, 17, Shocks, normals, stakes_a, stakes_b, orientation_common, orientation_a)       \
  X(shock_normal_other, 18, Perception, normals, orientation_b, perception_a, perception_b, unused_normal) \
  X(shock_jump_a, 19, Jumps, uniforms, jump_trust_a, jump_stakes_a, jump_orientation_a, hazard)            \
  X(shock_jump_b, 20, Jumps, uniforms, jump_trust_b, jump_stakes_b, jump_orientation_b, unused_jump)       \
  X(transition, 21, Propositional, uniforms, counter_a, counter_b, empower, barrier_a)                     \
  X(exploration, 22, Propositional, uniforms, explore_a, explore_b, barrier_b, unused_exploration)         \
  X(strategic_choice_a, 23, Strategic, uniforms, inertia_a, gate_a, choice_a, unused_choice_a)             \
  X(strategic_choice_b, 24, Strategic, uniforms, inertia_b, gate_b, choice_b, unused_choice_b)

// Scenario events with a probability (period word t): word e % 4 is the uniform of event e. X(stream, id).
#define LR_EVENT_STREAMS(X) \
  X(events_0_3, 25)         \
  X(events_4_7, 26)

namespace rng_stream {

#define LR_X(stream, id, ...) constexpr uint32_t stream = id;
LR_INIT_STREAMS(LR_X)
LR_PERIOD_STREAMS(LR_X)
LR_EVENT_STREAMS(LR_X)
#undef LR_X

/// Period word used for initial-condition draws (periods run 0 .. T_max-1 < this).
constexpr uint32_t kInitPeriod = 0xffffffffu;
/// Extra draws for rejection samplers go in the high half of the stream word.
constexpr uint32_t kAttemptShift = 16;

namespace detail {
constexpr uint32_t kIds[] = {
#define LR_X(stream, id, ...) id,
    LR_INIT_STREAMS(LR_X) LR_PERIOD_STREAMS(LR_X) LR_EVENT_STREAMS(LR_X)
#undef LR_X
};
constexpr bool ids_unique() {
  for (uint32_t i = 0; i < sizeof(kIds) / sizeof(kIds[0]); ++i)
    for (uint32_t j = 0; j < i; ++j)
      if (kIds[i] == kIds[j] || kIds[i] >= (1u << kAttemptShift)) return false;
  return true;
}
static_assert(ids_unique(), "every stream has its own id, below 2^kAttemptShift");
}  // namespace detail

}  // namespace rng_stream
}  // namespace learnrace
