// Internalisation, new knowledge and bargaining power (docs/model.md section 9).
#pragma once

#include "params.hpp"

namespace learnrace {

/// x += lambda * inflow * (1 - x): internalised fraction of the partner's unique knowledge.
/// Lane-generic (F: float or a CPU SIMD vector of floats, as in flows.hpp).
template <class F>
LR_HD LR_INLINE F internalise(F x, F inflow, float lambda) {
  return x + F(lambda) * inflow * (F(1.0f) - x);
}

/// Power-dependence (Hamel: race to learn, obsolescing bargain): B depends on A by
/// D_B = (1 - x_B) U_A; P_A = w_legal equity_A + (1 - w_legal) D_B / (D_A + D_B).
/// w_legal is small: "legal and governance structure may exert only a minor influence" (Hamel 2b).
/// Lane-generic; the quotients that are not needed (x_B = 1) are selected away.
template <class F>
LR_HD LR_INLINE F bargaining_power_a(const ModelParams& p, F x_a, F x_b, F knowledge_a, F knowledge_b, F equity_a) {
  // D_B / (D_A + D_B) = 1 / (1 + q U_B / U_A) with q = (1 - x_A) / (1 - x_B): equal learners (x_A = x_B, so q = 1
  // exactly) keep exactly the power they started with, a tie in the race is a tie in power (model v3). x_B = 1: B
  // needs nothing more from A (share 0, or 1/2 when x_A = 1 too).
  const F left_a = F(1.0f) - x_a, left_b = F(1.0f) - x_b;
  const auto b_needs = left_b > F(0.0f);
  const F q = lr_div_pos(left_a, lr_select(b_needs, left_b, F(1.0f)));
  const F ratio = lr_div_pos(knowledge_b, knowledge_a);
  const F relational =
      lr_select(b_needs, F(1.0f) / lr_fma(q, ratio, F(1.0f)), lr_select(left_a > F(0.0f), F(0.0f), F(0.5f)));
  return F(p.w_legal) * equity_a + F(1.0f - p.w_legal) * relational;
}

}  // namespace learnrace
