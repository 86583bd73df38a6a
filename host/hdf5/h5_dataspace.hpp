// A dataspace: the shape of a dataset or attribute, and hyperslab selections in it.
#pragma once

#include <string>
#include <vector>

#include "h5_handle.hpp"

namespace learnrace {
namespace h5 {

using Dims = std::vector<hsize_t>;

class Dataspace {
 public:
  /// Fixed-size simple dataspace (dimensions may be 0); an empty `dims` gives a scalar dataspace.
  static Dataspace simple(const Dims& dims, const std::string& where);
  static Dataspace scalar(const std::string& where);
  /// Takes ownership of an id returned by H5Dget_space / H5Aget_space (checked).
  static Dataspace adopt(hid_t id, const char* call, const std::string& where);

  hid_t id() const noexcept { return handle_.get(); }
  Dims dims() const;
  hsize_t element_count() const;
  /// Selects the block [start, start + count) (one block, stride 1).
  void select_block(const Dims& start, const Dims& count);

 private:
  Dataspace(Handle handle, std::string where) : handle_(std::move(handle)), where_(std::move(where)) {}
  Handle handle_;
  std::string where_;
};

/// "[2,25,25]"
std::string format_dims(const Dims& dims);
/// Product of the dimensions (1 for a scalar).
hsize_t product(const Dims& dims);

}  // namespace h5
}  // namespace learnrace
