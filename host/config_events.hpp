// Scenario events (docs/model.md section 5): the registry of event variables and the reader of
// [[events]] tables (top level, and [[points.events]] per point). Every failure names the event and key.
#pragma once

#include <string>
#include <vector>

#include "config_error.hpp"
#include "config_value.hpp"
#include "params.hpp"

namespace learnrace {

/// One event variable: what it names, whom it belongs to, and which operations and values it takes.
struct EventVariableSpec {
  const char* name;        // "trust", ... as written in TOML
  EventVariable variable;  // kernels/params.hpp
  bool firm;               // true: needs firm = "A" | "B" | "both"; false: the dyad's
  bool categorical;        // intent / strategy: set only, by name
  // Allowed value of `set` (numeric variables): [lo, hi] with open ends when the flags say so.
  double set_lo, set_hi;
  bool set_lo_open, set_hi_open;
  const char* meaning;  // one line for messages and docs
};

/// The registry, in EventVariable order.
const std::vector<EventVariableSpec>& event_variables();
const EventVariableSpec* find_event_variable(const std::string& name);

/// Reads an array of event tables. `key` is where it sits ("events" or "points.events"). Throws ConfigError.
std::vector<Event> read_events(const ConfigValue& list, const std::string& key, const ConfigScope& scope);

/// Appends `more` to the point's events; throws when there would be more than kMaxEvents.
void append_events(ModelParams& p, const std::vector<Event>& more, const std::string& key, const ConfigScope& scope,
                   const ConfigValue* at);

/// Names for the /points table and messages.
const char* event_target_name(int32_t target);  // "A", "B", "both", "dyad"
const char* event_op_name(int32_t op);          // "set", "shift", "scale"

}  // namespace learnrace
