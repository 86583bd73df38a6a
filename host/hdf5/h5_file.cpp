#include "h5_file.hpp"

#include <cstring>

#include "h5_error.hpp"

// HDF5's checksum of metadata blocks (Bob Jenkins' lookup3 hash), exported by libhdf5 1.8 and later though declared
// only in its private headers.
extern "C" uint32_t H5_checksum_metadata(const void* data, size_t len, uint32_t initval);
#include "h5_property_list.hpp"

namespace learnrace {
namespace h5 {

namespace {
PropertyList semi_close_access(const std::string& path) {
  PropertyList fapl = PropertyList::create(H5P_FILE_ACCESS, path);
  check(H5Pset_fclose_degree(fapl.id(), H5F_CLOSE_SEMI), "H5Pset_fclose_degree", path);
  return fapl;
}

// New files in the HDF5 1.10 file format (readable by HDF5 1.10 and later, h5py 2.10 and later): every block of
// metadata HDF5 writes in it (superblock, object headers with the attributes they hold, B-trees, heaps, chunk
// indexes) carries a checksum that libhdf5 verifies when it reads the block.
PropertyList create_access(const std::string& path) {
  PropertyList fapl = semi_close_access(path);
  check(H5Pset_libver_bounds(fapl.id(), H5F_LIBVER_V110, H5F_LIBVER_V110), "H5Pset_libver_bounds", path);
  return fapl;
}

// The root group keeps its links and attributes in its object header, as every group does (Group::create).
PropertyList root_creation(const std::string& path) {
  PropertyList fcpl = PropertyList::create(H5P_FILE_CREATE, path);
  check(H5Pset_link_phase_change(fcpl.id(), kMaxCompactLinks, kMaxCompactLinks), "H5Pset_link_phase_change", path);
  check(H5Pset_attr_phase_change(fcpl.id(), kMaxCompactAttributes, kMaxCompactAttributes), "H5Pset_attr_phase_change",
        path);
  return fcpl;
}
}  // namespace

File File::create(const std::string& path) {
  const PropertyList fapl = create_access(path);
  const PropertyList fcpl = root_creation(path);
  const hid_t id = check_id(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, fcpl.id(), fapl.id()), "H5Fcreate", path);
  return File(Handle(id, H5Fclose), path);
}

File File::create_in_memory(const std::string& name) {
  const PropertyList fapl = create_access(name);
  check(H5Pset_fapl_core(fapl.id(), 1 << 20, false), "H5Pset_fapl_core", name);
  const PropertyList fcpl = root_creation(name);
  const hid_t id = check_id(H5Fcreate(name.c_str(), H5F_ACC_TRUNC, fcpl.id(), fapl.id()), "H5Fcreate", name);
  return File(Handle(id, H5Fclose), name);
}

File File::open(const std::string& path, FileMode mode) {
  const PropertyList fapl = semi_close_access(path);
  const unsigned flags = mode == FileMode::ReadWrite ? H5F_ACC_RDWR : H5F_ACC_RDONLY;
  const hid_t id = check_id(H5Fopen(path.c_str(), flags, fapl.id()), "H5Fopen", path);
  return File(Handle(id, H5Fclose), path);
}

Group File::root() const { return Group::open_root(handle_.get(), name_); }

namespace {
// HDF5 1.10 clears the "open for writing" status flags of a version 3 superblock in the image it returns but keeps
// the checksum computed with them set, so the image would fail to open ("incorrect metadata checksum"). The
// superblock of versions 2 and 3 is: signature (8), version, offset size, length size, status flags, four
// addresses, checksum of all that.
void fix_superblock_checksum(std::vector<unsigned char>& image, const std::string& name) {
  if (image.size() < 12 || image[8] < 2) return;
  const size_t covered = 12 + 4 * static_cast<size_t>(image[9]);
  if (image.size() < covered + 4) throw H5Error(name + ": the file image is shorter than its superblock");
  const uint32_t sum = H5_checksum_metadata(image.data(), covered, 0);
  for (int i = 0; i < 4; ++i) image[covered + i] = static_cast<unsigned char>((sum >> (8 * i)) & 0xff);
}
}  // namespace

std::vector<unsigned char> File::image() const {
  check(H5Fflush(handle_.get(), H5F_SCOPE_LOCAL), "H5Fflush", name_);
  const ssize_t size = H5Fget_file_image(handle_.get(), nullptr, 0);
  if (size < 0) throw_error("H5Fget_file_image", name_);
  std::vector<unsigned char> bytes(static_cast<size_t>(size));
  if (H5Fget_file_image(handle_.get(), bytes.data(), bytes.size()) != size) throw_error("H5Fget_file_image", name_);
  fix_superblock_checksum(bytes, name_);
  return bytes;
}

hsize_t File::size() const {
  hsize_t bytes = 0;
  check(H5Fget_filesize(handle_.get(), &bytes), "H5Fget_filesize", name_);
  return bytes;
}

void File::flush() const { check(H5Fflush(handle_.get(), H5F_SCOPE_LOCAL), "H5Fflush", name_); }

void File::close() { check(handle_.close(), "H5Fclose", name_); }

bool is_hdf5_file(const std::string& path) { return check_tri(H5Fis_hdf5(path.c_str()), "H5Fis_hdf5", path); }

}  // namespace h5
}  // namespace learnrace
