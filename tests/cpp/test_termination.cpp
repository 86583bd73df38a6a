// Every termination cause of docs/model.md section 15 is reachable: one small configuration per cause in
// which the cause fires for every dyad at a duration known in closed form, checked on the full
// duration histogram (all other cells zero). Strategies are frozen (test::frozen_params) and the
// capacities are alpha = gamma = 1 (alpha0 = gamma0 = 1), so every flow is exactly 0, 0.5 or 1.
#include <gtest/gtest.h>

#include "termination.hpp"
#include "test_helpers.hpp"

namespace learnrace {
namespace {

using test::fixed_dist;
using test::frozen_params;

constexpr uint64_t kDyads = 300;

/// Frozen strategies, full capacity, known endowments (U = 1 each, equal equity), both firms with
/// internalization intent, nothing else ending the alliance.
ModelParams base(int32_t a, int32_t b) {
  ModelParams p = frozen_params(a, b);
  p.periods = 30;
  p.alpha0 = 1.0f;
  p.gamma0 = 1.0f;
  p.init_knowledge[0] = fixed_dist(1.0f);
  p.init_knowledge[1] = fixed_dist(1.0f);
  p.init_equity = fixed_dist(0.5f);
  p.init_intent[0] = fixed_dist(static_cast<float>(Internalization));
  p.init_intent[1] = fixed_dist(static_cast<float>(Internalization));
  p.exploit_tolerance = 1.0e9f;
  p.exit_knowledge = 2.0f;  // x <= 1: never
  p.hazard = 0.0f;
  return p;
}

/// All kDyads dyads end by `cause` at `duration`; every other duration cell is zero.
void expect_all_end_at(const ModelParams& p, int32_t cause, int32_t duration) {
  const RunResult r = test::run_points({p}, kDyads);
  const test::Counts c = test::counts_of(r, 0);
  EXPECT_EQ(c.dyads(), kDyads);
  EXPECT_EQ(c.duration(cause, duration), kDyads) << "cause " << cause << " at duration " << duration;
  EXPECT_EQ(c.total_duration(), kDyads) << "some dyads ended elsewhere";
  // Every dyad lived exactly `duration` periods.
  EXPECT_EQ(c.total_transitions(), kDyads * duration);
}

TEST(Termination, CensoredAtHorizonWhenEverythingIsOff) {
  ModelParams p = base(Collaboration, Collaboration);
  expect_all_end_at(p, Censored, p.periods);
}

TEST(Termination, DisintegrationAfterAvoidPeriodsOfMutualAvoidance) {
  // (AVO, AVO) from period 0: avoid_run reaches avoid_periods at the end of period avoid_periods - 1.
  ModelParams p = base(Avoidance, Avoidance);
  p.avoid_periods = 3;
  expect_all_end_at(p, Disintegration, 3);
  // One-sided avoidance is not mutual avoidance: censored.
  expect_all_end_at(base(Avoidance, Collaboration), Censored, 30);
}

TEST(Termination, RaceWonByTheLearnerWithInternalizationIntent) {
  // A = Competition receives t_BA = 1 from B = Collaboration and gives nothing. With lambda = 0.5,
  // x_A = 1 - 0.5^t reaches exit_knowledge = 0.9 at t = 4 (0.9375); then D_A = 0.0625, D_B = 1,
  // P_A = 0.2 * 0.5 + 0.8 / 1.0625 = 0.853 >= exit_power 0.6. At t = 3, x_A = 0.875 < 0.9.
  ModelParams p = base(Competition, Collaboration);
  p.lambda = 0.5f;
  p.exit_knowledge = 0.9f;
  p.exit_power = 0.6f;
  expect_all_end_at(p, RaceWonByA, 4);
  // Mirror image: B learns.
  ModelParams q = base(Collaboration, Competition);
  q.lambda = 0.5f;
  q.exit_knowledge = 0.9f;
  q.exit_power = 0.6f;
  expect_all_end_at(q, RaceWonByB, 4);
  // Without internalization intent the learner does not exit (Hamel 1b names that intent): with
  // resource concentration (receptivity cap 0.5) x_A = 1 - 0.75^t passes 0.9 at t = 9, yet the
  // alliance runs to the horizon.
  ModelParams r = p;
  r.init_intent[0] = fixed_dist(static_cast<float>(ResourceConcentration));
  expect_all_end_at(r, Censored, 30);
}

TEST(Termination, ExploitedGiverWithdraws) {
  // A = Collaboration gives t_AB = 1 per period to B = Competition and receives nothing: the
  // cumulative net outflow of A is t, beyond the tolerance 3.5 at t = 4.
  ModelParams p = base(Collaboration, Competition);
  p.exploit_tolerance = 3.5f;
  expect_all_end_at(p, ExploitedAWithdraws, 4);
  ModelParams q = base(Competition, Collaboration);
  q.exploit_tolerance = 3.5f;
  expect_all_end_at(q, ExploitedBWithdraws, 4);
  // Moderate one-way flow (CPR gives 0.5 to CPT): net outflow 0.5 t > 3.5 first at t = 8.
  ModelParams m = base(Compromise, Competition);
  m.exploit_tolerance = 3.5f;
  expect_all_end_at(m, ExploitedAWithdraws, 8);
  // Reciprocal flows never exploit anybody.
  ModelParams s = base(Collaboration, Collaboration);
  s.exploit_tolerance = 0.5f;
  expect_all_end_at(s, Censored, 30);
}

TEST(Termination, ExogenousHazard) {
  // hazard = 1: u < 1 always (u01_open < 1), so every dyad ends after its first period.
  ModelParams p = base(Collaboration, Collaboration);
  p.hazard = 1.0f;
  expect_all_end_at(p, ExogenousHazard, 1);
}

TEST(Termination, HazardDurationIsGeometric) {
  // hazard h = 0.2 alone: P(duration = d) = (1-h)^{d-1} h. 20000 dyads; each of the first 10
  // cells within 5 binomial SE, and the survivors to the horizon 30 censored.
  ModelParams p = base(Collaboration, Collaboration);
  p.hazard = 0.2f;
  const uint64_t n = 20000;
  const RunResult r = test::run_points({p}, n);
  const test::Counts c = test::counts_of(r, 0);
  for (int d = 1; d <= 10; ++d) {
    const double q = std::pow(0.8, d - 1) * 0.2;
    EXPECT_NEAR(c.duration(ExogenousHazard, d) / static_cast<double>(n), q, 5.0 * test::binomial_se(q, n)) << d;
  }
  const double survive = std::pow(0.8, 30);
  EXPECT_NEAR(c.duration(Censored, 30) / static_cast<double>(n), survive, 5.0 * test::binomial_se(survive, n));
  EXPECT_EQ(c.total_duration(), n);
}

TEST(Termination, PrecedenceOfCauses) {
  // Checked in the order of docs/model.md section 15 when several fire in the same period.
  ModelParams p = default_params();
  TerminationInputs in{};
  in.intent_a = Internalization;
  in.intent_b = Internalization;
  in.avoid_run = p.avoid_periods;
  in.x_a = 1.0f;
  in.power_a = 1.0f;
  in.net_outflow_a = 1.0e6f;
  in.u_hazard = 0.0f;
  EXPECT_EQ(termination_cause(p, in), Disintegration);
  in.avoid_run = 0;
  EXPECT_EQ(termination_cause(p, in), RaceWonByA);
  in.x_a = 0.0f;
  in.x_b = 1.0f;
  in.power_a = 0.0f;
  EXPECT_EQ(termination_cause(p, in), RaceWonByB);
  in.x_b = 0.0f;
  EXPECT_EQ(termination_cause(p, in), ExploitedAWithdraws);
  in.net_outflow_a = -1.0e6f;
  EXPECT_EQ(termination_cause(p, in), ExploitedBWithdraws);
  in.net_outflow_a = 0.0f;
  EXPECT_EQ(termination_cause(p, in), ExogenousHazard);
  in.u_hazard = 0.999f;
  EXPECT_EQ(termination_cause(p, in), Censored);
}

}  // namespace
}  // namespace learnrace
