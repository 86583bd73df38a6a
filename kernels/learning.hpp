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
/// Lane-generic; with no dependence at all (total 0) the quotient, not needed, is selected away.
template <class F>
LR_HD LR_INLINE F bargaining_power_a(const ModelParams& p, F x_a, F x_b, F knowledge_a, F knowledge_b, F equity_a) {
  const F dep_b = (F(1.0f) - x_b) * knowledge_a;
  const F dep_a = (F(1.0f) - x_a) * knowledge_b;
  const F total = dep_a + dep_b;
  const F relational = lr_select(total > F(0.0f), dep_b / total, F(0.5f));
  return F(p.w_legal) * equity_a + F(1.0f - p.w_legal) * relational;
}

}  // namespace learnrace
