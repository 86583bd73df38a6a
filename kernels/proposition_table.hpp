// THE proposition table (docs/model.md section 11): for every unordered pair state, the barrier move of
// Larsson et al. (1998) P1-P5 and the empowering move of P6-P9 with the factors it names. The propositional
// kernel, the configuration keys (host/config_keys.cpp), the defaults and the Python clause table
// (learnrace.propositions, through _core.proposition_table) all read this one table.
#pragma once

#include "params.hpp"
#include "strategy.hpp"

namespace learnrace {

/// Who makes an empowering move: the firm playing x, the firm playing y, or both ("it takes two").
enum Mover : int32_t { MoverNone = 0, MoverX = 1, MoverY = 2, MoverBoth = 3 };

/// One unordered pair state {x, y} (x <= y in code order).
struct PairRule {
  int32_t x, y;
  // Barrier move (P1-P5): where the firm playing x / y goes (itself when it does not move). Each moving
  // firm moves on its own, with its own probability.
  int32_t barrier_x, barrier_y;
  const char* barrier_clause;  // "P1a", ..., "" when neither firm moves
  // Empowering move (P6-P9), tried before the barrier move.
  int32_t proposition;  // or NoProposition
  int32_t mover;
  int32_t empower_x, empower_y;
  // The empowering move has no collaborative leader (P8 from moderation): its intercept is p8_b0_moderation, "the
  // lack of a collaborative leader might require a stronger set of favorable circumstances" [002:320] (model v3).
  int32_t leaderless = 0;
};

// clang-format off
inline constexpr PairRule kPairRules[] = {
    // x              y              barrier x      barrier y      clause  empowering  mover      to x           to y
    {Avoidance,     Avoidance,     Avoidance,     Avoidance,     "",     NoProposition, MoverNone, Avoidance,   Avoidance},
    {Avoidance,     Accommodation, Avoidance,     Avoidance,     "P5",   NoProposition, MoverNone, Avoidance,   Accommodation},
    {Avoidance,     Compromise,    Avoidance,     Avoidance,     "P5",   NoProposition, MoverNone, Avoidance,   Compromise},
    {Avoidance,     Competition,   Avoidance,     Avoidance,     "P5",   NoProposition, MoverNone, Avoidance,   Competition},
    {Avoidance,     Collaboration, Avoidance,     Avoidance,     "P5",   NoProposition, MoverNone, Avoidance,   Collaboration},
    // P4: symbolic learning persists; P6b: both accommodators -> Compromise (S, R)
    {Accommodation, Accommodation, Accommodation, Accommodation, "P4",   P6b,  MoverBoth, Compromise,    Compromise},
    // P3b: the accommodator -> Avoidance; P6b: the accommodator -> Compromise (S, R)
    {Accommodation, Compromise,    Avoidance,     Compromise,    "P3b",  P6b,  MoverX,    Compromise,    Compromise},
    // P2b: the accommodator -> Avoidance; no empowering move stated
    {Accommodation, Competition,   Avoidance,     Competition,   "P2b",  NoProposition, MoverNone, Accommodation, Competition},
    // P1b: the accommodator -> Avoidance; P6a: the accommodator -> Collaboration (S, R)
    {Accommodation, Collaboration, Avoidance,     Collaboration, "P1b",  P6a,  MoverX,    Collaboration, Collaboration},
    // P3a: moderation persists; P8: both -> Collaboration (S, T, R)
    {Compromise,    Compromise,    Compromise,    Compromise,    "P3a",  P8,   MoverBoth, Collaboration, Collaboration, 1},
    // P2a: the compromiser -> Competition; P7b: the competitor -> Compromise (T, L, R)
    {Compromise,    Competition,   Competition,   Competition,   "P2a",  P7b,  MoverY,    Compromise,    Compromise},
    // P1a: the compromiser -> Competition; P8: both -> Collaboration (S, T, R)
    {Compromise,    Collaboration, Competition,   Collaboration, "P1a",  P8,   MoverBoth, Collaboration, Collaboration},
    // P2b: each competitor -> Avoidance; P7b: both -> Compromise (T, L, R)
    {Competition,   Competition,   Avoidance,     Avoidance,     "P2b",  P7b,  MoverBoth, Compromise,    Compromise},
    // P2a: the collaborator -> Competition; P7a: both -> Compromise (T, L, R)
    {Competition,   Collaboration, Competition,   Competition,   "P2a",  P7a,  MoverBoth, Compromise,    Compromise},
    // P1a: each collaborator -> Competition ("strike first"); P9: both stay Collaboration (T, L)
    {Collaboration, Collaboration, Competition,   Competition,   "P1a",  P9,   MoverBoth, Collaboration, Collaboration},
};
// clang-format on
constexpr int32_t kPairRuleCount = static_cast<int32_t>(sizeof(kPairRules) / sizeof(kPairRules[0]));
static_assert(kPairRuleCount == kStrategies * (kStrategies + 1) / 2, "one rule per unordered pair state");

/// The factors each empowering proposition names (Larsson et al. 1998 P6-P9), as letters T, S, L, R.
struct PropositionInfo {
  const char* name;
  int32_t proposition;
  const char* factors;
};
inline constexpr PropositionInfo kPropositionInfo[kPropositions] = {
    {"P6a", P6a, "SR"},  {"P6b", P6b, "SR"}, {"P7a", P7a, "TLR"},
    {"P7b", P7b, "TLR"}, {"P8", P8, "STR"},  {"P9", P9, "TL"},
};

LR_HD constexpr int32_t factor_of_letter(char letter) {
  return letter == 'T' ? Trust : letter == 'S' ? Stakes : letter == 'L' ? Orientation : Relation;
}

/// The moves of an ORDERED pair (a, b), from the rule of {a, b}. Lane-generic: I is int32_t for one dyad, or a vector
/// of them (one pair per lane).
template <class I>
struct PairMovesT {
  I proposition;
  I mover;  // MoverX = firm A, MoverY = firm B, MoverBoth, MoverNone
  I empower_a, empower_b;
  I barrier_a, barrier_b;
  I leaderless;  // 1: the empowering move's intercept is p8_b0_moderation
};
using PairMoves = PairMovesT<int32_t>;

namespace detail {
LR_HD constexpr PairRule rule_of(int32_t lo, int32_t hi) {
  for (const PairRule& r : kPairRules)
    if (r.x == lo && r.y == hi) return r;
  return kPairRules[0];
}
LR_HD constexpr int32_t swap_mover(int32_t m) { return m == MoverX ? MoverY : m == MoverY ? MoverX : m; }
}  // namespace detail

LR_HD constexpr PairMoves pair_moves(int32_t a, int32_t b) {
  if (a <= b) {
    const PairRule r = detail::rule_of(a, b);
    return PairMoves{r.proposition, r.mover, r.empower_x, r.empower_y, r.barrier_x, r.barrier_y, r.leaderless};
  }
  const PairRule r = detail::rule_of(b, a);
  return PairMoves{r.proposition, detail::swap_mover(r.mover), r.empower_y, r.empower_x, r.barrier_y, r.barrier_x,
                   r.leaderless};
}

// pair_moves as a table, computed at compile time: one load instead of a search whose branches a GPU warp
// (32 dyads in different pair states) would mostly all execute. Each entry packs proposition + 1 (3 bits),
// the mover (2 bits), the four destinations (3 bits each) and the leaderless flag (1 bit).
namespace detail {
LR_HD constexpr uint32_t pack_moves(const PairMoves& m) {
  return static_cast<uint32_t>(m.proposition + 1) | static_cast<uint32_t>(m.mover) << 3 |
         static_cast<uint32_t>(m.empower_a) << 5 | static_cast<uint32_t>(m.empower_b) << 8 |
         static_cast<uint32_t>(m.barrier_a) << 11 | static_cast<uint32_t>(m.barrier_b) << 14 |
         static_cast<uint32_t>(m.leaderless) << 17;
}
/// The moves packed in w (uint32_t, or a vector of packed words).
template <class W>
LR_HD constexpr auto unpack_moves(W w) {
  using I = decltype(lr_as_int(w));
  return PairMovesT<I>{lr_as_int(w & 7u) - I(1), lr_as_int(w >> 3 & 3u),  lr_as_int(w >> 5 & 7u),
                       lr_as_int(w >> 8 & 7u),   lr_as_int(w >> 11 & 7u), lr_as_int(w >> 14 & 7u),
                       lr_as_int(w >> 17 & 1u)};
}
LR_HD constexpr uint32_t packed_pair_moves(int32_t pair) {
  return pack_moves(pair_moves(pair / kStrategies, pair % kStrategies));
}
LR_HD constexpr bool same_moves(const PairMoves& x, const PairMoves& y) {
  return x.proposition == y.proposition && x.mover == y.mover && x.empower_a == y.empower_a &&
         x.empower_b == y.empower_b && x.barrier_a == y.barrier_a && x.barrier_b == y.barrier_b &&
         x.leaderless == y.leaderless;
}
LR_HD constexpr bool packed_moves_exact() {
  for (int32_t pair = 0; pair < kPairStates; ++pair)
    if (!same_moves(unpack_moves(packed_pair_moves(pair)), pair_moves(pair / kStrategies, pair % kStrategies)))
      return false;
  return true;
}
static_assert(packed_moves_exact(), "the packed pair-move table must reproduce pair_moves exactly");

#define LR_PAIR_MOVES_5(i)                                                                            \
  packed_pair_moves(i), packed_pair_moves(i + 1), packed_pair_moves(i + 2), packed_pair_moves(i + 3), \
      packed_pair_moves(i + 4)
#define LR_PAIR_MOVES_25 \
  LR_PAIR_MOVES_5(0), LR_PAIR_MOVES_5(5), LR_PAIR_MOVES_5(10), LR_PAIR_MOVES_5(15), LR_PAIR_MOVES_5(20)
#if defined(__CUDACC__)
static __device__ const uint32_t kPairMovesDevice[kPairStates] = {LR_PAIR_MOVES_25};
#endif
inline constexpr uint32_t kPairMovesHost[kPairStates] = {LR_PAIR_MOVES_25};
#undef LR_PAIR_MOVES_25
#undef LR_PAIR_MOVES_5
}  // namespace detail

/// pair_moves(a, b) by table lookup (I: int32_t, or a vector of strategies: a gather).
template <class I>
LR_HD LR_INLINE PairMovesT<I> pair_moves_lookup(I a, I b) {
#if defined(__CUDA_ARCH__)
  return detail::unpack_moves(__ldg(&detail::kPairMovesDevice[pair_index(a, b)]));
#else
  return detail::unpack_moves(lr_gather(detail::kPairMovesHost, pair_index(a, b), 1));
#endif
}

}  // namespace learnrace
