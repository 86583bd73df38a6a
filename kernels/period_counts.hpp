// What is counted each live dyad-period (docs/model.md section 13): its transition, the same split by the bin of each
// binned factor, its occupancy, and the trajectory row of a sampled dyad. The sections and their layout come from
// the output schema registry (output_fields.hpp, output_layout.hpp).
//
// Lane-generic: one dyad (F float, I int32_t) or a vector of dyads. The period sink scatters the increments: for
// one dyad the nine indices of its counters, for a vector of dyads each live lane's (the sink knows which lanes hold
// a live dyad and which are sampled).
//   sink.count_period(const I (&index)[kPeriodCounts]);
//   sink.trajectory_row(I t, const TrajectoryRowT<F, I>& row);  // kept for sampled dyads only
#pragma once

#include "capacity.hpp"
#include "output_layout.hpp"
#include "point_constants.hpp"
#include "strategy.hpp"

namespace learnrace {

/// Counters incremented per live dyad-period: one transition, one per binned factor, one occupancy.
constexpr int32_t kPeriodCounts = 2 + kBinnedFactors;

/// Bin of a factor value in (0, 1) with `bins` equal bins: histogram_bin on [0, 1) (v / 1 is v exactly).
template <class F>
LR_HD LR_INLINE auto factor_bin_unit(F v, int32_t bins) {
  return bin_of_scaled(v * F(static_cast<float>(bins)), bins);
}

/// Bin of R on [0, relation_bin_max) with `bins` bins (the last one open): R times bins / relation_bin_max.
template <class F>
LR_HD LR_INLINE auto relation_bin(F relation, float relation_bin_scale, int32_t bins) {
  return bin_of_scaled(relation * F(relation_bin_scale), bins);
}

/// Counts the period t of the dyad(s) in state s (after the period's flows and perception, before its factors and
/// relation move): the pair played, `from`, and the pair drawn for t + 1, (next_a, next_b). fa, fb: the firms'
/// factors at the start of the period, the values that conditioned the move; power_a: A's bargaining power after the
/// period's flows. Indices are int32_t: the per-period
/// sections end below 2^31 words (periods <= 1e5 and factor_bins <= 16, host/config_keys.cpp).
template <class State, class F, class I, class Sink>
LR_HD LR_INLINE void count_period(const PointConstants& pc, const OutputLayout& lay, const State& s,
                                  const FirmFactorsT<F>& fa, const FirmFactorsT<F>& fb, F power_a, I t, I next_a,
                                  I next_b, Sink& sink) {
  const I from = pair_index(s.a.strategy, s.b.strategy);
  const I to = pair_index(next_a, next_b);
  const int32_t bins = lay.factor_bins;
  const I bin[kBinnedFactors] = {factor_bin_unit(fa.trust, bins),
                                 factor_bin_unit(fa.stakes, bins),
                                 factor_bin_unit(fa.orientation, bins),
                                 factor_bin_unit(fb.trust, bins),
                                 factor_bin_unit(fb.stakes, bins),
                                 factor_bin_unit(fb.orientation, bins),
                                 relation_bin(s.relation, pc.relation_bin_scale, bins)};
  static_assert(kBinned_trust_A == 0 && kBinned_orientation_B == 5 && kBinned_relation == 6, "binned axis order");
  const I transition = from * I(kPairStates) + to;
  I index[kPeriodCounts];
  index[0] = I(static_cast<int32_t>(lay.transitions)) + transition;
  for (int32_t axis = 0; axis < kBinnedFactors; ++axis)
    index[1 + axis] = I(static_cast<int32_t>(lay.transitions_by_bin)) +
                      (I(axis * bins) + bin[axis]) * I(kPairStates * kPairStates) + transition;
  index[1 + kBinnedFactors] = I(static_cast<int32_t>(lay.occupancy)) + t * I(kPairStates) + from;
  sink.count_period(index);
  sink.trajectory_row(t,
                      TrajectoryRowT<F, I>{from, s.a.x, s.b.x, fa.trust, fb.trust, fa.stakes, fb.stakes, fa.orientation,
                                           fb.orientation, s.relation, power_a, s.a.suspicion, s.b.suspicion});
}

}  // namespace learnrace
