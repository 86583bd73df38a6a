// Internals of the run file reader shared by read_run_file and read_run_contents.
#pragma once

#include <string>
#include <vector>

#include "h5_attribute.hpp"
#include "h5_dataset.hpp"
#include "h5_file.hpp"
#include "h5_run_file.hpp"
#include "output_schema.hpp"

namespace learnrace {
namespace run_reader {

using output_schema::kExpansionSlackBytes;
using output_schema::kMaxExpansion;

/// An open run file whose filetype, version and attributes have been checked (each attribute of the registry
/// present with its type and shape, and all of them matching their checksum, attributes_crc32); every accessor
/// throws FileFormatError naming the file and the item that is missing, mistyped or ill-shaped.
class RunFile {
 public:
  /// std::runtime_error when the file cannot be read; FileFormatError when it is not an HDF5 file, not a learnrace
  /// run file, of another schema major version, or its attributes are ill-typed or do not match their checksum.
  explicit RunFile(const std::string& path);

  const std::string& path() const { return path_; }
  const h5::Group& root() const { return root_; }
  RunFileHeader header() const;

  [[noreturn]] void fail(const std::string& item, const std::string& problem) const;
  h5::Group group(const std::string& name) const;
  /// Opens group/name and checks its element type (`expected`), shape (`dims`) and storage (check_storage).
  h5::Dataset dataset(const h5::Group& group, const std::string& name, const h5::TypeInfo& expected,
                      const h5::Dims& dims) const;
  /// A 1-D string dataset of `count` entries.
  std::vector<std::string> strings(const h5::Group& group, const std::string& name, hsize_t count) const;
  /// Dimensions of group/name (which must exist and be a dataset) with rank `rank`.
  h5::Dims dims_of(const h5::Group& group, const std::string& name, size_t rank) const;
  /// Refuses a dataset whose data this build cannot trust: external or virtual storage, a filter it does
  /// not write, no Fletcher32 checksum (unless empty), or more element bytes than kMaxExpansion times the bytes
  /// stored for it (plus slack).
  void check_storage(const h5::Dataset& d, const std::string& path) const;

  int64_t int_attribute(const std::string& name) const;
  double double_attribute(const std::string& name) const;
  std::string string_attribute(const std::string& name) const;

 private:
  void require_attribute(const std::string& name, H5T_class_t type_class, const char* kind) const;
  /// Presence, type class, shape and size of one attribute of the registry on `object` (item: `item`).
  void check_attribute(const h5::Object& object, const std::string& item, const output_schema::AttributeSpec& spec,
                       const std::string& what) const;
  void check_filetype() const;
  void check_version() const;
  void check_attributes() const;
  std::string path_;
  h5::File file_;
  h5::Group root_;
};

/// Checks every dataset of the registry against the file (run_reader's rules, nothing allocated by their declared
/// sizes); returns the run's shape.
OutputShape check_run(const RunFile& f, const RunFileHeader& header, const PointTable& points);
/// The run of an open file; `points` is its /points table (read first).
RunResult read_run(const RunFile& f, const RunFileHeader& header, const PointTable& points, const ReadParts& parts);
PointTable read_points(const RunFile& f);

}  // namespace run_reader
}  // namespace learnrace
