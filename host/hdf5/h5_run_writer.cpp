// write_run_file: the run file of docs/output_schema.md, via a temporary file and an atomic rename.
#include <set>
#include <stdexcept>

#include "h5_attribute.hpp"
#include "h5_dataset.hpp"
#include "h5_error.hpp"
#include "h5_file.hpp"
#include "h5_run_checksum.hpp"
#include "h5_run_file.hpp"
#include "h5_run_schema.hpp"
#include "output_file.hpp"
#include "output_names.hpp"
#include "version.hpp"

namespace learnrace {

namespace {

using h5::Dataset;
using h5::Dims;
using h5::Group;

void require(bool ok, const std::string& message) {
  if (!ok) throw std::invalid_argument("write_run_file: " + message);
}

// Everything the writer relies on, checked before a file is created.
void validate(const RunResult& r, const std::vector<ParamColumn>& columns) {
  require(r.n_points > 0, "the result has no points");
  const size_t n = static_cast<size_t>(r.n_points);
  require(r.point_names.size() == n,
          std::to_string(r.point_names.size()) + " point names for " + std::to_string(n) + " points");
  require(r.params.size() == n,
          std::to_string(r.params.size()) + " parameter sets for " + std::to_string(n) + " points");
  require(r.counts.size() == n * r.layout.total, std::to_string(r.counts.size()) + " count words for " +
                                                     std::to_string(n) + " points of " +
                                                     std::to_string(r.layout.total) + " words");
  const Trajectories& t = r.trajectories;
  require(t.slots >= 0, "negative number of trajectory slots");
  const size_t per_dyad = n * t.per_dyad();
  const size_t per_period = per_dyad * static_cast<size_t>(r.layout.periods);
  for_each_trajectory_field([&](const char* name, auto member, bool by_period) {
    const size_t want = by_period ? per_period : per_dyad;
    const auto& v = t.*member;
    require(v.size() == want, "trajectory field '" + std::string(name) + "' has " + std::to_string(v.size()) +
                                  " values, expected " + std::to_string(want));
  });
  std::set<std::string> keys;
  for (const ParamColumn& c : columns) {
    require(!c.key.empty() && c.key != "." && c.key != ".." && c.key.find('/') == std::string::npos,
            "parameter column key '" + c.key + "' cannot name an HDF5 dataset");
    require(c.key != "name" && c.key != "kernel", "parameter column key '" + c.key + "' is reserved in /points");
    require(keys.insert(c.key).second, "parameter column '" + c.key + "' appears twice");
    require(c.values.size() == n, "parameter column '" + c.key + "' has " + std::to_string(c.values.size()) +
                                      " values for " + std::to_string(n) + " points");
  }
}

void write_root_attributes(const Group& root, const RunResult& r) {
  h5::write_string_attribute(root, "filetype", output_schema::kFileType);
  h5::write_int_array_attribute(root, "version", {output_schema::kVersionMajor, output_schema::kVersionMinor});
  h5::write_string_attribute(root, "learnrace_version", version_string());
  h5::write_string_attribute(root, "git_describe", git_describe_string());
  h5::write_int_attribute(root, "seed", static_cast<int64_t>(r.params[0].seed));
  h5::write_string_attribute(root, "backend", r.backend);
  h5::write_int_attribute(root, "dyads_per_point", static_cast<int64_t>(r.dyads_per_point));
  h5::write_int_attribute(root, "periods", r.layout.periods);
  h5::write_string_attribute(root, "config_toml", r.config_toml);
  h5::write_double_attribute(root, "seconds", r.seconds);
}

void write_meta(const Group& root) {
  const Group meta = Group::create(root, "meta");
  for (const output_schema::MetaAxis& axis : output_schema::meta_axes())
    h5::write_strings(meta, axis.name, axis.values);
}

void write_points(const Group& root, const RunResult& r, const std::vector<ParamColumn>& columns) {
  const Group points = Group::create(root, "points");
  h5::write_strings(points, "name", r.point_names);
  std::vector<std::string> kernels;
  for (const ModelParams& p : r.params) kernels.emplace_back(names::kernel(p.kernel));
  h5::write_strings(points, "kernel", kernels);
  for (const ParamColumn& c : columns) h5::write_vector(points, c.key, c.values);
}

// The attributes the registry lists on a dataset (output_schema::dataset_attributes), with this run's values.
void write_dataset_attributes(const Dataset& d, const std::string& path, const ModelParams& p0) {
  for (const output_schema::AttributeSpec& a : output_schema::dataset_attributes()) {
    if (a.object != path) continue;
    if (a.name == "relation_bin_max")
      h5::write_double_attribute(d, a.name, static_cast<double>(p0.relation_bin_max));
    else if (a.name == "range" && path == "/outcomes/joint_learning_hist")
      h5::write_double_array_attribute(d, a.name, {0.0, static_cast<double>(p0.joint_max)});
    else if (a.name == "range")
      h5::write_double_array_attribute(d, a.name, {-1.0, 1.0});
    else if (a.name == "scale")
      h5::write_int_attribute(d, a.name, static_cast<int64_t>(kFixedPointScale));
    else
      throw std::logic_error("write_run_file: no value for the registry's attribute " + path + " " + a.name);
  }
}

OutputShape run_shape(const RunResult& r) {
  OutputShape shape = r.layout.shape();
  shape.points = r.n_points;
  shape.slots = r.trajectories.slots;
  return shape;
}

void write_counts(const Group& root, const RunResult& r) {
  const OutputShape shape = run_shape(r);
  const Group counts = Group::create(root, "counts");
  const Group outcomes = Group::create(root, "outcomes");
  for (const run_schema::CountSection& s : run_schema::count_sections(r.layout)) {
    const Group& group = s.spec->group == "counts" ? counts : outcomes;
    const Dims dims = run_schema::file_dims(*s.spec, shape);
    h5::Storage storage;
    storage.compress = dims.size() > 1;
    const hid_t file_type = s.is_signed ? h5::file_type<int64_t>() : h5::file_type<uint64_t>();
    // Moments are int64 values kept in uint64 words: same bits, read through the signed type.
    const hid_t mem_type = s.is_signed ? h5::native_type<int64_t>() : h5::native_type<uint64_t>();
    Dataset d = Dataset::create(group, s.spec->name, file_type, dims, storage);
    for (hsize_t i = 0; i < dims[0]; ++i) d.write_row(i, r.point_counts(static_cast<int32_t>(i)) + s.offset, mem_type);
    write_dataset_attributes(d, s.spec->path(), r.params[0]);
    d.close();
  }
}

void write_trajectories(const Group& root, const RunResult& r) {
  const Group traj = Group::create(root, "trajectories");
  const OutputShape shape = run_shape(r);
  for_each_trajectory_field([&](const char* name, auto member, bool) {
    using T = trajectory_value_t<decltype(member)>;
    h5::Storage storage;
    storage.compress = true;
    Dataset d = Dataset::create(traj, name, h5::file_type<T>(),
                                run_schema::file_dims(*output_schema::find_trajectory_field(name), shape), storage);
    const auto& values = r.trajectories.*member;  // the whole [P, K, T] or [P, K] array
    if (!values.empty()) d.write(values.data(), h5::native_type<T>());
    d.close();
  });
}

// Builds the whole file in memory and returns its bytes. Writing through HDF5 straight to disk
// would leave HDF5 (1.10) with a file it can neither flush nor close when the disk fills up, and
// the library crashes at process exit; with an in-memory file every disk error is ours to handle.
std::vector<unsigned char> build_image(const std::string& name, const RunResult& r,
                                       const std::vector<ParamColumn>& columns) {
  h5::File file = h5::File::create_in_memory(name);
  {
    const Group root = file.root();
    write_root_attributes(root, r);
    write_meta(root);
    write_points(root, r, columns);
    write_counts(root, r);
    write_trajectories(root, r);
    run_checksum::seal(root);  // last: the checksum of every attribute written above
  }                            // every object is closed before the image is taken and the file closed
  std::vector<unsigned char> image = file.image();
  file.close();
  return image;
}

}  // namespace

void write_run_file(const std::string& path, const RunResult& result, const std::vector<ParamColumn>& columns,
                    const std::atomic<bool>* cancel) {
  validate(result, columns);
  const h5::ErrorPrintingOff quiet;
  replace_file(path, build_image(path, result, columns), cancel);
}

}  // namespace learnrace
