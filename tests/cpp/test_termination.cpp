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
  for (int f = 0; f < kFirms; ++f) p.firm[f].alpha0 = p.firm[f].gamma0 = 1.0f;
  p.init_knowledge[0] = fixed_dist(1.0f);
  p.init_knowledge[1] = fixed_dist(1.0f);
  p.init_equity = fixed_dist(0.5f);
  p.init_intent[0] = fixed_dist(static_cast<float>(Internalization));
  p.init_intent[1] = fixed_dist(static_cast<float>(Internalization));
  for (int32_t& t : p.exploit_tolerance) t = 100000;
  p.perception_noise = 0.0f;
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
  // x_A = 1 - 0.5^t reaches exit_knowledge = 0.9 at t = 4 (0.9375) while x_B = 0; then D_A = 0.0625, D_B = 1,
  // P_A = 0.2 * 0.5 + 0.8 / 1.0625 = 0.853, a gain of 0.353 over P_A(0) = 0.5 >= exit_power_gain 0.05. At t = 3,
  // x_A = 0.875 < 0.9.
  ModelParams p = base(Competition, Collaboration);
  p.lambda = 0.5f;
  p.exit_knowledge = 0.9f;
  p.exit_power_gain = 0.05f;
  expect_all_end_at(p, RaceWonByA, 4);
  // Mirror image: B learns.
  ModelParams q = base(Collaboration, Competition);
  q.lambda = 0.5f;
  q.exit_knowledge = 0.9f;
  q.exit_power_gain = 0.05f;
  expect_all_end_at(q, RaceWonByB, 4);
  // Without internalization intent the learner does not exit (Hamel 1b names that intent): with
  // resource concentration (receptivity cap 0.5) x_A = 1 - 0.75^t passes 0.9 at t = 9, yet the
  // alliance runs to the horizon.
  ModelParams r = p;
  r.init_intent[0] = fixed_dist(static_cast<float>(ResourceConcentration));
  expect_all_end_at(r, Censored, 30);
}

TEST(Termination, RaceIsWonByOutLearningNotByEndowment) {
  // Model v3 (docs/model.md section 15). Both learn equally in (COL, COL) with x = 1 - 0.5^t, and A holds 4 times
  // B's knowledge: P_A = 0.1 + 0.8 * 4/5 = 0.74 at every t (v2 let A "win" at t = 4 on that endowment). Nobody
  // out-learned anybody and power never moved, so nobody wins, even with no power condition at all.
  ModelParams p = base(Collaboration, Collaboration);
  p.lambda = 0.5f;
  p.exit_knowledge = 0.9f;
  p.init_knowledge[0] = fixed_dist(4.0f);
  expect_all_end_at(p, Censored, 30);
  p.exit_power_gain = 0.0f;
  expect_all_end_at(p, Censored, 30);
  // The poorer learner wins by out-learning: A = Competition (U_A = 1) learns from B = Collaboration (U_B = 4).
  // P_A(0) = 0.1 + 0.8 / 5 = 0.26; at t = 4, q = 0.0625, P_A = 0.1 + 0.8 / (1 + 0.0625 * 4) = 0.74 (gain 0.48);
  // at t = 5, q = 0.03125, P_A = 0.1 + 0.8 / 1.125 = 0.811 (gain 0.551). A gain threshold of 0.5 delays the exit
  // by one period.
  ModelParams poor = base(Competition, Collaboration);
  poor.lambda = 0.5f;
  poor.exit_knowledge = 0.9f;
  poor.init_knowledge[1] = fixed_dist(4.0f);
  poor.exit_power_gain = 0.05f;
  expect_all_end_at(poor, RaceWonByA, 4);
  poor.exit_power_gain = 0.5f;
  expect_all_end_at(poor, RaceWonByA, 5);
}

TEST(Termination, EqualLearnersTieExactlyInPower) {
  // Model v3, issue "Model v3" item 6: in (COL, COL) with equal capacities and intents both firms internalise the
  // same fraction every period (x_A = x_B bit for bit), whatever their endowments and equity: their power does not
  // move at all (P_A(end) == P_A(0) exactly, docs/model.md section 9), so every dyad counts as "neither gained" and
  // lands in the power-shift bin that starts at 0. v2's float32 rounding put 21-33 % of such dyads in "gained".
  ModelParams p = base(Collaboration, Collaboration);
  for (int f = 0; f < kFirms; ++f) p.firm[f].alpha0 = p.firm[f].gamma0 = 0.6f;
  p.init_relation = Distribution{DistKind::Uniform, 0.0f, 10.0f};
  p.init_knowledge[0] = Distribution{DistKind::Uniform, 0.5f, 1.5f};
  p.init_knowledge[1] = Distribution{DistKind::Uniform, 0.5f, 1.5f};
  p.init_equity = Distribution{DistKind::Uniform, 0.2f, 0.8f};
  p.periods = 60;
  const RunResult r = test::run_points({p}, kDyads);
  const OutputLayout& l = r.layout;
  const uint64_t* c = r.point_counts(0);
  EXPECT_EQ(c[l.power_outcomes + kPowerRow_gained * kPowerColumns + PowerNeither], kDyads);
  EXPECT_EQ(c[l.power_outcomes + kPowerRow_reversal * kPowerColumns + PowerNeither], kDyads);
  EXPECT_EQ(c[l.hist_power_shift + p.hist_bins / 2], kDyads);  // the bin [0, 2 / hist_bins)
}

/// Exploitation as A perceives it: perception weight 1 (suspicion = this period's unexpected outflow), no
/// noise, trust always "low", tolerance 4 periods for every intent unless a test sets it.
ModelParams perceived(int32_t a, int32_t b) {
  ModelParams p = base(a, b);
  p.perception_weight = 1.0f;
  p.exploit_trust = 1.0f;
  for (int32_t& t : p.exploit_tolerance) t = 4;
  return p;
}

TEST(Termination, ExploitedGiverWithdrawsAfterSustainedDetection) {
  // A = Collaboration gives t_AB = 1 per period to B = Competition and receives nothing: A's suspicion is 1 > 0.3
  // from period 0 on, so its exploit run reaches the tolerance 4 at the end of period 3: duration 4.
  expect_all_end_at(perceived(Collaboration, Competition), ExploitedAWithdraws, 4);
  expect_all_end_at(perceived(Competition, Collaboration), ExploitedBWithdraws, 4);
  // Moderate one-way flow (CPR gives 0.5 to CPT) is still above the threshold 0.3: same duration.
  expect_all_end_at(perceived(Compromise, Competition), ExploitedAWithdraws, 4);
  // Reciprocal flows never exploit anybody.
  expect_all_end_at(perceived(Collaboration, Collaboration), Censored, 30);
}

TEST(Termination, OutflowAloneDoesNotEndTheAlliance) {
  // Not perceived (the partner disguises 80 %: 0.2 < 0.3), not with low trust, or expected for the intent:
  // the giver stays to the horizon.
  ModelParams disguised = perceived(Collaboration, Competition);
  disguised.firm[FirmB].disguise = 0.8f;
  expect_all_end_at(disguised, Censored, 30);
  ModelParams trusting = perceived(Collaboration, Competition);
  trusting.exploit_trust = 0.0f;  // trust is never below 0
  expect_all_end_at(trusting, Censored, 30);
  // A substitution-intent giver expects to give (expected outflow 1): nothing unexpected, nothing detected.
  ModelParams substitution = perceived(Collaboration, Competition);
  substitution.init_intent[0] = fixed_dist(static_cast<float>(Substitution));
  expect_all_end_at(substitution, Censored, 30);
}

TEST(Termination, ToleranceDependsOnTheGiversIntent) {
  // Resource concentration expects 0.5: unexpected 0.5 > 0.3, detected from period 0; its tolerance 7 -> 7.
  ModelParams p = perceived(Collaboration, Competition);
  p.init_intent[0] = fixed_dist(static_cast<float>(ResourceConcentration));
  p.exploit_tolerance[ResourceConcentration] = 7;
  expect_all_end_at(p, ExploitedAWithdraws, 7);
}

TEST(Termination, SuspicionIsAnAverageOfPerceivedOutflow) {
  // Weight 0.5: A's suspicion after period t is 1 - 0.5^(t+1) (0.5, 0.75, ...); threshold 0.6 is first passed
  // after period 1, so the exploit run is 1 at t = 1 and the tolerance 2 is reached at t = 2: duration 3.
  ModelParams p = perceived(Collaboration, Competition);
  p.perception_weight = 0.5f;
  p.detect_threshold = 0.6f;
  for (int32_t& t : p.exploit_tolerance) t = 2;
  expect_all_end_at(p, ExploitedAWithdraws, 3);
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
  in.power_start = 0.5f;
  in.exploit_run_a = 1000;
  in.exploit_run_b = 1000;
  in.hazard = 0.5f;
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
  in.exploit_run_a = 0;
  EXPECT_EQ(termination_cause(p, in), ExploitedBWithdraws);
  in.exploit_run_b = 0;
  EXPECT_EQ(termination_cause(p, in), ExogenousHazard);
  in.u_hazard = 0.999f;
  EXPECT_EQ(termination_cause(p, in), Censored);
}

}  // namespace
}  // namespace learnrace
