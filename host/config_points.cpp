#include "config_points.hpp"

#include <algorithm>
#include <set>

#include "config_checks.hpp"
#include "config_events.hpp"
#include "config_suggest.hpp"

namespace learnrace {

namespace {

std::string point_label(const std::string& name, size_t index) {
  return "point '" + name + "' (points[" + std::to_string(index) + "])";
}

bool overlaps(const std::string& a, const std::string& b) {
  return a == b || a.rfind(b + ".", 0) == 0 || b.rfind(a + ".", 0) == 0;
}

void flatten_sweep(const ConfigValue& table, const std::string& prefix, std::vector<SweepAxis>& out) {
  for (const auto& [name, value] : table.entries) {
    const std::string key = prefix.empty() ? name : prefix + "." + name;
    // Sweep values are arrays, so a table is always a level of nesting: [sweep.shocks.trust] sigma = [...].
    if (value.is_table())
      flatten_sweep(value, key, out);
    else
      out.push_back({key, &value});
  }
}

}  // namespace

std::vector<PointSpec> read_points(const ConfigValue& root, const ConfigScope& scope) {
  const ConfigValue* list = root.find("points");
  if (!list) return {PointSpec{"default", {}, nullptr}};
  if (list->type != ConfigValue::Type::Array || list->items.empty())
    throw_config_error(scope, list, "points",
                       "wrong type: expected one or more [[points]] tables, got " + compact_text(*list, true));
  std::vector<PointSpec> points;
  std::set<std::string> names;
  for (size_t i = 0; i < list->items.size(); ++i) {
    const ConfigValue& item = list->items[i];
    const std::string where = "points[" + std::to_string(i) + "]";
    if (!item.is_table())
      throw_config_error(scope, &item, "points",
                         "wrong type: " + where + " must be a table, got " + compact_text(item, true));
    const ConfigValue* name = item.find("name");
    if (!name) throw_config_error({scope.source, where}, &item, "points.name", "missing: every point needs a name");
    if (name->type != ConfigValue::Type::String)
      throw_config_error({scope.source, where}, name, "points.name",
                         "wrong type: expected a non-empty string, got " + compact_text(*name, true));
    if (name->text.empty())
      throw_config_error({scope.source, where}, name, "points.name", "must be a non-empty string");
    if (name->text.find('\0') != std::string::npos)  // HDF5 strings and messages would cut it there
      throw_config_error({scope.source, where}, name, "points.name",
                         "contains a NUL character (\\u0000), which a point name cannot hold");
    if (!names.insert(name->text).second)
      throw_config_error({scope.source, where}, name, "points.name",
                         "duplicate point name '" + name->text + "'; names must be unique");
    const ConfigScope point_scope{scope.source, point_label(name->text, i)};
    PointSpec spec{name->text, collect_leaves(item, {"name", "events"}, point_scope), &item, item.find("events")};
    for (const Leaf& leaf : spec.leaves)
      if (is_run_wide_key(leaf.key))
        throw_config_error(point_scope, leaf.value, leaf.key,
                           "run.* and output.* keys apply to the whole run and cannot vary per point; "
                           "set it in [run] / [output] at the top level");
    points.push_back(std::move(spec));
  }
  return points;
}

std::vector<SweepAxis> read_sweep(const ConfigValue& root, const ConfigScope& scope) {
  const ConfigValue* sweep = root.find("sweep");
  if (!sweep) return {};
  const ConfigScope sweep_scope{scope.source, "[sweep]"};
  if (!sweep->is_table())
    throw_config_error(sweep_scope, sweep, "sweep",
                       "wrong type: expected a table of \"dotted.key\" = [values], got " + compact_text(*sweep, true));
  std::vector<SweepAxis> axes;
  flatten_sweep(*sweep, "", axes);
  std::stable_sort(axes.begin(), axes.end(), [](const SweepAxis& a, const SweepAxis& b) {
    return a.values->line != b.values->line ? a.values->line < b.values->line : a.values->column < b.values->column;
  });
  for (size_t i = 0; i < axes.size(); ++i) {
    const SweepAxis& axis = axes[i];
    const KeyTarget target = resolve_key(axis.key);
    if (target.kind == KeyTarget::Kind::Unknown)
      throw_config_error(sweep_scope, axis.values, axis.key, unknown_key_problem(axis.key));
    if (target.kind == KeyTarget::Kind::Section)
      throw_config_error(
          sweep_scope, axis.values, axis.key,
          "is a section; sweep one key of it, e.g. \"" + axis.key + "." + section_children(axis.key).front() + "\"");
    if (is_run_wide_key(axis.key))
      throw_config_error(sweep_scope, axis.values, axis.key,
                         "run.* and output.* keys apply to the whole run and cannot be swept");
    if (axis.values->type != ConfigValue::Type::Array || axis.values->items.empty())
      throw_config_error(sweep_scope, axis.values, axis.key,
                         "wrong type: a sweep needs a non-empty array of values, e.g. \"" + axis.key +
                             "\" = [v1, v2], got " + compact_text(*axis.values, true));
    std::set<std::string> seen;
    for (const ConfigValue& item : axis.values->items)
      if (!seen.insert(compact_text(item)).second)
        throw_config_error(sweep_scope, &item, axis.key, "the value " + compact_text(item, true) + " is listed twice");
    for (size_t j = 0; j < i; ++j)
      if (overlaps(axes[j].key, axis.key))
        throw_config_error(sweep_scope, axis.values, axis.key, "is swept twice (also as " + axes[j].key + ")");
  }
  return axes;
}

std::vector<ExpandedPoint> expand_points(const Settings& base, const std::vector<PointSpec>& points,
                                         const std::vector<SweepAxis>& sweep, const ConfigScope& scope) {
  uint64_t combinations = 1;
  for (const SweepAxis& axis : sweep) {
    combinations *= axis.values->items.size();
    if (combinations * points.size() > kMaxPoints)
      throw_config_error(
          {scope.source, "[sweep]"}, axis.values, "sweep",
          "inconsistent sizes: the sweep expands to more than " + std::to_string(kMaxPoints) + " points");
  }
  std::vector<ExpandedPoint> expanded;
  std::set<std::string> names;
  for (size_t i = 0; i < points.size(); ++i) {
    const PointSpec& point = points[i];
    const ConfigScope point_scope{scope.source, point.at ? point_label(point.name, i) : std::string()};
    for (const Leaf& leaf : point.leaves)
      for (const SweepAxis& axis : sweep)
        if (overlaps(leaf.key, axis.key))
          throw_config_error(point_scope, leaf.value, leaf.key,
                             "inconsistent: also swept in [sweep] as " + axis.key + "; remove one of the two");
    Settings settings = base;
    apply_leaves(point.leaves, point_scope, false, settings);
    if (point.events)
      append_events(settings.params, read_events(*point.events, "points.events", point_scope), "points.events",
                    point_scope, point.events);
    for (uint64_t c = 0; c < combinations; ++c) {
      ExpandedPoint out{point.name, settings};
      // Mixed radix with the first axis the most significant digit: it varies slowest.
      std::vector<size_t> index(sweep.size());
      uint64_t rest = c;
      for (size_t a = sweep.size(); a-- > 0;) {
        index[a] = rest % sweep[a].values->items.size();
        rest /= sweep[a].values->items.size();
      }
      for (size_t a = 0; a < sweep.size(); ++a) {
        const ConfigValue& value = sweep[a].values->items[index[a]];
        out.name += "/" + sweep[a].key + "=" + compact_text(value);
        const ConfigScope sweep_scope{scope.source, "[sweep] value for point '" + point.name + "'"};
        apply_leaf({sweep[a].key, &value}, sweep_scope, false, out.settings);
      }
      check_point(out.settings, {scope.source, point.at || !sweep.empty() ? "point '" + out.name + "'" : ""});
      if (!names.insert(out.name).second)
        throw_config_error(point_scope, point.at, "points.name", "two points are both named '" + out.name + "'");
      expanded.push_back(std::move(out));
    }
  }
  return expanded;
}

}  // namespace learnrace
