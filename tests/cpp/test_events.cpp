// Scenario events (docs/model.md section 5): each kind of variable, operation and timing, checked on single-dyad
// simulations with the reference sink (rows hold the factors at the start of a period, after its events), on
// duration histograms in closed form, and the configuration errors of [[events]].
#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "config.hpp"
#include "fastmath.hpp"
#include "reference_sink.hpp"
#include "test_helpers.hpp"

namespace learnrace {
namespace {

using test::fixed_dist;

/// Frozen strategies, no shocks, no trust feedback, no R decay: the factors move only by events.
ModelParams still(int32_t a, int32_t b) {
  ModelParams p = test::frozen_params(a, b);
  p.periods = 10;
  for (FactorShock& s : p.shock) {
    s.sigma = 0.0f;
    s.p_jump = 0.0f;
  }
  p.eta_up = p.eta_down = 0.0f;
  p.delta_r = 0.0f;
  for (int f = 0; f < kFirms; ++f)
    for (int k = 0; k < kFirmFactors; ++k) p.init_factor[f][k] = fixed_dist(0.5f);
  p.init_relation = fixed_dist(2.0f);
  return p;
}

void add(ModelParams& p, const Event& e) { p.events[p.n_events++] = e; }

/// The per-period rows of dyad 0.
std::vector<TrajectoryRow> rows_of(ModelParams p) {
  p.trajectory_stride = 1;
  p.trajectory_max = 1;
  test::ReferenceSink sink;
  simulate_dyad(p, OutputLayout::make(p), 0, sink);
  return sink.rows;
}

TEST(Events, SetAFactorOfOneFirmAtAPeriod) {
  // "Firm B's trust falls to 0.2 at period 3": from period 3 on B's trust is 0.2 (its level moved: no shock
  // pulls it back); A's is untouched.
  ModelParams p = still(Collaboration, Collaboration);
  add(p, Event{EventTrust, TargetB, OpSet, 3, 3, 0, 0.2f, 1.0f});
  const std::vector<TrajectoryRow> rows = rows_of(p);
  ASSERT_EQ(rows.size(), 10u);
  for (int t = 0; t < 10; ++t) {
    EXPECT_EQ(rows[t].trust_a, 0.5f) << t;
    if (t < 3) {
      EXPECT_EQ(rows[t].trust_b, 0.5f) << t;
    } else {
      EXPECT_NEAR(rows[t].trust_b, 0.2f, 1e-6f) << t;
    }
  }
}

TEST(Events, ShiftMovesTheLogitAndScaleTheValue) {
  // Stakes of A shifted by +1 logit at period 2; orientation of both scaled by 1.5 at period 4.
  ModelParams p = still(Compromise, Compromise);
  add(p, Event{EventStakes, TargetA, OpShift, 2, 2, 0, 1.0f, 1.0f});
  add(p, Event{EventOrientation, TargetBoth, OpScale, 4, 4, 0, 1.5f, 1.0f});
  const std::vector<TrajectoryRow> rows = rows_of(p);
  EXPECT_EQ(rows[1].stakes_a, 0.5f);
  EXPECT_NEAR(rows[2].stakes_a, lr_sigmoid(1.0f), 1e-6f);
  EXPECT_EQ(rows[2].stakes_b, 0.5f);
  EXPECT_EQ(rows[3].orientation_a, 0.5f);
  EXPECT_NEAR(rows[4].orientation_a, 0.75f, 1e-6f);
  EXPECT_NEAR(rows[4].orientation_b, 0.75f, 1e-6f);
}

TEST(Events, EveryPeriodFromAPeriodAndOnce) {
  // Relation shifted by +1 from period 2 on (every period) vs once: no flows (symbolic learning) and no decay,
  // so R is 2 until period 1, then 2 + (t - 1) every period, or 3 once.
  ModelParams every = still(Accommodation, Accommodation);
  add(every, Event{EventRelation, TargetDyad, OpShift, 2, kNeverEnds, 0, 1.0f, 1.0f});
  ModelParams once = every;
  once.events[0].once = 1;
  ModelParams window = every;
  window.events[0].last = 4;
  const std::vector<TrajectoryRow> e = rows_of(every), o = rows_of(once), w = rows_of(window);
  for (int t = 0; t < 10; ++t) {
    const float before = 2.0f;
    EXPECT_EQ(e[t].relation, t < 2 ? before : before + static_cast<float>(t - 1)) << t;
    EXPECT_EQ(o[t].relation, t < 2 ? before : before + 1.0f) << t;
    EXPECT_EQ(w[t].relation, t < 2 ? before : before + static_cast<float>(std::min(t, 4) - 1)) << t;
  }
}

TEST(Events, RampMovesLinearlyToItsTargetOverTheWindow) {
  // Model v3: B's trust ramps from 0.5 to 0.2 over periods 2..7 (six steps of 0.05 on the value scale) and stays;
  // R ramps from 2 to 8 over periods 3..5. Nothing else moves them (still(); (ACC, ACC) has no flows).
  ModelParams p = still(Accommodation, Accommodation);
  Event trust{EventTrust, TargetB, OpRamp, 2, 7, 0, 0.2f, 1.0f};
  add(p, trust);
  add(p, Event{EventRelation, TargetDyad, OpRamp, 3, 5, 0, 8.0f, 1.0f});
  const std::vector<TrajectoryRow> rows = rows_of(p);
  for (int t = 0; t < 10; ++t) {
    const float expected = t < 2 ? 0.5f : t < 7 ? 0.5f - 0.05f * static_cast<float>(t - 1) : 0.2f;
    EXPECT_NEAR(rows[t].trust_b, expected, 2e-6f) << t;
    EXPECT_EQ(rows[t].trust_a, 0.5f) << t;
    const float r = t < 3 ? 2.0f : t < 5 ? 2.0f + 2.0f * static_cast<float>(t - 2) : 8.0f;
    EXPECT_NEAR(rows[t].relation, r, 1e-5f) << t;
  }
}

TEST(Events, RepeatedScalesSaturateInsteadOfOverflowing) {
  // Model v3 (issue "reliability round 3", item 11): knowledge doubled in every period of 200 would overflow float32
  // from period 128 on; it saturates at kEventSaturation, and power and the outputs stay finite.
  ModelParams p = still(Collaboration, Collaboration);
  p.periods = 200;
  add(p, Event{EventKnowledge, TargetA, OpScale, 0, kNeverEnds, 0, 2.0f, 1.0f});
  add(p, Event{EventSuspicion, TargetB, OpShift, 0, kNeverEnds, 0, 1.0e30f, 1.0f});
  add(p, Event{EventTrust, TargetA, OpShift, 0, kNeverEnds, 0, 1.0e30f, 1.0f});
  const std::vector<TrajectoryRow> rows = rows_of(p);
  ASSERT_FALSE(rows.empty());
  for (const TrajectoryRow& r : rows) {
    EXPECT_TRUE(std::isfinite(r.power_a) && std::isfinite(r.suspicion_b) && std::isfinite(r.trust_a));
    EXPECT_LE(r.suspicion_b, kEventSaturation);
  }
  EXPECT_NE(rows.back().power_a, rows.front().power_a);  // A's knowledge did grow, to the bound
}

TEST(Events, StrategyAndIntentAreSetByCode) {
  // A switches to Competition at period 4 (the pair recorded for period 4 is the new one); B's intent turns to
  // substitution at period 2, which caps its receptivity at 0.25: A's outflow to B, and so x_B's growth,
  // shrinks from period 2 on (full capacities: t_AB = 1 before, 0.25 after).
  ModelParams p = still(Collaboration, Collaboration);
  p.init_intent[FirmA] = fixed_dist(static_cast<float>(Internalization));
  p.init_intent[FirmB] = fixed_dist(static_cast<float>(Internalization));
  for (int f = 0; f < kFirms; ++f) p.firm[f].alpha0 = p.firm[f].gamma0 = 1.0f;
  add(p, Event{EventStrategy, TargetA, OpSet, 4, 4, 0, static_cast<float>(Competition), 1.0f});
  add(p, Event{EventIntent, TargetB, OpSet, 2, 2, 0, static_cast<float>(Substitution), 1.0f});
  const std::vector<TrajectoryRow> rows = rows_of(p);
  EXPECT_EQ(rows[3].pair, pair_index(Collaboration, Collaboration));
  EXPECT_EQ(rows[4].pair, pair_index(Competition, Collaboration));
  const float lambda = p.lambda;
  EXPECT_FLOAT_EQ(rows[1].x_b - rows[0].x_b, lambda * 1.0f * (1.0f - rows[0].x_b));
  EXPECT_FLOAT_EQ(rows[2].x_b - rows[1].x_b, lambda * 0.25f * (1.0f - rows[1].x_b));
}

TEST(Events, HazardFromAPeriodEndsEveryDyadThen) {
  // Hazard set to 1 from period 5: every dyad ends by the exogenous hazard with duration 6.
  ModelParams p = still(Collaboration, Collaboration);
  p.periods = 20;
  add(p, Event{EventHazard, TargetDyad, OpSet, 5, kNeverEnds, 0, 1.0f, 1.0f});
  const RunResult r = test::run_points({p}, 500);
  const test::Counts c = test::counts_of(r, 0);
  EXPECT_EQ(c.duration(ExogenousHazard, 6), 500u);
}

TEST(Events, RandomEventsFireWithTheirProbability) {
  // Hazard set to 1 with probability 0.1 in every period: duration is geometric, P(d) = 0.9^(d-1) 0.1. 20000
  // dyads; each of the first 10 cells within 5 binomial SE (a correct engine fails with probability < 1e-5).
  ModelParams p = still(Collaboration, Collaboration);
  p.periods = 30;
  add(p, Event{EventHazard, TargetDyad, OpSet, 0, kNeverEnds, 0, 1.0f, 0.1f});
  const uint64_t n = 20000;
  const RunResult r = test::run_points({p}, n);
  const test::Counts c = test::counts_of(r, 0);
  for (int d = 1; d <= 10; ++d) {
    const double q = std::pow(0.9, d - 1) * 0.1;
    EXPECT_NEAR(c.duration(ExogenousHazard, d) / static_cast<double>(n), q, 5.0 * test::binomial_se(q, n)) << d;
  }
}

TEST(Events, ConfigReadsEventsForTheExperimentAndPerPoint) {
  const RunConfig c = load_config_string(R"(
[[events]]
variable = "stakes"
firm = "B"
at = 8
shift = 1.5

[[points]]
name = "control"

[[points]]
name = "shock"
[[points.events]]
variable = "trust"
firm = "both"
from = 10
until = 20
probability = 0.25
once = true
set = 0.1
[[points.events]]
variable = "strategy"
firm = "A"
at = 3
set = "CPT"
)",
                                         "events.toml");
  ASSERT_EQ(c.points.size(), 2u);
  EXPECT_EQ(c.points[0].n_events, 1);
  const Event& base = c.points[0].events[0];
  EXPECT_EQ(base.variable, EventStakes);
  EXPECT_EQ(base.target, TargetB);
  EXPECT_EQ(base.op, OpShift);
  EXPECT_EQ(base.first, 8);
  EXPECT_EQ(base.last, 8);
  EXPECT_EQ(base.value, 1.5f);
  EXPECT_EQ(base.probability, 1.0f);
  ASSERT_EQ(c.points[1].n_events, 3);  // the experiment's event first, then the point's
  const Event& shock = c.points[1].events[1];
  EXPECT_EQ(shock.variable, EventTrust);
  EXPECT_EQ(shock.target, TargetBoth);
  EXPECT_EQ(shock.first, 10);
  EXPECT_EQ(shock.last, 20);
  EXPECT_EQ(shock.once, 1);
  EXPECT_EQ(shock.probability, 0.25f);
  EXPECT_EQ(c.points[1].events[2].value, static_cast<float>(Competition));
  // The stored text reproduces the events.
  const RunConfig again = load_config_string(c.toml_text, "again.toml");
  ASSERT_EQ(again.points[1].n_events, 3);
  EXPECT_EQ(again.points[1].events[1].probability, 0.25f);
}

struct EventError {
  const char* name;
  const char* toml;
  const char* key;
  const char* mention;
};

TEST(Events, ConfigErrorsNameTheEventAndKey) {
  const EventError cases[] = {
      {"NoVariable", "[[events]]\nfirm = \"A\"\nat = 1\nset = 0.5\n", "events[0].variable", "missing"},
      {"UnknownVariable", "[[events]]\nvariable = \"mood\"\nfirm = \"A\"\nat = 1\nset = 0.5\n", "events[0].variable",
       "not an event variable"},
      {"NoFirm", "[[events]]\nvariable = \"trust\"\nat = 1\nset = 0.5\n", "events[0].firm", "firm = \"A\""},
      {"BadFirm", "[[events]]\nvariable = \"trust\"\nfirm = \"C\"\nat = 1\nset = 0.5\n", "events[0].firm",
       "allowed: \"A\", \"B\", \"both\""},
      {"FirmForDyad", "[[events]]\nvariable = \"relation\"\nfirm = \"A\"\nat = 1\nset = 0.5\n", "events[0].firm",
       "belongs to the dyad"},
      {"NoOp", "[[events]]\nvariable = \"hazard\"\nat = 1\n", "events[0]", "exactly one of set, shift, scale, ramp"},
      {"TwoOps", "[[events]]\nvariable = \"hazard\"\nat = 1\nset = 0.1\nshift = 0.1\n", "events[0]",
       "exactly one of set, shift, scale, ramp"},
      {"RampAt", "[[events]]\nvariable = \"hazard\"\nat = 1\nramp = 0.1\n", "events[0].at", "from = PERIOD and until"},
      {"RampNoUntil", "[[events]]\nvariable = \"hazard\"\nfrom = 1\nramp = 0.1\n", "events[0].until",
       "from = PERIOD and until"},
      {"RampTargetOutOfRange", "[[events]]\nvariable = \"trust\"\nfirm = \"A\"\nfrom = 1\nuntil = 4\nramp = 1.5\n",
       "events[0].ramp", "(0, 1)"},
      {"RampStrategy", "[[events]]\nvariable = \"strategy\"\nfirm = \"A\"\nfrom = 1\nuntil = 4\nramp = \"AVO\"\n",
       "events[0].ramp", "can only be set"},
      {"SetOutOfRange", "[[events]]\nvariable = \"trust\"\nfirm = \"A\"\nat = 1\nset = 1.5\n", "events[0].set",
       "(0, 1)"},
      {"NoWhen", "[[events]]\nvariable = \"hazard\"\nset = 0.1\n", "events[0].at", "missing"},
      {"AtAndFrom", "[[events]]\nvariable = \"hazard\"\nat = 1\nfrom = 2\nset = 0.1\n", "events[0].at",
       "either at, or from"},
      {"UntilBeforeFrom", "[[events]]\nvariable = \"hazard\"\nfrom = 5\nuntil = 2\nset = 0.1\n", "events[0].until",
       "before from"},
      {"NegativePeriod", "[[events]]\nvariable = \"hazard\"\nat = -1\nset = 0.1\n", "events[0].at", "[0, 100000]"},
      {"ZeroProbability", "[[events]]\nvariable = \"hazard\"\nat = 1\nset = 0.1\nprobability = 0\n",
       "events[0].probability", "(0, 1]"},
      {"ShiftIntent", "[[events]]\nvariable = \"intent\"\nfirm = \"A\"\nat = 1\nshift = 1\n", "events[0].shift",
       "can only be set"},
      {"BadIntentName", "[[events]]\nvariable = \"intent\"\nfirm = \"A\"\nat = 1\nset = \"greed\"\n", "events[0].set",
       "\"substitution\""},
      {"UnknownKey", "[[events]]\nvariable = \"hazard\"\nat = 1\nset = 0.1\nwhen = 3\n", "events[0].when",
       "unknown key"},
      {"NotATable", "events = [1]\n", "events[0]", "must be a table"},
      {"TooMany",
       "[[events]]\nvariable=\"hazard\"\nat=1\nset=0.1\n[[events]]\nvariable=\"hazard\"\nat=1\nset=0.1\n"
       "[[events]]\nvariable=\"hazard\"\nat=1\nset=0.1\n[[events]]\nvariable=\"hazard\"\nat=1\nset=0.1\n"
       "[[events]]\nvariable=\"hazard\"\nat=1\nset=0.1\n[[events]]\nvariable=\"hazard\"\nat=1\nset=0.1\n"
       "[[events]]\nvariable=\"hazard\"\nat=1\nset=0.1\n[[events]]\nvariable=\"hazard\"\nat=1\nset=0.1\n"
       "[[events]]\nvariable=\"hazard\"\nat=1\nset=0.1\n",
       "events", "at most 8"},
      {"PointEventInPoint", "[[points]]\nname = \"x\"\n[[points.events]]\nvariable = \"mood\"\nat = 1\nset = 1\n",
       "points.events[0].variable", "point 'x'"},
  };
  for (const EventError& c : cases) {
    SCOPED_TRACE(c.name);
    try {
      load_config_string(c.toml, "bad.toml");
      ADD_FAILURE() << "no ConfigError";
    } catch (const ConfigError& e) {
      EXPECT_EQ(e.key(), c.key);
      const std::string message = e.what();
      EXPECT_NE(message.find(c.mention), std::string::npos) << message;
    }
  }
}

}  // namespace
}  // namespace learnrace
