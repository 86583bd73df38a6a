#include "config_keys.hpp"

#include <cctype>
#include <cfloat>
#include <cmath>
#include <set>

#include "config_value.hpp"
#include "proposition_table.hpp"

namespace learnrace {

namespace {

// --- bounds ---
Bounds closed(double lo, double hi) { return {lo, hi, false, false}; }
Bounds unit() { return closed(0.0, 1.0); }
Bounds open_unit_closed_top() { return {0.0, 1.0, true, false}; }  // (0, 1]
Bounds at_least(double lo) { return {lo, FLT_MAX, false, false}; }
Bounds above(double lo) { return {lo, FLT_MAX, true, false}; }
Bounds finite() { return {-FLT_MAX, FLT_MAX, false, false}; }

// --- key builders: one accessor gives both get and set ---
template <class Field>
ScalarKey make(std::string key, KeyType type, Bounds bounds, Field field) {
  ScalarKey k;
  k.key = std::move(key);
  k.type = type;
  k.bounds = bounds;
  k.get = [field](const Settings& s) { return static_cast<double>(field(const_cast<Settings&>(s))); };
  k.set = [field](Settings& s, double v) {
    auto& target = field(s);
    target = static_cast<std::remove_reference_t<decltype(target)>>(v);
  };
  return k;
}
template <class Field>
ScalarKey number(std::string key, Bounds bounds, Field field) {
  return make(std::move(key), KeyType::Number, bounds, field);
}
template <class Field>
ScalarKey integer(std::string key, Bounds bounds, Field field) {
  return make(std::move(key), KeyType::Integer, bounds, field);
}

const char* const kShockNames[3] = {"trust", "stakes", "orientation"};  // Factor order
const char* const kIntentNames[kIntents] = {"internalization", "substitution", "resource_concentration"};

const char* const kFirmSuffix[kFirms] = {"_A", "_B"};

std::vector<ScalarKey> build_scalar_keys() {
  std::vector<ScalarKey> k;
  // [run]: shape of the whole run
  k.push_back(integer("run.dyads", closed(1, kMaxInteger), [](Settings& s) -> uint64_t& { return s.dyads; }));
  k.push_back(integer("run.periods", closed(1, 100000), [](Settings& s) -> int32_t& { return s.params.periods; }));
  k.push_back(integer("run.seed", closed(0, 4294967295.0), [](Settings& s) -> uint32_t& { return s.params.seed; }));
  k.push_back(
      integer("run.chunk_dyads", closed(1, kMaxInteger), [](Settings& s) -> uint64_t& { return s.chunk_dyads; }));
  k.push_back(make("run.common_random_numbers", KeyType::Boolean, unit(),
                   [](Settings& s) -> bool& { return s.common_random_numbers; }));
  k.push_back(integer("run.first_point_key", closed(0, 4294967295.0),
                      [](Settings& s) -> uint32_t& { return s.first_point_key; }));
  // [output]: shape of the stored counts
  k.push_back(
      integer("output.factor_bins", closed(1, 16), [](Settings& s) -> int32_t& { return s.params.factor_bins; }));
  k.push_back(
      integer("output.hist_bins", closed(2, 10000), [](Settings& s) -> int32_t& { return s.params.hist_bins; }));
  k.push_back(number("output.joint_max", above(0), [](Settings& s) -> float& { return s.params.joint_max; }));
  k.push_back(
      number("output.relation_bin_max", above(0), [](Settings& s) -> float& { return s.params.relation_bin_max; }));
  k.push_back(integer("output.trajectory_stride", closed(1, kMaxInteger),
                      [](Settings& s) -> uint64_t& { return s.params.trajectory_stride; }));
  k.push_back(integer("output.trajectory_max", closed(0, 1000000),
                      [](Settings& s) -> uint32_t& { return s.params.trajectory_max; }));
  // [strategies]: the Low / Moderate / High levels of Larsson Fig. 1
  k.push_back(number("strategies.low", unit(), [](Settings& s) -> float& { return s.params.level[0]; }));
  k.push_back(number("strategies.moderate", unit(), [](Settings& s) -> float& { return s.params.level[1]; }));
  k.push_back(number("strategies.high", unit(), [](Settings& s) -> float& { return s.params.level[2]; }));
  // [flows]
  k.push_back(number("flows.kappa_c", at_least(0), [](Settings& s) -> float& { return s.params.kappa_c; }));
  k.push_back(number("flows.kappa_x", at_least(0), [](Settings& s) -> float& { return s.params.kappa_x; }));
  k.push_back(number("flows.lambda", open_unit_closed_top(), [](Settings& s) -> float& { return s.params.lambda; }));
  // [capacity]: per-firm floors, shared r0
  for (int f = 0; f < kFirms; ++f) {
    k.push_back(number(std::string("capacity.alpha0") + kFirmSuffix[f], open_unit_closed_top(),
                       [f](Settings& s) -> float& { return s.params.firm[f].alpha0; }));
    k.push_back(number(std::string("capacity.gamma0") + kFirmSuffix[f], open_unit_closed_top(),
                       [f](Settings& s) -> float& { return s.params.firm[f].gamma0; }));
  }
  k.push_back(number("capacity.r0", above(0), [](Settings& s) -> float& { return s.params.r0; }));
  // [power], [trust], [relation]
  k.push_back(number("power.w_legal", unit(), [](Settings& s) -> float& { return s.params.w_legal; }));
  k.push_back(number("trust.eta_up", at_least(0), [](Settings& s) -> float& { return s.params.eta_up; }));
  k.push_back(number("trust.eta_down", at_least(0), [](Settings& s) -> float& { return s.params.eta_down; }));
  k.push_back(number("trust.recovery_cap", open_unit_closed_top(),
                     [](Settings& s) -> float& { return s.params.trust_recovery_cap; }));
  k.push_back(number("relation.delta_r", unit(), [](Settings& s) -> float& { return s.params.delta_r; }));
  // [perception]: perceived exploitation
  k.push_back(number("perception.noise", at_least(0), [](Settings& s) -> float& { return s.params.perception_noise; }));
  k.push_back(number("perception.weight", open_unit_closed_top(),
                     [](Settings& s) -> float& { return s.params.perception_weight; }));
  k.push_back(
      number("perception.threshold", above(0), [](Settings& s) -> float& { return s.params.detect_threshold; }));
  for (int i = 0; i < kIntents; ++i)
    k.push_back(number(std::string("perception.expected_outflow.") + kIntentNames[i], at_least(0),
                       [i](Settings& s) -> float& { return s.params.expected_outflow[i]; }));
  for (int f = 0; f < kFirms; ++f)
    k.push_back(number(std::string("perception.disguise") + kFirmSuffix[f], {0.0, 1.0, false, true},
                       [f](Settings& s) -> float& { return s.params.firm[f].disguise; }));
  // [shocks.trust], [shocks.stakes], [shocks.orientation]
  for (int f = 0; f < kFirmFactors; ++f) {
    const std::string prefix = std::string("shocks.") + kShockNames[f] + ".";
    k.push_back(number(prefix + "phi", unit(), [f](Settings& s) -> float& { return s.params.shock[f].phi; }));
    k.push_back(number(prefix + "sigma", at_least(0), [f](Settings& s) -> float& { return s.params.shock[f].sigma; }));
    k.push_back(number(prefix + "rho", unit(), [f](Settings& s) -> float& { return s.params.shock[f].rho; }));
    k.push_back(number(prefix + "p_jump", unit(), [f](Settings& s) -> float& { return s.params.shock[f].p_jump; }));
    k.push_back(
        number(prefix + "jump_size", at_least(0), [f](Settings& s) -> float& { return s.params.shock[f].jump_size; }));
    k.push_back(make(prefix + "jump_common", KeyType::Boolean, unit(),
                     [f](Settings& s) -> int32_t& { return s.params.shock[f].jump_common; }));
  }
  // [intent.receptivity_cap]
  for (int i = 0; i < kIntents; ++i)
    k.push_back(number(std::string("intent.receptivity_cap.") + kIntentNames[i], unit(),
                       [i](Settings& s) -> float& { return s.params.receptivity_cap[i]; }));
  // [termination]
  k.push_back(integer("termination.avoid_periods", closed(1, 100000),
                      [](Settings& s) -> int32_t& { return s.params.avoid_periods; }));
  k.push_back(
      number("termination.exit_knowledge", unit(), [](Settings& s) -> float& { return s.params.exit_knowledge; }));
  k.push_back(
      number("termination.exit_power_gain", unit(), [](Settings& s) -> float& { return s.params.exit_power_gain; }));
  k.push_back(
      number("termination.exploit_trust", unit(), [](Settings& s) -> float& { return s.params.exploit_trust; }));
  for (int i = 0; i < kIntents; ++i)
    k.push_back(integer(std::string("termination.exploit_tolerance.") + kIntentNames[i], closed(1, 100000),
                        [i](Settings& s) -> int32_t& { return s.params.exploit_tolerance[i]; }));
  k.push_back(number("termination.hazard", unit(), [](Settings& s) -> float& { return s.params.hazard; }));
  // [kernel]
  ScalarKey type;
  type.key = "kernel.type";
  type.type = KeyType::Choice;
  type.bounds = closed(0, 1);
  type.choices = {"propositional", "strategic"};  // index = KernelType
  type.get = [](const Settings& s) { return static_cast<double>(static_cast<int32_t>(s.params.kernel)); };
  type.set = [](Settings& s, double v) { s.params.kernel = static_cast<KernelType>(static_cast<int32_t>(v)); };
  k.push_back(type);
  // [kernel.propositional] and its proposition tables
  k.push_back(number("kernel.propositional.epsilon", unit(), [](Settings& s) -> float& { return s.params.epsilon; }));
  k.push_back(
      number("kernel.propositional.p_counter", unit(), [](Settings& s) -> float& { return s.params.p_counter; }));
  k.push_back(number("kernel.propositional.p_avoid", unit(), [](Settings& s) -> float& { return s.params.p_avoid; }));
  const std::string barrier = "kernel.propositional.barrier.";
  k.push_back(number(barrier + "b0", finite(), [](Settings& s) -> float& { return s.params.barrier.b0; }));
  k.push_back(number(barrier + "T", finite(), [](Settings& s) -> float& { return s.params.barrier.trust; }));
  k.push_back(number(barrier + "L", finite(), [](Settings& s) -> float& { return s.params.barrier.orientation; }));
  k.push_back(number(barrier + "R", finite(), [](Settings& s) -> float& { return s.params.barrier.relation; }));
  k.push_back(
      number(barrier + "suspicion", finite(), [](Settings& s) -> float& { return s.params.barrier.suspicion; }));
  k.push_back(
      number(barrier + "temptation", finite(), [](Settings& s) -> float& { return s.params.barrier.temptation; }));
  for (const PropositionInfo& pf : kPropositionInfo) {
    const std::string prefix = std::string("kernel.propositional.") + pf.name + ".";
    const int prop = pf.proposition;
    k.push_back(number(prefix + "b0", finite(), [prop](Settings& s) -> float& { return s.params.beta[prop].b0; }));
    if (prop == P8)  // moderation -> integration: "the lack of a collaborative leader" [002:320]
      k.push_back(
          number(prefix + "b0_moderation", finite(), [](Settings& s) -> float& { return s.params.p8_b0_moderation; }));
    for (const char* letter = pf.factors; *letter; ++letter) {
      const int factor = factor_of_letter(*letter);
      k.push_back(number(prefix + *letter, finite(),
                         [prop, factor](Settings& s) -> float& { return s.params.beta[prop].beta[factor]; }));
    }
  }
  // [kernel.strategic]
  const std::string st = "kernel.strategic.";
  k.push_back(number(st + "beta_qre", at_least(0), [](Settings& s) -> float& { return s.params.beta_qre; }));
  k.push_back(number(st + "inertia", unit(), [](Settings& s) -> float& { return s.params.inertia; }));
  k.push_back(number(st + "w_stakes", at_least(0), [](Settings& s) -> float& { return s.params.w_stakes; }));
  k.push_back(number(st + "w_leak", at_least(0), [](Settings& s) -> float& { return s.params.w_leak; }));
  for (int i = 0; i < kIntents; ++i)
    k.push_back(number(st + "w_power." + kIntentNames[i], at_least(0),
                       [i](Settings& s) -> float& { return s.params.w_power[i]; }));
  k.push_back(number(st + "vigilance.moderate", unit(), [](Settings& s) -> float& { return s.params.vigilance[0]; }));
  k.push_back(number(st + "vigilance.high", unit(), [](Settings& s) -> float& { return s.params.vigilance[1]; }));
  k.push_back(number(st + "deterrence", unit(), [](Settings& s) -> float& { return s.params.deterrence; }));
  k.push_back(
      number(st + "w_continuation", at_least(0), [](Settings& s) -> float& { return s.params.w_continuation; }));
  for (int i = 0; i < kIntents; ++i)
    k.push_back(number(st + "w_output." + kIntentNames[i], at_least(0),
                       [i](Settings& s) -> float& { return s.params.w_output[i]; }));
  k.push_back(
      number(st + "cost_transparency", at_least(0), [](Settings& s) -> float& { return s.params.cost_transparency; }));
  k.push_back(
      number(st + "cost_receptivity", at_least(0), [](Settings& s) -> float& { return s.params.cost_receptivity; }));
  k.push_back(number(st + "gate_g0", finite(), [](Settings& s) -> float& { return s.params.gate_g0; }));
  k.push_back(
      number(st + "gate_orientation", finite(), [](Settings& s) -> float& { return s.params.gate_orientation; }));
  k.push_back(number(st + "gate_trust", finite(), [](Settings& s) -> float& { return s.params.gate_trust; }));
  k.push_back(number(st + "gate_stakes", finite(), [](Settings& s) -> float& { return s.params.gate_stakes; }));
  k.push_back(number(st + "gate_relation", finite(), [](Settings& s) -> float& { return s.params.gate_relation; }));
  return k;
}

template <int firm, int factor>
Distribution& level_of(ModelParams& p) {
  return p.level_factor[firm][factor];
}

std::vector<DistributionKey> build_distribution_keys() {
  using K = DistKind;
  const std::vector<K> unit_dists = {K::Fixed, K::Uniform, K::LogitNormal, K::Beta};
  const std::vector<K> positive_dists = {K::Fixed, K::Uniform, K::Normal};
  std::vector<DistributionKey> d;
  d.push_back({"initial.trust_A", Support::OpenUnit, unit_dists, {}, {}, [](ModelParams& p) -> Distribution& {
                 return p.init_factor[FirmA][Trust];
               }});
  d.push_back({"initial.trust_B", Support::OpenUnit, unit_dists, {}, {}, [](ModelParams& p) -> Distribution& {
                 return p.init_factor[FirmB][Trust];
               }});
  d.push_back({"initial.stakes_A", Support::OpenUnit, unit_dists, {}, {}, [](ModelParams& p) -> Distribution& {
                 return p.init_factor[FirmA][Stakes];
               }});
  d.push_back({"initial.stakes_B", Support::OpenUnit, unit_dists, {}, {}, [](ModelParams& p) -> Distribution& {
                 return p.init_factor[FirmB][Stakes];
               }});
  d.push_back({"initial.orientation_A", Support::OpenUnit, unit_dists, {}, {}, [](ModelParams& p) -> Distribution& {
                 return p.init_factor[FirmA][Orientation];
               }});
  d.push_back({"initial.orientation_B", Support::OpenUnit, unit_dists, {}, {}, [](ModelParams& p) -> Distribution& {
                 return p.init_factor[FirmB][Orientation];
               }});
  // [level]: where each firm's factor reverts to; "start" (the default): its start value (docs/model.md section 4)
  const std::vector<K> level_dists = {K::Fixed, K::Uniform, K::LogitNormal, K::Beta, K::Start};
  Distribution& (*const levels[kFirms][kFirmFactors])(ModelParams&) = {
      {level_of<FirmA, Trust>, level_of<FirmA, Stakes>, level_of<FirmA, Orientation>},
      {level_of<FirmB, Trust>, level_of<FirmB, Stakes>, level_of<FirmB, Orientation>}};
  for (int f = 0; f < kFirms; ++f)
    for (int k = 0; k < kFirmFactors; ++k)
      d.push_back({std::string("level.") + kShockNames[k] + kFirmSuffix[f],
                   Support::OpenUnit,
                   level_dists,
                   {},
                   {},
                   levels[f][k]});
  d.push_back({"initial.relation", Support::NonNegative, positive_dists, {}, {}, [](ModelParams& p) -> Distribution& {
                 return p.init_relation;
               }});
  d.push_back({"initial.knowledge_A", Support::Positive, positive_dists, {}, {}, [](ModelParams& p) -> Distribution& {
                 return p.init_knowledge[0];
               }});
  d.push_back({"initial.knowledge_B", Support::Positive, positive_dists, {}, {}, [](ModelParams& p) -> Distribution& {
                 return p.init_knowledge[1];
               }});
  d.push_back({"initial.equity_A", Support::ClosedUnit, unit_dists, {}, {}, [](ModelParams& p) -> Distribution& {
                 return p.init_equity;
               }});
  const std::vector<std::string> intents(kIntentNames, kIntentNames + kIntents);
  d.push_back(
      {"initial.intent_A", Support::Categories, {K::Categorical}, intents, {}, [](ModelParams& p) -> Distribution& {
         return p.init_intent[0];
       }});
  d.push_back(
      {"initial.intent_B", Support::Categories, {K::Categorical}, intents, {}, [](ModelParams& p) -> Distribution& {
         return p.init_intent[1];
       }});
  const std::vector<std::string> strategies = {"Avoidance", "Accommodation", "Compromise", "Competition",
                                               "Collaboration"};  // index = Strategy code
  const std::vector<std::string> codes = {"AVO", "ACC", "CPR", "CPT", "COL"};
  d.push_back({"initial.strategy_A",
               Support::Categories,
               {K::Categorical},
               strategies,
               codes,
               [](ModelParams& p) -> Distribution& { return p.init_strategy[0]; }});
  d.push_back({"initial.strategy_B",
               Support::Categories,
               {K::Categorical},
               strategies,
               codes,
               [](ModelParams& p) -> Distribution& { return p.init_strategy[1]; }});
  return d;
}

std::string bound_text(double v) { return shortest_number(v); }

bool equal_ignoring_case(const std::string& a, const std::string& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

}  // namespace

bool ScalarKey::in_bounds(double v) const {
  if (type == KeyType::Boolean || type == KeyType::Choice) return true;
  if (!std::isfinite(v)) return false;
  if (bounds.lo_open ? !(v > bounds.lo) : !(v >= bounds.lo)) return false;
  if (bounds.hi_open ? !(v < bounds.hi) : !(v <= bounds.hi)) return false;
  return true;
}

std::string ScalarKey::allowed() const {
  switch (type) {
    case KeyType::Boolean:
      return "true or false";
    case KeyType::Choice: {
      std::string out = "one of";
      for (size_t i = 0; i < choices.size(); ++i) out += (i ? ", \"" : " \"") + choices[i] + "\"";
      return out;
    }
    default:
      break;
  }
  // Keys without an upper bound of their own still have one: 2^53 for integers (exact in a double), the largest
  // 32-bit float for numbers; the message states it so that no value "out of range" seems to be allowed.
  const bool integer = type == KeyType::Integer;
  const std::string what = integer ? "an integer" : "a number";
  const std::string top = integer ? kMaxIntegerText : kMaxFloatText;
  const bool no_top = bounds.hi >= (integer ? kMaxInteger : FLT_MAX);
  const bool no_bottom = bounds.lo <= -FLT_MAX;
  if (no_top && no_bottom) return "a finite number, |x| <= " + top;
  if (no_top) return what + (bounds.lo_open ? " > " : " >= ") + bound_text(bounds.lo) + " and <= " + top;
  return what + " in " + (bounds.lo_open ? "(" : "[") + bound_text(bounds.lo) + ", " + bound_text(bounds.hi) +
         (bounds.hi_open ? ")" : "]");
}

const std::vector<ScalarKey>& scalar_keys() {
  static const std::vector<ScalarKey> keys = build_scalar_keys();
  return keys;
}

const ScalarKey* find_scalar_key(const std::string& key) {
  for (const ScalarKey& k : scalar_keys())
    if (k.key == key) return &k;
  return nullptr;
}

int DistributionKey::category_index(const std::string& name) const {
  for (size_t i = 0; i < categories.size(); ++i)
    if (equal_ignoring_case(name, categories[i]) || (i < codes.size() && equal_ignoring_case(name, codes[i])))
      return static_cast<int>(i);
  return -1;
}

const std::vector<DistributionKey>& distribution_keys() {
  static const std::vector<DistributionKey> keys = build_distribution_keys();
  return keys;
}

const DistributionKey* find_distribution_key(const std::string& key) {
  for (const DistributionKey& k : distribution_keys())
    if (k.key == key) return &k;
  return nullptr;
}

std::string unnamed_factor_problem(const std::string& key) {
  const std::string prefix = "kernel.propositional.";
  if (key.rfind(prefix, 0) != 0) return {};
  const std::string rest = key.substr(prefix.size());
  const size_t dot = rest.find('.');
  if (dot == std::string::npos) return {};
  const std::string name = rest.substr(0, dot);
  const std::string factor = rest.substr(dot + 1);
  if (factor.size() != 1 || std::string("TSLR").find(factor[0]) == std::string::npos) return {};
  for (const PropositionInfo& pf : kPropositionInfo) {
    if (name != pf.name) continue;
    std::string named, keys = "b0";
    for (const char* letter = pf.factors; *letter; ++letter) {
      named += std::string(named.empty() ? "" : ", ") + *letter;
      keys += std::string(", ") + *letter;
    }
    return "unknown key: proposition " + name + " names only the factors " + named +
           " (Larsson et al. 1998; T trust, S stakes, L long-term orientation, R prior related interaction), "
           "so [kernel.propositional." +
           name + "] accepts only " + keys;
  }
  return {};
}

std::vector<std::string> all_keys() {
  std::vector<std::string> keys;
  for (const ScalarKey& k : scalar_keys()) keys.push_back(k.key);
  for (const DistributionKey& k : distribution_keys()) keys.push_back(k.key);
  return keys;
}

bool is_section(const std::string& key) {
  const std::string prefix = key + ".";
  for (const std::string& k : all_keys())
    if (k.rfind(prefix, 0) == 0) return true;
  return false;
}

std::vector<std::string> section_children(const std::string& section) {
  const std::string prefix = section.empty() ? "" : section + ".";
  std::vector<std::string> children;
  std::set<std::string> seen;
  for (const std::string& k : all_keys()) {
    if (k.rfind(prefix, 0) != 0) continue;
    const std::string rest = k.substr(prefix.size());
    const std::string child = rest.substr(0, rest.find('.'));
    if (seen.insert(child).second) children.push_back(child);
  }
  return children;
}

}  // namespace learnrace
