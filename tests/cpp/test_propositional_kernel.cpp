// The propositional kernel (docs/model.md section 11) through full runs: the P1-P9 table with known
// move probabilities (slopes 0), each firm's moves driven by its OWN factors, joint moves by the less
// favourable firm, factor-driven barriers, and the counter-move of a firm that has detected exploitation.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "fastmath.hpp"
#include "test_helpers.hpp"

namespace learnrace {
namespace {

using test::fixed_dist;
using test::two_param_dist;

constexpr Strategy AVO = Avoidance, ACC = Accommodation, CPR = Compromise, CPT = Competition, COL = Collaboration;

// ---------------------------------------------------------------------------------------------
// The table of docs/model.md section 11, restated here independently of kernels/proposition_table.hpp, for the
// unordered pairs (x, y): the empowering destination of each firm (if a proposition applies) and where each firm
// goes on its own barrier move (itself when it has none).
struct Rule {
  Strategy x, y;
  bool empowers;
  Strategy emp_x, emp_y;
  Strategy bar_x, bar_y;
};
constexpr Rule kRules[] = {
    {AVO, AVO, false, AVO, AVO, AVO, AVO},  // disintegration
    {AVO, ACC, false, AVO, ACC, AVO, AVO},  // P5: the partner of an avoider follows
    {AVO, CPR, false, AVO, CPR, AVO, AVO},  // P5
    {AVO, CPT, false, AVO, CPT, AVO, AVO},  // P5
    {AVO, COL, false, AVO, COL, AVO, AVO},  // P5
    {ACC, ACC, true, CPR, CPR, ACC, ACC},   // P6b both -> CPR; barrier: stay (P4)
    {ACC, CPR, true, CPR, CPR, AVO, CPR},   // P6b ACC -> CPR; P3b ACC -> AVO
    {ACC, CPT, false, ACC, CPT, AVO, CPT},  // none; P2b ACC -> AVO
    {ACC, COL, true, COL, COL, AVO, COL},   // P6a ACC -> COL; P1b ACC -> AVO
    {CPR, CPR, true, COL, COL, CPR, CPR},   // P8 both -> COL; barrier: stay (P3a)
    {CPR, CPT, true, CPR, CPR, CPT, CPT},   // P7b CPT -> CPR; P2a CPR -> CPT
    {CPR, COL, true, COL, COL, CPT, COL},   // P8 both -> COL; P1a CPR -> CPT
    {CPT, CPT, true, CPR, CPR, AVO, AVO},   // P7b both -> CPR; P2b each -> AVO
    {CPT, COL, true, CPR, CPR, CPT, CPT},   // P7a both -> CPR; P2a COL -> CPT
    {COL, COL, true, COL, COL, CPT, CPT},   // P9 both stay COL; P1a each -> CPT ("strike first")
};

/// Expected next-pair distribution from the ordered pair (a, b) when the empowering move has probability pe
/// (pe_moderation from (CPR, CPR)) and each firm's barrier move, independently, probability pb, or pb_tempted for a
/// move to Competition facing a Collaboration partner (temptation, model v3: the partner's transparency level is 1;
/// facing Compromise it would be 0.5, but no barrier move to Competition faces a compromiser).
std::map<int32_t, double> expected_moves(Strategy a, Strategy b, double pe, double pb, double pe_moderation = -1,
                                         double pb_tempted = -1) {
  if (pe_moderation < 0) pe_moderation = pe;
  if (pb_tempted < 0) pb_tempted = pb;
  for (const Rule& r : kRules) {
    const bool direct = r.x == a && r.y == b, mirrored = r.x == b && r.y == a;
    if (!direct && !mirrored) continue;
    const Strategy emp_a = direct ? r.emp_x : r.emp_y, emp_b = direct ? r.emp_y : r.emp_x;
    const Strategy bar_a = direct ? r.bar_x : r.bar_y, bar_b = direct ? r.bar_y : r.bar_x;
    const double e = !r.empowers ? 0.0 : (a == CPR && b == CPR) ? pe_moderation : pe;
    std::map<int32_t, double> out;
    if (r.empowers) out[pair_index(emp_a, emp_b)] += e;
    const auto q = [&](Strategy self, Strategy partner, Strategy to) {
      return to == self ? 0.0 : (to == CPT && partner == COL) ? pb_tempted : pb;
    };
    const double qa = q(a, b, bar_a), qb = q(b, a, bar_b);
    out[pair_index(bar_a, bar_b)] += (1 - e) * qa * qb;
    out[pair_index(bar_a, b)] += (1 - e) * qa * (1 - qb);
    out[pair_index(a, bar_b)] += (1 - e) * (1 - qa) * qb;
    out[pair_index(a, b)] += (1 - e) * (1 - qa) * (1 - qb);
    return out;
  }
  ADD_FAILURE() << "no rule for " << a << "," << b;
  return {};
}

/// One period per dyad from a uniform pair state; slopes 0, no exploration, no counter-moves.
ModelParams table_params(float p_emp_logit, float p_bar) {
  ModelParams p = default_params();
  p.periods = 1;
  p.epsilon = 0.0f;
  p.p_counter = 0.0f;
  for (auto& b : p.beta) {
    b.b0 = p_emp_logit;
    for (float& k : b.beta) k = 0.0f;
  }
  p.barrier = BarrierBeta{lr_logit(p_bar), 0.0f, 0.0f, 0.0f, 0.0f, 0.0f};
  p.p8_b0_moderation = p_emp_logit;
  p.p_avoid = p_bar;
  p.init_strategy[FirmA] = test::categorical_dist({0.2f, 0.2f, 0.2f, 0.2f, 0.2f});
  p.init_strategy[FirmB] = test::categorical_dist({0.2f, 0.2f, 0.2f, 0.2f, 0.2f});
  p.trajectory_max = 0;
  return p;
}

TEST(PropositionalKernel, TableRatesWithKnownProbabilities) {
  // p_emp = sigmoid(-1) = 0.269 where a proposition applies (for joint moves the min of two equal predictors),
  // each firm's barrier 0.3 on its own (P5 too, via p_avoid). 200000 dyads, about 8000 per ordered state. Every
  // destination's share is within 5 binomial SE of its probability (family-wise false alarm for a correct kernel
  // under another seed < 1e-4 over the checks); impossible destinations have exactly zero counts.
  const ModelParams p = table_params(-1.0f, 0.3f);
  const uint64_t n_dyads = 200000;
  const RunResult r = test::run_points({p}, n_dyads);
  const test::Counts c = test::counts_of(r, 0);
  ASSERT_EQ(c.total_transitions(), n_dyads);
  const double pe = lr_sigmoid(-1.0f), pb = lr_sigmoid(lr_logit(0.3f));
  int checks = 0;
  for (int32_t from = 0; from < kPairStates; ++from) {
    const Strategy a = static_cast<Strategy>(from / kStrategies), b = static_cast<Strategy>(from % kStrategies);
    const std::map<int32_t, double> expected = expected_moves(a, b, pe, pb);
    const double n = static_cast<double>(c.row(from));
    ASSERT_GT(n, 7000.0) << "initial pair states are uniform";
    const std::string where = std::string(strategy_code(a)) + "," + strategy_code(b);
    for (int32_t to = 0; to < kPairStates; ++to) {
      const auto it = expected.find(to);
      const uint64_t count = c.transition(from, to);
      if (it == expected.end() || it->second == 0.0) {
        EXPECT_EQ(count, 0u) << where << " -> " << to << " is not a move of the table";
      } else if (it->second >= 1.0 - 1e-12) {
        EXPECT_EQ(count, c.row(from)) << where << " always goes to " << to;
      } else {
        EXPECT_NEAR(count / n, it->second, 5.0 * test::binomial_se(it->second, n)) << where << " -> " << to;
        ++checks;
      }
    }
  }
  EXPECT_GT(checks, 60);
}

TEST(PropositionalKernel, TemptationAndTheLeaderlessIntercept) {
  // Model v3 (docs/model.md section 11): a barrier move to Competition facing a collaborator has the temptation
  // term on its logit, sigmoid(logit 0.1 + 1.5 * 1) = 0.332 (the P1a moves out of (COL, COL), (CPR, COL), (COL, CPR));
  // every other barrier move keeps 0.1; P8 from (CPR, CPR) uses b0_moderation = -3 (0.047) instead of P8's b0 = -1
  // (0.269), which (CPR, COL) keeps. Same table and tolerances as above (200000 dyads, 5 binomial SE).
  ModelParams p = table_params(-1.0f, 0.1f);
  p.barrier.temptation = 1.5f;
  p.p8_b0_moderation = -3.0f;
  const uint64_t n_dyads = 200000;
  const RunResult r = test::run_points({p}, n_dyads);
  const test::Counts c = test::counts_of(r, 0);
  const double pe = lr_sigmoid(-1.0f), pb = lr_sigmoid(lr_logit(0.1f));
  const double pe_moderation = lr_sigmoid(-3.0f), pb_tempted = lr_sigmoid(lr_logit(0.1f) + 1.5f);
  for (int32_t from = 0; from < kPairStates; ++from) {
    const Strategy a = static_cast<Strategy>(from / kStrategies), b = static_cast<Strategy>(from % kStrategies);
    const std::map<int32_t, double> expected = expected_moves(a, b, pe, pb, pe_moderation, pb_tempted);
    const double n = static_cast<double>(c.row(from));
    const std::string where = std::string(strategy_code(a)) + "," + strategy_code(b);
    for (const auto& [to, prob] : expected) {
      if (prob > 0.0 && prob < 1.0 - 1e-12) {
        EXPECT_NEAR(c.transition(from, to) / n, prob, 5.0 * test::binomial_se(prob, n)) << where << " -> " << to;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Factor effects, recovered from the binned transition counts (axes: each firm's factors and R).

struct BinRate {
  double rate, se, n;
};

/// Share of the transitions out of `from` that go to `to`, per bin of binned axis `axis`.
std::vector<BinRate> rates_by_bin(const test::Counts& c, int32_t axis, int32_t from, int32_t to) {
  std::vector<BinRate> out;
  for (int32_t b = 0; b < c.l.factor_bins; ++b) {
    const double n = static_cast<double>(c.binned_row(axis, b, from));
    const double rate = n > 0 ? c.binned(axis, b, from, to) / n : 0.0;
    out.push_back({rate, n > 0 ? test::binomial_se(rate, n) : 1.0, n});
  }
  return out;
}

/// The rate rises (falls) across the four bins, each step by more than 4 SE of the difference.
void expect_monotone(const std::vector<BinRate>& r, bool rising, const std::string& what) {
  for (size_t b = 0; b + 1 < r.size(); ++b) {
    ASSERT_GT(r[b].n, 500.0) << what << ": bin " << b << " is nearly empty";
    const double se = std::sqrt(r[b].se * r[b].se + r[b + 1].se * r[b + 1].se);
    const double step = rising ? r[b + 1].rate - r[b].rate : r[b].rate - r[b + 1].rate;
    EXPECT_GT(step, 4.0 * se) << what << ": bins " << b << " -> " << b + 1 << ": " << r[b].rate << " vs "
                              << r[b + 1].rate;
  }
}

/// Every bin's rate within 4 SE of `rate` (4 bins; a correct kernel fails with probability < 3e-4 per call).
void expect_flat(const std::vector<BinRate>& r, double rate, const std::string& what) {
  for (size_t b = 0; b < r.size(); ++b)
    EXPECT_NEAR(r[b].rate, rate, 4.0 * test::binomial_se(rate, r[b].n)) << what << ", bin " << b;
}

/// Dyads start in (a, b); both firms' factor `factor` start Normal(0, 1.5) on the logit scale and do not move
/// (no shocks), so all four bins fill; slopes 0 unless the test sets one.
ModelParams factor_params(Strategy a, Strategy b, Factor factor) {
  ModelParams p = table_params(-1.0f, 0.0f);
  p.barrier.b0 = test::kNeverLogit;
  p.p_avoid = 0.0f;
  p.periods = 1;
  p.init_strategy[FirmA] = fixed_dist(static_cast<float>(a));
  p.init_strategy[FirmB] = fixed_dist(static_cast<float>(b));
  for (int f = 0; f < kFirms; ++f) p.init_factor[f][factor] = two_param_dist(DistKind::LogitNormal, 0.0f, 1.5f);
  return p;
}

TEST(PropositionalKernel, AFirmsOwnMoveRespondsToItsOwnFactors) {
  // P6a: in (ACC, COL) the accommodator A moves to COL with sigmoid(b0 + beta_S z_S,A): the rate rises across
  // A's stakes bins and does not depend on B's stakes (rate averaged over A's factor: flat in B's bins).
  ModelParams p = factor_params(ACC, COL, Stakes);
  p.beta[P6a].beta[Stakes] = 3.0f;
  const RunResult r = test::run_points({p}, 40000);
  const test::Counts c = test::counts_of(r, 0);
  const int32_t from = pair_index(ACC, COL), to = pair_index(COL, COL);
  expect_monotone(rates_by_bin(c, binned_axis(FirmA, Stakes), from, to), true, "A's stakes");
  const std::vector<BinRate> by_b = rates_by_bin(c, binned_axis(FirmB, Stakes), from, to);
  const double overall = static_cast<double>(c.transition(from, to)) / static_cast<double>(c.row(from));
  expect_flat(by_b, overall, "B's stakes");
}

TEST(PropositionalKernel, AJointMoveNeedsBothFirms) {
  // P9 in (COL, COL) is joint: the less favourable firm's predictor decides. A trusts (0.9), B does not (0.1):
  // p_emp = sigmoid(-1 + logit 0.1) = 0.039, not sigmoid(-1 + logit 0.9) = 0.768. 20000 dyads, within 5 SE.
  ModelParams p = factor_params(COL, COL, Trust);
  p.init_factor[FirmA][Trust] = fixed_dist(0.9f);
  p.init_factor[FirmB][Trust] = fixed_dist(0.1f);
  p.beta[P9].beta[Trust] = 1.0f;
  // The empowering move of P9 keeps (COL, COL); with no barrier the pair always stays, so make the barrier
  // certain: the pair stays exactly when P9 fires.
  p.barrier.b0 = -test::kNeverLogit;
  const uint64_t n = 20000;
  const RunResult r = test::run_points({p}, n);
  const test::Counts c = test::counts_of(r, 0);
  const double expected = lr_sigmoid(-1.0f + lr_logit(0.1f));
  const int32_t s = pair_index(COL, COL);
  EXPECT_NEAR(c.transition(s, s) / static_cast<double>(n), expected, 5.0 * test::binomial_se(expected, n));
  EXPECT_EQ(c.transition(s, s) + c.transition(s, pair_index(CPT, CPT)), n) << "both strike when P9 fails";
}

TEST(PropositionalKernel, BarrierFallsWithTheMoversTrust) {
  // P2a in (COL, CPT): the collaborator A turns to CPT with sigmoid(b0 - c_T z_T,A); c_T = 2: the rate falls
  // across A's trust bins and does not depend on B's trust.
  ModelParams p = factor_params(COL, CPT, Trust);
  for (auto& b : p.beta) b.b0 = test::kNeverLogit;
  p.barrier = BarrierBeta{-0.5f, 2.0f, 0.0f, 0.0f, 0.0f};
  p.perception_noise = 0.0f;
  p.firm[FirmB].disguise = 0.99f;  // A does not see the exploitation: no suspicion term
  const RunResult r = test::run_points({p}, 40000);
  const test::Counts c = test::counts_of(r, 0);
  const int32_t from = pair_index(COL, CPT), to = pair_index(CPT, CPT);
  expect_monotone(rates_by_bin(c, binned_axis(FirmA, Trust), from, to), false, "A's trust");
  const double overall = static_cast<double>(c.transition(from, to)) / static_cast<double>(c.row(from));
  expect_flat(rates_by_bin(c, binned_axis(FirmB, Trust), from, to), overall, "B's trust");
}

TEST(PropositionalKernel, DetectedExploitationBringsTheCounterMove) {
  // (COL, CPT) with full capacities: A gives t_AB = 1 and receives nothing. With perception weight 1 and no
  // noise, A's suspicion after period 0 is 1 > 0.3: detected, and with p_counter = 1 A cuts its transparency
  // (COL -> CPT) before any empowering move. Disguised well enough (perceived 0.2 < 0.3), it is not detected and
  // the empowering move P7a (certain here) fires instead. Accommodators cut to Avoidance.
  ModelParams p = test::frozen_params(COL, CPT);
  p.periods = 1;
  p.firm[FirmA].alpha0 = p.firm[FirmA].gamma0 = 1.0f;
  p.firm[FirmB].alpha0 = p.firm[FirmB].gamma0 = 1.0f;
  p.perception_noise = 0.0f;
  p.perception_weight = 1.0f;
  p.p_counter = 1.0f;
  p.beta[P7a].b0 = -test::kNeverLogit;
  // Internalization intents: A expects to give nothing, B's receptivity is not capped.
  p.init_intent[FirmA] = fixed_dist(static_cast<float>(Internalization));
  p.init_intent[FirmB] = fixed_dist(static_cast<float>(Internalization));
  ModelParams disguised = p;
  disguised.firm[FirmB].disguise = 0.8f;
  ModelParams acc = p;
  acc.init_strategy[FirmA] = fixed_dist(static_cast<float>(ACC));
  const uint64_t n = 1000;
  const RunResult r = test::run_points({p, disguised, acc}, n);
  EXPECT_EQ(test::counts_of(r, 0).transition(pair_index(COL, CPT), pair_index(CPT, CPT)), n);
  EXPECT_EQ(test::counts_of(r, 1).transition(pair_index(COL, CPT), pair_index(CPR, CPR)), n);
  EXPECT_EQ(test::counts_of(r, 2).transition(pair_index(ACC, CPT), pair_index(AVO, CPT)), n);
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
