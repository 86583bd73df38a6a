// The only bridge to toml++ (slow to compile, so it is included by config_toml.cpp alone).
#pragma once

#include <string>

#include "config_value.hpp"

namespace learnrace {

/// Parses TOML text. A syntax error throws ConfigError (empty key) "SOURCE:LINE:COL: TOML syntax error: ...".
ConfigValue parse_toml(const std::string& text, const std::string& source_name);

/// Serialises a table back to TOML with toml++ (floats are written so they read back exactly).
/// toml++ writes table entries in sorted key order; the entries of the top-level table
/// `ordered_table` (if present) are written in the tree's order instead, one quoted key per line.
std::string to_toml(const ConfigValue& root, const std::string& ordered_table = {});

}  // namespace learnrace
