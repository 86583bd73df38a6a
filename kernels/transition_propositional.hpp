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
LR_HD LR_INLINE PairMoves moves_sorted(int32_t lo, int32_t hi) {
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
  if (lo == Collaboration) {  // COL,COL
    m.barrier_a = Competition;  // one firm -> CPT (P1a)
    m.barrier2_b = Competition;
    empower(P9, Collaboration, Collaboration);  // both stay COL (P9; T, L)
  } else if (lo == Compromise && hi == Collaboration) {
    barrier(Competition, Collaboration);            // CPR firm -> CPT (P1a)
    empower(P8, Collaboration, Collaboration);      // both -> COL (P8; S, T, R)
  } else if (lo == Accommodation && hi == Collaboration) {
    barrier(Avoidance, Collaboration);              // ACC -> AVO (P1b)
    empower(P6a, Collaboration, Collaboration);     // ACC -> COL (P6a; S, R)
  } else if (lo == Competition && hi == Collaboration) {
    barrier(Competition, Competition);              // COL firm -> CPT (P2a)
    empower(P7a, Compromise, Compromise);           // both -> CPR (P7a; T, L, R)
  } else if (lo == Compromise && hi == Compromise) {
    empower(P8, Collaboration, Collaboration);      // barrier: stay (P3a); both -> COL (P8)
  } else if (lo == Accommodation && hi == Compromise) {
    barrier(Avoidance, Compromise);                 // ACC -> AVO (P3b)
    empower(P6b, Compromise, Compromise);           // ACC -> CPR (P6b; S, R)
  } else if (lo == Compromise && hi == Competition) {
    barrier(Competition, Competition);              // CPR firm -> CPT (P2a)
    empower(P7b, Compromise, Compromise);           // CPT firm -> CPR (P7b; T, L, R)
  } else if (lo == Accommodation && hi == Accommodation) {
    empower(P6b, Compromise, Compromise);           // barrier: stay (P4); both -> CPR (P6b; S, R)
  } else if (lo == Accommodation && hi == Competition) {
    barrier(Avoidance, Competition);                // ACC -> AVO (P2b); no empowering move stated
  } else if (lo == Competition && hi == Competition) {
    barrier(Avoidance, Avoidance);                  // both -> AVO (P2b)
    empower(P7b, Compromise, Compromise);           // both -> CPR (P7b; T, L, R)
  }
  return m;
}
}  // namespace detail

/// Moves of the ordered pair (a, b).
LR_HD LR_INLINE PairMoves pair_moves(int32_t a, int32_t b) {
  if (a <= b) return detail::moves_sorted(a, b);
  const PairMoves s = detail::moves_sorted(b, a);
  return PairMoves{s.proposition, s.empower_b, s.empower_a, s.barrier_b, s.barrier_a, s.barrier2_b, s.barrier2_a};
}

/// Linear predictor covariates: latent logits of T, S, L and the bounded R covariate.
struct Moderators {
  float v[kFactors];
};

/// One step of the propositional kernel. u_emp, u_bar, u_which decide the pair move; u_explore_a/b
/// replace a firm's strategy by a uniform one with probability epsilon (exploration noise).
LR_HD LR_INLINE void propositional_step(const ModelParams& p, int32_t a, int32_t b, const Moderators& m,
                                        float u_emp, float u_bar, float u_which, float u_explore_a,
                                        float u_explore_b, int32_t* next_a, int32_t* next_b) {
  const PairMoves mv = pair_moves(a, b);
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
  if (u_explore_a < p.epsilon) na = lr_min(static_cast<int32_t>(u_explore_a / p.epsilon * 5.0f), 4);
  if (u_explore_b < p.epsilon) nb = lr_min(static_cast<int32_t>(u_explore_b / p.epsilon * 5.0f), 4);
  *next_a = na;
  *next_b = nb;
}

}  // namespace learnrace
