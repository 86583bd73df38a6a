#include "config_apply.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <map>

#include "config_distributions.hpp"
#include "config_suggest.hpp"

namespace learnrace {

namespace {

const std::vector<std::string> kTopLevelExtras = {"points", "sweep"};

std::string got(const ConfigValue& v) {
  return std::string("got ") + (v.type == ConfigValue::Type::Integer ? "an " : "a ") + type_name(v.type) + " (" +
         compact_text(v, true) + ")";
}

[[noreturn]] void wrong_type(const ConfigScope& scope, const ConfigValue& v, const std::string& key,
                             const std::string& expected) {
  throw_config_error(scope, &v, key, "wrong type: expected " + expected + ", " + got(v));
}

/// A bound as an int64 (clamped: an integer key's bounds are at most 2^53 in magnitude, but a cast must not overflow).
int64_t integer_bound(double bound) {
  if (bound >= 9.2e18) return INT64_MAX;
  if (bound <= -9.2e18) return INT64_MIN;
  return static_cast<int64_t>(bound);
}

double read_scalar(const ScalarKey& spec, const ConfigValue& v, const ConfigScope& scope) {
  double value = 0.0;
  switch (spec.type) {
    case KeyType::Boolean:
      if (v.type != ConfigValue::Type::Boolean) wrong_type(scope, v, spec.key, spec.allowed());
      return v.boolean ? 1.0 : 0.0;
    case KeyType::Choice:
      if (v.type != ConfigValue::Type::String) wrong_type(scope, v, spec.key, spec.allowed());
      for (size_t i = 0; i < spec.choices.size(); ++i)
        if (v.text == spec.choices[i]) return static_cast<double>(i);
      throw_config_error(scope, &v, spec.key, "'" + v.text + "' is not allowed; allowed: " + spec.allowed());
    case KeyType::Integer:
      if (v.type != ConfigValue::Type::Integer) wrong_type(scope, v, spec.key, spec.allowed());
      // Compared as integers: 2^53 + 1 would round to 2^53 as a double and pass.
      if (v.integer < integer_bound(std::ceil(spec.bounds.lo)) || v.integer > integer_bound(std::floor(spec.bounds.hi)))
        throw_config_error(scope, &v, spec.key, compact_text(v) + " is out of range; allowed: " + spec.allowed());
      value = static_cast<double>(v.integer);
      break;
    case KeyType::Number:
      if (!v.is_number()) wrong_type(scope, v, spec.key, spec.allowed());
      value = v.as_double();
      if (!std::isfinite(value))
        throw_config_error(scope, &v, spec.key,
                           "must be finite, got " + compact_text(v) + "; allowed: " + spec.allowed());
      break;
  }
  if (!spec.in_bounds(value))
    throw_config_error(scope, &v, spec.key, compact_text(v) + " is out of range; allowed: " + spec.allowed());
  if (spec.type == KeyType::Number && !spec.in_bounds(static_cast<float>(value)))
    throw_config_error(scope, &v, spec.key,
                       compact_text(v) + " is out of range as a 32-bit float (" +
                           shortest_number(static_cast<float>(value)) + "); allowed: " + spec.allowed());
  return value;
}

float read_real_param(const ConfigValue& v, const std::string& key, const ConfigScope& scope) {
  if (!v.is_number()) wrong_type(scope, v, key, "a number");
  const double value = v.as_double();
  if (!std::isfinite(value) || std::fabs(value) > FLT_MAX)
    throw_config_error(scope, &v, key,
                       "must be a finite number, |x| <= " + std::string(kMaxFloatText) + ", got " + compact_text(v));
  return static_cast<float>(value);
}

void read_probabilities(const DistributionKey& spec, const ConfigValue& v, const std::string& key,
                        const ConfigScope& scope, Distribution& d, std::map<std::string, double>& written) {
  const size_t expected = spec.categories.size();
  std::string names;
  for (const std::string& c : spec.categories) names += (names.empty() ? "" : ", ") + c;
  if (v.type != ConfigValue::Type::Array)
    wrong_type(scope, v, key, "an array of " + std::to_string(expected) + " probabilities (" + names + ")");
  if (v.items.size() != expected)
    throw_config_error(scope, &v, key,
                       "inconsistent size: expected " + std::to_string(expected) + " probabilities (" + names +
                           "), got " + std::to_string(v.items.size()));
  d.n = static_cast<int32_t>(expected);
  for (size_t i = 0; i < expected; ++i) {
    d.p[i] = read_real_param(v.items[i], key, scope);
    written[spec.key + ".p." + spec.categories[i]] = v.items[i].as_double();
  }
}

/// Forgets the written parameters of a distribution that is set anew (another kind's parameters would be stale).
void forget_written(const DistributionKey& spec, std::map<std::string, double>& written) {
  const std::string prefix = spec.key + ".";
  for (auto it = written.lower_bound(prefix); it != written.end() && it->first.rfind(prefix, 0) == 0;)
    it = written.erase(it);
}

void check_or_throw(const DistributionKey& spec, const Distribution& d, const ConfigValue& at,
                    const ConfigScope& scope) {
  std::string field;
  const std::string problem = check_distribution(spec, d, &field);
  if (!problem.empty()) throw_config_error(scope, &at, field.empty() ? spec.key : spec.key + "." + field, problem);
}

std::string example_for(const DistributionKey& spec) {
  if (spec.support == Support::Categories)
    return "a name (" + spec.categories[1] + ") or {dist = \"categorical\", p = [...]} with " +
           std::to_string(spec.categories.size()) + " probabilities";
  return "a distribution table such as {dist = \"" + std::string(dist_name(spec.allowed[0])) +
         "\", value = ...}; allowed dists: " + allowed_dists_text(spec);
}

void apply_distribution(const DistributionKey& spec, const ConfigValue& v, const ConfigScope& scope,
                        Settings& settings) {
  Distribution d;
  std::map<std::string, double> written;
  if (v.type == ConfigValue::Type::String && spec.support == Support::Categories) {
    const int index = spec.category_index(v.text);
    if (index < 0) {
      std::string names;
      for (size_t i = 0; i < spec.categories.size(); ++i)
        names += (i ? ", " : "") + spec.categories[i] + (i < spec.codes.size() ? " (" + spec.codes[i] + ")" : "");
      throw_config_error(scope, &v, spec.key, "'" + v.text + "' is not one of " + names);
    }
    d.kind = DistKind::Categorical;
    d.n = static_cast<int32_t>(spec.categories.size());
    d.p[index] = 1.0f;
  } else if (v.type == ConfigValue::Type::String && v.text == "start" &&
             std::find(spec.allowed.begin(), spec.allowed.end(), DistKind::Start) != spec.allowed.end()) {
    d.kind = DistKind::Start;  // level.* = "start": the level is the start value
  } else if (v.is_table()) {
    const ConfigValue* name = v.find("dist");
    if (!name) throw_config_error(scope, &v, spec.key, "missing 'dist'; expected " + example_for(spec));
    if (name->type != ConfigValue::Type::String)
      wrong_type(scope, *name, spec.key + ".dist", "a string, one of " + allowed_dists_text(spec));
    if (!parse_dist_name(name->text, &d.kind) ||
        std::find(spec.allowed.begin(), spec.allowed.end(), d.kind) == spec.allowed.end())
      throw_config_error(scope, name, spec.key,
                         "dist = \"" + name->text + "\" is not allowed for " + spec.key + ", whose values are " +
                             support_text(spec.support) + "; allowed: " + allowed_dists_text(spec));
    const std::vector<std::string> params = dist_params(d.kind);
    for (const auto& [param, value] : v.entries) {
      if (param == "dist") continue;
      const std::string key = spec.key + "." + param;
      if (std::find(params.begin(), params.end(), param) == params.end()) {
        std::string list;
        for (const std::string& p : params) list += (list.empty() ? "" : ", ") + p;
        throw_config_error(scope, &value, key, "unknown key: dist = \"" + name->text + "\" has the parameters " + list);
      }
      if (param == "p") {
        read_probabilities(spec, value, key, scope, d, written);
      } else {
        dist_param(d, param) = read_real_param(value, key, scope);
        written[key] = value.as_double();
      }
    }
    for (const std::string& param : params)
      if (!v.find(param))
        throw_config_error(scope, &v, spec.key, "dist = \"" + name->text + "\" needs '" + param + "'");
  } else {
    wrong_type(scope, v, spec.key, example_for(spec));
  }
  check_or_throw(spec, d, v, scope);
  spec.get(settings.params) = d;
  forget_written(spec, settings.written);
  settings.written.insert(written.begin(), written.end());
}

void apply_distribution_field(const DistributionKey& spec, const std::string& field, const ConfigValue& v,
                              const ConfigScope& scope, Settings& settings) {
  const std::string key = spec.key + "." + field;
  if (field == "dist")
    throw_config_error(scope, &v, key,
                       "the kind of a distribution cannot be changed alone; set the whole distribution, e.g. " +
                           spec.key + " = {dist = \"" + dist_name(spec.allowed[0]) + "\", ...}");
  Distribution d = spec.get(settings.params);
  const std::vector<std::string> params = dist_params(d.kind);
  if (std::find(params.begin(), params.end(), field) == params.end()) {
    std::string list;
    for (const std::string& p : params) list += (list.empty() ? "" : ", ") + p;
    throw_config_error(
        scope, &v, key,
        "inconsistent: " + spec.key + " has dist = \"" + dist_name(d.kind) + "\" here, whose parameters are " + list);
  }
  std::map<std::string, double> written;
  if (field == "p") {
    read_probabilities(spec, v, key, scope, d, written);
  } else {
    dist_param(d, field) = read_real_param(v, key, scope);
    written[key] = v.as_double();
  }
  check_or_throw(spec, d, v, scope);
  spec.get(settings.params) = d;
  for (const auto& [column, value] : written) settings.written[column] = value;
}

// `skip`: top-level entries handled elsewhere ("points", "sweep"; "name" in a point), also listed as
// valid top-level names in unknown-key messages.
void collect(const ConfigValue& table, const std::string& prefix, const std::vector<std::string>& skip,
             const ConfigScope& scope, std::vector<Leaf>& out) {
  for (const auto& [name, value] : table.entries) {
    if (prefix.empty() && std::find(skip.begin(), skip.end(), name) != skip.end()) continue;
    const std::string key = prefix.empty() ? name : prefix + "." + name;
    const KeyTarget target = resolve_key(key);
    switch (target.kind) {
      case KeyTarget::Kind::Scalar:
      case KeyTarget::Kind::Distribution:
      case KeyTarget::Kind::DistributionField:
        out.push_back({key, &value});
        break;
      case KeyTarget::Kind::Section:
        if (!value.is_table()) {
          std::string children;
          for (const std::string& c : section_children(key)) children += (children.empty() ? "" : ", ") + c;
          wrong_type(scope, value, key, "a table [" + key + "] with the keys " + children);
        }
        collect(value, key, skip, scope, out);
        break;
      default:
        throw_config_error(scope, &value, key, unknown_key_problem(key, skip));
    }
  }
}

}  // namespace

KeyTarget resolve_key(const std::string& key) {
  KeyTarget t;
  if ((t.scalar = find_scalar_key(key))) {
    t.kind = KeyTarget::Kind::Scalar;
  } else if ((t.distribution = find_distribution_key(key))) {
    t.kind = KeyTarget::Kind::Distribution;
  } else if (is_section(key)) {
    t.kind = KeyTarget::Kind::Section;
  } else {
    const size_t dot = key.rfind('.');
    if (dot != std::string::npos) {
      const DistributionKey* parent = find_distribution_key(key.substr(0, dot));
      const std::string field = key.substr(dot + 1);
      bool known_field = field == "dist";
      if (parent)
        for (DistKind kind : parent->allowed)
          for (const std::string& p : dist_params(kind)) known_field = known_field || p == field;
      if (parent && known_field) {
        t.kind = KeyTarget::Kind::DistributionField;
        t.distribution = parent;
        t.field = field;
      }
    }
  }
  return t;
}

bool is_run_wide_key(const std::string& key) {
  return key == "run" || key == "output" || key.rfind("run.", 0) == 0 || key.rfind("output.", 0) == 0;
}

std::vector<Leaf> collect_leaves(const ConfigValue& table, const std::vector<std::string>& skip,
                                 const ConfigScope& scope) {
  std::vector<Leaf> leaves;
  collect(table, "", skip, scope, leaves);
  return leaves;
}

void apply_leaf(const Leaf& leaf, const ConfigScope& scope, bool run_keys_allowed, Settings& settings) {
  if (!run_keys_allowed && is_run_wide_key(leaf.key))
    throw_config_error(scope, leaf.value, leaf.key,
                       "run.* and output.* keys apply to the whole run and cannot vary per point or in a sweep; "
                       "set it in [run] / [output] at the top level");
  const KeyTarget target = resolve_key(leaf.key);
  switch (target.kind) {
    case KeyTarget::Kind::Scalar: {
      const double value = read_scalar(*target.scalar, *leaf.value, scope);
      target.scalar->set(settings, value);
      if (target.scalar->type == KeyType::Number) settings.written[leaf.key] = value;
      break;
    }
    case KeyTarget::Kind::Distribution:
      apply_distribution(*target.distribution, *leaf.value, scope, settings);
      break;
    case KeyTarget::Kind::DistributionField:
      apply_distribution_field(*target.distribution, target.field, *leaf.value, scope, settings);
      break;
    case KeyTarget::Kind::Section:
      throw_config_error(scope, leaf.value, leaf.key, "is a section, not a single key");
    default:
      throw_config_error(scope, leaf.value, leaf.key, unknown_key_problem(leaf.key, kTopLevelExtras));
  }
}

void apply_leaves(std::vector<Leaf> leaves, const ConfigScope& scope, bool run_keys_allowed, Settings& settings) {
  // Sorted keys put a distribution ("initial.trust") before its fields ("initial.trust.mean"), so
  // the result does not depend on how the file was laid out.
  std::stable_sort(leaves.begin(), leaves.end(), [](const Leaf& a, const Leaf& b) { return a.key < b.key; });
  for (size_t i = 0; i + 1 < leaves.size(); ++i) {
    if (leaves[i].key == leaves[i + 1].key) {
      const ConfigValue& first = *leaves[i].value;
      throw_config_error(scope, leaves[i + 1].value, leaves[i].key,
                         "is set more than once (also at line " + std::to_string(first.line) +
                             "; a nested table and a quoted dotted key name the same key)");
    }
  }
  for (const Leaf& leaf : leaves) apply_leaf(leaf, scope, run_keys_allowed, settings);
}

}  // namespace learnrace
