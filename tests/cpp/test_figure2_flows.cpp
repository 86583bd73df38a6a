// Larsson et al. (1998) Figures 1 and 2 through the kernels' own functions (docs/model.md sections 3 and 8):
// effective levels (effective_transparency / effective_receptivity) with alpha = gamma = 1 and
// internalization intent, then compute_flows. The expected tables are written out literally, cell
// by cell, so a change of any level, formula or sign shows up as a named cell.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "flows.hpp"
#include "test_helpers.hpp"

namespace learnrace {
namespace {

using StrategyPair = std::pair<Strategy, Strategy>;

enum class Flow { None, Moderate, High };
enum class Creation { None, Low, Moderate, High };
enum class Appropriates { Nobody, AOnly, BOnly, Both };

struct Figure2Cell {
  Strategy a, b;
  Flow a_to_b, b_to_a;
  Creation creation;
  Appropriates who;
};

// Larsson Fig. 2 (with the four "low" cells the figure omits, docs/model.md section 8). Rows: firm A's
// strategy; columns: firm B's. Flow A->B = min(tau_A, rho_B).
constexpr Figure2Cell kFigure2[kPairStates] = {
    // A = Avoidance: nothing flows, nothing is created.
    {Avoidance, Avoidance, Flow::None, Flow::None, Creation::None, Appropriates::Nobody},
    {Avoidance, Accommodation, Flow::None, Flow::None, Creation::None, Appropriates::Nobody},
    {Avoidance, Compromise, Flow::None, Flow::None, Creation::None, Appropriates::Nobody},
    {Avoidance, Competition, Flow::None, Flow::None, Creation::None, Appropriates::Nobody},
    {Avoidance, Collaboration, Flow::None, Flow::None, Creation::None, Appropriates::Nobody},
    // A = Accommodation (transparent, not receptive): gives, never receives.
    {Accommodation, Avoidance, Flow::None, Flow::None, Creation::None, Appropriates::Nobody},
    {Accommodation, Accommodation, Flow::None, Flow::None, Creation::None, Appropriates::Nobody},  // symbolic
    {Accommodation, Compromise, Flow::Moderate, Flow::None, Creation::Low, Appropriates::BOnly},
    {Accommodation, Competition, Flow::High, Flow::None, Creation::Moderate, Appropriates::BOnly},
    {Accommodation, Collaboration, Flow::High, Flow::None, Creation::Moderate, Appropriates::BOnly},
    // A = Compromise (moderate, moderate).
    {Compromise, Avoidance, Flow::None, Flow::None, Creation::None, Appropriates::Nobody},
    {Compromise, Accommodation, Flow::None, Flow::Moderate, Creation::Low, Appropriates::AOnly},
    {Compromise, Compromise, Flow::Moderate, Flow::Moderate, Creation::Moderate, Appropriates::Both},  // moderation
    {Compromise, Competition, Flow::Moderate, Flow::None, Creation::Low, Appropriates::BOnly},
    {Compromise, Collaboration, Flow::Moderate, Flow::Moderate, Creation::Moderate, Appropriates::Both},
    // A = Competition (opaque, receptive): receives, never gives.
    {Competition, Avoidance, Flow::None, Flow::None, Creation::None, Appropriates::Nobody},
    {Competition, Accommodation, Flow::None, Flow::High, Creation::Moderate, Appropriates::AOnly},
    {Competition, Compromise, Flow::None, Flow::Moderate, Creation::Low, Appropriates::AOnly},
    {Competition, Competition, Flow::None, Flow::None, Creation::None, Appropriates::Nobody},  // deadlock
    {Competition, Collaboration, Flow::None, Flow::High, Creation::Moderate, Appropriates::AOnly},
    // A = Collaboration (transparent, receptive).
    {Collaboration, Avoidance, Flow::None, Flow::None, Creation::None, Appropriates::Nobody},
    {Collaboration, Accommodation, Flow::None, Flow::High, Creation::Moderate, Appropriates::AOnly},  // friendly
    {Collaboration, Compromise, Flow::Moderate, Flow::Moderate, Creation::Moderate, Appropriates::Both},
    {Collaboration, Competition, Flow::High, Flow::None, Creation::Moderate, Appropriates::BOnly},  // "c->b"
    {Collaboration, Collaboration, Flow::High, Flow::High, Creation::High, Appropriates::Both},     // integration
};

const char* name(Flow f) { return f == Flow::High ? "High" : (f == Flow::Moderate ? "Moderate" : "none"); }
const char* name(Creation c) {
  switch (c) {
    case Creation::High:
      return "high";
    case Creation::Moderate:
      return "moderate";
    case Creation::Low:
      return "low";
    default:
      return "none";
  }
}
const char* name(Appropriates w) {
  switch (w) {
    case Appropriates::Both:
      return "both";
    case Appropriates::AOnly:
      return "A only";
    case Appropriates::BOnly:
      return "B only";
    default:
      return "nobody";
  }
}

// With the discrete levels (0, 0.5, 1) and alpha = gamma = 1 every flow is exactly one level.
Flow classify_flow(float t) {
  if (t == 1.0f) return Flow::High;
  if (t == 0.5f) return Flow::Moderate;
  EXPECT_EQ(t, 0.0f) << "flow is not one of the three levels";
  return Flow::None;
}
// Creation c = kappa_c (t_AB + t_BA) + kappa_x t_AB t_BA takes the values 1.5 (high mutual),
// 0.625 (moderate mutual), 0.5 (high one-way), 0.25 (moderate one-way), 0; the classes are
// high >= 1, moderate in [0.5, 1), low in (0, 0.5).
Creation classify_creation(float c) {
  if (c >= 1.0f) return Creation::High;
  if (c >= 0.5f) return Creation::Moderate;
  if (c > 0.0f) return Creation::Low;
  return Creation::None;
}
Appropriates classify_appropriation(const Flows& f) {
  const bool a = f.appr_a > 0.0f, b = f.appr_b > 0.0f;
  return a && b ? Appropriates::Both : (a ? Appropriates::AOnly : (b ? Appropriates::BOnly : Appropriates::Nobody));
}

/// Default parameters with alpha = gamma = 1 (R -> infinity: relation_decay = 0).
struct FullCapacity {
  ModelParams p = default_params();
  Capacity cap = capacity(p.firm[FirmA].alpha0, p.firm[FirmA].gamma0, 0.0f);
};

Flows figure2_flows(const FullCapacity& fc, int32_t a, int32_t b) {
  const ModelParams& p = fc.p;
  return compute_flows(
      p, effective_transparency(p, a, fc.cap), effective_receptivity(p, a, p.receptivity_cap[Internalization], fc.cap),
      effective_transparency(p, b, fc.cap), effective_receptivity(p, b, p.receptivity_cap[Internalization], fc.cap));
}

TEST(Figure1, EffectiveLevelsWithFullCapacity) {
  const FullCapacity fc;
  ASSERT_EQ(fc.cap.alpha, 1.0f);
  ASSERT_EQ(fc.cap.gamma, 1.0f);
  // Larsson Fig. 1: (transparency, receptivity) per strategy, Low 0, Moderate 0.5, High 1.
  const float expected[kStrategies][2] = {
      {0.0f, 0.0f},  // Avoidance      L L
      {1.0f, 0.0f},  // Accommodation  H L
      {0.5f, 0.5f},  // Compromise     M M
      {0.0f, 1.0f},  // Competition    L H
      {1.0f, 1.0f},  // Collaboration  H H
  };
  for (int32_t s = 0; s < kStrategies; ++s) {
    EXPECT_EQ(effective_transparency(fc.p, s, fc.cap), expected[s][0]) << strategy_name(s);
    EXPECT_EQ(effective_receptivity(fc.p, s, fc.p.receptivity_cap[Internalization], fc.cap), expected[s][1])
        << strategy_name(s);
  }
}

TEST(Figure2, AllTwentyFiveCells) {
  const FullCapacity fc;
  ASSERT_EQ(fc.cap.alpha, 1.0f);
  for (int32_t i = 0; i < kPairStates; ++i) {
    const Figure2Cell& cell = kFigure2[i];
    ASSERT_EQ(pair_index(cell.a, cell.b), i) << "table order";
    const Flows f = figure2_flows(fc, cell.a, cell.b);
    const std::string where = std::string(strategy_code(cell.a)) + " vs " + strategy_code(cell.b);
    EXPECT_STREQ(name(classify_flow(f.t_ab)), name(cell.a_to_b)) << where << ": flow A->B";
    EXPECT_STREQ(name(classify_flow(f.t_ba)), name(cell.b_to_a)) << where << ": flow B->A";
    EXPECT_STREQ(name(classify_creation(f.created)), name(cell.creation)) << where << ": creation";
    EXPECT_STREQ(name(classify_appropriation(f)), name(cell.who)) << where << ": who appropriates";
  }
}

TEST(Figure2, CreationNamedCases) {
  const FullCapacity fc;
  // docs/model.md section 8, kappa_c = kappa_x = 0.5.
  ASSERT_EQ(fc.p.kappa_c, 0.5f);
  ASSERT_EQ(fc.p.kappa_x, 0.5f);
  // High mutual -> high: 0.5 (1 + 1) + 0.5 (1 * 1).
  EXPECT_EQ(figure2_flows(fc, Collaboration, Collaboration).created, 1.5f);
  // Moderate mutual -> moderate: 0.5 (0.5 + 0.5) + 0.5 (0.25).
  EXPECT_EQ(figure2_flows(fc, Compromise, Compromise).created, 0.625f);
  EXPECT_EQ(figure2_flows(fc, Compromise, Collaboration).created, 0.625f);
  EXPECT_EQ(figure2_flows(fc, Collaboration, Compromise).created, 0.625f);
  // High one-way -> moderate: 0.5 (1 + 0).
  const StrategyPair high_one_way[] = {{Collaboration, Competition},
                                       {Competition, Collaboration},
                                       {Accommodation, Competition},
                                       {Collaboration, Accommodation}};
  for (auto [a, b] : high_one_way)
    EXPECT_EQ(figure2_flows(fc, a, b).created, 0.5f) << strategy_code(a) << " vs " << strategy_code(b);
  // Moderate one-way -> low: exactly the four cells the figure omits.
  int low_cells = 0;
  for (int32_t a = 0; a < kStrategies; ++a)
    for (int32_t b = 0; b < kStrategies; ++b) {
      const Flows f = figure2_flows(fc, a, b);
      const bool is_low = classify_creation(f.created) == Creation::Low;
      low_cells += is_low;
      const bool listed = (a == Compromise && (b == Accommodation || b == Competition)) ||
                          (b == Compromise && (a == Accommodation || a == Competition));
      EXPECT_EQ(is_low, listed) << strategy_code(a) << " vs " << strategy_code(b);
      if (is_low) {
        EXPECT_EQ(f.created, 0.25f);
      }
    }
  EXPECT_EQ(low_cells, 4);
}

TEST(Figure2, AppropriationNamedCases) {
  const FullCapacity fc;
  // Equal inflows: both hold the full c ("c->a&b").
  const StrategyPair equal_inflows[] = {
      {Collaboration, Collaboration}, {Compromise, Compromise}, {Compromise, Collaboration}};
  for (auto [a, b] : equal_inflows) {
    const Flows f = figure2_flows(fc, a, b);
    EXPECT_EQ(f.appr_a, f.created) << strategy_code(a) << " vs " << strategy_code(b);
    EXPECT_EQ(f.appr_b, f.created) << strategy_code(a) << " vs " << strategy_code(b);
  }
  // One-way: only the receiver ("c->b" for A = COL, B = CPT).
  const Flows f = figure2_flows(fc, Collaboration, Competition);
  EXPECT_EQ(f.appr_a, 0.0f);
  EXPECT_EQ(f.appr_b, f.created);
  EXPECT_EQ(f.created, 0.5f);
  // Unequal two-way inflows (only with capacities < 1): shares proportional to the inflows.
  const Flows g = compute_flows(fc.p, 0.8f, 0.4f, 0.3f, 1.0f);  // t_AB = 0.8, t_BA = 0.3
  EXPECT_FLOAT_EQ(g.appr_b, g.created);
  EXPECT_FLOAT_EQ(g.appr_a, g.created * 0.3f / 0.8f);
}

TEST(Figure2, SubstitutionIntentCapsReceptivity) {
  // Hamel 3a: substitution intent caps receptivity (receptivity_cap[Substitution] = 0.25 by default).
  const FullCapacity fc;
  const float cap = fc.p.receptivity_cap[Substitution];
  EXPECT_EQ(effective_receptivity(fc.p, Collaboration, fc.p.receptivity_cap[Substitution], fc.cap), cap);
  EXPECT_EQ(effective_receptivity(fc.p, Collaboration, fc.p.receptivity_cap[Internalization], fc.cap), 1.0f);
}

}  // namespace
}  // namespace learnrace
