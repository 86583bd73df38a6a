// Datasets: create (chunked with a Fletcher32 checksum, optionally shuffle + deflate), open, inspect, and read/write
// whole datasets or one row along the leading (point) axis. Fixed-length UTF-8 string datasets.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "h5_dataspace.hpp"
#include "h5_datatype.hpp"
#include "h5_group.hpp"
#include "h5_object.hpp"

namespace learnrace {
namespace h5 {

struct Storage {
  bool compress = false;  // shuffle + deflate (when the deflate filter is available)
  bool checksum = true;   // Fletcher32: HDF5 verifies every chunk it reads (a damaged one fails to read)
  int deflate_level = 4;
  size_t chunk_bytes = 1 << 20;  // upper bound on one chunk
};

/// How a stored dataset keeps its data (for checks before reading an untrusted file).
struct StorageInfo {
  hsize_t stored_bytes = 0;  // H5Dget_storage_size: bytes allocated in the file
  size_t element_bytes = 0;  // size of one stored element
  H5D_layout_t layout = H5D_LAYOUT_ERROR;
  int external_files = 0;  // data kept in other files
  std::vector<H5Z_filter_t> filters;
};

class Dataset : public Object {
 public:
  static Dataset create(const Group& parent, const std::string& name, hid_t file_type, const Dims& dims,
                        const Storage& storage = {});
  static Dataset open(const Group& parent, const std::string& name);

  Dims dims() const;
  TypeInfo type() const;
  StorageInfo storage() const;

  /// Whole dataset from / into a buffer of product(dims()) elements of `mem_type`.
  void write(const void* buffer, hid_t mem_type) const;
  void read(void* buffer, hid_t mem_type) const;
  /// Row `index` of the leading axis (all other axes whole): product(dims()[1:]) elements.
  void write_row(hsize_t index, const void* buffer, hid_t mem_type) const;
  void read_row(hsize_t index, void* buffer, hid_t mem_type) const;

  template <class T>
  void write_row(hsize_t index, const std::vector<T>& values) const {
    check_row_size(values.size());
    write_row(index, values.data(), native_type<T>());
  }
  template <class T>
  void read_row(hsize_t index, std::vector<T>& values) const {
    check_row_size(values.size());
    read_row(index, values.data(), native_type<T>());
  }

 private:
  using Object::Object;
  void check_row_size(size_t n) const;
  void transfer_row(hsize_t index, void* buffer, hid_t mem_type, bool write) const;
};

/// Chunk shape for `dims` with elements of `element_size` bytes: one row of the leading axis, trailing axes halved
/// (largest first) until a chunk is at most `max_bytes`; a 1-D dataset as many elements as fit in `max_bytes`.
/// Dimensions must be > 0. Datasets are chunked when compressed or checksummed (the default) and not empty.
Dims chunk_dims(const Dims& dims, size_t element_size, size_t max_bytes);

/// 1-D dataset of fixed-length UTF-8 strings (the longest value's bytes), checksummed.
Dataset write_strings(const Group& parent, const std::string& name, const std::vector<std::string>& values);
/// Strings of a 1-D dataset (fixed-length, valid UTF-8; h5_string_io.hpp).
std::vector<std::string> read_strings(const Dataset& dataset);

/// 1-D dataset of numbers (uncompressed, checksummed).
template <class T>
Dataset write_vector(const Group& parent, const std::string& name, const std::vector<T>& values) {
  Dataset d = Dataset::create(parent, name, file_type<T>(), {values.size()});
  if (!values.empty()) d.write(values.data(), native_type<T>());
  return d;
}

}  // namespace h5
}  // namespace learnrace
