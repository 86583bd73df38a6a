#include "h5_file.hpp"

#include "h5_error.hpp"
#include "h5_property_list.hpp"

namespace learnrace {
namespace h5 {

namespace {
PropertyList semi_close_access(const std::string& path) {
  PropertyList fapl = PropertyList::create(H5P_FILE_ACCESS, path);
  check(H5Pset_fclose_degree(fapl.id(), H5F_CLOSE_SEMI), "H5Pset_fclose_degree", path);
  return fapl;
}
}  // namespace

File File::create(const std::string& path) {
  const PropertyList fapl = semi_close_access(path);
  const hid_t id = check_id(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id()), "H5Fcreate", path);
  return File(Handle(id, H5Fclose), path);
}

File File::create_in_memory(const std::string& name) {
  const PropertyList fapl = semi_close_access(name);
  check(H5Pset_fapl_core(fapl.id(), 1 << 20, false), "H5Pset_fapl_core", name);
  const hid_t id = check_id(H5Fcreate(name.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.id()), "H5Fcreate", name);
  return File(Handle(id, H5Fclose), name);
}

File File::open(const std::string& path, FileMode mode) {
  const PropertyList fapl = semi_close_access(path);
  const unsigned flags = mode == FileMode::ReadWrite ? H5F_ACC_RDWR : H5F_ACC_RDONLY;
  const hid_t id = check_id(H5Fopen(path.c_str(), flags, fapl.id()), "H5Fopen", path);
  return File(Handle(id, H5Fclose), path);
}

Group File::root() const { return Group::open_root(handle_.get(), name_); }

std::vector<unsigned char> File::image() const {
  check(H5Fflush(handle_.get(), H5F_SCOPE_LOCAL), "H5Fflush", name_);
  const ssize_t size = H5Fget_file_image(handle_.get(), nullptr, 0);
  if (size < 0) throw_error("H5Fget_file_image", name_);
  std::vector<unsigned char> bytes(static_cast<size_t>(size));
  if (H5Fget_file_image(handle_.get(), bytes.data(), bytes.size()) != size) throw_error("H5Fget_file_image", name_);
  return bytes;
}

void File::flush() const { check(H5Fflush(handle_.get(), H5F_SCOPE_LOCAL), "H5Fflush", name_); }

void File::close() { check(handle_.close(), "H5Fclose", name_); }

bool is_hdf5_file(const std::string& path) { return check_tri(H5Fis_hdf5(path.c_str()), "H5Fis_hdf5", path); }

}  // namespace h5
}  // namespace learnrace
