// Shared helpers of the GoogleTest suite: distributions, small configurations built in code (no
// TOML), a run wrapper and named views of the flat count array (OutputLayout).
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <string>
#include <vector>

#include "driver.hpp"
#include "output_layout.hpp"
#include "params.hpp"
#include "strategy.hpp"

namespace learnrace::test {

inline Distribution fixed_dist(float v) {
  Distribution d;
  d.kind = DistKind::Fixed;
  d.a = v;
  return d;
}
inline Distribution two_param_dist(DistKind kind, float a, float b) {
  Distribution d;
  d.kind = kind;
  d.a = a;
  d.b = b;
  return d;
}
inline Distribution categorical_dist(std::initializer_list<float> p) {
  Distribution d;
  d.kind = DistKind::Categorical;
  for (float v : p) d.p[d.n++] = v;
  return d;
}

/// Probability that is exactly 0 for every u01_open draw: sigmoid(-1e4) = 1 / (1 + e^88) ~ 6e-39
/// (lr_exp clamps its argument at 88), far below the smallest uniform 2^-25 ~ 3e-8.
constexpr float kNeverLogit = -1.0e4f;

/// A point whose strategies never change: propositional kernel with no empowering move (b0 very
/// negative), no barrier move, no counter-move and no exploration; no exogenous hazard.
inline ModelParams frozen_params(int32_t strategy_a, int32_t strategy_b) {
  ModelParams p = default_params();
  p.kernel = KernelType::Propositional;
  p.init_strategy[0] = fixed_dist(static_cast<float>(strategy_a));
  p.init_strategy[1] = fixed_dist(static_cast<float>(strategy_b));
  for (auto& b : p.beta) {
    b.b0 = kNeverLogit;
    for (float& k : b.beta) k = 0.0f;
  }
  p.barrier = BarrierBeta{kNeverLogit, 0.0f, 0.0f, 0.0f, 0.0f};
  p.p_avoid = 0.0f;
  p.p_counter = 0.0f;
  p.epsilon = 0.0f;
  p.hazard = 0.0f;
  p.trajectory_max = 0;
  return p;
}

/// Runs the points (CPU backend unless told; point_key = point index unless keep_keys).
inline RunResult run_points(std::vector<ModelParams> points, uint64_t dyads, int threads = 2, uint64_t chunk = 0,
                            bool keep_keys = false, BackendKind backend = BackendKind::Cpu) {
  RunConfig config;
  for (size_t i = 0; i < points.size(); ++i) {
    if (!keep_keys) points[i].point_key = static_cast<uint32_t>(i);
    config.point_names.push_back("point" + std::to_string(i));
  }
  config.points = points;
  config.dyads = dyads;
  config.chunk_dyads = chunk ? chunk : dyads;
  DriverOptions options;
  options.backend = backend;
  options.threads = threads;
  return run_experiment(config, options);
}

/// Named read access to one point's counts.
struct Counts {
  const OutputLayout& l;
  const uint64_t* c;  // l.total words

  uint64_t transition(int32_t from, int32_t to) const { return c[l.transition_index(from, to)]; }
  uint64_t binned(int32_t factor, int32_t bin, int32_t from, int32_t to) const {
    return c[l.binned_index(factor, bin, from, to)];
  }
  uint64_t occupancy(int32_t t, int32_t pair) const { return c[l.occupancy_index(t, pair)]; }
  uint64_t duration(int32_t cause, int32_t length) const { return c[l.duration_index(cause, length)]; }
  uint64_t dyads() const { return c[l.dyads]; }
  /// Sum over the transitions out of `from` (all destinations).
  uint64_t row(int32_t from) const {
    uint64_t s = 0;
    for (int32_t to = 0; to < kPairStates; ++to) s += transition(from, to);
    return s;
  }
  uint64_t binned_row(int32_t factor, int32_t bin, int32_t from) const {
    uint64_t s = 0;
    for (int32_t to = 0; to < kPairStates; ++to) s += binned(factor, bin, from, to);
    return s;
  }
  uint64_t total_transitions() const {
    uint64_t s = 0;
    for (int32_t from = 0; from < kPairStates; ++from) s += row(from);
    return s;
  }
  uint64_t total_duration() const {
    uint64_t s = 0;
    for (int32_t cause = 0; cause < kCauses; ++cause)
      for (int32_t d = 0; d <= l.periods; ++d) s += duration(cause, d);
    return s;
  }
};

inline Counts counts_of(const RunResult& r, int32_t point) {
  EXPECT_TRUE(point >= 0 && point < r.n_points) << "point " << point;
  return Counts{r.layout, r.point_counts(point)};
}
Counts counts_of(RunResult&& r, int32_t point) = delete;  // Counts would dangle: keep the RunResult

/// A copy of one point's count words (to compare points with ==).
inline std::vector<uint64_t> point_counts(const RunResult& r, int32_t point) {
  EXPECT_TRUE(point >= 0 && point < r.n_points) << "point " << point;
  const uint64_t* c = r.point_counts(point);
  return std::vector<uint64_t>(c, c + r.layout.total);
}

/// Bitwise equality of two vectors (NaN == NaN when the bits agree).
template <class T>
bool same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

/// Bitwise equality of n elements (either pointer may be null when n == 0).
template <class T>
bool same_bits(const T* a, const T* b, size_t n) {
  return n == 0 || std::memcmp(a, b, n * sizeof(T)) == 0;
}

/// Every trajectory array of a point (each field of the output schema registry), bitwise; the name of the first
/// that differs ("" if none).
inline std::string first_trajectory_difference(const TrajectoryView& a, const TrajectoryView& b) {
  if (a.slots != b.slots || a.periods != b.periods) return "shape";
  const size_t k = static_cast<size_t>(a.slots), rows = k * static_cast<size_t>(a.periods);
#define LR_X(member, name, store, record, fill, doc) \
  if (!same_bits(a.member, b.member, rows)) return #member;
  LR_TRAJECTORY_PERIOD_FIELDS(LR_X)
#undef LR_X
#define LR_X(member, name, store, record, fill, doc) \
  if (!same_bits(a.member, b.member, k)) return #member;
  LR_TRAJECTORY_DYAD_FIELDS(LR_X)
#undef LR_X
  return "";
}

/// Every point's counts and trajectories of `r` equal `ref`'s bit for bit (gtest failures name `what` and the point).
inline void expect_same_results(const RunResult& r, const RunResult& ref, const std::string& what) {
  ASSERT_EQ(r.n_points, ref.n_points) << what;
  for (int32_t i = 0; i < r.n_points; ++i) {
    EXPECT_TRUE(point_counts(r, i) == point_counts(ref, i)) << what << ": counts of point " << i;
    EXPECT_EQ(first_trajectory_difference(r.trajectories.point(i), ref.trajectories.point(i)), "")
        << what << ": trajectories of point " << i;
  }
}

/// Standard error of a binomial proportion p estimated from n trials.
inline double binomial_se(double p, double n) { return std::sqrt(p * (1.0 - p) / n); }

}  // namespace learnrace::test
