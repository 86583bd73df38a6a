// Layout of the per-point output: one flat array of 64-bit integer counts (docs/model.md section 13).
// Integer addition is associative, so merged results do not depend on thread count, chunking or
// backend. Sections updated every dyad-period come first (the CUDA backend keeps them in shared
// memory); sections updated once per dyad follow.
#pragma once

#include "params.hpp"
#include "strategy.hpp"

namespace learnrace {

// Summary moments, stored as fixed-point sums (value * 2^20 truncated to int64) and sums of squares.
enum Moment : int32_t {
  MomentAsymmetry = 0,
  MomentAbsAsymmetry,
  MomentPowerShift,
  MomentJointLearning,
  MomentGainA,
  MomentGainB,
  MomentXA,
  MomentXB,
  MomentFinalTrustA,
  MomentFinalTrustB,
  kMoments
};

// Bargaining power over a dyad's life (Hamel 2a): [2][3] counts, every dyad once per row. Row 0: who gained power
// (A, B, neither); row 1: reversal of dependence, P_A crossing 1/2 (to A, to B, none).
enum PowerOutcome : int32_t { PowerToA = 0, PowerToB = 1, PowerNeither = 2, kPowerColumns = 3 };
constexpr int32_t kPowerGainedRow = 0;
constexpr int32_t kPowerReversalRow = 1;
constexpr int32_t kPowerOutcomes = 2 * kPowerColumns;
constexpr float kFixedPointScale = 1048576.0f;  // 2^20

struct OutputLayout {
  int32_t periods = 0;
  int32_t factor_bins = 0;
  int32_t hist_bins = 0;
  // Offsets (in uint64 words) of each section.
  uint64_t transitions = 0;         // [25][25] from pair state at t to t+1, every live dyad-period
  uint64_t transitions_by_bin = 0;  // [kBinnedAxes][B][25][25], factor value at t
  uint64_t occupancy = 0;           // [T][25] live dyads per period and pair state
  uint64_t period_end = 0;          // end of the per-dyad-period sections
  uint64_t duration = 0;            // [7 causes][T + 1] dyads by termination cause and duration
  uint64_t hist_asymmetry = 0;      // [H] final learning asymmetry on [-1, 1]
  uint64_t hist_power_shift = 0;    // [H] P_A(end) - P_A(0) on [-1, 1]
  uint64_t hist_joint = 0;          // [H] G_A + G_B on [0, joint_max] (last bin open)
  uint64_t power_outcomes = 0;      // [2][3] who gained power; reversals (PowerOutcome)
  uint64_t moments = 0;             // [kMoments][2] int64 fixed point: sum, sum of squares
  uint64_t dyads = 0;               // [1] dyads simulated
  uint64_t total = 0;

  LR_HD static OutputLayout make(const ModelParams& p) {
    OutputLayout l;
    l.periods = p.periods;
    l.factor_bins = p.factor_bins;
    l.hist_bins = p.hist_bins;
    uint64_t o = 0;
    l.transitions = o;
    o += kPairStates * kPairStates;
    l.transitions_by_bin = o;
    o += static_cast<uint64_t>(kBinnedAxes) * p.factor_bins * kPairStates * kPairStates;
    l.occupancy = o;
    o += static_cast<uint64_t>(p.periods) * kPairStates;
    l.period_end = o;
    l.duration = o;
    o += static_cast<uint64_t>(kCauses) * (p.periods + 1);
    l.hist_asymmetry = o;
    o += p.hist_bins;
    l.hist_power_shift = o;
    o += p.hist_bins;
    l.hist_joint = o;
    o += p.hist_bins;
    l.power_outcomes = o;
    o += kPowerOutcomes;
    l.moments = o;
    o += 2 * kMoments;
    l.dyads = o;
    o += 1;
    l.total = o;
    return l;
  }

  LR_HD uint64_t transition_index(int32_t from, int32_t to) const { return transitions + from * kPairStates + to; }
  LR_HD uint64_t binned_index(int32_t factor, int32_t bin, int32_t from, int32_t to) const {
    return transitions_by_bin + (static_cast<uint64_t>(factor * factor_bins + bin) * kPairStates + from) * kPairStates +
           to;
  }
  LR_HD uint64_t occupancy_index(int32_t period, int32_t pair) const {
    return occupancy + static_cast<uint64_t>(period) * kPairStates + pair;
  }
  LR_HD uint64_t duration_index(int32_t cause, int32_t length) const {
    return duration + static_cast<uint64_t>(cause) * (periods + 1) + length;
  }
};

/// Bin of a value already scaled to bin units (v n / (hi - lo) for [lo, hi)); outside values land in the
/// end bins. The upper test comes before the conversion, which is undefined (and differs between the
/// CPU and CUDA) for floats beyond int32.
LR_HD LR_INLINE int32_t bin_of_scaled(float scaled, int32_t n) {
  if (!(scaled > 0.0f)) return 0;  // also catches NaN
  return scaled < static_cast<float>(n) ? static_cast<int32_t>(scaled) : n - 1;
}

/// Histogram bin of v on [lo, hi) with n bins; values outside land in the end bins.
LR_HD LR_INLINE int32_t histogram_bin(float v, float lo, float hi, int32_t n) {
  // lr_div_pos: the bin is the same for any hi - lo (a zero numerator lands in bin 0 either way).
  return bin_of_scaled(lr_div_pos(v - lo, hi - lo) * static_cast<float>(n), n);
}

LR_HD LR_INLINE int64_t to_fixed_point(float v) { return static_cast<int64_t>(v * kFixedPointScale); }

}  // namespace learnrace
