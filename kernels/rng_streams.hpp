// THE registry of random streams (HOOMD-blue pattern). Every random draw in the model names one
// of these, so a draw depends only on (seed, point, dyad, period, stream) and never on which
// thread or chunk simulated the dyad. Never reuse or renumber an id: it changes every result.
#pragma once

#include <cstdint>

namespace learnrace::rng_stream {

// Initial conditions (drawn once, at period word kInitPeriod).
constexpr uint32_t init_trust = 1;
constexpr uint32_t init_stakes = 2;
constexpr uint32_t init_orientation = 3;
constexpr uint32_t init_relation = 4;
constexpr uint32_t init_knowledge_a = 5;
constexpr uint32_t init_knowledge_b = 6;
constexpr uint32_t init_equity = 7;
constexpr uint32_t init_intent_a = 8;
constexpr uint32_t init_intent_b = 9;
constexpr uint32_t init_strategy_a = 10;
constexpr uint32_t init_strategy_b = 11;

// Per period.
constexpr uint32_t shock_normal = 16;        // 4 normals: trust, stakes, orientation, (unused)
constexpr uint32_t shock_jump = 17;          // 4 uniforms: jumps of trust, stakes, orientation; exogenous hazard
constexpr uint32_t transition = 18;          // propositional: empower, barrier, which firm, (unused)
constexpr uint32_t exploration = 19;         // propositional: exploration of firm A, firm B
constexpr uint32_t strategic_choice_a = 20;  // strategic: inertia, ratchet gate, logit choice of firm A
constexpr uint32_t strategic_choice_b = 21;  // same for firm B

/// Period word used for initial-condition draws (periods run 0 .. T_max-1 < this).
constexpr uint32_t kInitPeriod = 0xffffffffu;
/// Extra draws for rejection samplers go in the high half of the stream word.
constexpr uint32_t kAttemptShift = 16;

}  // namespace learnrace::rng_stream
