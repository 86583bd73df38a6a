// The output schema registry: every dataset and attribute of a run (docs/output_schema.md, generated from it)
// with its name, element type, axes, kind and meaning. Count sections and trajectory fields come from the
// X-macro lists of kernels/output_fields.hpp (shared with device code); this file adds element types, the
// /meta axes, the /points table and the root and dataset attributes. The HDF5 writer and reader, the Python
// bindings (`_core.output_schema()`) and the Python reader all read this one registry.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "output_fields.hpp"

namespace learnrace {
namespace output_schema {

constexpr const char* kFileType = "learnrace-run";
/// Schema version [major, minor]: readers accept exactly the majors they know (a minor adds, never changes).
// 3: model v2 (per-firm factors, suspicion, events, power outcomes); 4: fixed-length strings (no global heap), every
// dataset checksummed (Fletcher32), the attributes' CRC-32, HDF5 1.10 file format (checksummed metadata); written by
// model v3 (the datasets of 3, other dynamics: docs/model.md)
constexpr int64_t kVersionMajor = 4;
constexpr int64_t kVersionMinor = 0;

/// Readers refuse a dataset whose elements take more than kMaxExpansion times the bytes the file stores for it
/// (plus kExpansionSlackBytes): deflate expands at most 1032:1 (258-byte matches in at least 2 bits), shuffle and
/// Fletcher32 not at all. A crafted file can therefore not make a reader allocate far more than its own size.
constexpr uint64_t kMaxExpansion = 1100;
constexpr uint64_t kExpansionSlackBytes = 1 << 20;

enum class Dtype : int32_t { UInt8, Int32, UInt64, Int64, Float32, Float64, String };
/// numpy's name of the element type: "uint8", "int32", "uint64", "int64", "float32", "float64", "str".
const char* dtype_name(Dtype dtype);
/// Bytes of one element (0 for strings).
size_t dtype_size(Dtype dtype);
template <class T>
constexpr Dtype dtype_of();
template <>
constexpr Dtype dtype_of<uint8_t>() {
  return Dtype::UInt8;
}
template <>
constexpr Dtype dtype_of<int32_t>() {
  return Dtype::Int32;
}
template <>
constexpr Dtype dtype_of<uint64_t>() {
  return Dtype::UInt64;
}
template <>
constexpr Dtype dtype_of<int64_t>() {
  return Dtype::Int64;
}
template <>
constexpr Dtype dtype_of<float>() {
  return Dtype::Float32;
}
template <>
constexpr Dtype dtype_of<double>() {
  return Dtype::Float64;
}

/// How often a value is produced: per dyad-period / per dyad (all dyads, counted), per sampled dyad-period /
/// per sampled dyad (trajectories), per point (/points), per run (root attributes, /meta).
enum class Kind : int32_t { PerDyadPeriod, PerDyad, PerSampledPeriod, PerSampledDyad, PerPoint, PerRun };
/// "per dyad-period", "per dyad", "per sampled dyad-period", "per sampled dyad", "per point", "per run".
const char* kind_name(Kind kind);

/// One axis (output_axis::Id order): name, the /meta dataset labelling it ("" if none), meaning.
struct AxisSpec {
  std::string name;
  std::string labels;
  std::string doc;
};
const std::vector<AxisSpec>& axes();
/// The axis called `name`, or -1.
int32_t find_axis(const std::string& name);

/// A numeric dataset with a leading point axis: a count section or a trajectory field.
struct DatasetSpec {
  std::string group;  // "counts", "outcomes" or "trajectories"
  std::string name;
  Dtype dtype;
  std::vector<int32_t> axes;  // output_axis ids, the leading `point` axis included
  Kind kind;
  std::string doc;
  int32_t index;     // Section code of a count section, position among the trajectory fields
  std::string fill;  // trajectory fields: the value of slots and periods never reached ("NaN", "255", ...)

  std::string path() const { return "/" + group + "/" + name; }
  std::vector<std::string> axis_names() const;
  /// Dimensions for a run of this shape (never overflows: sizes are int64 and the caller bounds them).
  std::vector<int64_t> dims(const OutputShape& shape) const;
  /// "[P,25,25]"-style shape with the axis size symbols P, T, T+1, B, H, K.
  std::string shape_text() const;
};
/// The count sections (kernels LR_COUNT_SECTIONS), in layout order.
const std::vector<DatasetSpec>& count_sections();
/// The trajectory fields (LR_TRAJECTORY_PERIOD_FIELDS, then LR_TRAJECTORY_DYAD_FIELDS).
const std::vector<DatasetSpec>& trajectory_fields();
const DatasetSpec* find_count_section(const std::string& name);
const DatasetSpec* find_trajectory_field(const std::string& name);

/// A /meta dataset: the labels of an axis by code.
struct MetaAxis {
  std::string name;
  std::vector<std::string> values;
  std::string doc;
};
std::vector<MetaAxis> meta_axes();

/// An attribute: on the root ("/") or on a dataset (its path).
struct AttributeSpec {
  std::string object;
  std::string name;
  Dtype dtype;
  std::vector<int64_t> dims;  // empty: a scalar
  std::string doc;
};
const std::vector<AttributeSpec>& root_attributes();
const std::vector<AttributeSpec>& dataset_attributes();

/// The /points datasets: `name` and `kernel` (strings) and one float64 column per configurable scalar.
struct PointColumnSpec {
  std::string name;  // "<key>" stands for every dotted configuration key
  Dtype dtype;
  std::string doc;
};
const std::vector<PointColumnSpec>& point_columns();

}  // namespace output_schema
}  // namespace learnrace
