// Experiment configuration: TOML file -> validated sweep points (one ModelParams per point).
// Every error names the offending key and the allowed values/range (ConfigError; CLI exit code 2).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "params.hpp"

namespace learnrace {

/// Invalid experiment: `key` is the dotted TOML key (e.g. "shocks.trust.sigma"), what() the full message.
class ConfigError : public std::runtime_error {
 public:
  ConfigError(std::string key, const std::string& message) : std::runtime_error(message), key_(std::move(key)) {}
  const std::string& key() const { return key_; }

 private:
  std::string key_;
};

/// Command-line / API overrides applied after the file is read (validated like file values).
struct ConfigOverrides {
  std::optional<uint64_t> dyads;
  std::optional<uint32_t> seed;
};

struct RunConfig {
  uint64_t dyads = 1000;               // per point  [run.dyads]
  uint64_t chunk_dyads = 1u << 18;     // dyads per point per backend call [run.chunk_dyads]
  bool common_random_numbers = false;  // [run.common_random_numbers]: every point uses point_key 0
  uint32_t first_point_key = 0;        // [run.first_point_key]: point i uses point_key first_point_key + i
  std::vector<std::string> point_names;
  std::vector<ModelParams> points;  // fully expanded sweep
  // Per point, the numbers as written (double) by parameter-table column (Settings::written): the /points table
  // shows these rather than the float32 the engine computes with.
  std::vector<std::map<std::string, double>> written;
  std::string toml_text;  // the effective experiment (overrides applied), stored in outputs
};

RunConfig load_config_file(const std::string& path, const ConfigOverrides& overrides = {});
RunConfig load_config_string(const std::string& toml_text, const std::string& source_name,
                             const ConfigOverrides& overrides = {});

/// One column of the /points parameter table: every configurable scalar, by dotted key.
struct ParamColumn {
  std::string key;
  std::vector<double> values;  // one per point
};
std::vector<ParamColumn> parameter_table(const RunConfig& config);

}  // namespace learnrace
