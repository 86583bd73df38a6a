// The `propositional` strategy-change kernel: a Markov kernel that encodes Larsson et al. (1998)
// P1-P9 directly (MODEL.md section 5a). Every pair has a barrier move (P1-P5) and, where a
// proposition names one, an empowering move (P6-P9) whose probability rises with the named factors.
#pragma once

#include "fastmath.hpp"
#include "params.hpp"
#include "strategy.hpp"

namespace learnrace {

struct PairMoves {
  int32_t proposition;  // empowering proposition, or NoProposition
  int32_t empower_a, empower_b;
  int32_t barrier_a, barrier_b;    // barrier move ...
  int32_t barrier2_a, barrier2_b;  // ... or this one, with probability 1/2 (which firm moves)
};

namespace detail {
/// Moves for the unordered pair {lo, hi} with lo <= hi in code order; `first` refers to lo.
LR_HD constexpr PairMoves moves_sorted(int32_t lo, int32_t hi) {
  PairMoves m{NoProposition, lo, hi, lo, hi, lo, hi};
  auto barrier = [&](int32_t a, int32_t b) {
    m.barrier_a = m.barrier2_a = a;
    m.barrier_b = m.barrier2_b = b;
  };
  auto empower = [&](int32_t prop, int32_t a, int32_t b) {
    m.proposition = prop;
    m.empower_a = a;
    m.empower_b = b;
  };
  if (lo == Avoidance) {  // X,AVO: X -> AVO (P5); (AVO,AVO) -> disintegration
    barrier(Avoidance, Avoidance);
    return m;
  }
  // Codes: ACC=1 < CPR=2 < CPT=3 < COL=4, so lo is the first-listed strategy of each case below.
  if (lo == Collaboration) {    // COL,COL
    m.barrier_a = Competition;  // one firm -> CPT (P1a)
    m.barrier2_b = Competition;
    empower(P9, Collaboration, Collaboration);  // both stay COL (P9; T, L)
  } else if (lo == Compromise && hi == Collaboration) {
    barrier(Competition, Collaboration);        // CPR firm -> CPT (P1a)
    empower(P8, Collaboration, Collaboration);  // both -> COL (P8; S, T, R)
  } else if (lo == Accommodation && hi == Collaboration) {
    barrier(Avoidance, Collaboration);           // ACC -> AVO (P1b)
    empower(P6a, Collaboration, Collaboration);  // ACC -> COL (P6a; S, R)
  } else if (lo == Competition && hi == Collaboration) {
    barrier(Competition, Competition);     // COL firm -> CPT (P2a)
    empower(P7a, Compromise, Compromise);  // both -> CPR (P7a; T, L, R)
  } else if (lo == Compromise && hi == Compromise) {
    empower(P8, Collaboration, Collaboration);  // barrier: stay (P3a); both -> COL (P8)
  } else if (lo == Accommodation && hi == Compromise) {
    barrier(Avoidance, Compromise);        // ACC -> AVO (P3b)
    empower(P6b, Compromise, Compromise);  // ACC -> CPR (P6b; S, R)
  } else if (lo == Compromise && hi == Competition) {
    barrier(Competition, Competition);     // CPR firm -> CPT (P2a)
    empower(P7b, Compromise, Compromise);  // CPT firm -> CPR (P7b; T, L, R)
  } else if (lo == Accommodation && hi == Accommodation) {
    empower(P6b, Compromise, Compromise);  // barrier: stay (P4); both -> CPR (P6b; S, R)
  } else if (lo == Accommodation && hi == Competition) {
    barrier(Avoidance, Competition);  // ACC -> AVO (P2b); no empowering move stated
  } else if (lo == Competition && hi == Competition) {
    barrier(Avoidance, Avoidance);         // both -> AVO (P2b)
    empower(P7b, Compromise, Compromise);  // both -> CPR (P7b; T, L, R)
  }
  return m;
}
}  // namespace detail

/// Moves of the ordered pair (a, b).
LR_HD constexpr PairMoves pair_moves(int32_t a, int32_t b) {
  if (a <= b) return detail::moves_sorted(a, b);
  const PairMoves s = detail::moves_sorted(b, a);
  return PairMoves{s.proposition, s.empower_b, s.empower_a, s.barrier_b, s.barrier_a, s.barrier2_b, s.barrier2_a};
}

// pair_moves as a table, computed at compile time: one load instead of a decision tree whose
// branches a GPU warp (32 dyads in different pair states) would mostly all execute. Each entry
// packs proposition + 1 and the six moves, 3 bits each.
namespace detail {
LR_HD constexpr uint32_t pack_moves(const PairMoves& m) {
  return static_cast<uint32_t>(m.proposition + 1) | static_cast<uint32_t>(m.empower_a) << 3 |
         static_cast<uint32_t>(m.empower_b) << 6 | static_cast<uint32_t>(m.barrier_a) << 9 |
         static_cast<uint32_t>(m.barrier_b) << 12 | static_cast<uint32_t>(m.barrier2_a) << 15 |
         static_cast<uint32_t>(m.barrier2_b) << 18;
}
LR_HD constexpr PairMoves unpack_moves(uint32_t w) {
  return PairMoves{static_cast<int32_t>(w & 7u) - 1,   static_cast<int32_t>(w >> 3 & 7u),
                   static_cast<int32_t>(w >> 6 & 7u),  static_cast<int32_t>(w >> 9 & 7u),
                   static_cast<int32_t>(w >> 12 & 7u), static_cast<int32_t>(w >> 15 & 7u),
                   static_cast<int32_t>(w >> 18 & 7u)};
}
LR_HD constexpr uint32_t packed_pair_moves(int32_t pair) {
  return pack_moves(pair_moves(pair / kStrategies, pair % kStrategies));
}
LR_HD constexpr bool same_moves(const PairMoves& x, const PairMoves& y) {
  return x.proposition == y.proposition && x.empower_a == y.empower_a && x.empower_b == y.empower_b &&
         x.barrier_a == y.barrier_a && x.barrier_b == y.barrier_b && x.barrier2_a == y.barrier2_a &&
         x.barrier2_b == y.barrier2_b;
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

/// pair_moves(a, b) by table lookup.
LR_HD LR_INLINE PairMoves pair_moves_lookup(int32_t a, int32_t b) {
#if defined(__CUDA_ARCH__)
  return detail::unpack_moves(__ldg(&detail::kPairMovesDevice[pair_index(a, b)]));
#else
  return detail::unpack_moves(detail::kPairMovesHost[pair_index(a, b)]);
#endif
}

/// Linear predictor covariates: latent logits of T, S, L and the bounded R covariate.
struct Moderators {
  float v[kFactors];
};

/// Exploration's new strategy: floor(5 u / epsilon) for u uniform on (0, epsilon), i.e. each of the five
/// strategies with probability 1/5, found by comparing u with epsilon k/5 (no division: on a GPU a
/// division taken by any lane of a warp costs the whole warp a dozen instructions).
LR_HD LR_INLINE int32_t uniform_strategy(float u, float epsilon) {
  return static_cast<int32_t>(u >= 0.2f * epsilon) + static_cast<int32_t>(u >= 0.4f * epsilon) +
         static_cast<int32_t>(u >= 0.6f * epsilon) + static_cast<int32_t>(u >= 0.8f * epsilon);
}

/// One step of the propositional kernel. u_emp, u_bar, u_which decide the pair move; u_explore_a/b
/// replace a firm's strategy by a uniform one with probability epsilon (exploration noise).
LR_HD LR_INLINE void propositional_step(const ModelParams& p, int32_t a, int32_t b, const Moderators& m, float u_emp,
                                        float u_bar, float u_which, float u_explore_a, float u_explore_b,
                                        int32_t* next_a, int32_t* next_b) {
  const PairMoves mv = pair_moves_lookup(a, b);
  float p_emp = 0.0f;
  if (mv.proposition != NoProposition) {
    const PropositionBeta& beta = p.beta[mv.proposition];
    float eta = beta.b0;
    for (int32_t k = 0; k < kFactors; ++k) eta += beta.beta[k] * m.v[k];
    p_emp = lr_sigmoid(eta);
  }
  int32_t na = a, nb = b;
  if (u_emp < p_emp) {
    na = mv.empower_a;
    nb = mv.empower_b;
  } else if (u_bar < p.p_barrier) {  // barrier fires with probability (1 - p_emp) p_barrier
    const bool second = u_which < 0.5f;
    na = second ? mv.barrier2_a : mv.barrier_a;
    nb = second ? mv.barrier2_b : mv.barrier_b;
  }
  if (u_explore_a < p.epsilon) na = uniform_strategy(u_explore_a, p.epsilon);
  if (u_explore_b < p.epsilon) nb = uniform_strategy(u_explore_b, p.epsilon);
  *next_a = na;
  *next_b = nb;
}

}  // namespace learnrace
