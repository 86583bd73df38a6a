// Experiment TOML -> RunConfig: parse, apply command-line overrides, validate and apply the base
// keys, expand [[points]] x [sweep], and record the effective experiment as TOML text.
#include "config.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

#include "config_apply.hpp"
#include "config_checks.hpp"
#include "config_events.hpp"
#include "config_points.hpp"
#include "config_toml.hpp"

namespace learnrace {

namespace {

void apply_overrides(ConfigValue& root, const ConfigOverrides& overrides, const ConfigScope& scope) {
  if (!overrides.dyads && !overrides.seed) return;
  if (!root.find("run")) root.set("run", ConfigValue::make_table());
  ConfigValue& run = *root.find("run");
  if (!run.is_table())
    throw_config_error(scope, &run, "run", "wrong type: expected a table [run], got " + compact_text(run, true));
  if (overrides.dyads) {
    if (*overrides.dyads > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      throw_config_error(scope, nullptr, "run.dyads",
                         "--dyads " + std::to_string(*overrides.dyads) +
                             " is out of range; allowed: " + find_scalar_key("run.dyads")->allowed());
    root.erase("run.dyads");  // a quoted top-level "run.dyads" would otherwise be a second value
    run.set("dyads", ConfigValue::make_integer(static_cast<int64_t>(*overrides.dyads), "--dyads"));
  }
  if (overrides.seed) {
    root.erase("run.seed");
    run.set("seed", ConfigValue::make_integer(*overrides.seed, "--seed"));
  }
}

/// [sweep] as one flat table of quoted dotted keys in written order, so that the stored text
/// re-creates the same point order.
void normalise_sweep(ConfigValue& root, const std::vector<SweepAxis>& axes) {
  if (!root.find("sweep")) return;
  ConfigValue flat = ConfigValue::make_table();
  for (const SweepAxis& axis : axes) flat.entries.emplace_back(axis.key, *axis.values);
  root.set("sweep", std::move(flat));
}

}  // namespace

RunConfig load_config_string(const std::string& toml_text, const std::string& source_name,
                             const ConfigOverrides& overrides) {
  const ConfigScope scope{source_name, ""};
  ConfigValue root = parse_toml(toml_text, source_name);
  apply_overrides(root, overrides, scope);

  Settings base;
  apply_leaves(collect_leaves(root, {"points", "sweep", "events"}, scope), scope, true, base);
  if (const ConfigValue* events = root.find("events"))
    append_events(base.params, read_events(*events, "events", scope), "events", scope, events);
  const std::vector<PointSpec> points = read_points(root, scope);
  const std::vector<SweepAxis> sweep = read_sweep(root, scope);
  std::vector<ExpandedPoint> expanded = expand_points(base, points, sweep, scope);

  RunConfig config;
  config.dyads = base.dyads;
  config.chunk_dyads = base.chunk_dyads;
  config.common_random_numbers = base.common_random_numbers;
  config.first_point_key = base.first_point_key;
  // Point i's Philox key word: first_point_key + i, so a block of a larger study (learnrace.study) gets the keys its
  // points have in the whole study; the last point's key must fit in 32 bits.
  if (!config.common_random_numbers &&
      uint64_t{config.first_point_key} + expanded.size() - 1 > std::numeric_limits<uint32_t>::max())
    throw_config_error(scope, nullptr, "run.first_point_key",
                       "inconsistent sizes: " + std::to_string(config.first_point_key) + " + " +
                           std::to_string(expanded.size()) + " points exceeds the largest point key 4294967295");
  for (size_t i = 0; i < expanded.size(); ++i) {
    ModelParams p = expanded[i].settings.params;
    p.point_key = config.common_random_numbers ? 0u : config.first_point_key + static_cast<uint32_t>(i);
    config.point_names.push_back(std::move(expanded[i].name));
    config.points.push_back(p);
    config.written.push_back(std::move(expanded[i].settings.written));
  }
  check_run_size(config.points, config.dyads, scope);

  normalise_sweep(root, sweep);
  config.toml_text = to_toml(root, "sweep");
  return config;
}

RunConfig load_config_file(const std::string& path, const ConfigOverrides& overrides) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    throw ConfigError("", path + ": is a directory, not an experiment file (give a .toml file, such as " +
                              "experiments/baseline.toml)");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ConfigError("", path + ": cannot read the experiment file: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) throw ConfigError("", path + ": cannot read the experiment file");
  return load_config_string(text.str(), path, overrides);
}

}  // namespace learnrace
