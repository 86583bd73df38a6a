// Config loader: defaults, every key settable, overrides, toml_text round trip, sweeps, CRN.
#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "config.hpp"
#include "config_apply.hpp"
#include "config_keys.hpp"
#include "config_toml.hpp"
#include "config_value.hpp"
#include "params_compare.hpp"

using namespace learnrace;
using learnrace::test::differing_fields;

namespace {

RunConfig load(const std::string& text, const ConfigOverrides& overrides = {}) {
  return load_config_string(text, "test.toml", overrides);
}

Settings settings_of(const RunConfig& c, size_t point) {
  Settings s;
  s.params = c.points.at(point);
  s.dyads = c.dyads;
  s.chunk_dyads = c.chunk_dyads;
  s.common_random_numbers = c.common_random_numbers;
  s.first_point_key = c.first_point_key;
  return s;
}

/// "[shocks.trust]\nsigma = V\n" for key "shocks.trust.sigma".
std::string assignment(const std::string& key, const std::string& value) {
  const size_t dot = key.rfind('.');
  return "[" + key.substr(0, dot) + "]\n" + key.substr(dot + 1) + " = " + value + "\n";
}

/// A valid value different from `current` (exactly representable in float), as TOML text and as a double.
std::pair<std::string, double> other_value(const ScalarKey& key, double current) {
  switch (key.type) {
    case KeyType::Boolean:
      return {current != 0 ? "false" : "true", current != 0 ? 0.0 : 1.0};
    case KeyType::Choice: {
      const size_t other = current == 0 ? 1 : 0;
      return {"\"" + key.choices[other] + "\"", static_cast<double>(other)};
    }
    case KeyType::Integer: {
      const double v = key.in_bounds(current + 1) ? current + 1 : current - 1;
      char text[32];
      std::snprintf(text, sizeof text, "%.0f", v);
      return {text, v};
    }
    default:
      for (double step : {0.125, -0.125, 0.5, -0.5}) {
        const double v = current + step;
        if (key.in_bounds(v)) {
          char text[32];
          std::snprintf(text, sizeof text, "%.17g", v);
          return {text, v};
        }
      }
  }
  ADD_FAILURE() << "no other value for " << key.key;
  return {"", current};
}

// The factors each proposition names (docs/model.md section 11), restated independently of the registry.
const std::map<int, std::set<int>> kNamedFactors = {{P6a, {Stakes, Relation}},
                                                    {P6b, {Stakes, Relation}},
                                                    {P7a, {Trust, Orientation, Relation}},
                                                    {P7b, {Trust, Orientation, Relation}},
                                                    {P8, {Stakes, Trust, Relation}},
                                                    {P9, {Trust, Orientation}}};

}  // namespace

TEST(ConfigDefaults, EmptyFileGivesDefaultParamsAndOnePoint) {
  const RunConfig c = load("");
  ASSERT_EQ(c.points.size(), 1u);
  EXPECT_EQ(c.point_names, std::vector<std::string>{"default"});
  EXPECT_TRUE(differing_fields(c.points[0], default_params()).empty());
  EXPECT_EQ(c.dyads, 1000u);
  EXPECT_EQ(c.chunk_dyads, 262144u);
  EXPECT_FALSE(c.common_random_numbers);
  EXPECT_EQ(c.points[0].point_key, 0u);
}

TEST(ConfigDefaults, ComparisonHelperCoversEveryField) {
  // differing_fields() is hand-written; if ModelParams grows, this size check reminds us to extend it.
  EXPECT_EQ(sizeof(ModelParams), 1488u) << "ModelParams changed: update tests/cpp/params_compare.hpp";
}

TEST(ConfigKeys, EveryScalarKeyIsSettableAndSetsItsOwnField) {
  const Settings defaults;
  std::map<std::string, std::string> field_of_key;
  for (const ScalarKey& key : scalar_keys()) {
    SCOPED_TRACE(key.key);
    const auto [text, value] = other_value(key, key.get(defaults));
    const RunConfig c = load(assignment(key.key, text));
    const Settings got = settings_of(c, 0);
    EXPECT_EQ(key.get(got), static_cast<double>(key.type == KeyType::Number ? static_cast<float>(value) : value));
    const std::vector<std::string> diff = differing_fields(c.points[0], default_params());
    if (key.key == "run.dyads") {
      EXPECT_EQ(c.dyads, static_cast<uint64_t>(value));
      EXPECT_TRUE(diff.empty());
    } else if (key.key == "run.chunk_dyads") {
      EXPECT_EQ(c.chunk_dyads, static_cast<uint64_t>(value));
      EXPECT_TRUE(diff.empty());
    } else if (key.key == "run.common_random_numbers") {
      EXPECT_TRUE(c.common_random_numbers);
      EXPECT_TRUE(diff.empty());
    } else if (key.key == "run.first_point_key") {
      EXPECT_EQ(c.first_point_key, static_cast<uint32_t>(value));
      EXPECT_EQ(diff, std::vector<std::string>{"point_key"});  // the derived key word, not a model field
    } else {
      ASSERT_EQ(diff.size(), 1u) << "a key must change exactly one ModelParams field";
      field_of_key[key.key] = diff[0];
    }
  }
  // No two keys write the same field.
  std::set<std::string> fields;
  for (const auto& [key, field] : field_of_key) EXPECT_TRUE(fields.insert(field).second) << key << " -> " << field;
  // Every scalar field of ModelParams is reachable, except point_key (derived) and the betas of factors a
  // proposition does not name (they must stay 0).
  const std::vector<std::string> all_scalars = {"periods",
                                                "seed",
                                                "factor_bins",
                                                "hist_bins",
                                                "joint_max",
                                                "relation_bin_max",
                                                "trajectory_stride",
                                                "trajectory_max",
                                                "kernel",
                                                "level[0]",
                                                "level[1]",
                                                "level[2]",
                                                "kappa_c",
                                                "kappa_x",
                                                "lambda",
                                                "firm[0].alpha0",
                                                "firm[0].gamma0",
                                                "firm[0].disguise",
                                                "firm[1].alpha0",
                                                "firm[1].gamma0",
                                                "firm[1].disguise",
                                                "r0",
                                                "w_legal",
                                                "eta_up",
                                                "eta_down",
                                                "trust_recovery_cap",
                                                "delta_r",
                                                "perception_noise",
                                                "perception_weight",
                                                "detect_threshold",
                                                "expected_outflow[0]",
                                                "expected_outflow[1]",
                                                "expected_outflow[2]",
                                                "receptivity_cap[0]",
                                                "receptivity_cap[1]",
                                                "receptivity_cap[2]",
                                                "avoid_periods",
                                                "exit_knowledge",
                                                "exit_power_gain",
                                                "exploit_trust",
                                                "exploit_tolerance[0]",
                                                "exploit_tolerance[1]",
                                                "exploit_tolerance[2]",
                                                "hazard",
                                                "epsilon",
                                                "p_counter",
                                                "p_avoid",
                                                "barrier.b0",
                                                "barrier.trust",
                                                "barrier.orientation",
                                                "barrier.relation",
                                                "barrier.suspicion",
                                                "barrier.temptation",
                                                "p8_b0_moderation",
                                                "beta_qre",
                                                "inertia",
                                                "w_stakes",
                                                "w_leak",
                                                "w_power[0]",
                                                "w_power[1]",
                                                "w_power[2]",
                                                "vigilance[0]",
                                                "vigilance[1]",
                                                "deterrence",
                                                "w_continuation",
                                                "w_output[0]",
                                                "w_output[1]",
                                                "w_output[2]",
                                                "cost_transparency",
                                                "cost_receptivity",
                                                "gate_g0",
                                                "gate_orientation",
                                                "gate_trust",
                                                "gate_stakes",
                                                "gate_relation"};
  std::set<std::string> expected(all_scalars.begin(), all_scalars.end());
  for (int f = 0; f < 3; ++f)
    for (const char* name : {"phi", "sigma", "rho", "p_jump", "jump_size", "jump_common"})
      expected.insert("shock[" + std::to_string(f) + "]." + name);
  for (const auto& [prop, factors] : kNamedFactors) {
    expected.insert("beta[" + std::to_string(prop) + "].b0");
    for (int f : factors) expected.insert("beta[" + std::to_string(prop) + "].beta[" + std::to_string(f) + "]");
  }
  EXPECT_EQ(fields, expected);
}

TEST(ConfigKeys, EveryDistributionKeyIsSettable) {
  const RunConfig c = load(R"(
[initial]
trust_A = {dist = "beta", a = 2.0, b = 3.0}
stakes_A = {dist = "uniform", low = 0.25, high = 0.75}
orientation_A = {dist = "fixed", value = 0.5}
trust_B = {dist = "uniform", low = 0.125, high = 0.25}
stakes_B = {dist = "logitnormal", mean = -1, sd = 0.5}
orientation_B = {dist = "beta", a = 5.0, b = 1.0}
relation = {dist = "normal", mean = 5, sd = 1.5}
knowledge_A = {dist = "fixed", value = 2.0}
knowledge_B = {dist = "normal", mean = 1.0, sd = 0.25}
equity_A = {dist = "uniform", low = 0.25, high = 0.75}
intent_A = "substitution"
intent_B = {dist = "categorical", p = [0.5, 0.25, 0.25]}
strategy_A = "CPT"
strategy_B = "collaboration"
)");
  const ModelParams& p = c.points[0];
  EXPECT_EQ(p.init_factor[FirmA][Trust].kind, DistKind::Beta);
  EXPECT_EQ(p.init_factor[FirmA][Trust].a, 2.0f);
  EXPECT_EQ(p.init_factor[FirmA][Trust].b, 3.0f);
  EXPECT_EQ(p.init_factor[FirmA][Stakes].kind, DistKind::Uniform);
  EXPECT_EQ(p.init_factor[FirmA][Stakes].a, 0.25f);
  EXPECT_EQ(p.init_factor[FirmA][Stakes].b, 0.75f);
  EXPECT_EQ(p.init_factor[FirmA][Orientation].kind, DistKind::Fixed);
  EXPECT_EQ(p.init_factor[FirmA][Orientation].a, 0.5f);
  EXPECT_EQ(p.init_factor[FirmB][Trust].kind, DistKind::Uniform);
  EXPECT_EQ(p.init_factor[FirmB][Trust].a, 0.125f);
  EXPECT_EQ(p.init_factor[FirmB][Stakes].kind, DistKind::LogitNormal);
  EXPECT_EQ(p.init_factor[FirmB][Stakes].a, -1.0f);
  EXPECT_EQ(p.init_factor[FirmB][Orientation].kind, DistKind::Beta);
  EXPECT_EQ(p.init_factor[FirmB][Orientation].a, 5.0f);
  EXPECT_EQ(p.init_relation.kind, DistKind::Normal);
  EXPECT_EQ(p.init_relation.a, 5.0f);
  EXPECT_EQ(p.init_relation.b, 1.5f);
  EXPECT_EQ(p.init_knowledge[0].kind, DistKind::Fixed);
  EXPECT_EQ(p.init_knowledge[0].a, 2.0f);
  EXPECT_EQ(p.init_knowledge[1].kind, DistKind::Normal);
  EXPECT_EQ(p.init_equity.kind, DistKind::Uniform);
  // Names become one-hot categoricals (index = Intent / Strategy code).
  EXPECT_EQ(p.init_intent[0].kind, DistKind::Categorical);
  EXPECT_EQ(p.init_intent[0].n, 3);
  EXPECT_EQ(p.init_intent[0].p[Substitution], 1.0f);
  EXPECT_EQ(p.init_intent[0].p[Internalization] + p.init_intent[0].p[ResourceConcentration], 0.0f);
  EXPECT_EQ(p.init_intent[1].p[Internalization], 0.5f);
  EXPECT_EQ(p.init_strategy[0].n, 5);
  EXPECT_EQ(p.init_strategy[0].p[3], 1.0f);  // Competition
  EXPECT_EQ(p.init_strategy[1].p[4], 1.0f);  // Collaboration
}

TEST(ConfigKeys, DottedDistributionFieldChangesOneParameter) {
  const RunConfig c = load(R"(
"initial.trust_A.mean" = 0.5
[[points]]
name = "a"
[[points]]
name = "b"
"initial.trust_A" = {dist = "uniform", low = 0.25, high = 0.5}
"initial.trust_A.high" = 0.75
)");
  EXPECT_EQ(c.points[0].init_factor[FirmA][Trust].kind, DistKind::LogitNormal);
  EXPECT_EQ(c.points[0].init_factor[FirmA][Trust].a, 0.5f);
  EXPECT_EQ(c.points[0].init_factor[FirmA][Trust].b, 1.0f);  // default sd kept
  EXPECT_EQ(c.points[1].init_factor[FirmA][Trust].kind, DistKind::Uniform);
  EXPECT_EQ(c.points[1].init_factor[FirmA][Trust].a, 0.25f);
  EXPECT_EQ(c.points[1].init_factor[FirmA][Trust].b, 0.75f);
  EXPECT_EQ(c.points[1].init_factor[FirmB][Trust].kind, DistKind::LogitNormal);  // B untouched
}

TEST(ConfigKeys, IntegersAreAcceptedForNumbers) {
  const RunConfig c = load("[flows]\nlambda = 1\n[kernel.strategic]\ngate_g0 = -3\n");
  EXPECT_EQ(c.points[0].lambda, 1.0f);
  EXPECT_EQ(c.points[0].gate_g0, -3.0f);
}

TEST(ConfigPoints, NestedTablesAndQuotedDottedKeysAreEquivalent) {
  const RunConfig c = load(R"(
[[points]]
name = "quoted"
"kernel.type" = "strategic"
"kernel.strategic.inertia" = 0.25

[[points]]
name = "nested"
[points.kernel]
type = "strategic"
[points.kernel.strategic]
inertia = 0.25
)");
  ASSERT_EQ(c.points.size(), 2u);
  EXPECT_EQ(c.point_names, (std::vector<std::string>{"quoted", "nested"}));
  EXPECT_EQ(c.points[0].kernel, KernelType::Strategic);
  EXPECT_EQ(c.points[0].inertia, 0.25f);
  std::vector<std::string> diff = differing_fields(c.points[0], c.points[1]);
  EXPECT_EQ(diff, std::vector<std::string>{"point_key"});
}

TEST(ConfigPoints, PointOverridesApplyOnTopOfTheBase) {
  const RunConfig c = load(R"(
[shocks.trust]
sigma = 0.5
[[points]]
name = "base"
[[points]]
name = "calm"
"shocks.trust.sigma" = 0.0
)");
  EXPECT_EQ(c.points[0].shock[Trust].sigma, 0.5f);
  EXPECT_EQ(c.points[1].shock[Trust].sigma, 0.0f);
}

TEST(ConfigOverrides, DyadsAndSeedAreAppliedAndStoredInTomlText) {
  ConfigOverrides o;
  o.dyads = 77;
  o.seed = 4000000000u;
  const RunConfig c = load("[run]\ndyads = 5\nseed = 3\n", o);
  EXPECT_EQ(c.dyads, 77u);
  EXPECT_EQ(c.points[0].seed, 4000000000u);
  EXPECT_NE(c.toml_text.find("dyads = 77"), std::string::npos) << c.toml_text;
  EXPECT_NE(c.toml_text.find("seed = 4000000000"), std::string::npos) << c.toml_text;
  // The stored text alone reproduces the run.
  const RunConfig again = load(c.toml_text);
  EXPECT_EQ(again.dyads, 77u);
  EXPECT_EQ(again.points[0].seed, 4000000000u);
}

TEST(ConfigOverrides, OverridesWorkWithoutARunSection) {
  ConfigOverrides o;
  o.dyads = 12;
  const RunConfig c = load("[flows]\nlambda = 0.5\n", o);
  EXPECT_EQ(c.dyads, 12u);
  EXPECT_EQ(c.points[0].lambda, 0.5f);
}

TEST(ConfigTomlText, ReloadGivesIdenticalConfig) {
  const std::string text = R"(
"flows.kappa_c" = 0.3
"initial.relation.high" = 7.5
[run]
dyads = 321
periods = 40
common_random_numbers = true
[initial]
trust_B = {dist = "beta", a = 2, b = 5}
intent_A = "resource_concentration"
[kernel.propositional.P8]
T = 0.123456789
[[points]]
name = "prop"
[[points]]
name = "strat"
"kernel.type" = "strategic"
[points.kernel.strategic.w_power]
substitution = 3.5
[sweep]
"termination.hazard" = [0.0, 0.01]
"initial.strategy_A" = ["AVO", {dist = "categorical", p = [0.1, 0.2, 0.3, 0.2, 0.2]}]
)";
  const RunConfig a = load(text);
  const RunConfig b = load(a.toml_text);
  EXPECT_EQ(a.point_names, b.point_names);
  EXPECT_EQ(a.dyads, b.dyads);
  EXPECT_EQ(a.chunk_dyads, b.chunk_dyads);
  EXPECT_EQ(a.common_random_numbers, b.common_random_numbers);
  ASSERT_EQ(a.points.size(), 8u);
  ASSERT_EQ(b.points.size(), a.points.size());
  for (size_t i = 0; i < a.points.size(); ++i)
    EXPECT_TRUE(differing_fields(a.points[i], b.points[i]).empty()) << a.point_names[i];
  EXPECT_EQ(a.toml_text, b.toml_text);  // serialisation is a fixed point
  EXPECT_EQ(a.points[0].beta[P8].beta[Trust], 0.123456789f);
}

TEST(ConfigSweep, CartesianProductInWrittenKeyOrder) {
  const RunConfig c = load(R"(
[[points]]
name = "base"
[[points]]
name = "other"
"flows.lambda" = 0.5
[sweep]
"shocks.trust.sigma" = [0.2, 0.4, 0.8]
"kernel.type" = ["propositional", "strategic"]
)");
  ASSERT_EQ(c.points.size(), 12u);
  // First written key varies slowest, within each point; points are the outermost loop.
  EXPECT_EQ(c.point_names[0], "base/shocks.trust.sigma=0.2/kernel.type=propositional");
  EXPECT_EQ(c.point_names[1], "base/shocks.trust.sigma=0.2/kernel.type=strategic");
  EXPECT_EQ(c.point_names[2], "base/shocks.trust.sigma=0.4/kernel.type=propositional");
  EXPECT_EQ(c.point_names[5], "base/shocks.trust.sigma=0.8/kernel.type=strategic");
  EXPECT_EQ(c.point_names[6], "other/shocks.trust.sigma=0.2/kernel.type=propositional");
  const float sigmas[3] = {0.2f, 0.4f, 0.8f};
  for (size_t i = 0; i < 12; ++i) {
    SCOPED_TRACE(c.point_names[i]);
    EXPECT_EQ(c.points[i].shock[Trust].sigma, sigmas[(i / 2) % 3]);
    EXPECT_EQ(c.points[i].kernel, i % 2 ? KernelType::Strategic : KernelType::Propositional);
    EXPECT_EQ(c.points[i].lambda, i < 6 ? 0.1f : 0.5f);
    EXPECT_EQ(c.points[i].point_key, i);
  }
}

TEST(ConfigSweep, WithoutPointsTheBaseIsNamedDefault) {
  const RunConfig c = load("[sweep]\n\"initial.intent_A\" = [\"internalization\", \"substitution\"]\n");
  EXPECT_EQ(c.point_names, (std::vector<std::string>{"default/initial.intent_A=internalization",
                                                     "default/initial.intent_A=substitution"}));
  EXPECT_EQ(c.points[1].init_intent[0].p[Substitution], 1.0f);
}

TEST(ConfigSweep, NestedSweepTablesAreFlattened) {
  const RunConfig c = load("[sweep.shocks.stakes]\nphi = [0.5, 0.9]\n");
  ASSERT_EQ(c.points.size(), 2u);
  EXPECT_EQ(c.point_names[1], "default/shocks.stakes.phi=0.9");
  EXPECT_EQ(c.points[1].shock[Stakes].phi, 0.9f);
}

TEST(ConfigRandomNumbers, CommonRandomNumbersGiveEveryPointKeyZero) {
  const std::string sweep = "[sweep]\n\"flows.lambda\" = [0.1, 0.2, 0.3]\n";
  const RunConfig independent = load(sweep);
  const RunConfig common = load("[run]\ncommon_random_numbers = true\n" + sweep);
  ASSERT_EQ(common.points.size(), 3u);
  for (uint32_t i = 0; i < 3; ++i) {
    EXPECT_EQ(independent.points[i].point_key, i);
    EXPECT_EQ(common.points[i].point_key, 0u);
  }
  EXPECT_TRUE(common.common_random_numbers);
}

TEST(ConfigRandomNumbers, FirstPointKeyOffsetsThePointKeys) {
  const std::string sweep = "[sweep]\n\"flows.lambda\" = [0.1, 0.2, 0.3]\n";
  const RunConfig block = load("[run]\nfirst_point_key = 4000000000\n" + sweep);
  const RunConfig common = load("[run]\nfirst_point_key = 7\ncommon_random_numbers = true\n" + sweep);
  for (uint32_t i = 0; i < 3; ++i) {
    EXPECT_EQ(block.points[i].point_key, 4000000000u + i);
    EXPECT_EQ(common.points[i].point_key, 0u);  // common random numbers: every point key 0, whatever the offset
  }
  // The last point's key must fit in 32 bits (4294967295 + 3 points would wrap onto point keys 0 and 1).
  try {
    load("[run]\nfirst_point_key = 4294967294\n" + sweep);
    FAIL() << "expected a ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "run.first_point_key");
    EXPECT_NE(std::string(e.what()).find("4294967295"), std::string::npos) << e.what();
  }
  EXPECT_NO_THROW(load("[run]\nfirst_point_key = 4294967293\n" + sweep));
}

TEST(ConfigParameterTable, OneColumnPerScalarWithSweptValues) {
  const RunConfig c = load(R"(
[initial]
intent_B = "substitution"
[[points]]
name = "p"
[[points]]
name = "s"
"kernel.type" = "strategic"
"initial.trust_A" = {dist = "fixed", value = 0.25}
[sweep]
"shocks.trust.sigma" = [0.2, 0.4]
)");
  const std::vector<ParamColumn> table = parameter_table(c);
  std::map<std::string, std::vector<double>> columns;
  for (const ParamColumn& column : table) {
    EXPECT_EQ(column.values.size(), 4u) << column.key;
    EXPECT_TRUE(columns.emplace(column.key, column.values).second) << "duplicate column " << column.key;
  }
  for (const ScalarKey& key : scalar_keys()) EXPECT_TRUE(columns.count(key.key)) << key.key;
  EXPECT_EQ(columns["kernel.type"], (std::vector<double>{0, 0, 1, 1}));
  // Numbers as written (float64), not as the float32 the engine computes with.
  EXPECT_EQ(columns["shocks.trust.sigma"], (std::vector<double>{0.2, 0.4, 0.2, 0.4}));
  EXPECT_EQ(columns["run.dyads"], (std::vector<double>{1000, 1000, 1000, 1000}));
  EXPECT_EQ(columns["initial.trust_A.dist"][0], static_cast<double>(DistKind::LogitNormal));
  EXPECT_EQ(columns["initial.trust_A.dist"][2], static_cast<double>(DistKind::Fixed));
  EXPECT_EQ(columns["initial.trust_A.mean"][0], 0.0);
  EXPECT_TRUE(std::isnan(columns["initial.trust_A.mean"][2]));
  EXPECT_EQ(columns["initial.trust_A.value"][2], 0.25);
  EXPECT_TRUE(std::isnan(columns["initial.trust_A.value"][0]));
  EXPECT_EQ(columns["initial.trust_B.dist"][2], static_cast<double>(DistKind::LogitNormal));
  EXPECT_EQ(columns["initial.intent_B.p.substitution"][0], 1.0);
  EXPECT_EQ(columns["initial.intent_A.p.internalization"][0], 0.6);  // a default: its shortest decimal
  EXPECT_EQ(columns["initial.strategy_A.p.Collaboration"][3], 0.25);
  EXPECT_EQ(columns["initial.strategy_A.p.Avoidance"][3], 0.0);  // ongoing alliances
  EXPECT_FALSE(columns.count("initial.trust_A.a"));              // no point uses a beta distribution
  EXPECT_FALSE(columns.count("events.0.value"));                 // no point has events
}

TEST(ConfigParameterTable, NumbersAsWrittenNotAsFloat32) {
  // 0.1 is 0.10000000149011612 as a float32; a value with more digits than a float32 holds keeps them all; a point's
  // distribution and its fields show the point's numbers; defaults show as the shortest decimal of their float.
  const RunConfig c = load(R"(
[flows]
lambda = 0.123456789012345
[initial]
trust_A = {dist = "uniform", low = 0.1, high = 0.3}
intent_A = {dist = "categorical", p = [0.1, 0.2, 0.7]}
[[points]]
name = "base"
[[points]]
name = "other"
"initial.trust_A" = {dist = "logitnormal", mean = 0.7, sd = 0.2}
"initial.trust_A.sd" = 0.45
[sweep]
"shocks.trust.sigma" = [0.1, 0.3]
)");
  std::map<std::string, std::vector<double>> columns;
  for (const ParamColumn& column : parameter_table(c)) columns[column.key] = column.values;
  EXPECT_EQ(columns["shocks.trust.sigma"], (std::vector<double>{0.1, 0.3, 0.1, 0.3}));
  EXPECT_EQ(columns["flows.lambda"][3], 0.123456789012345);
  EXPECT_NE(static_cast<double>(c.points[0].lambda), 0.123456789012345);  // the engine still computes in float32
  EXPECT_EQ(columns["initial.trust_A.low"][0], 0.1);
  EXPECT_EQ(columns["initial.trust_A.high"][1], 0.3);
  EXPECT_TRUE(std::isnan(columns["initial.trust_A.low"][2]));
  EXPECT_EQ(columns["initial.trust_A.mean"][3], 0.7);
  EXPECT_EQ(columns["initial.trust_A.sd"][2], 0.45);
  EXPECT_EQ(columns["initial.intent_A.p.substitution"][0], 0.2);
  EXPECT_EQ(columns["flows.kappa_c"][0], std::stod(shortest_float(c.points[0].kappa_c)));
  EXPECT_EQ(columns["run.dyads"][0], 1000.0);
}

TEST(ConfigFiles, ModelDocListsExactlyTheRegistryKeys) {
  // docs/model.md section 19 is the parameter reference: the backticked dotted key in the first column of its
  // tables, one row per key, must be exactly the engine's registry (no key missing, none extra or stale).
  std::ifstream in(std::string(LEARNRACE_SOURCE_DIR) + "/docs/model.md");
  ASSERT_TRUE(in) << "docs/model.md";
  std::string line;
  bool inside = false;
  std::multiset<std::string> documented;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0) inside = line.rfind("## 19.", 0) == 0;
    if (!inside || line.rfind("| `", 0) != 0) continue;
    const size_t end = line.find('`', 3);
    ASSERT_NE(end, std::string::npos) << line;
    documented.insert(line.substr(3, end - 3));
  }
  const std::vector<std::string> keys = all_keys();
  const std::multiset<std::string> registry(keys.begin(), keys.end());
  for (const std::string& k : registry) EXPECT_EQ(documented.count(k), 1u) << k << " in section 19";
  for (const std::string& k : documented) EXPECT_EQ(registry.count(k), 1u) << k << " is not a registry key";
}

TEST(ConfigFiles, BaselineDocumentsEveryKeyAndUsesTheDefaults) {
  const std::string path = std::string(LEARNRACE_SOURCE_DIR) + "/experiments/baseline.toml";
  const RunConfig c = load_config_file(path);
  EXPECT_EQ(c.dyads, 1000000u);
  EXPECT_EQ(c.point_names, (std::vector<std::string>{"propositional", "strategic"}));
  ASSERT_EQ(c.points.size(), 2u);
  EXPECT_EQ(c.points[0].periods, 100);
  EXPECT_EQ(c.points[0].kernel, KernelType::Propositional);
  EXPECT_EQ(c.points[1].kernel, KernelType::Strategic);
  EXPECT_TRUE(differing_fields(c.points[0], default_params()).empty());
  EXPECT_EQ(differing_fields(c.points[1], default_params()), (std::vector<std::string>{"point_key", "kernel"}));
  // Every registry key is written out explicitly, so the file is a complete reference.
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  const ConfigValue root = parse_toml(text.str(), path);
  std::set<std::string> written;
  for (const Leaf& leaf : collect_leaves(root, {"points", "sweep", "events"}, {path, ""})) written.insert(leaf.key);
  for (const std::string& key : all_keys()) EXPECT_TRUE(written.count(key)) << key << " missing from baseline.toml";
  // run.dyads is the one key not at its default; the file says so and names the code's default.
  const std::string default_dyads = "(default " + std::to_string(RunConfig{}.dyads) + ")";
  const std::string dyads_line = text.str().substr(text.str().find("\ndyads = ") + 1);
  EXPECT_NE(dyads_line.substr(0, dyads_line.find('\n')).find(default_dyads), std::string::npos)
      << "baseline.toml's run.dyads comment must say " << default_dyads;
  EXPECT_NE(text.str().find("except run.dyads: the baseline runs 1000000 dyads per point, the default is " +
                            std::to_string(RunConfig{}.dyads)),
            std::string::npos);
}

TEST(ConfigFiles, SmokeIsSmall) {
  const RunConfig c = load_config_file(std::string(LEARNRACE_SOURCE_DIR) + "/experiments/smoke.toml");
  EXPECT_LE(c.dyads * c.points.size(), 2000u);
  EXPECT_EQ(c.points.size(), 4u);
}

TEST(ConfigKeys, LevelKeysDefaultToStartAndTakeDistributions) {
  const RunConfig d = load("");
  for (int f = 0; f < kFirms; ++f)
    for (int k = 0; k < kFirmFactors; ++k) EXPECT_EQ(d.points[0].level_factor[f][k].kind, DistKind::Start);
  const RunConfig c = load(R"(
[level]
trust_A = {dist = "fixed", value = 0.2}
stakes_B = {dist = "logitnormal", mean = 1.5, sd = 0.5}
orientation_A = "start"
)");
  const ModelParams& p = c.points[0];
  EXPECT_EQ(p.level_factor[FirmA][Trust].kind, DistKind::Fixed);
  EXPECT_EQ(p.level_factor[FirmA][Trust].a, 0.2f);
  EXPECT_EQ(p.level_factor[FirmB][Stakes].kind, DistKind::LogitNormal);
  EXPECT_EQ(p.level_factor[FirmA][Orientation].kind, DistKind::Start);
  EXPECT_EQ(p.level_factor[FirmB][Trust].kind, DistKind::Start);
}
