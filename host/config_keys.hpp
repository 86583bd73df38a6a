// The registry of every configurable key: dotted TOML key -> type, allowed range, and the field of
// ModelParams / RunConfig it sets. Everything that reads, validates, documents or tabulates the
// configuration goes through this one list.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "config.hpp"
#include "params.hpp"

namespace learnrace {

/// Everything one sweep point is configured by: the model parameters plus the run-wide settings.
struct Settings {
  ModelParams params = default_params();
  uint64_t dyads = RunConfig{}.dyads;
  uint64_t chunk_dyads = RunConfig{}.chunk_dyads;
  bool common_random_numbers = RunConfig{}.common_random_numbers;
  uint32_t first_point_key = RunConfig{}.first_point_key;
  /// The numbers as written (double), by parameter-table column: number keys ("flows.lambda") and distribution
  /// parameters ("initial.trust_A.mean", "initial.intent_A.p.substitution"). The engine computes with their float32
  /// roundings; the /points table shows these (parameter_table.cpp).
  std::map<std::string, double> written;
};

enum class KeyType { Integer, Number, Boolean, Choice };

/// Largest integer a key accepts when it has no tighter bound (exact in a double).
constexpr double kMaxInteger = 9007199254740992.0;  // 2^53
constexpr const char* kMaxIntegerText = "9007199254740992 (2^53)";
/// Largest magnitude of a number key (values are stored as 32-bit floats): FLT_MAX.
constexpr const char* kMaxFloatText = "3.4028235e+38 (the largest 32-bit float)";

struct Bounds {
  double lo;
  double hi;
  bool lo_open = false;
  bool hi_open = false;
};

/// One scalar key. Values travel as double (integers up to 2^53 exactly; Boolean 0/1; Choice: index).
struct ScalarKey {
  std::string key;  // dotted, e.g. "shocks.trust.sigma"
  KeyType type;
  Bounds bounds;                     // Integer and Number
  std::vector<std::string> choices;  // Choice
  std::function<double(const Settings&)> get;
  std::function<void(Settings&, double)> set;

  /// run.* and output.* keys shape the whole run and cannot vary between points.
  bool run_wide() const { return key.rfind("run.", 0) == 0 || key.rfind("output.", 0) == 0; }
  bool in_bounds(double v) const;
  /// "an integer in [1, 100000]", "a number in (0, 1]", "true or false", "one of \"a\", \"b\"".
  std::string allowed() const;
};

const std::vector<ScalarKey>& scalar_keys();
const ScalarKey* find_scalar_key(const std::string& key);

/// What values a distribution-valued variable can take.
enum class Support { OpenUnit, ClosedUnit, NonNegative, Positive, Categories };

/// One initial-condition variable: `initial.trust = {dist = "uniform", low = 0.2, high = 0.8}` etc.
struct DistributionKey {
  std::string key;  // "initial.trust"
  Support support;
  std::vector<DistKind> allowed;        // in the order they are listed in messages
  std::vector<std::string> categories;  // Support::Categories: names in index order
  std::vector<std::string> codes;       // optional short names, same order (AVO, ACC, ...)
  Distribution& (*field)(ModelParams&);

  const Distribution& get(const ModelParams& p) const { return field(const_cast<ModelParams&>(p)); }
  Distribution& get(ModelParams& p) const { return field(p); }
  /// Index of a category name or code (case-insensitive), or -1.
  int category_index(const std::string& name) const;
};

const std::vector<DistributionKey>& distribution_keys();
const DistributionKey* find_distribution_key(const std::string& key);

/// For "kernel.propositional.P6a.T" (a factor the proposition does not name) the explanation
/// "proposition P6a names only the factors S, R ..."; empty for any other key.
std::string unnamed_factor_problem(const std::string& key);

/// True when `key` is a section (TOML table) that holds registered keys, e.g. "shocks" or "shocks.trust".
bool is_section(const std::string& key);
/// The direct children of a section ("" = top level), in registry order: "mu", "phi", ...
std::vector<std::string> section_children(const std::string& section);

/// Every registered dotted key (scalars and distributions), in registry order.
std::vector<std::string> all_keys();

}  // namespace learnrace
