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

/// Probability of a firm's barrier move (P1-P4): sigmoid(b0 - c_T z_T - c_L z_L - c_R R~ + c_q b + c_pi pi).
/// Suspicion and short horizons drive "strike first" [002:226, 308]; trust is "mutual confidence ... in the
/// forbearance of opportunistic exploitation" [002:302]. `tempting` (pi): the partner's transparency level where the
/// move goes to Competition, else 0 (model v3): "The joint learning is less significant than the integrative
/// collaboration and therefore less tempting to exploit" [002:250]; "it would be tempting to absorb the additional
/// knowledge that is disclosed by the other organization" [002:232].
template <class F>
LR_HD LR_INLINE F barrier_probability(const BarrierBeta& c, const FirmViewT<F>& f, F relation_cov, F tempting) {
  const F eta = F(c.b0) - F(c.trust) * f.z[Trust] - F(c.orientation) * f.z[Orientation] - F(c.relation) * relation_cov +
                F(c.suspicion) * f.belief + F(c.temptation) * tempting;
  return detail::sigmoid_lanes(eta);
}

/// What a barrier move of a firm to `to` may take from a partner playing `partner`: the partner's transparency
/// level if the move is to Competition, else 0.
template <class I>
LR_HD LR_INLINE auto temptation_of(const ModelParams& p, I to, I partner) {
  using F = decltype(lr_int_float(to));
  return lr_select(to == I(Competition), lr_pick(p.level, transparency_level(partner)), F(0.0f));
}

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

/// The coefficients of an empowering proposition for each lane: p.beta[proposition] (one dyad: a load; a vector of
/// dyads: a gather). `proposition` must be a valid index in every lane.
template <class F>
struct PropositionBetaT {
  F b0;
  F beta[kFactors];
};
template <class I>
LR_HD LR_INLINE auto proposition_beta(const ModelParams& p, I proposition) {
  using F = decltype(lr_int_float(proposition));
  static_assert(sizeof(PropositionBeta) == (1 + kFactors) * sizeof(float), "PropositionBeta is b0 and beta[]");
  constexpr int32_t stride = sizeof(PropositionBeta) / sizeof(float);
  const float* base = &p.beta[0].b0;
  PropositionBetaT<F> out;
  out.b0 = lr_gather(base, proposition, stride);
  for (int32_t k = 0; k < kFactors; ++k) out.beta[k] = lr_gather(base + 1 + k, proposition, stride);
  return out;
}

/// One step of the propositional kernel from the ordered pair (a, b), for one dyad or a vector of dyads (I: int32_t
/// or a vector; M: bool or a lane mask). `detected_a/b`: the firm's suspicion exceeds the detection threshold this
/// period; `u`: the period's draws (PeriodDrawsT: counter_a/b, empower, barrier_a/b, explore_a/b). The moves in
/// order, each a select over lanes; a move no lane can make is skipped.
template <class F, class I, class M, class Draws>
LR_HD LR_INLINE void propositional_step(const ModelParams& p, I a, I b, const FirmViewT<F>& fa, const FirmViewT<F>& fb,
                                        F relation_cov, M detected_a, M detected_b, const Draws& u, I* next_a,
                                        I* next_b) {
  const PairMovesT<I> mv = pair_moves_lookup(a, b);
  const I avoid(Avoidance);
  // Detection: "the "suckered" organization will counter rapidly" [002:241].
  // Facing an avoiding partner there is nothing left to halt: P5 decides instead.
  const I cut_a = cut_transparency(a), cut_b = cut_transparency(b);
  const M counter_a = detected_a & (b != avoid) & (u.counter_a < F(p.p_counter)) & (cut_a != a);
  const M counter_b = detected_b & (a != avoid) & (u.counter_b < F(p.p_counter)) & (cut_b != b);
  I na = lr_select(counter_a, cut_a, a);
  I nb = lr_select(counter_b, cut_b, b);

  // The pair's empowering move (P6-P9), whose probability rises with the factors the proposition names.
  const M try_empower = (mv.proposition != I(NoProposition)) & !counter_a & !counter_b;
  M empowered = try_empower & !try_empower;  // false
  if (lr_any(try_empower)) {
    auto beta = proposition_beta(p, lr_select(try_empower, mv.proposition, I(0)));
    // P8 from moderation has its own intercept: "the lack of a collaborative leader" [002:320] (model v3).
    beta.b0 = lr_select(mv.leaderless != I(0), F(p.p8_b0_moderation), beta.b0);
    const F eta_a = empower_predictor(beta, fa, relation_cov);
    const F eta_b = empower_predictor(beta, fb, relation_cov);
    // A joint move needs both firms: the less favourable predictor decides ("it takes two").
    const F eta =
        lr_select(mv.mover == I(MoverX), eta_a, lr_select(mv.mover == I(MoverY), eta_b, lr_min(eta_a, eta_b)));
    empowered = try_empower & (u.empower < detail::sigmoid_lanes(eta));
  }
  na = lr_select(empowered, mv.empower_a, na);
  nb = lr_select(empowered, mv.empower_b, nb);

  // Each firm's own barrier move (P1-P4); P5 (facing an avoiding partner) has its own probability.
  const M try_barrier_a = (mv.barrier_a != a) & !empowered & !counter_a;
  const M try_barrier_b = (mv.barrier_b != b) & !empowered & !counter_b;
  if (lr_any(try_barrier_a)) {
    const F tempt_a = temptation_of(p, mv.barrier_a, b);
    const F pa = lr_select(b == avoid, F(p.p_avoid), barrier_probability(p.barrier, fa, relation_cov, tempt_a));
    na = lr_select(try_barrier_a & (u.barrier_a < pa), mv.barrier_a, na);
  }
  if (lr_any(try_barrier_b)) {
    const F tempt_b = temptation_of(p, mv.barrier_b, a);
    const F pb = lr_select(a == avoid, F(p.p_avoid), barrier_probability(p.barrier, fb, relation_cov, tempt_b));
    nb = lr_select(try_barrier_b & (u.barrier_b < pb), mv.barrier_b, nb);
  }

  // Exploration noise last.
  na = lr_select(u.explore_a < F(p.epsilon), uniform_strategy(u.explore_a, p.epsilon), na);
  nb = lr_select(u.explore_b < F(p.epsilon), uniform_strategy(u.explore_b, p.epsilon), nb);
  *next_a = na;
  *next_b = nb;
}

}  // namespace learnrace
