// Every class of configuration error gives a ConfigError whose key is the dotted key at fault and
// whose message names it, where it is, and what is allowed.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config.hpp"

using namespace learnrace;

namespace {

struct ErrorCase {
  const char* name;
  const char* toml;
  const char* key;                    // expected ConfigError::key()
  std::vector<const char*> mentions;  // substrings the message must contain
};

void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }

ConfigError error_of(const std::string& text, const ConfigOverrides& overrides = {}) {
  try {
    load_config_string(text, "bad.toml", overrides);
  } catch (const ConfigError& e) {
    return e;
  }
  ADD_FAILURE() << "no ConfigError for:\n" << text;
  return ConfigError("<none>", "<none>");
}

class ConfigErrorCase : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ConfigErrorCase, MessageNamesTheKey) {
  const ErrorCase& c = GetParam();
  const ConfigError e = error_of(c.toml);
  EXPECT_EQ(e.key(), c.key);
  const std::string message = e.what();
  if (*c.key) {
    EXPECT_NE(message.find(c.key), std::string::npos) << message;
  }
  for (const char* m : c.mentions) EXPECT_NE(message.find(m), std::string::npos) << "'" << m << "' not in: " << message;
}

std::string case_name(const ::testing::TestParamInfo<ErrorCase>& info) { return info.param.name; }

// --- unknown keys, with a suggestion and the valid keys of the section ---
const ErrorCase kUnknownKeys[] = {
    {"Typo",
     "[shocks.trust]\nsigm = 0.2\n",
     "shocks.trust.sigm",
     {"bad.toml:2:1", "unknown key", "did you mean 'shocks.trust.sigma'?",
      "phi, sigma, rho, p_jump, jump_size, jump_common"}},
    {"TypoInSection", "[shokcs.trust]\nsigma = 0.2\n", "shokcs", {"unknown key", "did you mean 'shocks'?"}},
    {"WrongSection", "[flows]\nr0 = 0.5\n", "flows.r0", {"did you mean 'capacity.r0'?"}},
    {"QuotedDottedTypo",
     "\"termination.hazzard\" = 0.1\n",
     "termination.hazzard",
     {"did you mean 'termination.hazard'?"}},
    {"TopLevel", "seed = 3\n", "seed", {"did you mean 'run.seed'?", "at the top level"}},
    {"DoubledSection",
     "[initial]\ninitial.trust_A = {dist = \"fixed\", value = 0.5}\n",
     "initial.initial",
     {"top-level section", "without the 'initial.' prefix"}},
    {"InPoint",
     "[[points]]\nname = \"a\"\n\"kernel.strategic.intertia\" = 0.2\n",
     "kernel.strategic.intertia",
     {"point 'a' (points[0])", "did you mean 'kernel.strategic.inertia'?"}},
    {"DistributionParameter",
     "[initial]\ntrust_A = {dist = \"fixed\", value = 0.5, sd = 1}\n",
     "initial.trust_A.sd",
     {"unknown key", "dist = \"fixed\" has the parameters value"}},
};
INSTANTIATE_TEST_SUITE_P(UnknownKey, ConfigErrorCase, ::testing::ValuesIn(kUnknownKeys), case_name);

// --- a factor a proposition does not name is an unknown key that says which factors it names ---
const ErrorCase kUnnamedFactors[] = {
    {"P6aTrust",
     "[kernel.propositional.P6a]\nT = 1.0\n",
     "kernel.propositional.P6a.T",
     {"unknown key", "P6a names only the factors S, R", "accepts only b0, S, R"}},
    {"P9Relation",
     "[kernel.propositional.P9]\nR = 0.5\n",
     "kernel.propositional.P9.R",
     {"P9 names only the factors T, L"}},
    {"P8Orientation",
     "\"kernel.propositional.P8.L\" = 0.5\n",
     "kernel.propositional.P8.L",
     {"P8 names only the factors S, T, R"}},
    {"P7bStakes",
     "[[points]]\nname = \"x\"\n[points.kernel.propositional.P7b]\nS = 2\n",
     "kernel.propositional.P7b.S",
     {"P7b names only the factors T, L, R", "point 'x'"}},
};
INSTANTIATE_TEST_SUITE_P(UnnamedFactor, ConfigErrorCase, ::testing::ValuesIn(kUnnamedFactors), case_name);

// --- wrong type: the message says what was expected and what was given ---
const ErrorCase kWrongTypes[] = {
    {"FloatForInteger", "[run]\ndyads = 1.5\n", "run.dyads", {"wrong type", "expected an integer >= 1", "float (1.5)"}},
    {"IntegralFloatForInteger",
     "[termination]\navoid_periods = 2.0\n",
     "termination.avoid_periods",
     {"expected an integer in [1, 100000]", "float"}},
    {"StringForInteger", "[run]\ndyads = \"10\"\n", "run.dyads", {"wrong type", "string (\"10\")"}},
    {"StringForNumber", "[flows]\nlambda = \"0.1\"\n", "flows.lambda", {"expected a number in (0, 1]", "string"}},
    {"IntegerForBoolean", "[run]\ncommon_random_numbers = 1\n", "run.common_random_numbers", {"true or false"}},
    {"UnknownChoice",
     "[kernel]\ntype = \"markov\"\n",
     "kernel.type",
     {"'markov'", "one of \"propositional\", \"strategic\""}},
    {"NumberForChoice", "[kernel]\ntype = 1\n", "kernel.type", {"wrong type"}},
    {"ValueForSection", "shocks = 3\n", "shocks", {"expected a table [shocks]", "trust, stakes, orientation"}},
    {"TableForValue", "[flows.lambda]\nx = 1\n", "flows.lambda", {"wrong type", "table"}},
    {"NumberForDistribution",
     "[initial]\ntrust_A = 0.5\n",
     "initial.trust_A",
     {"distribution table", "fixed, uniform, logitnormal, beta"}},
    {"DateTime", "[run]\nseed = 1979-05-27\n", "run.seed", {"wrong type", "date/time"}},
    {"ProbabilityNotANumber",
     "[initial]\nintent_A = {dist = \"categorical\", p = [0.5, \"x\", 0.5]}\n",
     "initial.intent_A.p",
     {"expected a number"}},
    {"PointsNotTables", "points = 3\n", "points", {"[[points]]"}},
    {"PointNameNotString", "[[points]]\nname = 3\n", "points.name", {"non-empty string", "points[0]"}},
    {"PointNameWithNul", "[[points]]\nname = \"a\\u0000b\"\n", "points.name", {"NUL character", "points[0]"}},
};
INSTANTIATE_TEST_SUITE_P(WrongType, ConfigErrorCase, ::testing::ValuesIn(kWrongTypes), case_name);

// --- out of range: the message gives the value and the allowed range ---
const ErrorCase kOutOfRange[] = {
    {"PeriodsZero", "[run]\nperiods = 0\n", "run.periods", {"0 is out of range", "an integer in [1, 100000]"}},
    {"PeriodsTooMany", "[run]\nperiods = 100001\n", "run.periods", {"100001"}},
    {"DyadsZero", "[run]\ndyads = 0\n", "run.dyads", {"an integer >= 1"}},
    {"SeedNegative", "[run]\nseed = -1\n", "run.seed", {"[0, 4294967295]"}},
    {"SeedTooLarge", "[run]\nseed = 4294967296\n", "run.seed", {"4294967296 is out of range"}},
    {"FactorBins", "[output]\nfactor_bins = 17\n", "output.factor_bins", {"[1, 16]"}},
    {"HistBins", "[output]\nhist_bins = 1\n", "output.hist_bins", {"[2, 10000]"}},
    {"TrajectoryMax", "[output]\ntrajectory_max = 1000001\n", "output.trajectory_max", {"[0, 1000000]"}},
    {"JointMax", "[output]\njoint_max = 0\n", "output.joint_max", {"a number > 0"}},
    {"LambdaZero", "[flows]\nlambda = 0\n", "flows.lambda", {"(0, 1]"}},
    {"Phi", "[shocks.orientation]\nphi = 1.5\n", "shocks.orientation.phi", {"1.5 is out of range", "[0, 1]"}},
    {"NegativeSigma", "[shocks.stakes]\nsigma = -0.1\n", "shocks.stakes.sigma", {"a number >= 0"}},
    {"NaN", "[shocks.trust]\nsigma = nan\n", "shocks.trust.sigma", {"must be finite", "nan"}},
    {"Infinity", "[flows]\nkappa_c = inf\n", "flows.kappa_c", {"must be finite"}},
    {"BeyondFloat", "[kernel.strategic]\ngate_g0 = 1e39\n", "kernel.strategic.gate_g0", {"32-bit float"}},
    {"UnderflowsToZero", "[capacity]\nr0 = 1e-50\n", "capacity.r0", {"32-bit float", "a number > 0"}},
    // The limits a key has without a bound of its own are stated, so the message never contradicts itself.
    {"BeyondFloatStatesTheLimit",
     "[capacity]\nr0 = 1e39\n",
     "capacity.r0",
     {"1e+39 is out of range; allowed: a number > 0 and <= 3.4028235e+38 (the largest 32-bit float)"}},
    {"BeyondFloatUnbounded",
     "[kernel.strategic]\ngate_g0 = -1e39\n",
     "kernel.strategic.gate_g0",
     {"|x| <= 3.4028235e+38"}},
    {"DistributionBeyondFloat",
     "[initial]\ntrust_A = {dist = \"fixed\", value = 1e39}\n",
     "initial.trust_A.value",
     {"|x| <= 3.4028235e+38", "1e+39"}},
    {"IntegerJustBeyond2Pow53",
     "[run]\ndyads = 9007199254740993\n",
     "run.dyads",
     {"9007199254740993 is out of range; allowed: an integer >= 1 and <= 9007199254740992 (2^53)"}},
    {"StrideJustBeyond2Pow53",
     "[output]\ntrajectory_stride = 9007199254740993\n",
     "output.trajectory_stride",
     {"9007199254740993 is out of range"}},
    {"Cap", "[intent.receptivity_cap]\nsubstitution = 2\n", "intent.receptivity_cap.substitution", {"[0, 1]"}},
    {"Hazard", "[termination]\nhazard = -0.01\n", "termination.hazard", {"[0, 1]"}},
    {"Epsilon", "[kernel.propositional]\nepsilon = 1.01\n", "kernel.propositional.epsilon", {"[0, 1]"}},
    {"Beta", "[kernel.propositional.P6a]\nS = inf\n", "kernel.propositional.P6a.S", {"finite"}},
    {"FixedOutsideSupport",
     "[initial]\ntrust_A = {dist = \"fixed\", value = 1.0}\n",
     "initial.trust_A.value",
     {"outside the support", "(0, 1)"}},
    {"UniformOutsideSupport",
     "[initial]\nequity_A = {dist = \"uniform\", low = 0.5, high = 1.5}\n",
     "initial.equity_A.high",
     {"outside the support", "[0, 1]"}},
    {"NegativeSd", "\"initial.trust_A.sd\" = -1\n", "initial.trust_A.sd", {"must be >= 0"}},
    {"BetaShape", "[initial]\nstakes_B = {dist = \"beta\", a = 0, b = 1}\n", "initial.stakes_B.a", {"must be > 0"}},
    {"NormalMeanForKnowledge",
     "[initial]\nknowledge_A = {dist = \"normal\", mean = -1, sd = 1}\n",
     "initial.knowledge_A.mean",
     {"must be > 0"}},
    {"NegativeProbability",
     "[initial]\nintent_B = {dist = \"categorical\", p = [1.5, -0.5, 0]}\n",
     "initial.intent_B.p",
     {">= 0"}},
};
INSTANTIATE_TEST_SUITE_P(OutOfRange, ConfigErrorCase, ::testing::ValuesIn(kOutOfRange), case_name);

// --- inconsistent sizes and combinations ---
const ErrorCase kInconsistent[] = {
    {"IntentProbabilities",
     "[initial]\nintent_A = {dist = \"categorical\", p = [0.5, 0.5]}\n",
     "initial.intent_A.p",
     {"inconsistent size", "expected 3 probabilities", "internalization, substitution, resource_concentration",
      "got 2"}},
    {"StrategyProbabilities",
     "[initial]\nstrategy_A = {dist = \"categorical\", p = [0.5, 0.25, 0.25]}\n",
     "initial.strategy_A.p",
     {"expected 5 probabilities", "Avoidance", "Collaboration"}},
    {"ProbabilitiesSum",
     "[initial]\nintent_A = {dist = \"categorical\", p = [0.5, 0.4, 0.2]}\n",
     "initial.intent_A.p",
     {"sum to 1", "1.1"}},
    {"StrategyLevels",
     "[strategies]\nlow = 0.6\n",
     "strategies.moderate",
     {"inconsistent", "strategies.low <= strategies.moderate <= strategies.high", "0.6, 0.5, 1"}},
    {"StrategyLevelsInPoint",
     "[[points]]\nname = \"p\"\n\"strategies.high\" = 0.25\n",
     "strategies.high",
     {"point 'p'", "inconsistent"}},
    {"UniformBounds",
     "[initial]\nrelation = {dist = \"uniform\", low = 5, high = 2}\n",
     "initial.relation.high",
     {"greater than low"}},
    {"FieldOfOtherDistribution",
     "[initial]\ntrust_A = {dist = \"beta\", a = 1, b = 1}\n[[points]]\nname = \"x\"\n\"initial.trust_A.mean\" = 0.1\n",
     "initial.trust_A.mean",
     {"inconsistent", "dist = \"beta\"", "a, b"}},
    {"KindAlone", "\"initial.trust_A.dist\" = \"beta\"\n", "initial.trust_A.dist", {"set the whole distribution"}},
    {"SetTwice",
     "\"kernel.type\" = \"strategic\"\n[kernel]\ntype = \"propositional\"\n",
     "kernel.type",
     {"set more than once"}},
    {"ResultsTooLarge",
     "[run]\ndyads = 1000000\nperiods = 100000\n[output]\ntrajectory_max = 1000000\ntrajectory_stride = 1\n",
     "output.trajectory_max",
     {"inconsistent sizes", "GiB", "trajectory_stride"}},
    {"TooManyDyadsOverAllPoints",
     "[run]\ndyads = 9007199254740992\n[sweep]\n\"flows.lambda\" = [0.1, 0.2]\n",
     "run.dyads",
     {"inconsistent sizes", "2^53"}},
    {"MissingPointName", "[[points]]\n\"kernel.type\" = \"strategic\"\n", "points.name", {"points[0]", "needs a name"}},
    {"EmptyPointName", "[[points]]\nname = \"\"\n", "points.name", {"non-empty"}},
    {"DuplicatePointName",
     "[[points]]\nname = \"a\"\n[[points]]\nname = \"a\"\n",
     "points.name",
     {"duplicate point name 'a'", "points[1]"}},
    // An event at or after the horizon would never happen (it was silently ignored).
    {"EventAfterHorizon",
     "[run]\nperiods = 20\n[[events]]\nvariable = \"trust\"\nfirm = \"A\"\nat = 20\nset = 0.1\n",
     "events",
     {"never happens", "run.periods = 20", "periods 0 to 19", "trust of A", "from period 20"}},
    {"PointEventAfterHorizon",
     "[run]\nperiods = 20\n[[points]]\nname = \"late\"\n[[points.events]]\nvariable = \"hazard\"\nfrom = 25\n"
     "set = 0.5\n",
     "events",
     {"point 'late'", "hazard of dyad", "never happens"}},
};
INSTANTIATE_TEST_SUITE_P(Inconsistent, ConfigErrorCase, ::testing::ValuesIn(kInconsistent), case_name);

// --- bad distribution for a variable: names the variable, its support and the allowed dists ---
const ErrorCase kBadDistributions[] = {
    {"NormalForTrust",
     "[initial]\ntrust_A = {dist = \"normal\", mean = 0, sd = 1}\n",
     "initial.trust_A",
     {"\"normal\" is not allowed", "(0, 1)", "allowed: fixed, uniform, logitnormal, beta"}},
    {"BetaForRelation",
     "[initial]\nrelation = {dist = \"beta\", a = 2, b = 2}\n",
     "initial.relation",
     {"\"beta\" is not allowed", ">= 0", "allowed: fixed, uniform, normal"}},
    {"LogitnormalForKnowledge",
     "[initial]\nknowledge_B = {dist = \"logitnormal\", mean = 0, sd = 1}\n",
     "initial.knowledge_B",
     {"allowed: fixed, uniform, normal"}},
    {"CategoricalForEquity",
     "[initial]\nequity_A = {dist = \"categorical\", p = [1]}\n",
     "initial.equity_A",
     {"allowed: fixed, uniform, logitnormal, beta"}},
    {"UniformForIntent",
     "[initial]\nintent_A = {dist = \"uniform\", low = 0, high = 1}\n",
     "initial.intent_A",
     {"allowed: categorical"}},
    {"UnknownDist",
     "[initial]\nstakes_A = {dist = \"gamma\", a = 1}\n",
     "initial.stakes_A",
     {"\"gamma\" is not allowed"}},
    {"MissingDist", "[initial]\nstakes_A = {a = 1, b = 2}\n", "initial.stakes_A", {"missing 'dist'"}},
    {"MissingParameter", "[initial]\ntrust_A = {dist = \"uniform\", low = 0.5}\n", "initial.trust_A", {"needs 'high'"}},
    {"UnknownStrategyName",
     "[initial]\nstrategy_B = \"Cooperation\"\n",
     "initial.strategy_B",
     {"'Cooperation'", "Competition (CPT)"}},
    {"UnknownIntentName", "[initial]\nintent_A = \"learning\"\n", "initial.intent_A", {"resource_concentration"}},
    // Model v3: "start" is the default of a long-run level, and nothing else.
    {"StartForInitial", "[initial]\ntrust_A = \"start\"\n", "initial.trust_A", {"distribution table"}},
    {"StartDistForInitial",
     "[initial]\ntrust_A = {dist = \"start\"}\n",
     "initial.trust_A",
     {"\"start\" is not allowed", "allowed: fixed, uniform, logitnormal, beta"}},
    {"NormalForLevel",
     "[level]\nstakes_B = {dist = \"normal\", mean = 0.5, sd = 0.1}\n",
     "level.stakes_B",
     {"\"normal\" is not allowed", "allowed: fixed, uniform, logitnormal, beta, start"}},
    {"LevelOutsideUnit", "[level]\ntrust_A = {dist = \"fixed\", value = 1.0}\n", "level.trust_A.value", {"(0, 1)"}},
    {"RemovedExitPower", "[termination]\nexit_power = 0.6\n", "termination.exit_power", {"unknown key"}},
};
INSTANTIATE_TEST_SUITE_P(BadDistribution, ConfigErrorCase, ::testing::ValuesIn(kBadDistributions), case_name);

// --- run.* and output.* cannot vary per point ---
const ErrorCase kPerPointRunKeys[] = {
    {"NestedRun",
     "[[points]]\nname = \"a\"\n[points.run]\nseed = 3\n",
     "run.seed",
     {"point 'a' (points[0])", "cannot vary per point", "bad.toml:4:1"}},
    {"QuotedOutput",
     "[[points]]\nname = \"a\"\n\"output.hist_bins\" = 10\n",
     "output.hist_bins",
     {"cannot vary per point"}},
    {"InvalidRunValueInPoint",
     "[[points]]\nname = \"a\"\n\"run.periods\" = 0\n",
     "run.periods",
     {"cannot vary per point"}},
};
INSTANTIATE_TEST_SUITE_P(PerPointRunKey, ConfigErrorCase, ::testing::ValuesIn(kPerPointRunKeys), case_name);

// --- bad sweeps ---
const ErrorCase kBadSweeps[] = {
    {"UnknownKey",
     "[sweep]\n\"shocks.trust.sigm\" = [0.1]\n",
     "shocks.trust.sigm",
     {"[sweep]", "did you mean 'shocks.trust.sigma'?"}},
    {"NotAnArray", "[sweep]\n\"shocks.trust.sigma\" = 0.1\n", "shocks.trust.sigma", {"non-empty array"}},
    {"EmptyArray", "[sweep]\n\"shocks.trust.sigma\" = []\n", "shocks.trust.sigma", {"non-empty array"}},
    {"RunKey", "[sweep]\n\"run.seed\" = [1, 2]\n", "run.seed", {"cannot be swept"}},
    {"OutputKey", "[sweep]\n\"output.factor_bins\" = [2, 4]\n", "output.factor_bins", {"cannot be swept"}},
    {"Section", "[sweep]\n\"shocks.trust\" = [1, 2]\n", "shocks.trust", {"is a section"}},
    {"DuplicateValue", "[sweep]\n\"shocks.trust.sigma\" = [0.1, 0.1]\n", "shocks.trust.sigma", {"listed twice"}},
    {"ValueOutOfRange",
     "[sweep]\n\"shocks.trust.sigma\" = [0.1, -1]\n",
     "shocks.trust.sigma",
     {"bad.toml:2:30", "-1 is out of range", "a number >= 0"}},
    {"ValueWrongType", "[sweep]\n\"kernel.type\" = [\"strategic\", 3]\n", "kernel.type", {"wrong type"}},
    {"SweptTwice",
     "[sweep]\n\"initial.trust_A\" = [{dist = \"fixed\", value = 0.5}]\n\"initial.trust_A.value\" = [0.2]\n",
     "initial.trust_A.value",
     {"swept twice"}},
    {"AlsoSetByPoint",
     "[[points]]\nname = \"a\"\n\"shocks.trust.sigma\" = 0.3\n[sweep]\n\"shocks.trust.sigma\" = [0.1, 0.2]\n",
     "shocks.trust.sigma",
     {"point 'a'", "also swept"}},
    {"NotATable", "sweep = [1, 2]\n", "sweep", {"wrong type"}},
};
INSTANTIATE_TEST_SUITE_P(BadSweep, ConfigErrorCase, ::testing::ValuesIn(kBadSweeps), case_name);

}  // namespace

TEST(ConfigErrorSyntax, GivesFileLineAndColumn) {
  const ConfigError e = error_of("[run]\ndyads = 10\n[output\n");
  const std::string message = e.what();
  EXPECT_EQ(message.rfind("bad.toml:3:", 0), 0u) << message;
  EXPECT_NE(message.find("TOML syntax error"), std::string::npos) << message;
}

TEST(ConfigErrorSyntax, DuplicateTomlKeyIsASyntaxError) {
  const std::string message = error_of("[run]\nseed = 1\nseed = 2\n").what();
  EXPECT_EQ(message.rfind("bad.toml:3:", 0), 0u) << message;
}

TEST(ConfigErrorOverrides, CommandLineValuesAreValidatedAndNamed) {
  ConfigOverrides o;
  o.dyads = 0;
  const ConfigError e = error_of("", o);
  EXPECT_EQ(e.key(), "run.dyads");
  EXPECT_NE(std::string(e.what()).find("--dyads"), std::string::npos) << e.what();
  EXPECT_NE(std::string(e.what()).find("an integer >= 1"), std::string::npos) << e.what();
}

TEST(ConfigErrorOverrides, RunThatIsNotATable) {
  ConfigOverrides o;
  o.seed = 3;
  EXPECT_EQ(error_of("run = 5\n", o).key(), "run");
}

TEST(ConfigErrorFile, MissingFileNamesThePath) {
  try {
    load_config_file("/nonexistent/experiment.toml");
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/experiment.toml"), std::string::npos) << e.what();
  }
}

TEST(ConfigErrorSweep, TooManyPoints) {
  std::string values = "[";
  for (int i = 0; i < 1001; ++i) values += (i ? ", " : "") + std::to_string(0.0001 * i);
  values += "]";
  const ConfigError e = error_of("[sweep]\n\"flows.kappa_c\" = " + values + "\n\"flows.kappa_x\" = " + values + "\n");
  EXPECT_EQ(e.key(), "sweep");
  EXPECT_NE(std::string(e.what()).find("more than 1000000 points"), std::string::npos) << e.what();
}
