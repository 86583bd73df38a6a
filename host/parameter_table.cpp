// The /points parameter table: one column per configurable numeric scalar, one row per point.
#include <cmath>
#include <limits>

#include "config.hpp"
#include "config_distributions.hpp"
#include "config_keys.hpp"

namespace learnrace {

std::vector<ParamColumn> parameter_table(const RunConfig& config) {
  const size_t n = config.points.size();
  std::vector<Settings> settings(n);
  for (size_t i = 0; i < n; ++i) {
    settings[i].params = config.points[i];
    settings[i].dyads = config.dyads;
    settings[i].chunk_dyads = config.chunk_dyads;
    settings[i].common_random_numbers = config.common_random_numbers;
  }
  std::vector<ParamColumn> table;
  for (const ScalarKey& key : scalar_keys()) {
    ParamColumn column{key.key, {}};
    for (const Settings& s : settings) column.values.push_back(key.get(s));
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
          column.values.push_back(d.kind == DistKind::Categorical && static_cast<size_t>(d.n) > c ? d.p[c] : nan);
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
        column.values.push_back(has ? dist_param_value(d, param) : nan);
      }
      if (used) table.push_back(std::move(column));
    }
  }
  return table;
}

}  // namespace learnrace
