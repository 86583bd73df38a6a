// read_run_file / read_run_header / read_point_table / read_run_contents: the checked reader of
// docs/output_schema.md. Everything is validated against the output schema registry before anything is
// allocated.
#include "h5_run_reader.hpp"

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fstream>

#include "h5_error.hpp"
#include "h5_run_checksum.hpp"
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
  try {
    return h5::File::open(path, h5::FileMode::ReadOnly);
  } catch (const h5::H5Error& e) {
    throw FileFormatError(path, "", path + ": not a readable HDF5 file (" + e.what() + ")");
  }
}

bool same_type(const h5::TypeInfo& a, const h5::TypeInfo& b) {
  if (a.type_class != b.type_class) return false;
  if (a.type_class == H5T_STRING) return !a.variable_string;  // fixed length, any width (never the global heap)
  return a.size == b.size && a.is_signed == b.is_signed;
}

std::string expected_text(const h5::TypeInfo& t) {
  return t.type_class == H5T_STRING ? std::string("fixed-length strings") : t.describe();
}

H5T_class_t type_class_of(output_schema::Dtype dtype) {
  switch (dtype) {
    case output_schema::Dtype::String:
      return H5T_STRING;
    case output_schema::Dtype::Float32:
    case output_schema::Dtype::Float64:
      return H5T_FLOAT;
    default:
      return H5T_INTEGER;
  }
}

h5::TypeInfo string_type() {
  h5::TypeInfo t;
  t.type_class = H5T_STRING;
  return t;
}

h5::TypeInfo type_info(output_schema::Dtype dtype) {
  switch (dtype) {
    case output_schema::Dtype::UInt8:
      return h5::type_info_of<uint8_t>();
    case output_schema::Dtype::Int32:
      return h5::type_info_of<int32_t>();
    case output_schema::Dtype::UInt64:
      return h5::type_info_of<uint64_t>();
    case output_schema::Dtype::Int64:
      return h5::type_info_of<int64_t>();
    case output_schema::Dtype::Float32:
      return h5::type_info_of<float>();
    case output_schema::Dtype::Float64:
      return h5::type_info_of<double>();
    case output_schema::Dtype::String:
      return string_type();
  }
  return string_type();
}

std::string version_text(int64_t major, int64_t minor) {
  return "[" + std::to_string(major) + ", " + std::to_string(minor) + "]";
}

// Bytes of n elements of `element` bytes each, saturating at UINT64_MAX.
uint64_t element_bytes(const h5::Dims& dims, uint64_t element) {
  uint64_t bytes = element;
  for (hsize_t n : dims) {
    if (n == 0) return 0;
    bytes = bytes > UINT64_MAX / n ? UINT64_MAX : bytes * n;
  }
  return bytes;
}

}  // namespace

RunFile::RunFile(const std::string& path) : path_(path), file_(open_checked(path)), root_(file_.root()) {
  check_filetype();
  check_version();
  check_attributes();
}

void RunFile::check_filetype() const {
  require_attribute("filetype", H5T_STRING, "a string");
  if (h5::attribute_type(root_, "filetype").variable_string) {
    // Files before version 4 stored variable-length strings, whose bytes HDF5 reads from the global heap without
    // a checksum (damaged, they crash libhdf5): such a string is never read. The version says which file it is.
    check_version();
    fail("filetype",
         "not a learnrace run file of this version: root attribute 'filetype' is a variable-length "
         "string (learnrace writes fixed-length strings)");
  }
  std::string filetype;
  try {
    filetype = h5::read_string_attribute(root_, "filetype");
  } catch (const h5::H5Error&) {
    fail("filetype", "not a learnrace run file: root attribute 'filetype' is not UTF-8 text");
  }
  if (filetype != output_schema::kFileType)
    fail("filetype", "not a learnrace run file: root attribute 'filetype' is '" + filetype + "', expected '" +
                         output_schema::kFileType + "'");
}

void RunFile::check_attribute(const h5::Object& object, const std::string& item,
                              const output_schema::AttributeSpec& spec, const std::string& what) const {
  if (!h5::has_attribute(object, spec.name)) fail(item, what + " is missing");
  const h5::TypeInfo t = h5::attribute_type(object, spec.name);
  const H5T_class_t want = type_class_of(spec.dtype);
  if (t.type_class != want || (want == H5T_STRING && t.variable_string))
    fail(item, what + " is " + t.describe() + ", expected " +
                   (want == H5T_STRING  ? "a fixed-length string"
                    : want == H5T_FLOAT ? "a float"
                                        : "an integer"));
  const h5::Dims dims = h5::attribute_dims(object, spec.name);
  const uint64_t count = h5::product(dims);
  if (spec.dims.empty() ? count != 1 : dims != h5::Dims(spec.dims.begin(), spec.dims.end()))
    fail(item, what + " has shape " + h5::format_dims(dims) + ", expected " +
                   (spec.dims.empty() ? std::string("a single value")
                                      : h5::format_dims(h5::Dims(spec.dims.begin(), spec.dims.end()))));
  // An attribute's bytes are stored in the file: more than the file holds is a crafted size.
  if (element_bytes(dims, t.size) > file_.size())
    fail(item, what + " declares " + std::to_string(element_bytes(dims, t.size)) + " bytes, more than the file's " +
                   std::to_string(file_.size()));
  if (want == H5T_STRING) {
    try {
      h5::read_string_attribute(object, spec.name);
    } catch (const h5::H5Error&) {
      fail(item, what + " is not valid UTF-8 text");
    }
  }
}

// Every attribute of the registry with its type and shape, then their checksum, before any of them is used.
void RunFile::check_attributes() const {
  for (const output_schema::AttributeSpec& a : output_schema::root_attributes())
    check_attribute(root_, a.name, a, "root attribute '" + a.name + "'");
  for (const output_schema::AttributeSpec& a : output_schema::dataset_attributes()) {
    const size_t slash = a.object.find('/', 1);
    const h5::Group g = group(a.object.substr(1, slash - 1));
    const std::string name = a.object.substr(slash + 1);
    if (!g.has_dataset(name)) fail(a.object, "missing dataset '" + a.object + "'");
    check_attribute(h5::Dataset::open(g, name), a.object, a,
                    "attribute '" + a.name + "' of dataset '" + a.object + "'");
  }
  uint32_t computed = 0;
  try {
    computed = run_checksum::compute(root_);
  } catch (const h5::H5Error& e) {
    fail(run_checksum::kAttribute, std::string("the attributes cannot be read for their checksum (") + e.what() + ")");
  }
  const int64_t stored = h5::read_int_attribute(root_, run_checksum::kAttribute);
  if (stored != static_cast<int64_t>(computed))
    fail(run_checksum::kAttribute, "the attributes do not match their checksum (root attribute '" +
                                       std::string(run_checksum::kAttribute) + "' " + std::to_string(stored) +
                                       ", computed " + std::to_string(computed) + "): the file is damaged");
}

void RunFile::check_version() const {
  const std::string expected =
      "this build reads major version " + std::to_string(output_schema::kVersionMajor) +
      " (version = " + version_text(output_schema::kVersionMajor, output_schema::kVersionMinor) + ")";
  if (!h5::has_attribute(root_, "version")) fail("version", "root attribute 'version' is missing");
  const h5::TypeInfo t = h5::attribute_type(root_, "version");
  const h5::Dims dims = h5::attribute_dims(root_, "version");
  if (t.type_class != H5T_INTEGER)
    fail("version", "root attribute 'version' is " + t.describe() + ", expected [major, minor] integers; " + expected);
  if (dims.size() <= 1 && h5::product(dims) == 1) {
    const int64_t old = h5::read_int_attribute(root_, "version");
    fail("version", "unsupported schema version " + std::to_string(old) + " (a single number: written before " +
                        "versions were [major, minor]); " + expected);
  }
  if (dims != h5::Dims{2})
    fail("version", "root attribute 'version' has shape " + h5::format_dims(dims) + ", expected [2] ([major, minor])");
  const std::vector<int64_t> v = h5::read_int_array_attribute(root_, "version");
  if (v[0] < output_schema::kVersionMajor)
    fail("version", "unsupported schema version " + version_text(v[0], v[1]) + " (written by an older learnrace: " +
                        "read it with the learnrace version that wrote it, or run the experiment again); " + expected);
  if (v[0] != output_schema::kVersionMajor)
    fail("version", "unsupported schema version " + version_text(v[0], v[1]) + "; " + expected);
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
  const std::vector<int64_t> version = h5::read_int_array_attribute(root_, "version");  // checked on open
  h.version_major = version.at(0);
  h.version_minor = version.at(1);
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

void RunFile::check_storage(const h5::Dataset& d, const std::string& path) const {
  const h5::StorageInfo s = d.storage();
  const std::string what = "dataset '" + path + "' ";
  if (s.external_files > 0) fail(path, what + "keeps its data in external files");
  if (s.layout != H5D_CONTIGUOUS && s.layout != H5D_CHUNKED && s.layout != H5D_COMPACT)
    fail(path, what + "has a virtual or unknown storage layout");
  bool fletcher32 = false;
  for (H5Z_filter_t filter : s.filters) {
    if (filter != H5Z_FILTER_SHUFFLE && filter != H5Z_FILTER_DEFLATE && filter != H5Z_FILTER_FLETCHER32)
      fail(path, what + "uses HDF5 filter " + std::to_string(filter) +
                     ", not one learnrace writes (shuffle, deflate, fletcher32)");
    fletcher32 = fletcher32 || filter == H5Z_FILTER_FLETCHER32;
  }
  const h5::Dims dims = d.dims();
  if (!fletcher32 && h5::product(dims) > 0)
    fail(path, what + "has no Fletcher32 checksum: learnrace checksums every dataset it writes, so its data could " +
                   "not be verified");
  const uint64_t bytes = element_bytes(dims, s.element_bytes);
  const uint64_t stored = s.stored_bytes;
  const uint64_t limit = stored > (UINT64_MAX - kExpansionSlackBytes) / kMaxExpansion
                             ? UINT64_MAX
                             : stored * kMaxExpansion + kExpansionSlackBytes;
  if (bytes > limit)
    fail(path, what + "declares shape " + h5::format_dims(dims) + " (" + std::to_string(bytes) +
                   " bytes) but the file stores " + std::to_string(stored) + " bytes for it (truncated or crafted)");
}

h5::Dataset RunFile::dataset(const h5::Group& group, const std::string& name, const h5::TypeInfo& expected,
                             const h5::Dims& dims) const {
  const std::string path = group.child_path(name);
  if (!group.has_dataset(name)) fail(path, "missing dataset '" + path + "'");
  h5::Dataset d = h5::Dataset::open(group, name);
  const h5::TypeInfo stored = d.type();
  if (!same_type(stored, expected))
    fail(path, "dataset '" + path + "' is " + stored.describe() + ", expected " + expected_text(expected));
  const h5::Dims have = d.dims();
  if (have != dims)
    fail(path, "dataset '" + path + "' has shape " + h5::format_dims(have) + ", expected " + h5::format_dims(dims));
  check_storage(d, path);
  return d;
}

std::vector<std::string> RunFile::strings(const h5::Group& group, const std::string& name, hsize_t count) const {
  const h5::Dataset d = dataset(group, name, string_type(), {count});
  try {
    return h5::read_strings(d);
  } catch (const h5::H5Error& e) {
    fail(group.child_path(name), "cannot read dataset '" + group.child_path(name) + "' (corrupted: " + e.what() + ")");
  }
}

namespace {

// Reads a checked dataset; a failure here (a Fletcher32 checksum or deflate error) means corrupted data.
template <class Read>
void read_checked(const RunFile& f, const std::string& path, Read&& read) {
  try {
    read();
  } catch (const h5::H5Error& e) {
    f.fail(path, "cannot read dataset '" + path + "' (corrupted: " + e.what() + ")");
  }
}

// /meta must name the axes exactly as this build does: a reordered axis would silently change what
// the counts mean.
void check_meta(const RunFile& f) {
  const h5::Group meta = f.group("meta");
  for (const output_schema::MetaAxis& axis : output_schema::meta_axes()) {
    const std::vector<std::string> stored = f.strings(meta, axis.name, axis.values.size());
    for (size_t i = 0; i < stored.size(); ++i)
      if (stored[i] != axis.values[i])
        f.fail(meta.child_path(axis.name), "dataset '" + meta.child_path(axis.name) + "' entry " + std::to_string(i) +
                                               " is '" + stored[i] + "', expected '" + axis.values[i] + "'");
  }
}

h5::Group dataset_group(const RunFile& f, const output_schema::DatasetSpec& spec) { return f.group(spec.group); }

// The run's shape: P from /points, T from the root attribute, B, H and K from the first dataset of the
// registry with that axis; every dataset is then checked against it.
OutputShape infer_shape(const RunFile& f, const RunFileHeader& h, hsize_t points) {
  OutputShape shape;
  shape.points = static_cast<int64_t>(points);
  shape.periods = h.periods;
  auto size_of_axis = [&](int32_t axis) -> int64_t {
    for (const auto* list : {&output_schema::count_sections(), &output_schema::trajectory_fields()})
      for (const output_schema::DatasetSpec& spec : *list)
        for (size_t i = 0; i < spec.axes.size(); ++i)
          if (spec.axes[i] == axis) {
            const h5::Dims dims = f.dims_of(dataset_group(f, spec), spec.name, spec.axes.size());
            if (dims[i] > static_cast<hsize_t>(INT32_MAX))
              f.fail(spec.path(), "dataset '" + spec.path() + "' has shape " + h5::format_dims(dims) + ": axis '" +
                                      output_schema::axes()[axis].name + "' is larger than " +
                                      std::to_string(INT32_MAX));
            return static_cast<int64_t>(dims[i]);
          }
    return 0;
  };
  shape.factor_bins = size_of_axis(output_axis::bin);
  shape.hist_bins = size_of_axis(output_axis::asymmetry_bin);
  shape.slots = size_of_axis(output_axis::slot);
  return shape;
}

// Every count section and trajectory field: type, shape and storage, before anything is allocated.
void check_datasets(const RunFile& f, const OutputShape& shape) {
  for (const auto* list : {&output_schema::count_sections(), &output_schema::trajectory_fields()}) {
    for (const output_schema::DatasetSpec& spec : *list)
      f.dataset(dataset_group(f, spec), spec.name, type_info(spec.dtype), run_schema::file_dims(spec, shape));
  }
}

void read_counts(const RunFile& f, RunResult& r) {
  const OutputShape shape = r.layout.shape();
  OutputShape with_points = shape;
  with_points.points = r.n_points;
  for (const run_schema::CountSection& s : run_schema::count_sections(r.layout)) {
    const h5::TypeInfo type = s.is_signed ? h5::type_info_of<int64_t>() : h5::type_info_of<uint64_t>();
    const h5::Dataset d =
        f.dataset(dataset_group(f, *s.spec), s.spec->name, type, run_schema::file_dims(*s.spec, with_points));
    const hid_t mem_type = s.is_signed ? h5::native_type<int64_t>() : h5::native_type<uint64_t>();
    read_checked(f, s.spec->path(), [&] {
      for (int32_t i = 0; i < r.n_points; ++i)
        d.read_row(static_cast<hsize_t>(i), r.point_counts(i) + s.offset, mem_type);
    });
  }
}

void read_trajectories(const RunFile& f, const OutputShape& shape, RunResult& r) {
  const h5::Group traj = f.group("trajectories");
  r.trajectories.allocate(r.n_points, static_cast<int32_t>(shape.slots), r.layout.periods);
  for_each_trajectory_field([&](const char* name, auto member, bool) {
    using T = trajectory_value_t<decltype(member)>;
    const output_schema::DatasetSpec& spec = *output_schema::find_trajectory_field(name);
    const h5::Dataset d = f.dataset(traj, name, h5::type_info_of<T>(), run_schema::file_dims(spec, shape));
    auto& values = r.trajectories.*member;  // the whole [P, K, T] or [P, K] array
    if (!values.empty()) read_checked(f, spec.path(), [&] { d.read(values.data(), h5::native_type<T>()); });
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

PointTable read_points(const RunFile& f) {
  const h5::Group points = f.group("points");
  const hsize_t n = f.dims_of(points, "name", 1)[0];
  if (n == 0) f.fail("/points/name", "dataset '/points/name' is empty: the file holds no points");
  if (n > static_cast<hsize_t>(INT32_MAX)) f.fail("/points/name", "dataset '/points/name' has too many points");
  PointTable t;
  t.names = f.strings(points, "name", n);
  t.kernels = f.strings(points, "kernel", n);
  for (const std::string& key : points.link_names()) {
    if (key == "name" || key == "kernel") continue;
    const h5::Dataset d = f.dataset(points, key, h5::type_info_of<double>(), {n});
    ParamColumn c;
    c.key = key;
    c.values.resize(n);
    read_checked(f, points.child_path(key), [&] { d.read(c.values.data(), h5::native_type<double>()); });
    t.columns.push_back(std::move(c));
  }
  return t;
}

OutputShape check_run(const RunFile& f, const RunFileHeader& h, const PointTable& points) {
  check_meta(f);
  const OutputShape shape = infer_shape(f, h, points.names.size());
  check_datasets(f, shape);
  return shape;
}

RunResult read_run(const RunFile& f, const RunFileHeader& h, const PointTable& points, const ReadParts& parts) {
  const OutputShape shape = check_run(f, h, points);  // everything checked before anything is allocated

  RunResult r;
  r.dyads_per_point = static_cast<uint64_t>(h.dyads_per_point);
  r.config_toml = h.config_toml;
  r.backend = h.backend;
  r.seconds = h.seconds;
  r.point_names = points.names;
  ModelParams layout_params;
  layout_params.periods = static_cast<int32_t>(shape.periods);
  layout_params.factor_bins = static_cast<int32_t>(shape.factor_bins);
  layout_params.hist_bins = static_cast<int32_t>(shape.hist_bins);
  r.allocate(static_cast<int32_t>(shape.points), OutputLayout::make(layout_params), 0);  // trajectories below

  read_counts(f, r);
  if (parts.trajectories) read_trajectories(f, shape, r);
  if (parts.params) rebuild_params(f, h, points.kernels, r);
  return r;
}

}  // namespace run_reader

namespace {
// An HDF5 failure that no check above caught (damaged object headers, a truncated file) is a format error too.
template <class Read>
auto as_format_error(const std::string& path, Read&& read) {
  try {
    return read();
  } catch (const h5::H5Error& e) {
    throw FileFormatError(path, "", path + ": not a readable learnrace run file (" + e.what() + ")");
  }
}
}  // namespace

RunFileHeader read_run_header(const std::string& path) {
  const h5::ErrorPrintingOff quiet;
  return as_format_error(path, [&] { return run_reader::RunFile(path).header(); });
}

RunFileContents read_run_contents(const std::string& path, const ReadParts& parts) {
  const h5::ErrorPrintingOff quiet;
  return as_format_error(path, [&] {
    const run_reader::RunFile f(path);
    RunFileContents c;
    c.header = f.header();
    c.points = run_reader::read_points(f);
    c.result = run_reader::read_run(f, c.header, c.points, parts);
    return c;
  });
}

RunResult read_run_file(const std::string& path) { return read_run_contents(path).result; }

RunFileHeader check_run_file(const std::string& path) {
  const h5::ErrorPrintingOff quiet;
  return as_format_error(path, [&] {
    const run_reader::RunFile f(path);
    const RunFileHeader h = f.header();
    run_reader::check_run(f, h, run_reader::read_points(f));
    return h;
  });
}

PointTable read_point_table(const std::string& path) {
  const h5::ErrorPrintingOff quiet;
  return as_format_error(path, [&] { return run_reader::read_points(run_reader::RunFile(path)); });
}

}  // namespace learnrace
