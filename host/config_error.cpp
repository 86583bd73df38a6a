#include "config_error.hpp"

namespace learnrace {

void throw_config_error(const ConfigScope& scope, const ConfigValue* at, const std::string& key,
                        const std::string& problem) {
  std::string message = scope.source;
  if (at && at->line != 0) message += ":" + std::to_string(at->line) + ":" + std::to_string(at->column);
  message += ": ";
  if (at && !at->origin.empty()) message += "command line " + at->origin + ": ";
  if (!scope.point.empty()) message += scope.point + ": ";
  message += key.empty() ? problem : key + ": " + problem;
  throw ConfigError(key, message);
}

}  // namespace learnrace
