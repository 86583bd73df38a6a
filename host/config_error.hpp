// Building ConfigError messages: "SOURCE:LINE:COL: [POINT: ]KEY: PROBLEM".
#pragma once

#include <string>

#include "config.hpp"
#include "config_value.hpp"

namespace learnrace {

/// Where configuration values are being applied.
struct ConfigScope {
  std::string source;  // file name (or the name given to load_config_string)
  std::string point;   // e.g. "point 'strategic' (points[1])"; empty for the base experiment
};

/// Throws ConfigError(key, message). `at` (may be null) gives the source position or command-line origin.
[[noreturn]] void throw_config_error(const ConfigScope& scope, const ConfigValue* at, const std::string& key,
                                     const std::string& problem);

}  // namespace learnrace
