#include "config_toml.hpp"

#include <charconv>
#include <sstream>

// With <charconv> floats are written in the shortest form that reads back exactly (0.1, not
// 0.10000000000000001); without it toml++ falls back to 17 significant digits, also exact.
#if defined(__cpp_lib_to_chars) && !defined(TOML_FLOAT_CHARCONV)
#define TOML_FLOAT_CHARCONV 1
#endif
#include <toml++/toml.h>

#include "config.hpp"

namespace learnrace {

namespace {

void set_position(ConfigValue& value, const toml::source_region& where) {
  value.line = where.begin.line;
  value.column = where.begin.column;
}

ConfigValue from_node(const toml::node& node) {
  ConfigValue value;
  set_position(value, node.source());
  if (const toml::table* table = node.as_table()) {
    value.type = ConfigValue::Type::Table;
    value.inline_table = table->is_inline();
    for (auto&& [key, child] : *table) {
      ConfigValue converted = from_node(child);
      // Position of the key, which is where a reader looks (implicit tables have none of their own).
      if (key.source().begin.line != 0) set_position(converted, key.source());
      value.entries.emplace_back(std::string(key.str()), std::move(converted));
    }
  } else if (const toml::array* array = node.as_array()) {
    value.type = ConfigValue::Type::Array;
    for (const toml::node& item : *array) value.items.push_back(from_node(item));
  } else if (const auto* s = node.as_string()) {
    value.type = ConfigValue::Type::String;
    value.text = s->get();
  } else if (const auto* i = node.as_integer()) {
    value.type = ConfigValue::Type::Integer;
    value.integer = i->get();
  } else if (const auto* f = node.as_floating_point()) {
    value.type = ConfigValue::Type::Float;
    value.number = f->get();
  } else if (const auto* b = node.as_boolean()) {
    value.type = ConfigValue::Type::Boolean;
    value.boolean = b->get();
  } else {
    value.type = ConfigValue::Type::DateTime;
    std::ostringstream text;
    node.visit([&text](const auto& n) { text << n; });
    value.text = text.str();
  }
  return value;
}

void insert_into(toml::table& table, const std::string& key, const ConfigValue& value);
toml::table to_table(const ConfigValue& value);

void push_into(toml::array& array, const ConfigValue& value) {
  switch (value.type) {
    case ConfigValue::Type::Table:
      array.push_back(to_table(value));
      break;
    case ConfigValue::Type::Array: {
      toml::array inner;
      for (const ConfigValue& item : value.items) push_into(inner, item);
      array.push_back(std::move(inner));
      break;
    }
    case ConfigValue::Type::Integer:
      array.push_back(value.integer);
      break;
    case ConfigValue::Type::Float:
      array.push_back(value.number);
      break;
    case ConfigValue::Type::Boolean:
      array.push_back(value.boolean);
      break;
    default:
      array.push_back(value.text);
  }
}

toml::table to_table(const ConfigValue& value) {
  toml::table table;
  for (const auto& [k, v] : value.entries) insert_into(table, k, v);
  table.is_inline(value.inline_table);
  return table;
}

void insert_into(toml::table& table, const std::string& key, const ConfigValue& value) {
  switch (value.type) {
    case ConfigValue::Type::Table:
      table.insert_or_assign(key, to_table(value));
      break;
    case ConfigValue::Type::Array: {
      toml::array array;
      for (const ConfigValue& item : value.items) push_into(array, item);
      table.insert_or_assign(key, std::move(array));
      break;
    }
    case ConfigValue::Type::Integer:
      table.insert_or_assign(key, value.integer);
      break;
    case ConfigValue::Type::Float:
      table.insert_or_assign(key, value.number);
      break;
    case ConfigValue::Type::Boolean:
      table.insert_or_assign(key, value.boolean);
      break;
    default:
      table.insert_or_assign(key, value.text);
  }
}

std::string format(const toml::table& table) {
  std::ostringstream out;
  out << toml::toml_formatter{table};
  return out.str();
}

}  // namespace

ConfigValue parse_toml(const std::string& text, const std::string& source_name) {
  try {
    toml::table table = toml::parse(text, source_name);
    ConfigValue root = from_node(table);
    root.line = root.column = 0;
    return root;
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw ConfigError("", source_name + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) +
                              ": TOML syntax error: " + std::string(e.description()));
  }
}

std::string to_toml(const ConfigValue& root, const std::string& ordered_table) {
  ConfigValue rest = root;
  const ConfigValue* ordered = ordered_table.empty() ? nullptr : root.find(ordered_table);
  if (ordered) rest.erase(ordered_table);
  std::string text = format(to_table(rest));
  if (ordered) {
    text += "\n\n[" + ordered_table + "]\n";
    for (const auto& [key, value] : ordered->entries) {
      toml::table single;
      insert_into(single, key, value);
      text += format(single) + "\n";
    }
  }
  if (text.empty() || text.back() != '\n') text += '\n';
  return text;
}

}  // namespace learnrace
