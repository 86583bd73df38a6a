// THE registry of random streams (HOOMD-blue pattern). Every random draw in the model names one
// of these, so a draw depends only on (seed, point, dyad, period, stream) and never on which
// thread or chunk simulated the dyad. Never reuse or renumber an id within a model version: it changes
// every result.
#pragma once

#include <cstdint>

namespace learnrace::rng_stream {

// Initial conditions (drawn once, at period word kInitPeriod).
constexpr uint32_t init_trust_a = 1;
constexpr uint32_t init_stakes_a = 2;
constexpr uint32_t init_orientation_a = 3;
constexpr uint32_t init_relation = 4;
constexpr uint32_t init_knowledge_a = 5;
constexpr uint32_t init_knowledge_b = 6;
constexpr uint32_t init_equity = 7;
constexpr uint32_t init_intent_a = 8;
constexpr uint32_t init_intent_b = 9;
constexpr uint32_t init_strategy_a = 10;
constexpr uint32_t init_strategy_b = 11;
constexpr uint32_t init_trust_b = 12;
constexpr uint32_t init_stakes_b = 13;
constexpr uint32_t init_orientation_b = 14;

// Per period.
constexpr uint32_t shock_normal_trust = 16;   // normals: trust common, trust A, trust B, stakes common
constexpr uint32_t shock_normal_stakes = 17;  // normals: stakes A, stakes B, orientation common, orientation A
constexpr uint32_t shock_normal_other = 18;   // normals: orientation B, perception A, perception B, (unused)
constexpr uint32_t shock_jump_a = 19;         // uniforms: jumps of A's trust, stakes, orientation; exogenous hazard
constexpr uint32_t shock_jump_b = 20;         // uniforms: jumps of B's trust, stakes, orientation; (unused)
constexpr uint32_t transition = 21;           // propositional: counter A, counter B, empower, barrier A
constexpr uint32_t exploration = 22;          // propositional: exploration A, exploration B, barrier B, (unused)
constexpr uint32_t strategic_choice_a = 23;   // strategic: inertia, ratchet gate, logit choice of firm A
constexpr uint32_t strategic_choice_b = 24;   // same for firm B
constexpr uint32_t events_0_3 = 25;           // scenario events 0-3 with a probability: one uniform each
constexpr uint32_t events_4_7 = 26;           // scenario events 4-7

/// Period word used for initial-condition draws (periods run 0 .. T_max-1 < this).
constexpr uint32_t kInitPeriod = 0xffffffffu;
/// Extra draws for rejection samplers go in the high half of the stream word.
constexpr uint32_t kAttemptShift = 16;

}  // namespace learnrace::rng_stream
