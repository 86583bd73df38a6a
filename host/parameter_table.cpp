// The /points parameter table: one column per configurable numeric scalar, one row per point. Numbers show as the
// user wrote them (float64), not as the float32 the engine computes with: 0.1, not 0.10000000149011612.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

#include "config.hpp"
#include "config_distributions.hpp"
#include "config_keys.hpp"
#include "config_value.hpp"

namespace learnrace {

namespace {

/// A number the engine holds as float32, as written: the double the user wrote for `column` when there is one, else
/// the shortest decimal that rounds to the same float (a default written as 0.1f in C++ shows as 0.1).
double as_written(const Settings& s, const std::string& column, double engine_value) {
  const auto it = s.written.find(column);
  if (it != s.written.end()) return it->second;
  const float f = static_cast<float>(engine_value);
  if (!std::isfinite(engine_value) || static_cast<double>(f) != engine_value) return engine_value;  // not a float
  return std::strtod(shortest_float(f).c_str(), nullptr);
}

}  // namespace

std::vector<ParamColumn> parameter_table(const RunConfig& config) {
  const size_t n = config.points.size();
  std::vector<Settings> settings(n);
  for (size_t i = 0; i < n; ++i) {
    settings[i].params = config.points[i];
    settings[i].dyads = config.dyads;
    settings[i].chunk_dyads = config.chunk_dyads;
    settings[i].common_random_numbers = config.common_random_numbers;
    settings[i].first_point_key = config.first_point_key;
    if (i < config.written.size()) settings[i].written = config.written[i];
  }
  std::vector<ParamColumn> table;
  for (const ScalarKey& key : scalar_keys()) {
    ParamColumn column{key.key, {}};
    for (const Settings& s : settings)
      column.values.push_back(key.type == KeyType::Number ? as_written(s, key.key, key.get(s)) : key.get(s));
    table.push_back(std::move(column));
  }
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const DistributionKey& key : distribution_keys()) {
    if (key.support == Support::Categories) {
      // initial.intent_A.p.substitution: probability of each category.
      for (size_t c = 0; c < key.categories.size(); ++c) {
        ParamColumn column{key.key + ".p." + key.categories[c], {}};
        for (const Settings& s : settings) {
          const Distribution& d = key.get(s.params);
          column.values.push_back(d.kind == DistKind::Categorical && static_cast<size_t>(d.n) > c
                                      ? as_written(s, column.key, d.p[c])
                                      : nan);
        }
        table.push_back(std::move(column));
      }
      continue;
    }
    // initial.trust.dist: the DistKind code; then each parameter any point uses (NaN where its kind has none).
    ParamColumn kind{key.key + ".dist", {}};
    for (const Settings& s : settings) kind.values.push_back(static_cast<double>(key.get(s.params).kind));
    table.push_back(std::move(kind));
    for (const char* param : {"value", "low", "high", "mean", "sd", "a", "b"}) {
      ParamColumn column{key.key + "." + param, {}};
      bool used = false;
      for (const Settings& s : settings) {
        const Distribution& d = key.get(s.params);
        bool has = false;
        for (const std::string& p : dist_params(d.kind)) has = has || p == param;
        used = used || has;
        column.values.push_back(has ? as_written(s, column.key, dist_param_value(d, param)) : nan);
      }
      if (used) table.push_back(std::move(column));
    }
  }
  // Scenario events: events.N.<field> for every event index any point uses (NaN where a point has fewer); codes as
  // in docs/output_schema.md (variable: EventVariable; target 0 A, 1 B, 2 both, 3 dyad; op 0 set, 1 shift, 2 scale).
  int32_t max_events = 0;
  for (const ModelParams& p : config.points) max_events = std::max(max_events, p.n_events);
  for (int32_t e = 0; e < max_events; ++e) {
    const std::string prefix = "events." + std::to_string(e) + ".";
    const auto column = [&](const char* field, auto get) {
      ParamColumn c{prefix + field, {}};
      for (const ModelParams& p : config.points) c.values.push_back(e < p.n_events ? get(p.events[e]) : nan);
      table.push_back(std::move(c));
    };
    column("variable", [](const Event& v) { return static_cast<double>(v.variable); });
    column("target", [](const Event& v) { return static_cast<double>(v.target); });
    column("op", [](const Event& v) { return static_cast<double>(v.op); });
    column("first", [](const Event& v) { return static_cast<double>(v.first); });
    column("last", [](const Event& v) { return static_cast<double>(v.last); });
    // Event numbers are kept only as float32: shown as the shortest decimal of that float (0.1 as written).
    const Settings none;
    column("value", [&](const Event& v) { return as_written(none, "", v.value); });
    column("probability", [&](const Event& v) { return as_written(none, "", v.probability); });
    column("once", [](const Event& v) { return static_cast<double>(v.once); });
  }
  return table;
}

}  // namespace learnrace
