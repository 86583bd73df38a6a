// The flat count layout (kernels/output_layout.hpp) that the HDF5 writer and the Python reader
// slice: sections contiguous and non-overlapping in the documented order, index helpers inside
// their section, histogram binning at the edges, fixed-point moments.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "output_layout.hpp"
#include "simulate_dyad.hpp"

namespace learnrace {
namespace {

TEST(OutputLayout, SectionsAreContiguousInDocumentedOrder) {
  ModelParams p = default_params();
  p.periods = 17;
  p.factor_bins = 3;
  p.hist_bins = 11;
  const OutputLayout l = OutputLayout::make(p);
  EXPECT_EQ(l.transitions, 0u);
  EXPECT_EQ(l.transitions_by_bin, 625u);
  EXPECT_EQ(l.occupancy, l.transitions_by_bin + uint64_t{kBinnedFactors} * 3u * 625u);
  EXPECT_EQ(l.period_end, l.occupancy + 17u * 25u);
  EXPECT_EQ(l.duration, l.period_end);
  EXPECT_EQ(l.hist_asymmetry, l.duration + 7u * 18u);
  EXPECT_EQ(l.hist_power_shift, l.hist_asymmetry + 11u);
  EXPECT_EQ(l.hist_joint, l.hist_power_shift + 11u);
  EXPECT_EQ(l.moments, l.hist_joint + 11u);
  EXPECT_EQ(l.dyads, l.moments + 2u * kMoments);
  EXPECT_EQ(l.total, l.dyads + 1u);
  // Index helpers: first and last cell of each section.
  EXPECT_EQ(l.transition_index(24, 24), l.transitions_by_bin - 1);
  EXPECT_EQ(l.binned_index(0, 0, 0, 0), l.transitions_by_bin);
  EXPECT_EQ(l.binned_index(kBinnedFactors - 1, 2, 24, 24), l.occupancy - 1);
  EXPECT_EQ(l.occupancy_index(16, 24), l.period_end - 1);
  EXPECT_EQ(l.duration_index(6, 17), l.hist_asymmetry - 1);
}

TEST(OutputLayout, HistogramBinEdges) {
  // [lo, hi) in n bins; below lo and NaN -> bin 0, at or above hi -> bin n - 1.
  EXPECT_EQ(histogram_bin(-1.0f, -1.0f, 1.0f, 40), 0);
  EXPECT_EQ(histogram_bin(-2.0f, -1.0f, 1.0f, 40), 0);
  EXPECT_EQ(histogram_bin(std::numeric_limits<float>::quiet_NaN(), -1.0f, 1.0f, 40), 0);
  EXPECT_EQ(histogram_bin(0.0f, -1.0f, 1.0f, 40), 20);
  EXPECT_EQ(histogram_bin(0.999f, -1.0f, 1.0f, 40), 39);
  EXPECT_EQ(histogram_bin(1.0f, -1.0f, 1.0f, 40), 39);
  EXPECT_EQ(histogram_bin(1.0e30f, -1.0f, 1.0f, 40), 39);
  EXPECT_EQ(histogram_bin(0.25f, 0.0f, 1.0f, 4), 1);  // factor bins: equal width on [0, 1)
  EXPECT_EQ(histogram_bin(0.2499f, 0.0f, 1.0f, 4), 0);
  // Beyond int32 the float-to-int conversion is undefined (x86 and CUDA disagree): the end bin, tested first.
  EXPECT_EQ(histogram_bin(std::numeric_limits<float>::infinity(), -1.0f, 1.0f, 40), 39);
  EXPECT_EQ(bin_of_scaled(3.0e9f, 4), 3);
  EXPECT_EQ(bin_of_scaled(-3.0e9f, 4), 0);
}

TEST(OutputLayout, RelationBinsByTheRunsScale) {
  // R on [0, relation_bin_max) in factor_bins bins, the last one open: R * (bins / max), as the engine uses it.
  const ModelParams p = default_params();  // 4 bins up to 20
  const float scale = point_constants(p).relation_bin_scale;
  EXPECT_EQ(scale, 0.2f);
  EXPECT_EQ(relation_bin(0.0f, scale, p.factor_bins), 0);
  EXPECT_EQ(relation_bin(4.99f, scale, p.factor_bins), 0);
  EXPECT_EQ(relation_bin(5.0f, scale, p.factor_bins), 1);
  EXPECT_EQ(relation_bin(19.99f, scale, p.factor_bins), 3);
  EXPECT_EQ(relation_bin(20.0f, scale, p.factor_bins), 3);
  EXPECT_EQ(relation_bin(1.0e38f, scale, p.factor_bins), 3);
  EXPECT_EQ(relation_bin(std::numeric_limits<float>::quiet_NaN(), scale, p.factor_bins), 0);
}

TEST(OutputLayout, FixedPointMoments) {
  // value * 2^20, truncated toward zero; wrap-around uint64 sums are the int64 sums.
  EXPECT_EQ(to_fixed_point(1.0f), 1048576);
  EXPECT_EQ(to_fixed_point(-0.5f), -524288);
  EXPECT_EQ(to_fixed_point(1.0f / 1048576.0f), 1);
  EXPECT_EQ(to_fixed_point(-0.9f / 1048576.0f), 0);
  uint64_t sum = 0;
  for (float v : {0.25f, -0.75f, -0.5f}) sum += static_cast<uint64_t>(to_fixed_point(v));
  EXPECT_EQ(static_cast<int64_t>(sum), -1048576);
}

}  // namespace
}  // namespace learnrace
