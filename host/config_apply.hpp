// Applying configuration values to Settings: resolving dotted keys, checking types and ranges,
// and reading distributions. Every failure throws ConfigError naming the key.
#pragma once

#include <string>
#include <vector>

#include "config_error.hpp"
#include "config_keys.hpp"
#include "config_value.hpp"

namespace learnrace {

/// What a dotted key refers to.
struct KeyTarget {
  enum class Kind { Scalar, Distribution, DistributionField, Section, Unknown };
  Kind kind = Kind::Unknown;
  const ScalarKey* scalar = nullptr;
  const DistributionKey* distribution = nullptr;  // Distribution and DistributionField
  std::string field;                              // DistributionField: "mean", "p", ...
};
KeyTarget resolve_key(const std::string& key);

/// run.* and output.* keys: one value for the whole run.
bool is_run_wide_key(const std::string& key);

/// One value to apply at a dotted key.
struct Leaf {
  std::string key;
  const ConfigValue* value = nullptr;
};

/// Flattens a table into leaves (a distribution's table is one leaf; quoted dotted keys such as
/// "kernel.type" are split like nested tables). Entries of the top-level table named in `skip` are
/// left out. Throws on unknown keys and on a section given a plain value.
std::vector<Leaf> collect_leaves(const ConfigValue& table, const std::vector<std::string>& skip,
                                 const ConfigScope& scope);

/// Applies leaves in key order (a distribution before its fields); a key set twice is an error, as
/// is a run-wide key when `run_keys_allowed` is false (per-point overrides and sweeps).
void apply_leaves(std::vector<Leaf> leaves, const ConfigScope& scope, bool run_keys_allowed, Settings& settings);

/// Applies one leaf (see apply_leaves).
void apply_leaf(const Leaf& leaf, const ConfigScope& scope, bool run_keys_allowed, Settings& settings);

}  // namespace learnrace
