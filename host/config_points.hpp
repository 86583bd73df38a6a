// Sweep points: the [[points]] list, the [sweep] axes, and their expansion into one Settings per point.
#pragma once

#include <string>
#include <vector>

#include "config_apply.hpp"

namespace learnrace {

/// One [[points]] entry: its name and the keys it overrides.
struct PointSpec {
  std::string name;
  std::vector<Leaf> leaves;
  const ConfigValue* at = nullptr;      // the entry's table (null for the implicit "default" point)
  const ConfigValue* events = nullptr;  // its [[points.events]], added to the experiment's [[events]]
};

/// One [sweep] key and its values (an array).
struct SweepAxis {
  std::string key;
  const ConfigValue* values = nullptr;
};

/// Reads [[points]]; without it, one point named "default" with no overrides.
std::vector<PointSpec> read_points(const ConfigValue& root, const ConfigScope& scope);

/// Reads [sweep] (quoted "dotted.key" = [...] or nested tables), in the order the keys are written.
std::vector<SweepAxis> read_sweep(const ConfigValue& root, const ConfigScope& scope);

/// At most this many points after expansion.
constexpr uint64_t kMaxPoints = 1000000;

struct ExpandedPoint {
  std::string name;
  Settings settings;
};

/// Every point of `points` times the cartesian product of the sweep axes (first axis varies slowest),
/// applied on top of `base`; names are "POINT/key=value/key=value".
std::vector<ExpandedPoint> expand_points(const Settings& base, const std::vector<PointSpec>& points,
                                         const std::vector<SweepAxis>& sweep, const ConfigScope& scope);

}  // namespace learnrace
