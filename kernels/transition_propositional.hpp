// The `propositional` strategy-change kernel (docs/model.md section 11): a Markov kernel that encodes
// Larsson et al. (1998) P1-P9 directly, from the table of kernels/proposition_table.hpp. Per period and firm,
// in this order: the counter-move of a firm that has detected exploitation; the pair's empowering move (P6-P9),
// whose probability rises with the named factors of the mover (of the less favourable firm when both move);
// each firm's barrier move (P1-P5), whose probability falls with the firm's own trust, orientation and R and
// rises with its suspicion; else stay. Exploration noise last.
#pragma once

#include "fastmath.hpp"
#include "params.hpp"
#include "proposition_table.hpp"
#include "strategy.hpp"

namespace learnrace {

/// What the kernel reads of one firm: the latent logits of its own T, S, L, and its belief that the partner
/// exploits it (suspicion relative to its detection threshold, in [0, 1]).
/// Lane-generic (F: float or a vector of floats, one dyad per lane: the CPU's lockstep SIMD path).
template <class F>
struct FirmViewT {
  F z[kFirmFactors];
  F belief;
};
using FirmView = FirmViewT<float>;

/// Linear predictor of an empowering proposition for one firm: b0 + sum_k beta_k v_k over the firm's T, S, L
/// and the dyad's R covariate. Beta: PropositionBeta, or its lane-generic form (members b0 and beta[kFactors] of
/// type F: each lane's own proposition).
template <class Beta, class F>
LR_HD LR_INLINE F empower_predictor(const Beta& beta, const FirmViewT<F>& f, F relation_cov) {
  F eta = F(beta.b0) + F(beta.beta[Relation]) * relation_cov;
  for (int32_t k = 0; k < kFirmFactors; ++k) eta = lr_fma(F(beta.beta[k]), f.z[k], eta);
  return eta;
}

/// Probability of a firm's barrier move (P1-P4): sigmoid(b0 - c_T z_T - c_L z_L - c_R R~ + c_q b). Suspicion and
/// short horizons drive "strike first" [002:226, 308]; trust is "mutual confidence ... in the forbearance of
/// opportunistic exploitation" [002:302].
template <class F>
LR_HD LR_INLINE F barrier_probability(const BarrierBeta& c, const FirmViewT<F>& f, F relation_cov) {
  const F eta = F(c.b0) - F(c.trust) * f.z[Trust] - F(c.orientation) * f.z[Orientation] - F(c.relation) * relation_cov +
                F(c.suspicion) * f.belief;
  return detail::sigmoid_lanes(eta);
}

/// The uniforms one step uses.
struct PropositionalDraws {
  float counter_a, counter_b;  // counter-move of a firm that has detected exploitation
  float empower;               // the pair's empowering move
  float barrier_a, barrier_b;  // each firm's barrier move
  float explore_a, explore_b;  // exploration noise
};

/// Exploration's new strategy: floor(5 u / epsilon) for u uniform on (0, epsilon), i.e. each of the five
/// strategies with probability 1/5, found by comparing u with epsilon k/5 (no division: on a GPU a
/// division taken by any lane of a warp costs the whole warp a dozen instructions). Lane-generic: F float, or a
/// vector of floats giving a vector of strategies.
template <class F>
LR_HD LR_INLINE auto uniform_strategy(F u, float epsilon) {
  using I = decltype(lr_trunc_int(u));
  return lr_select(u >= F(0.2f * epsilon), I(1), I(0)) + lr_select(u >= F(0.4f * epsilon), I(1), I(0)) +
         lr_select(u >= F(0.6f * epsilon), I(1), I(0)) + lr_select(u >= F(0.8f * epsilon), I(1), I(0));
}

/// One step of the propositional kernel from the ordered pair (a, b). `detected_a/b`: the firm's suspicion
/// exceeds the detection threshold this period.
LR_HD LR_INLINE void propositional_step(const ModelParams& p, int32_t a, int32_t b, const FirmView& fa,
                                        const FirmView& fb, float relation_cov, bool detected_a, bool detected_b,
                                        const PropositionalDraws& u, int32_t* next_a, int32_t* next_b) {
  const PairMoves mv = pair_moves_lookup(a, b);
  int32_t na = a, nb = b;
  // Detection: "the "suckered" organization will counter rapidly" [002:241].
  // Facing an avoiding partner there is nothing left to halt: P5 decides instead.
  const bool counter_a = detected_a && b != Avoidance && u.counter_a < p.p_counter && cut_transparency(a) != a;
  const bool counter_b = detected_b && a != Avoidance && u.counter_b < p.p_counter && cut_transparency(b) != b;
  if (counter_a) na = cut_transparency(a);
  if (counter_b) nb = cut_transparency(b);
  bool empowered = false;
  if (mv.proposition != NoProposition && !counter_a && !counter_b) {
    const PropositionBeta& beta = p.beta[mv.proposition];
    const float eta_a = empower_predictor(beta, fa, relation_cov);
    const float eta_b = empower_predictor(beta, fb, relation_cov);
    // A joint move needs both firms: the less favourable predictor decides ("it takes two").
    const float eta = mv.mover == MoverX ? eta_a : mv.mover == MoverY ? eta_b : lr_min(eta_a, eta_b);
    if (u.empower < lr_sigmoid(eta)) {
      na = mv.empower_a;
      nb = mv.empower_b;
      empowered = true;
    }
  }
  if (!empowered) {
    // Each firm's own barrier move; P5 (facing an avoiding partner) has its own probability.
    if (!counter_a && mv.barrier_a != a) {
      const float pa = b == Avoidance ? p.p_avoid : barrier_probability(p.barrier, fa, relation_cov);
      if (u.barrier_a < pa) na = mv.barrier_a;
    }
    if (!counter_b && mv.barrier_b != b) {
      const float pb = a == Avoidance ? p.p_avoid : barrier_probability(p.barrier, fb, relation_cov);
      if (u.barrier_b < pb) nb = mv.barrier_b;
    }
  }
  if (u.explore_a < p.epsilon) na = uniform_strategy(u.explore_a, p.epsilon);
  if (u.explore_b < p.epsilon) nb = uniform_strategy(u.explore_b, p.epsilon);
  *next_a = na;
  *next_b = nb;
}

}  // namespace learnrace
