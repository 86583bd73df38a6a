#include "output_schema.hpp"

#include <cmath>
#include <limits>
#include <type_traits>

#include "output_names.hpp"

namespace learnrace {
namespace output_schema {

namespace {

const char* const kGroupCounts = "counts";
const char* const kGroupOutcomes = "outcomes";

// The axis size symbol of a stringised size expression ("s.periods + 1" -> "T+1"), or "" for a constant.
std::string size_symbol(std::string expr) {
  static const std::pair<const char*, const char*> kSymbols[] = {
      {"s.points", "P"}, {"s.periods", "T"}, {"s.factor_bins", "B"}, {"s.hist_bins", "H"}, {"s.slots", "K"}};
  bool symbolic = false;
  for (const auto& [from, to] : kSymbols) {
    const size_t at = expr.find(from);
    if (at != std::string::npos) {
      expr.replace(at, std::string(from).size(), to);
      symbolic = true;
    }
  }
  if (!symbolic) return "";
  std::string out;
  for (char c : expr)
    if (c != ' ') out += c;
  return out;
}

struct AxisTable {
  std::vector<AxisSpec> specs;
  std::vector<std::string> symbols;  // "" for constant sizes
};

const AxisTable& axis_table() {
  static const AxisTable table = [] {
    AxisTable t;
#define LR_X(id, size, labels, doc)      \
  t.specs.push_back({#id, labels, doc}); \
  t.symbols.push_back(size_symbol(#size));
    LR_OUTPUT_AXES(LR_X)
#undef LR_X
    return t;
  }();
  return table;
}

std::vector<int32_t> with_point_axis(const AxisList& list) {
  std::vector<int32_t> ids = {output_axis::point};
  for (int32_t i = 0; i < list.rank; ++i) ids.push_back(list.id[i]);
  return ids;
}

// The fill value of a trajectory field as the document shows it.
template <class T>
std::string fill_text(T value) {
  if constexpr (std::is_floating_point_v<T>) {
    if (std::isnan(value)) return "NaN";
  }
  if constexpr (std::is_same_v<T, uint64_t>) {
    if (value == std::numeric_limits<uint64_t>::max()) return "2^64 - 1";
  }
  return std::to_string(static_cast<int64_t>(value));
}

Kind section_kind(SectionKind k) { return k == SectionKind::per_dyad_period ? Kind::PerDyadPeriod : Kind::PerDyad; }

const DatasetSpec* find(const std::vector<DatasetSpec>& specs, const std::string& name) {
  for (const DatasetSpec& s : specs)
    if (s.name == name) return &s;
  return nullptr;
}

}  // namespace

const char* dtype_name(Dtype dtype) {
  switch (dtype) {
    case Dtype::UInt8:
      return "uint8";
    case Dtype::Int32:
      return "int32";
    case Dtype::UInt64:
      return "uint64";
    case Dtype::Int64:
      return "int64";
    case Dtype::Float32:
      return "float32";
    case Dtype::Float64:
      return "float64";
    case Dtype::String:
      return "str";
  }
  return "?";
}

size_t dtype_size(Dtype dtype) {
  switch (dtype) {
    case Dtype::UInt8:
      return 1;
    case Dtype::Int32:
    case Dtype::Float32:
      return 4;
    case Dtype::UInt64:
    case Dtype::Int64:
    case Dtype::Float64:
      return 8;
    case Dtype::String:
      return 0;
  }
  return 0;
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::PerDyadPeriod:
      return "per dyad-period";
    case Kind::PerDyad:
      return "per dyad";
    case Kind::PerSampledPeriod:
      return "per sampled dyad-period";
    case Kind::PerSampledDyad:
      return "per sampled dyad";
    case Kind::PerPoint:
      return "per point";
    case Kind::PerRun:
      return "per run";
  }
  return "?";
}

const std::vector<AxisSpec>& axes() { return axis_table().specs; }

int32_t find_axis(const std::string& name) {
  const std::vector<AxisSpec>& a = axes();
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].name == name) return static_cast<int32_t>(i);
  return -1;
}

std::vector<std::string> DatasetSpec::axis_names() const {
  std::vector<std::string> names;
  for (int32_t id : axes) names.push_back(output_schema::axes()[id].name);
  return names;
}

std::vector<int64_t> DatasetSpec::dims(const OutputShape& shape) const {
  std::vector<int64_t> d;
  for (int32_t id : axes) d.push_back(axis_size(id, shape));
  return d;
}

std::string DatasetSpec::shape_text() const {
  std::string text = "[";
  for (size_t i = 0; i < axes.size(); ++i) {
    const std::string& symbol = axis_table().symbols[axes[i]];
    text += (i ? "," : "") + (symbol.empty() ? std::to_string(axis_size(axes[i], OutputShape{})) : symbol);
  }
  return text + "]";
}

const std::vector<DatasetSpec>& count_sections() {
  static const std::vector<DatasetSpec> specs = [] {
    std::vector<DatasetSpec> v;
#define LR_X(member, group, name, kind, type, axes, doc)                                                \
  v.push_back({kGroup_##group, #name, dtype_of<type>(), with_point_axis(section_axes(Section::member)), \
               section_kind(SectionKind::kind), doc, static_cast<int32_t>(Section::member), ""});
    const char* const kGroup_counts = kGroupCounts;
    const char* const kGroup_outcomes = kGroupOutcomes;
    LR_COUNT_SECTIONS(LR_X)
#undef LR_X
    return v;
  }();
  return specs;
}

const std::vector<DatasetSpec>& trajectory_fields() {
  static const std::vector<DatasetSpec> specs = [] {
    using namespace output_axis;
    std::vector<DatasetSpec> v;
    const std::vector<int32_t> per_period = {point, slot, period}, per_dyad = {point, slot};
#define LR_X(member, name, store, record, fill, doc)                                              \
  v.push_back({"trajectories", #name, dtype_of<store>(), per_period, Kind::PerSampledPeriod, doc, \
               static_cast<int32_t>(v.size()), fill_text(static_cast<store>(fill))});
    LR_TRAJECTORY_PERIOD_FIELDS(LR_X)
#undef LR_X
#define LR_X(member, name, store, record, fill, doc)                                          \
  v.push_back({"trajectories", #name, dtype_of<store>(), per_dyad, Kind::PerSampledDyad, doc, \
               static_cast<int32_t>(v.size()), fill_text(static_cast<store>(fill))});
    LR_TRAJECTORY_DYAD_FIELDS(LR_X)
#undef LR_X
    return v;
  }();
  return specs;
}

const DatasetSpec* find_count_section(const std::string& name) { return find(count_sections(), name); }
const DatasetSpec* find_trajectory_field(const std::string& name) { return find(trajectory_fields(), name); }

std::vector<MetaAxis> meta_axes() {
  std::vector<std::string> factors, power_rows, power_columns;
#define LR_X(name) factors.push_back(#name);
  LR_BINNED_FACTORS(LR_X)
#undef LR_X
#define LR_X(name) power_rows.push_back(#name);
  LR_POWER_OUTCOME_ROWS(LR_X)
#undef LR_X
#define LR_X(name) power_columns.push_back(#name);
  LR_POWER_OUTCOME_COLUMNS(LR_X)
#undef LR_X
  return {{"strategies", names::strategies(), "strategy names by code"},
          {"strategy_codes", names::strategy_codes(), "three-letter strategy codes by code"},
          {"pair_states", names::pair_states(), "pair state names by index 5 * code_A + code_B (\"A/B\")"},
          {"causes", names::causes(), "termination causes by code"},
          {"factors", factors, "the binned factors (axis `factor` of transitions_by_bin)"},
          {"moments", names::moments(), "summary moments by code (axis `moment` of moments)"},
          {"power_outcome_rows", power_rows, "rows of power_outcomes (axis `power_row`)"},
          {"power_outcome_columns", power_columns, "columns of power_outcomes (axis `power_column`)"},
          {"intents", names::intents(), "intents by code"}};
}

const std::vector<AttributeSpec>& root_attributes() {
  static const std::vector<AttributeSpec> specs = {
      {"/", "filetype", Dtype::String, {}, "always `learnrace-run`"},
      {"/", "version", Dtype::Int64, {2}, "schema version [major, minor]; readers refuse other majors"},
      {"/", "learnrace_version", Dtype::String, {}, "package version"},
      {"/", "git_describe", Dtype::String, {}, "`git describe` of the build"},
      {"/", "seed", Dtype::Int64, {}, "run seed"},
      {"/", "backend", Dtype::String, {}, "`cpu` or `cuda`"},
      {"/", "dyads_per_point", Dtype::Int64, {}, "dyads simulated per point"},
      {"/", "periods", Dtype::Int64, {}, "T, the horizon (at least 1)"},
      {"/", "config_toml", Dtype::String, {}, "the effective experiment TOML (command-line overrides applied)"},
      {"/", "seconds", Dtype::Float64, {}, "wall time of the simulation"},
      {"/", "attributes_crc32", Dtype::Int64, {}, "CRC-32 of every other attribute (section Checksums)"},
  };
  return specs;
}

const std::vector<AttributeSpec>& dataset_attributes() {
  static const std::vector<AttributeSpec> specs = {
      {"/counts/transitions_by_bin", "relation_bin_max", Dtype::Float64, {}, "upper edge of the relation bins"},
      {"/outcomes/asymmetry_hist", "range", Dtype::Float64, {2}, "lower and upper edge, [-1, 1]"},
      {"/outcomes/power_shift_hist", "range", Dtype::Float64, {2}, "lower and upper edge, [-1, 1]"},
      {"/outcomes/joint_learning_hist", "range", Dtype::Float64, {2}, "lower and upper edge, [0, joint_max]"},
      {"/outcomes/moments", "scale", Dtype::Int64, {}, "fixed-point scale, 1048576 (2^20)"},
  };
  return specs;
}

const std::vector<PointColumnSpec>& point_columns() {
  static const std::vector<PointColumnSpec> specs = {
      {"name", Dtype::String, "point name"},
      {"kernel", Dtype::String, "`propositional` or `strategic`"},
      {"<key>", Dtype::Float64, "one column per configurable scalar, named by its dotted TOML key"},
  };
  return specs;
}

}  // namespace output_schema
}  // namespace learnrace
