#include "config_events.hpp"

#include <cfloat>
#include <cmath>
#include <set>

#include "config_keys.hpp"
#include "strategy.hpp"

namespace learnrace {

namespace {

const char* const kIntentNames[kIntents] = {"internalization", "substitution", "resource_concentration"};
const char* const kStrategyNames[kStrategies] = {"Avoidance", "Accommodation", "Compromise", "Competition",
                                                 "Collaboration"};
const char* const kStrategyCodes[kStrategies] = {"AVO", "ACC", "CPR", "CPT", "COL"};

const std::set<std::string> kEventKeys = {"variable", "firm", "at",    "from",  "until", "probability",
                                          "once",     "set",  "shift", "scale", "ramp"};

std::vector<EventVariableSpec> build() {
  const double inf = FLT_MAX;
  return {
      {"trust", EventTrust, true, false, 0, 1, true, true, "the firm's trust in the partner (its level)"},
      {"stakes", EventStakes, true, false, 0, 1, true, true, "the firm's learning stakes (its level)"},
      {"orientation", EventOrientation, true, false, 0, 1, true, true, "the firm's long-term orientation (its level)"},
      {"intent", EventIntent, true, true, 0, 0, false, false, "the firm's intent (also resets its receptivity cap)"},
      {"strategy", EventStrategy, true, true, 0, 0, false, false, "the firm's current strategy"},
      {"receptivity_cap", EventReceptivityCap, true, false, 0, 1, false, false, "the firm's receptivity cap"},
      {"alpha0", EventAlpha0, true, false, 0, 1, true, false, "the firm's absorptive capacity floor"},
      {"gamma0", EventGamma0, true, false, 0, 1, true, false, "the firm's communicative capacity floor"},
      {"knowledge", EventKnowledge, true, false, 0, inf, true, false, "the firm's unique knowledge U"},
      {"suspicion", EventSuspicion, true, false, -inf, inf, false, false, "the firm's suspicion q"},
      {"relation", EventRelation, false, false, 0, inf, false, false, "the dyad's prior related interaction R"},
      {"hazard", EventHazard, false, false, 0, 1, false, false, "the dyad's exogenous hazard per period"},
  };
}

std::string variable_list() {
  std::string out;
  for (const EventVariableSpec& v : event_variables()) out += (out.empty() ? "" : ", ") + std::string(v.name);
  return out;
}

std::string range_text(const EventVariableSpec& v) {
  const bool no_top = v.set_hi >= FLT_MAX, no_bottom = v.set_lo <= -FLT_MAX;
  if (no_top && no_bottom) return "a finite number";
  if (no_top) return std::string("a number ") + (v.set_lo_open ? "> " : ">= ") + shortest_number(v.set_lo);
  return std::string("a number in ") + (v.set_lo_open ? "(" : "[") + shortest_number(v.set_lo) + ", " +
         shortest_number(v.set_hi) + (v.set_hi_open ? ")" : "]");
}

bool in_set_range(const EventVariableSpec& v, double x) {
  if (v.set_lo_open ? !(x > v.set_lo) : !(x >= v.set_lo)) return false;
  if (v.set_hi_open ? !(x < v.set_hi) : !(x <= v.set_hi)) return false;
  return true;
}

int category_of(const EventVariableSpec& v, const std::string& name) {
  const bool intent = v.variable == EventIntent;
  const int n = intent ? kIntents : kStrategies;
  for (int i = 0; i < n; ++i) {
    if (name == (intent ? kIntentNames[i] : kStrategyNames[i])) return i;
    if (!intent && name == kStrategyCodes[i]) return i;
  }
  return -1;
}

std::string categories_text(const EventVariableSpec& v) {
  std::string out;
  if (v.variable == EventIntent) {
    for (const char* n : kIntentNames) out += (out.empty() ? "\"" : ", \"") + std::string(n) + "\"";
  } else {
    for (int i = 0; i < kStrategies; ++i)
      out += (out.empty() ? "\"" : ", \"") + std::string(kStrategyNames[i]) + "\" (" + kStrategyCodes[i] + ")";
  }
  return out;
}

int32_t read_period(const ConfigValue& v, const std::string& key, const ConfigScope& scope) {
  if (v.type != ConfigValue::Type::Integer)
    throw_config_error(
        scope, &v, key,
        "wrong type: expected a period number (an integer >= 0; the first period is 0), got " + compact_text(v, true));
  if (v.integer < 0 || v.integer > 100000)
    throw_config_error(scope, &v, key,
                       compact_text(v) + " is out of range; allowed: an integer in [0, 100000] (periods count from 0)");
  return static_cast<int32_t>(v.integer);
}

double read_number(const ConfigValue& v, const std::string& key, const ConfigScope& scope, const std::string& allowed) {
  if (!v.is_number())
    throw_config_error(scope, &v, key, "wrong type: expected " + allowed + ", got " + compact_text(v, true));
  const double x = v.as_double();
  if (!std::isfinite(x) || std::fabs(x) > FLT_MAX)
    throw_config_error(scope, &v, key,
                       compact_text(v) + " is out of range; allowed: " + allowed + " (a 32-bit float, |x| <= 3.4e38)");
  return x;
}

Event read_event(const ConfigValue& t, const std::string& key, const ConfigScope& scope) {
  if (!t.is_table())
    throw_config_error(scope, &t, key, "wrong type: each event must be a table, got " + compact_text(t, true));
  for (const auto& [name, value] : t.entries)
    if (!kEventKeys.count(name))
      throw_config_error(scope, &value, key + "." + name,
                         "unknown key in an event; allowed: variable, firm, set | shift | scale | ramp, at | from [, "
                         "until], probability, once");
  Event e;
  // --- variable and whom it belongs to ---
  const ConfigValue* var = t.find("variable");
  if (!var)
    throw_config_error(scope, &t, key + ".variable", "missing: an event needs a variable (" + variable_list() + ")");
  if (var->type != ConfigValue::Type::String)
    throw_config_error(scope, var, key + ".variable",
                       "wrong type: expected one of " + variable_list() + ", got " + compact_text(*var, true));
  const EventVariableSpec* spec = find_event_variable(var->text);
  if (!spec)
    throw_config_error(scope, var, key + ".variable",
                       "'" + var->text + "' is not an event variable; allowed: " + variable_list());
  e.variable = spec->variable;
  const ConfigValue* firm = t.find("firm");
  if (spec->firm) {
    if (!firm)
      throw_config_error(scope, &t, key + ".firm",
                         "missing: '" + var->text + "' belongs to a firm; set firm = \"A\", \"B\" or \"both\"");
    if (firm->type != ConfigValue::Type::String || (firm->text != "A" && firm->text != "B" && firm->text != "both"))
      throw_config_error(scope, firm, key + ".firm",
                         compact_text(*firm, true) + " is not allowed; allowed: \"A\", \"B\", \"both\"");
    e.target = firm->text == "A" ? TargetA : firm->text == "B" ? TargetB : TargetBoth;
  } else {
    if (firm)
      throw_config_error(scope, firm, key + ".firm",
                         "'" + var->text + "' belongs to the dyad, not to a firm; remove firm");
    e.target = TargetDyad;
  }
  // --- operation and value ---
  int ops = 0;
  for (const char* op : {"set", "shift", "scale", "ramp"}) {
    const ConfigValue* v = t.find(op);
    if (!v) continue;
    ++ops;
    const std::string vkey = key + "." + op;
    const std::string op_name(op);
    if (spec->categorical) {
      if (op_name != "set")
        throw_config_error(scope, v, vkey,
                           "'" + var->text + "' can only be set (to one of " + categories_text(*spec) + ")");
      const int c = v->type == ConfigValue::Type::String ? category_of(*spec, v->text) : -1;
      if (c < 0)
        throw_config_error(scope, v, vkey,
                           compact_text(*v, true) + " is not allowed; allowed: " + categories_text(*spec));
      e.op = OpSet;
      e.value = static_cast<float>(c);
      continue;
    }
    if (op_name == "set" || op_name == "ramp") {
      const double x = read_number(*v, vkey, scope, range_text(*spec));
      if (!in_set_range(*spec, x))
        throw_config_error(scope, v, vkey, compact_text(*v) + " is out of range; allowed: " + range_text(*spec));
      e.op = op_name == "set" ? OpSet : OpRamp;
      e.value = static_cast<float>(x);
    } else if (op_name == "shift") {
      const std::string what = spec->variable <= EventOrientation ? "a finite number (logit units)" : "a finite number";
      e.op = OpShift;
      e.value = static_cast<float>(read_number(*v, vkey, scope, what));
    } else {
      const double x = read_number(*v, vkey, scope, "a number >= 0");
      if (!(x >= 0.0))
        throw_config_error(scope, v, vkey, compact_text(*v) + " is out of range; allowed: a number >= 0");
      e.op = OpScale;
      e.value = static_cast<float>(x);
    }
  }
  if (ops != 1)
    throw_config_error(scope, &t, key,
                       ops == 0 ? "missing: an event needs exactly one of set, shift, scale, ramp"
                                : "inconsistent: give exactly one of set, shift, scale, ramp");
  // --- when ---
  const ConfigValue* at = t.find("at");
  const ConfigValue* from = t.find("from");
  const ConfigValue* until = t.find("until");
  if (at && (from || until))
    throw_config_error(scope, at, key + ".at", "inconsistent: give either at, or from [and until], not both");
  if (!at && !from)
    throw_config_error(scope, &t, key + ".at",
                       "missing: say when, with at = PERIOD (once) or from = PERIOD [until = PERIOD] (every period)");
  if (at) {
    e.first = e.last = read_period(*at, key + ".at", scope);
  } else {
    e.first = read_period(*from, key + ".from", scope);
    e.last = until ? read_period(*until, key + ".until", scope) : kNeverEnds;
    if (e.last < e.first)
      throw_config_error(
          scope, until, key + ".until",
          "inconsistent: until = " + std::to_string(e.last) + " is before from = " + std::to_string(e.first));
  }
  if (e.op == OpRamp && (at || !until))
    throw_config_error(scope, at ? at : &t, key + (at ? ".at" : ".until"),
                       "inconsistent: a ramp moves the variable linearly over a window; give from = PERIOD and "
                       "until = PERIOD (the target is reached at until)");
  if (const ConfigValue* prob = t.find("probability")) {
    const double x = read_number(*prob, key + ".probability", scope, "a number in (0, 1]");
    if (!(x > 0.0 && x <= 1.0))
      throw_config_error(scope, prob, key + ".probability",
                         compact_text(*prob) + " is out of range; allowed: a number in (0, 1]");
    e.probability = static_cast<float>(x);
  }
  if (const ConfigValue* once = t.find("once")) {
    if (once->type != ConfigValue::Type::Boolean)
      throw_config_error(scope, once, key + ".once",
                         "wrong type: expected true or false, got " + compact_text(*once, true));
    e.once = once->boolean ? 1 : 0;
  }
  return e;
}

}  // namespace

const std::vector<EventVariableSpec>& event_variables() {
  static const std::vector<EventVariableSpec> specs = build();
  return specs;
}

const EventVariableSpec* find_event_variable(const std::string& name) {
  for (const EventVariableSpec& v : event_variables())
    if (name == v.name) return &v;
  return nullptr;
}

std::vector<Event> read_events(const ConfigValue& list, const std::string& key, const ConfigScope& scope) {
  if (list.type != ConfigValue::Type::Array)
    throw_config_error(scope, &list, key,
                       "wrong type: expected [[" + key + "]] tables, got " + compact_text(list, true));
  if (list.items.size() > static_cast<size_t>(kMaxEvents))
    throw_config_error(scope, &list, key,
                       "inconsistent size: at most " + std::to_string(kMaxEvents) + " events per point, got " +
                           std::to_string(list.items.size()));
  std::vector<Event> events;
  for (size_t i = 0; i < list.items.size(); ++i)
    events.push_back(read_event(list.items[i], key + "[" + std::to_string(i) + "]", scope));
  return events;
}

void append_events(ModelParams& p, const std::vector<Event>& more, const std::string& key, const ConfigScope& scope,
                   const ConfigValue* at) {
  if (p.n_events + static_cast<int32_t>(more.size()) > kMaxEvents)
    throw_config_error(scope, at, key,
                       "inconsistent size: with the experiment's own events this point would have " +
                           std::to_string(p.n_events + static_cast<int32_t>(more.size())) + " events; at most " +
                           std::to_string(kMaxEvents));
  for (const Event& e : more) p.events[p.n_events++] = e;
}

const char* event_target_name(int32_t target) {
  switch (target) {
    case TargetA:
      return "A";
    case TargetB:
      return "B";
    case TargetBoth:
      return "both";
    default:
      return "dyad";
  }
}

const char* event_op_name(int32_t op) {
  return op == OpSet ? "set" : op == OpShift ? "shift" : op == OpScale ? "scale" : "ramp";
}

}  // namespace learnrace
