// The propositional kernel (docs/model.md section 11) through full runs: the P1-P9 table with known
// move probabilities (beta = 0), and planted moderator effects recovered from the binned
// transition counts (what the Python proposition tests will read).
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "fastmath.hpp"
#include "test_helpers.hpp"

namespace learnrace {
namespace {

using test::categorical_dist;
using test::fixed_dist;
using test::two_param_dist;

// ---------------------------------------------------------------------------------------------
// The table of docs/model.md section 11, written out for all 25 ORDERED pair states:
// empowering destination (if a proposition applies) and barrier destination(s). COL,COL has two
// barrier destinations (which firm turns to CPT), each taken with half the barrier probability.
struct Row {
  Strategy a, b;
  bool empowers;
  Strategy emp_a, emp_b;
  Strategy bar_a, bar_b;
  Strategy bar2_a, bar2_b;  // = bar_a, bar_b unless the barrier move has two variants
};
constexpr Strategy AVO = Avoidance, ACC = Accommodation, CPR = Compromise, CPT = Competition, COL = Collaboration;
constexpr Row kTable[kPairStates] = {
    {AVO, AVO, false, AVO, AVO, AVO, AVO, AVO, AVO},  // (AVO,AVO): stays -> disintegration
    {AVO, ACC, false, AVO, ACC, AVO, AVO, AVO, AVO},  // X,AVO: X -> AVO (P5)
    {AVO, CPR, false, AVO, CPR, AVO, AVO, AVO, AVO},  // P5
    {AVO, CPT, false, AVO, CPT, AVO, AVO, AVO, AVO},  // P5
    {AVO, COL, false, AVO, COL, AVO, AVO, AVO, AVO},  // P5
    {ACC, AVO, false, ACC, AVO, AVO, AVO, AVO, AVO},  // P5
    {ACC, ACC, true, CPR, CPR, ACC, ACC, ACC, ACC},   // P6b both -> CPR; barrier: stay (P4)
    {ACC, CPR, true, CPR, CPR, AVO, CPR, AVO, CPR},   // P6b ACC -> CPR; P3b ACC -> AVO
    {ACC, CPT, false, ACC, CPT, AVO, CPT, AVO, CPT},  // none; P2b ACC -> AVO
    {ACC, COL, true, COL, COL, AVO, COL, AVO, COL},   // P6a ACC -> COL; P1b ACC -> AVO
    {CPR, AVO, false, CPR, AVO, AVO, AVO, AVO, AVO},  // P5
    {CPR, ACC, true, CPR, CPR, CPR, AVO, CPR, AVO},   // P6b; P3b
    {CPR, CPR, true, COL, COL, CPR, CPR, CPR, CPR},   // P8 both -> COL; barrier: stay (P3a)
    {CPR, CPT, true, CPR, CPR, CPT, CPT, CPT, CPT},   // P7b CPT -> CPR; P2a CPR -> CPT
    {CPR, COL, true, COL, COL, CPT, COL, CPT, COL},   // P8 both -> COL; P1a CPR -> CPT
    {CPT, AVO, false, CPT, AVO, AVO, AVO, AVO, AVO},  // P5
    {CPT, ACC, false, CPT, ACC, CPT, AVO, CPT, AVO},  // none; P2b
    {CPT, CPR, true, CPR, CPR, CPT, CPT, CPT, CPT},   // P7b; P2a
    {CPT, CPT, true, CPR, CPR, AVO, AVO, AVO, AVO},   // P7b both -> CPR; P2b both -> AVO
    {CPT, COL, true, CPR, CPR, CPT, CPT, CPT, CPT},   // P7a both -> CPR; P2a COL -> CPT
    {COL, AVO, false, COL, AVO, AVO, AVO, AVO, AVO},  // P5
    {COL, ACC, true, COL, COL, COL, AVO, COL, AVO},   // P6a; P1b
    {COL, CPR, true, COL, COL, COL, CPT, COL, CPT},   // P8; P1a
    {COL, CPT, true, CPR, CPR, CPT, CPT, CPT, CPT},   // P7a; P2a
    {COL, COL, true, COL, COL, CPT, COL, COL, CPT},   // P9 both stay COL; P1a one firm -> CPT
};

TEST(PropositionalKernel, TableRatesWithKnownEmpowermentProbability) {
  // beta = 0 everywhere and b0 = -1: p_emp = sigmoid(-1) = 0.269 where a proposition applies, else
  // 0; the barrier move fires with probability (1 - p_emp) p_barrier (p_barrier = 0.3), else the
  // pair stays. No exploration. One period per dyad from a uniform initial pair state: 200000
  // dyads, about 8000 per state. Every destination's share is within 5 binomial SE of its
  // probability (about 0.025 absolute at most; 60 checks, family-wise false alarm for a correct
  // kernel under another seed < 5e-5); impossible destinations have exactly zero counts.
  ModelParams p = default_params();
  p.periods = 1;
  p.epsilon = 0.0f;
  p.p_barrier = 0.3f;
  for (auto& b : p.beta) {
    b.b0 = -1.0f;
    for (float& k : b.beta) k = 0.0f;
  }
  p.trajectory_max = 0;
  const uint64_t n_dyads = 200000;
  const RunResult r = test::run_points({p}, n_dyads);
  const test::Counts c = test::counts_of(r, 0);
  ASSERT_EQ(c.total_transitions(), n_dyads);
  const double p_emp = lr_sigmoid(-1.0f);
  int checks = 0;
  for (const Row& row : kTable) {
    const int32_t from = pair_index(row.a, row.b);
    const double pe = row.empowers ? p_emp : 0.0;
    const double pb = (1.0 - pe) * p.p_barrier;
    std::map<int32_t, double> expected;
    if (row.empowers) expected[pair_index(row.emp_a, row.emp_b)] += pe;
    expected[pair_index(row.bar_a, row.bar_b)] += 0.5 * pb;
    expected[pair_index(row.bar2_a, row.bar2_b)] += 0.5 * pb;
    expected[from] += (1.0 - pe) * (1.0 - p.p_barrier);
    const double n = static_cast<double>(c.row(from));
    ASSERT_GT(n, 7000.0) << "initial pair states are uniform";
    const std::string where = std::string(strategy_code(row.a)) + "," + strategy_code(row.b);
    for (int32_t to = 0; to < kPairStates; ++to) {
      const auto it = expected.find(to);
      const uint64_t count = c.transition(from, to);
      if (it == expected.end()) {
        EXPECT_EQ(count, 0u) << where << " -> " << to << " is not a move of the table";
      } else if (it->second >= 1.0 - 1e-12) {
        EXPECT_EQ(count, c.row(from)) << where << " always goes to " << to;
      } else {
        EXPECT_NEAR(count / n, it->second, 5.0 * test::binomial_se(it->second, n)) << where << " -> " << to;
        ++checks;
      }
    }
  }
  EXPECT_EQ(checks, 60);
}

// ---------------------------------------------------------------------------------------------
// Planted moderator effects.

struct BinRate {
  double rate, se, n;
};

/// Share of the transitions out of `from` that go to `to`, per bin of `factor`.
std::vector<BinRate> rates_by_bin(const test::Counts& c, int32_t factor, int32_t from, int32_t to) {
  std::vector<BinRate> out;
  for (int32_t b = 0; b < c.l.factor_bins; ++b) {
    const double n = static_cast<double>(c.binned_row(factor, b, from));
    const double rate = n > 0 ? c.binned(factor, b, from, to) / n : 0.0;
    out.push_back({rate, n > 0 ? test::binomial_se(rate, n) : 1.0, n});
  }
  return out;
}

/// Dyads start in (s, s), the factor's initial logit is Normal(0, 1.5) so all four bins fill, and
/// only `prop` has a nonzero slope (`slope` on `factor`).
ModelParams planted(Strategy s, Proposition prop, Factor factor, float slope) {
  ModelParams p = default_params();
  p.periods = 12;
  p.epsilon = 0.0f;
  p.hazard = 0.0f;
  p.init_strategy[0] = fixed_dist(static_cast<float>(s));
  p.init_strategy[1] = fixed_dist(static_cast<float>(s));
  p.init_factor[factor] = two_param_dist(DistKind::LogitNormal, 0.0f, 1.5f);
  for (auto& b : p.beta) {
    b.b0 = -1.0f;
    for (float& k : b.beta) k = 0.0f;
  }
  p.beta[prop].beta[factor] = slope;
  p.trajectory_max = 0;
  return p;
}

/// Planted slope: the rate rises across the four bins, each step by more than 4 SE of the
/// difference. Null (slope 0): every bin's rate within 4 SE of sigmoid(b0) (4 bins; a correct
/// kernel fails with probability < 3e-4 under another seed).
void expect_planted_effect(Strategy s, Proposition prop, Factor factor, Strategy to_s) {
  const uint64_t dyads = 20000;
  const RunResult r = test::run_points({planted(s, prop, factor, 3.0f), planted(s, prop, factor, 0.0f)}, dyads);
  const int32_t from = pair_index(s, s), to = pair_index(to_s, to_s);
  const std::vector<BinRate> effect = rates_by_bin(test::counts_of(r, 0), factor, from, to);
  const std::vector<BinRate> null = rates_by_bin(test::counts_of(r, 1), factor, from, to);
  for (size_t b = 0; b < effect.size(); ++b) {
    ASSERT_GT(effect[b].n, 1000.0) << "bin " << b << " is nearly empty";
    ASSERT_GT(null[b].n, 1000.0) << "bin " << b << " is nearly empty";
  }
  for (size_t b = 0; b + 1 < effect.size(); ++b) {
    const double se = std::sqrt(effect[b].se * effect[b].se + effect[b + 1].se * effect[b + 1].se);
    EXPECT_GT(effect[b + 1].rate - effect[b].rate, 4.0 * se)
        << "bins " << b << " -> " << b + 1 << ": " << effect[b].rate << " vs " << effect[b + 1].rate;
  }
  const double base = lr_sigmoid(-1.0f);
  for (size_t b = 0; b < null.size(); ++b)
    EXPECT_NEAR(null[b].rate, base, 4.0 * test::binomial_se(base, null[b].n)) << "null, bin " << b;
}

TEST(PropositionalKernel, PlantedStakesSlopeOnP8) {
  // P8: (CPR,CPR) -> (COL,COL) with probability sigmoid(b0 + beta_S z_S); rising with stakes.
  expect_planted_effect(Compromise, P8, Stakes, Collaboration);
}

TEST(PropositionalKernel, PlantedTrustSlopeOnP7b) {
  // P7b: (CPT,CPT) -> (CPR,CPR) with probability sigmoid(b0 + beta_T z_T); rising with trust.
  expect_planted_effect(Competition, P7b, Trust, Compromise);
}

TEST(PropositionalKernel, ExplorationReplacesAStrategyUniformly) {
  // epsilon = 1 (u < 1 always) and no other move: each firm's next strategy is uniform on the
  // five, so from (COL,COL) every destination has probability 1/25 (20000 dyads x 1 period,
  // each share within 5 binomial SE).
  ModelParams p = test::frozen_params(Collaboration, Collaboration);
  p.periods = 1;
  p.epsilon = 1.0f;
  const uint64_t n = 20000;
  const RunResult r = test::run_points({p}, n);
  const test::Counts c = test::counts_of(r, 0);
  const int32_t from = pair_index(Collaboration, Collaboration);
  for (int32_t to = 0; to < kPairStates; ++to)
    EXPECT_NEAR(c.transition(from, to) / static_cast<double>(n), 0.04, 5.0 * test::binomial_se(0.04, n)) << to;
}

}  // namespace
}  // namespace learnrace
