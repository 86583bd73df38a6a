// Headline numbers of a run, per sweep point, computed from the integer counts alone (no HDF5):
// what `learnrace info` and `learnrace run` print.
#pragma once

#include <array>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "output_layout.hpp"
#include "params.hpp"
#include "run_result.hpp"

namespace learnrace {

/// Sample median of the dyad durations, read off the duration histogram [cause][0..T].
///
/// Durations are integers, so the histogram holds every dyad's exact value: with N dyads sorted by
/// duration the median is x_((N+1)/2) for odd N and the midpoint (x_(N/2) + x_(N/2+1)) / 2 for even
/// N (so it can end in .5); ties need no interpolation. Censored dyads (cause 0) enter with the
/// duration they were observed for (always T: the only censoring is the horizon) and sort after the
/// dyads that ended at the same duration. If an order statistic the median uses is censored, the
/// true median is larger than `value` and `censored` is set (printed as ">value"). Because all
/// censoring is at T, an uncensored median equals the Kaplan-Meier median.
struct MedianDuration {
  double value = 0.0;     // NaN when there are no dyads
  bool censored = false;  // true: the median lies beyond the horizon, `value` is a strict lower bound
};
MedianDuration median_duration(const OutputLayout& layout, const uint64_t* counts);

/// Mean of a summary moment: the fixed-point sum (int64 stored in a uint64 word) / 2^20 / dyads.
/// NaN when no dyads were simulated.
double moment_mean(const OutputLayout& layout, const uint64_t* counts, Moment moment);

struct PointHeadline {
  std::string name;
  uint64_t dyads = 0;         // dyads simulated (the `dyads` count)
  uint64_t dyad_periods = 0;  // sum over dyads of periods lived = sum of duration * count
  /// Share of dyads by termination cause (Cause code); share[Censored] = still allied at the horizon.
  /// Shares of `dyads`; NaN when dyads == 0.
  std::array<double, kCauses> share{};
  double dissolved = 0.0;  // 1 - share[Censored]
  MedianDuration median;
  double mean_abs_asymmetry = 0.0;  // mean |learning asymmetry| at the end
  double mean_power_shift = 0.0;    // mean P_A(end) - P_A(0)
};

PointHeadline point_headline(const OutputLayout& layout, const uint64_t* counts, const std::string& name);
/// One entry per point of the result (names from result.point_names, or "point i" when absent).
std::vector<PointHeadline> headlines(const RunResult& result);

/// Compact aligned table, one row per point, and a one-line legend.
void print_headlines(const RunResult& result, std::ostream& out);
void print_headlines(const std::vector<PointHeadline>& rows, std::ostream& out);

}  // namespace learnrace
