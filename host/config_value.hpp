// A parsed experiment file as a plain tree, so that only config_toml.cpp has to compile toml++.
// Tables keep toml++'s (sorted) key order; every value remembers where it came from.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace learnrace {

struct ConfigValue {
  enum class Type { Table, Array, String, Integer, Float, Boolean, DateTime };

  Type type = Type::Table;
  std::string text;  // String (DateTime: its TOML text)
  int64_t integer = 0;
  double number = 0.0;
  bool boolean = false;
  std::vector<std::pair<std::string, ConfigValue>> entries;  // Table
  std::vector<ConfigValue> items;                            // Array
  bool inline_table = false;                                 // Table written as { ... }
  uint32_t line = 0;                                         // 1-based position in the source; 0 when not from the file
  uint32_t column = 0;
  std::string origin;  // e.g. "--dyads" for a value set on the command line

  bool is_table() const { return type == Type::Table; }
  bool is_number() const { return type == Type::Integer || type == Type::Float; }
  /// Integer or float as a double (integers beyond 2^53 round).
  double as_double() const { return type == Type::Integer ? static_cast<double>(integer) : number; }

  const ConfigValue* find(const std::string& key) const;
  ConfigValue* find(const std::string& key);
  /// Replaces the entry `key` of a table, or appends it.
  void set(const std::string& key, ConfigValue value);
  /// Removes the entry `key` of a table (no-op when absent).
  void erase(const std::string& key);

  static ConfigValue make_table();
  static ConfigValue make_integer(int64_t v, std::string origin = {});
};

/// "table", "array", "string", "integer", "float", "boolean", "date/time".
const char* type_name(ConfigValue::Type type);

/// Shortest decimal text that reads back as exactly `v` ("0.2", "1e-07", "100000").
std::string shortest_number(double v);
/// The same for a 32-bit float (0.6f -> "0.6", not "0.60000002384185791").
std::string shortest_float(float v);

/// Compact one-line rendering for messages and point names: 0.2, strategic, [1, 2], {dist=fixed, value=0.3}.
/// Strings are unquoted at the top level and quoted inside arrays and tables.
std::string compact_text(const ConfigValue& value, bool quote_strings = false);

}  // namespace learnrace
