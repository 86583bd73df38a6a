#include "run_handle.hpp"

#include <pybind11/stl.h>

#include <stdexcept>

#include "output_schema.hpp"

namespace py = pybind11;

namespace learnrace {
namespace bindings {
namespace {

std::vector<py::ssize_t> c_strides(const std::vector<py::ssize_t>& shape, py::ssize_t itemsize) {
  std::vector<py::ssize_t> strides(shape.size());
  py::ssize_t s = itemsize;
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/// A read-only [P, shape...] view of the run's memory: point 0's block at `data`, the points `point_stride`
/// elements apart, each block C-ordered. Its base is `handle`, which keeps the C++ result alive; nothing is copied.
template <class T>
py::array point_view(const py::object& handle, const T* data, size_t point_stride, std::vector<py::ssize_t> shape,
                     bool writable = false) {
  const RunHandle& h = handle.cast<const RunHandle&>();
  if (h.result.n_points <= 0) throw std::runtime_error("the run has no points");
  std::vector<py::ssize_t> strides = c_strides(shape, sizeof(T));
  shape.insert(shape.begin(), h.result.n_points);
  strides.insert(strides.begin(), static_cast<py::ssize_t>(point_stride * sizeof(T)));
  // An empty array (K = 0 trajectory slots) has no memory to view: numpy allocates its zero bytes.
  const py::handle base = data ? py::handle(handle) : py::handle();
  py::array a(py::dtype::of<T>(), shape, strides, data, base);
  if (!writable) a.attr("setflags")(py::arg("write") = false);
  return a;
}

template <class T>
py::array trajectory_view(const py::object& handle, const std::vector<T>& values, bool per_period,
                          bool writable = false) {
  const Trajectories& t = handle.cast<const RunHandle&>().result.trajectories;
  const py::ssize_t K = t.slots, T_max = t.periods;
  if (per_period) return point_view(handle, values.data(), t.per_period(), {K, T_max}, writable);
  return point_view(handle, values.data(), t.per_dyad(), {K}, writable);
}

}  // namespace

void RunHandle::describe_from_params() {
  kernels.clear();
  for (const ModelParams& p : result.params)
    kernels.push_back(p.kernel == KernelType::Strategic ? "strategic" : "propositional");
  if (!result.params.empty()) {
    seed = result.params[0].seed;
    joint_max = result.params[0].joint_max;
    relation_bin_max = result.params[0].relation_bin_max;
  }
}

std::vector<std::string> section_names() {
  std::vector<std::string> names;
  for (const output_schema::DatasetSpec& spec : output_schema::count_sections()) names.push_back(spec.name);
  return names;
}

std::vector<std::string> trajectory_names() {
  std::vector<std::string> names;
  for (const output_schema::DatasetSpec& spec : output_schema::trajectory_fields()) names.push_back(spec.name);
  return names;
}

py::array counts_section(const py::object& handle, const std::string& name) {
  const RunResult& r = handle.cast<const RunHandle&>().result;
  const output_schema::DatasetSpec* spec = output_schema::find_count_section(name);
  if (!spec) throw py::key_error("no count section '" + name + "'");
  const OutputLayout& l = r.layout;
  std::vector<py::ssize_t> shape;
  const std::vector<int64_t> dims = spec->dims(l.shape());
  for (size_t i = 1; i < dims.size(); ++i) shape.push_back(static_cast<py::ssize_t>(dims[i]));  // per point
  const uint64_t* first = r.counts.data() + l.offset(static_cast<Section>(spec->index));
  // int64 sections (the moments) are two's-complement values stored in the uint64 words.
  if (spec->dtype == output_schema::Dtype::Int64)
    return point_view(handle, reinterpret_cast<const int64_t*>(first), l.total, shape);
  return point_view(handle, first, l.total, shape);
}

py::array trajectory_array(const py::object& handle, const std::string& name, bool writable) {
  const Trajectories& t = handle.cast<const RunHandle&>().result.trajectories;
  py::object found;
  for_each_trajectory_field([&](const char* field, auto member, bool per_period) {
    if (name == field) found = trajectory_view(handle, t.*member, per_period, writable);
  });
  if (!found) throw py::key_error("no trajectory dataset '" + name + "'");
  return found.cast<py::array>();
}

py::dict output_schema_dict() {
  namespace os = output_schema;
  auto datasets = [](const std::vector<os::DatasetSpec>& specs) {
    py::list out;
    for (const os::DatasetSpec& s : specs) {
      py::dict d;
      d["group"] = s.group;
      d["name"] = s.name;
      d["path"] = s.path();
      d["dtype"] = os::dtype_name(s.dtype);
      d["axes"] = s.axis_names();
      d["shape"] = s.shape_text();
      d["kind"] = os::kind_name(s.kind);
      d["doc"] = s.doc;
      if (!s.fill.empty()) d["fill"] = s.fill;
      out.append(d);
    }
    return out;
  };
  auto attributes = [](const std::vector<os::AttributeSpec>& specs) {
    py::list out;
    for (const os::AttributeSpec& a : specs) {
      py::dict d;
      d["object"] = a.object;
      d["name"] = a.name;
      d["dtype"] = os::dtype_name(a.dtype);
      d["dims"] = a.dims;
      d["doc"] = a.doc;
      out.append(d);
    }
    return out;
  };
  py::list axes;
  for (const os::AxisSpec& a : os::axes()) {
    py::dict d;
    d["name"] = a.name;
    d["labels"] = a.labels;
    d["doc"] = a.doc;
    axes.append(d);
  }
  py::list meta;
  for (const os::MetaAxis& m : os::meta_axes()) {
    py::dict d;
    d["name"] = m.name;
    d["values"] = m.values;
    d["doc"] = m.doc;
    meta.append(d);
  }
  py::list points;
  for (const os::PointColumnSpec& c : os::point_columns()) {
    py::dict d;
    d["name"] = c.name;
    d["dtype"] = os::dtype_name(c.dtype);
    d["doc"] = c.doc;
    points.append(d);
  }
  py::dict schema;
  schema["filetype"] = os::kFileType;
  schema["version"] = py::make_tuple(os::kVersionMajor, os::kVersionMinor);
  schema["axes"] = axes;
  schema["count_sections"] = datasets(os::count_sections());
  schema["trajectory_fields"] = datasets(os::trajectory_fields());
  schema["meta"] = meta;
  schema["points"] = points;
  schema["root_attributes"] = attributes(os::root_attributes());
  schema["dataset_attributes"] = attributes(os::dataset_attributes());
  schema["fixed_point_scale"] = static_cast<double>(kFixedPointScale);
  return schema;
}

py::array counts_buffer(const py::object& handle) {
  RunResult& r = handle.cast<RunHandle&>().result;
  return py::array_t<uint64_t>({static_cast<py::ssize_t>(r.counts.size())}, r.counts.data(), handle);
}

py::array trajectory_buffer(const py::object& handle, const std::string& name) {
  return trajectory_array(handle, name, true);
}

py::array point_counts(const py::object& handle, int32_t point) {
  const RunResult& r = handle.cast<const RunHandle&>().result;
  if (point < 0 || point >= r.n_points) throw py::index_error("point out of range");
  py::array a = py::array_t<uint64_t>({static_cast<py::ssize_t>(r.layout.total)}, r.point_counts(point), handle);
  a.attr("setflags")(py::arg("write") = false);
  return a;
}

}  // namespace bindings
}  // namespace learnrace
