#include "h5_dataspace.hpp"

#include "h5_error.hpp"

namespace learnrace {
namespace h5 {

Dataspace Dataspace::simple(const Dims& dims, const std::string& where) {
  if (dims.empty()) return scalar(where);
  const hid_t id =
      check_id(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), "H5Screate_simple", where);
  return Dataspace(Handle(id, H5Sclose), where);
}

Dataspace Dataspace::scalar(const std::string& where) {
  return Dataspace(Handle(check_id(H5Screate(H5S_SCALAR), "H5Screate", where), H5Sclose), where);
}

Dataspace Dataspace::adopt(hid_t id, const char* call, const std::string& where) {
  return Dataspace(Handle(check_id(id, call, where), H5Sclose), where);
}

Dims Dataspace::dims() const {
  const int rank = H5Sget_simple_extent_ndims(id());
  if (rank < 0) throw_error("H5Sget_simple_extent_ndims", where_);
  Dims dims(static_cast<size_t>(rank));
  if (rank > 0 && H5Sget_simple_extent_dims(id(), dims.data(), nullptr) < 0)
    throw_error("H5Sget_simple_extent_dims", where_);
  return dims;
}

hsize_t Dataspace::element_count() const {
  const hssize_t n = H5Sget_simple_extent_npoints(id());
  if (n < 0) throw_error("H5Sget_simple_extent_npoints", where_);
  return static_cast<hsize_t>(n);
}

void Dataspace::select_block(const Dims& start, const Dims& count) {
  check(H5Sselect_hyperslab(id(), H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr), "H5Sselect_hyperslab",
        where_);
}

std::string format_dims(const Dims& dims) {
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? "," : "") + std::to_string(dims[i]);
  return s + "]";
}

hsize_t product(const Dims& dims) {
  hsize_t n = 1;
  for (hsize_t d : dims) n *= d;
  return n;
}

}  // namespace h5
}  // namespace learnrace
