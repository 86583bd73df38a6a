#include "config_value.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace learnrace {

const ConfigValue* ConfigValue::find(const std::string& key) const {
  for (const auto& entry : entries)
    if (entry.first == key) return &entry.second;
  return nullptr;
}

ConfigValue* ConfigValue::find(const std::string& key) {
  for (auto& entry : entries)
    if (entry.first == key) return &entry.second;
  return nullptr;
}

void ConfigValue::set(const std::string& key, ConfigValue value) {
  if (ConfigValue* existing = find(key)) {
    *existing = std::move(value);
    return;
  }
  entries.emplace_back(key, std::move(value));
}

void ConfigValue::erase(const std::string& key) {
  for (auto it = entries.begin(); it != entries.end(); ++it) {
    if (it->first == key) {
      entries.erase(it);
      return;
    }
  }
}

ConfigValue ConfigValue::make_table() { return ConfigValue{}; }

ConfigValue ConfigValue::make_integer(int64_t v, std::string origin) {
  ConfigValue value;
  value.type = Type::Integer;
  value.integer = v;
  value.origin = std::move(origin);
  return value;
}

const char* type_name(ConfigValue::Type type) {
  switch (type) {
    case ConfigValue::Type::Table:
      return "table";
    case ConfigValue::Type::Array:
      return "array";
    case ConfigValue::Type::String:
      return "string";
    case ConfigValue::Type::Integer:
      return "integer";
    case ConfigValue::Type::Float:
      return "float";
    case ConfigValue::Type::Boolean:
      return "boolean";
    default:
      return "date/time";
  }
}

namespace {
template <class T>
std::string shortest(T v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  char buffer[40];
  if (v == std::floor(v) && std::fabs(v) < 1e16) {
    std::snprintf(buffer, sizeof buffer, "%.0f", static_cast<double>(v));
    return buffer;
  }
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, static_cast<double>(v));
    if (static_cast<T>(std::strtod(buffer, nullptr)) == v) break;
  }
  return buffer;
}
}  // namespace

std::string shortest_number(double v) { return shortest(v); }
std::string shortest_float(float v) { return shortest(v); }

std::string compact_text(const ConfigValue& value, bool quote_strings) {
  switch (value.type) {
    case ConfigValue::Type::String:
      return quote_strings ? "\"" + value.text + "\"" : value.text;
    case ConfigValue::Type::Integer:
      return std::to_string(value.integer);
    case ConfigValue::Type::Float:
      return shortest_number(value.number);
    case ConfigValue::Type::Boolean:
      return value.boolean ? "true" : "false";
    case ConfigValue::Type::DateTime:
      return value.text;
    case ConfigValue::Type::Array: {
      std::string out = "[";
      for (size_t i = 0; i < value.items.size(); ++i) out += (i ? ", " : "") + compact_text(value.items[i], true);
      return out + "]";
    }
    case ConfigValue::Type::Table:
    default: {
      std::string out = "{";
      for (size_t i = 0; i < value.entries.size(); ++i) {
        const auto& entry = value.entries[i];
        // Inside a table a string value is shown bare when it is a plain word (dist=fixed).
        out += (i ? ", " : "") + entry.first + "=" + compact_text(entry.second, false);
      }
      return out + "}";
    }
  }
}

}  // namespace learnrace
