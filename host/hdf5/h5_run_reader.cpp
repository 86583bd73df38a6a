// read_run_file / read_run_header / read_point_table: the checked reader of docs/output_schema.md.
#include "h5_run_reader.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>

#include "h5_error.hpp"
#include "h5_run_schema.hpp"
#include "output_names.hpp"

namespace learnrace {
namespace run_reader {

namespace {

h5::File open_checked(const std::string& path) {
  {
    std::ifstream probe(path, std::ios::binary);
    if (!probe) throw std::runtime_error("cannot open '" + path + "': " + std::strerror(errno));
  }
  if (!h5::is_hdf5_file(path)) throw FileFormatError(path, "", path + ": not an HDF5 file");
  return h5::File::open(path, h5::FileMode::ReadOnly);
}

bool same_type(const h5::TypeInfo& a, const h5::TypeInfo& b) {
  if (a.type_class != b.type_class) return false;
  if (a.type_class == H5T_STRING) return true;  // variable or fixed length, any width
  return a.size == b.size && a.is_signed == b.is_signed;
}

h5::TypeInfo string_type() {
  h5::TypeInfo t;
  t.type_class = H5T_STRING;
  return t;
}

}  // namespace

RunFile::RunFile(const std::string& path) : path_(path), file_(open_checked(path)), root_(file_.root()) {
  require_attribute("filetype", H5T_STRING, "a string");
  const std::string filetype = h5::read_string_attribute(root_, "filetype");
  if (filetype != kRunFileType)
    fail("filetype",
         "not a learnrace run file: root attribute 'filetype' is '" + filetype + "', expected '" + kRunFileType + "'");
  require_attribute("version", H5T_INTEGER, "an integer");
  const int64_t version = h5::read_int_attribute(root_, "version");
  if (version != kRunFileVersion)
    fail("version", "unsupported schema version " + std::to_string(version) + " (this build reads version " +
                        std::to_string(kRunFileVersion) + ")");
}

void RunFile::fail(const std::string& item, const std::string& problem) const {
  throw FileFormatError(path_, item, path_ + ": " + problem);
}

void RunFile::require_attribute(const std::string& name, H5T_class_t type_class, const char* kind) const {
  if (!h5::has_attribute(root_, name))
    fail(name, std::string(name == "filetype" ? "not a learnrace run file: " : "") + "root attribute '" + name +
                   "' is missing");
  const h5::TypeInfo t = h5::attribute_type(root_, name);
  if (t.type_class != type_class) fail(name, "root attribute '" + name + "' is " + t.describe() + ", expected " + kind);
  const h5::Dims dims = h5::attribute_dims(root_, name);
  if (h5::product(dims) != 1)
    fail(name, "root attribute '" + name + "' has shape " + h5::format_dims(dims) + ", expected a single value");
}

int64_t RunFile::int_attribute(const std::string& name) const {
  require_attribute(name, H5T_INTEGER, "an integer");
  return h5::read_int_attribute(root_, name);
}

double RunFile::double_attribute(const std::string& name) const {
  require_attribute(name, H5T_FLOAT, "a float");
  return h5::read_double_attribute(root_, name);
}

std::string RunFile::string_attribute(const std::string& name) const {
  require_attribute(name, H5T_STRING, "a string");
  return h5::read_string_attribute(root_, name);
}

RunFileHeader RunFile::header() const {
  RunFileHeader h;
  h.filetype = string_attribute("filetype");
  h.version = int_attribute("version");
  h.learnrace_version = string_attribute("learnrace_version");
  h.git_describe = string_attribute("git_describe");
  h.seed = int_attribute("seed");
  h.backend = string_attribute("backend");
  h.dyads_per_point = int_attribute("dyads_per_point");
  h.periods = int_attribute("periods");
  h.config_toml = string_attribute("config_toml");
  h.seconds = double_attribute("seconds");
  if (h.periods < 1 || h.periods > INT32_MAX)
    fail("periods",
         "root attribute 'periods' is " + std::to_string(h.periods) + ", expected 1 to " + std::to_string(INT32_MAX));
  if (h.dyads_per_point < 0)
    fail("dyads_per_point", "root attribute 'dyads_per_point' is negative (" + std::to_string(h.dyads_per_point) + ")");
  return h;
}

h5::Group RunFile::group(const std::string& name) const {
  if (!root_.has_group(name)) fail("/" + name, "missing group '/" + name + "'");
  return h5::Group::open(root_, name);
}

h5::Dims RunFile::dims_of(const h5::Group& group, const std::string& name, size_t rank) const {
  const std::string path = group.child_path(name);
  if (!group.has_dataset(name)) fail(path, "missing dataset '" + path + "'");
  const h5::Dims dims = h5::Dataset::open(group, name).dims();
  if (dims.size() != rank)
    fail(path, "dataset '" + path + "' has shape " + h5::format_dims(dims) + ", expected rank " + std::to_string(rank));
  return dims;
}

h5::Dataset RunFile::dataset(const h5::Group& group, const std::string& name, const h5::TypeInfo& expected,
                             const h5::Dims& dims) const {
  const std::string path = group.child_path(name);
  if (!group.has_dataset(name)) fail(path, "missing dataset '" + path + "'");
  h5::Dataset d = h5::Dataset::open(group, name);
  const h5::TypeInfo stored = d.type();
  if (!same_type(stored, expected))
    fail(path, "dataset '" + path + "' is " + stored.describe() + ", expected " + expected.describe());
  const h5::Dims have = d.dims();
  if (have != dims)
    fail(path, "dataset '" + path + "' has shape " + h5::format_dims(have) + ", expected " + h5::format_dims(dims));
  return d;
}

std::vector<std::string> RunFile::strings(const h5::Group& group, const std::string& name, hsize_t count) const {
  return h5::read_strings(dataset(group, name, string_type(), {count}));
}

namespace {

// /meta must name the axes exactly as this build does: a reordered axis would silently change what
// the counts mean.
void check_meta(const RunFile& f) {
  const h5::Group meta = f.group("meta");
  for (const run_schema::MetaAxis& axis : run_schema::meta_axes()) {
    const std::vector<std::string> stored = f.strings(meta, axis.name, axis.values.size());
    for (size_t i = 0; i < stored.size(); ++i)
      if (stored[i] != axis.values[i])
        f.fail(meta.child_path(axis.name), "dataset '" + meta.child_path(axis.name) + "' entry " + std::to_string(i) +
                                               " is '" + stored[i] + "', expected '" + axis.values[i] + "'");
  }
}

void read_counts(const RunFile& f, RunResult& r) {
  const h5::Group counts = f.group("counts");
  const h5::Group outcomes = f.group("outcomes");
  const hsize_t n_points = static_cast<hsize_t>(r.n_points);
  for (const run_schema::CountSection& s : run_schema::count_sections(r.layout)) {
    const h5::Group& group = s.group == "counts" ? counts : outcomes;
    h5::Dims dims = {n_points};
    dims.insert(dims.end(), s.dims.begin(), s.dims.end());
    const h5::TypeInfo type = s.is_signed ? h5::type_info_of<int64_t>() : h5::type_info_of<uint64_t>();
    const h5::Dataset d = f.dataset(group, s.name, type, dims);
    const hid_t mem_type = s.is_signed ? h5::native_type<int64_t>() : h5::native_type<uint64_t>();
    for (hsize_t i = 0; i < n_points; ++i) d.read_row(i, r.point_counts(static_cast<int32_t>(i)) + s.offset, mem_type);
  }
}

void read_trajectories(const RunFile& f, RunResult& r) {
  const h5::Group traj = f.group("trajectories");
  const hsize_t n_points = static_cast<hsize_t>(r.n_points);
  const hsize_t periods = static_cast<hsize_t>(r.layout.periods);
  const hsize_t slots = f.dims_of(traj, "pair", 3)[1];
  if (slots > static_cast<hsize_t>(INT32_MAX)) f.fail(traj.child_path("pair"), "too many trajectory slots");
  r.trajectories.allocate(r.n_points, static_cast<int32_t>(slots), r.layout.periods);
  run_schema::for_each_trajectory_field([&](const char* name, auto member, bool by_period) {
    using T = run_schema::field_value_t<decltype(member)>;
    const h5::Dims dims = by_period ? h5::Dims{n_points, slots, periods} : h5::Dims{n_points, slots};
    const h5::Dataset d = f.dataset(traj, name, h5::type_info_of<T>(), dims);
    auto& values = r.trajectories.*member;  // the whole [P, K, T] or [P, K] array
    if (!values.empty()) d.read(values.data(), h5::native_type<T>());
  });
}

// ModelParams from the stored experiment: it must expand to exactly the points and output shape
// the datasets hold.
void rebuild_params(const RunFile& f, const RunFileHeader& h, const std::vector<std::string>& kernels, RunResult& r) {
  RunConfig config;
  try {
    config = load_config_string(h.config_toml, f.path() + ":config_toml");
  } catch (const ConfigError& e) {
    f.fail("config_toml",
           std::string("root attribute 'config_toml' is not a valid experiment for this build: ") + e.what());
  }
  const std::string where = "root attribute 'config_toml' ";
  if (config.points.size() != static_cast<size_t>(r.n_points))
    f.fail("config_toml", where + "expands to " + std::to_string(config.points.size()) + " points, the file holds " +
                              std::to_string(r.n_points));
  for (size_t i = 0; i < config.points.size(); ++i) {
    if (config.point_names[i] != r.point_names[i])
      f.fail("config_toml", where + "names point " + std::to_string(i) + " '" + config.point_names[i] +
                                "', /points/name '" + r.point_names[i] + "'");
    if (names::kernel(config.points[i].kernel) != kernels[i])
      f.fail("config_toml", where + "gives point " + std::to_string(i) + " the " +
                                names::kernel(config.points[i].kernel) + " kernel, /points/kernel '" + kernels[i] +
                                "'");
  }
  const OutputLayout l = OutputLayout::make(config.points[0]);
  if (l.periods != r.layout.periods || l.factor_bins != r.layout.factor_bins || l.hist_bins != r.layout.hist_bins)
    f.fail("config_toml", where + "gives periods/factor bins/histogram bins " + std::to_string(l.periods) + "/" +
                              std::to_string(l.factor_bins) + "/" + std::to_string(l.hist_bins) + ", the datasets " +
                              std::to_string(r.layout.periods) + "/" + std::to_string(r.layout.factor_bins) + "/" +
                              std::to_string(r.layout.hist_bins));
  if (static_cast<int64_t>(config.points[0].seed) != h.seed)
    f.fail("config_toml", where + "gives seed " + std::to_string(config.points[0].seed) +
                              ", root attribute 'seed' is " + std::to_string(h.seed));
  r.params = std::move(config.points);
}

}  // namespace

RunResult read_run(const std::string& path, const ReadParts& parts) {
  const h5::ErrorPrintingOff quiet;
  const RunFile f(path);
  const RunFileHeader h = f.header();
  check_meta(f);

  RunResult r;
  r.dyads_per_point = static_cast<uint64_t>(h.dyads_per_point);
  r.config_toml = h.config_toml;
  r.backend = h.backend;
  r.seconds = h.seconds;

  const h5::Group points = f.group("points");
  const hsize_t n_points = f.dims_of(points, "name", 1)[0];
  if (n_points == 0) f.fail("/points/name", "dataset '/points/name' is empty: the file holds no points");
  r.point_names = f.strings(points, "name", n_points);
  const std::vector<std::string> kernels = f.strings(points, "kernel", n_points);

  // The layout follows from T (root attribute) and the bin counts (dataset shapes).
  const h5::Group counts = f.group("counts");
  const h5::Group outcomes = f.group("outcomes");
  ModelParams shape;
  shape.periods = static_cast<int32_t>(h.periods);
  shape.factor_bins = static_cast<int32_t>(f.dims_of(counts, "transitions_by_bin", 5)[2]);
  shape.hist_bins = static_cast<int32_t>(f.dims_of(outcomes, "asymmetry_hist", 2)[1]);
  if (n_points > static_cast<hsize_t>(INT32_MAX)) f.fail("/points/name", "too many points");
  r.allocate(static_cast<int32_t>(n_points), OutputLayout::make(shape), 0);  // trajectories: read_trajectories

  read_counts(f, r);
  if (parts.trajectories) read_trajectories(f, r);
  if (parts.params) rebuild_params(f, h, kernels, r);
  return r;
}

}  // namespace run_reader

RunFileHeader read_run_header(const std::string& path) {
  const h5::ErrorPrintingOff quiet;
  return run_reader::RunFile(path).header();
}

RunResult read_run_file(const std::string& path) { return run_reader::read_run(path, {}); }

PointTable read_point_table(const std::string& path) {
  const h5::ErrorPrintingOff quiet;
  const run_reader::RunFile f(path);
  const h5::Group points = f.group("points");
  const hsize_t n = f.dims_of(points, "name", 1)[0];
  PointTable t;
  t.names = f.strings(points, "name", n);
  t.kernels = f.strings(points, "kernel", n);
  for (const std::string& key : points.link_names()) {
    if (key == "name" || key == "kernel") continue;
    ParamColumn c;
    c.key = key;
    c.values.resize(n);
    const h5::Dataset d = f.dataset(points, key, h5::type_info_of<double>(), {n});
    if (n > 0) d.read(c.values.data(), h5::native_type<double>());
    t.columns.push_back(std::move(c));
  }
  return t;
}

}  // namespace learnrace
