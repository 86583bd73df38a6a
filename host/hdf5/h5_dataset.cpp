#include "h5_dataset.hpp"

#include <algorithm>

#include "h5_error.hpp"
#include "h5_property_list.hpp"
#include "h5_string_io.hpp"

namespace learnrace {
namespace h5 {

namespace {
bool deflate_available() { return H5Zfilter_avail(H5Z_FILTER_DEFLATE) > 0; }
}  // namespace

Dims chunk_dims(const Dims& dims, size_t element_size, size_t max_bytes) {
  Dims chunk = dims;
  if (chunk.empty()) return chunk;
  if (chunk.size() == 1) {  // a 1-D dataset: as many elements as fit
    const hsize_t fit = std::max<hsize_t>(1, max_bytes / std::max<size_t>(1, element_size));
    chunk[0] = std::min(chunk[0], fit);
    return chunk;
  }
  chunk[0] = 1;
  while (product(chunk) * element_size > max_bytes) {
    auto largest = std::max_element(chunk.begin() + 1, chunk.end());
    if (largest == chunk.end() || *largest <= 1) break;
    *largest = (*largest + 1) / 2;
  }
  return chunk;
}

Dataset Dataset::create(const Group& parent, const std::string& name, hid_t file_type, const Dims& dims,
                        const Storage& storage) {
  const std::string path = parent.child_path(name);
  const std::string where = parent.file() + ":" + path;
  const Dataspace space = Dataspace::simple(dims, where);
  const PropertyList dcpl = PropertyList::create(H5P_DATASET_CREATE, where);
  // Chunks need every dimension > 0; empty datasets (nothing to check) stay contiguous.
  const bool chunked = (storage.compress || storage.checksum) && !dims.empty() && product(dims) > 0;
  if (chunked) {
    const size_t element_size = H5Tget_size(file_type);
    if (element_size == 0) throw_error("H5Tget_size", where);
    const Dims chunk = chunk_dims(dims, element_size, storage.chunk_bytes);
    check(H5Pset_chunk(dcpl.id(), static_cast<int>(chunk.size()), chunk.data()), "H5Pset_chunk", where);
    if (storage.compress && deflate_available()) {
      check(H5Pset_shuffle(dcpl.id()), "H5Pset_shuffle", where);
      check(H5Pset_deflate(dcpl.id(), static_cast<unsigned>(storage.deflate_level)), "H5Pset_deflate", where);
    }
    // Last, as h5py does: the checksum covers the stored (compressed) bytes, so a corrupted chunk fails to read.
    if (storage.checksum) check(H5Pset_fletcher32(dcpl.id()), "H5Pset_fletcher32", where);
  }
  const hid_t id =
      check_id(H5Dcreate2(parent.id(), name.c_str(), file_type, space.id(), H5P_DEFAULT, dcpl.id(), H5P_DEFAULT),
               "H5Dcreate2", where);
  return Dataset(Handle(id, H5Dclose), parent.file(), path, "H5Dclose");
}

Dataset Dataset::open(const Group& parent, const std::string& name) {
  const std::string path = parent.child_path(name);
  const hid_t id = check_id(H5Dopen2(parent.id(), name.c_str(), H5P_DEFAULT), "H5Dopen2", parent.file() + ":" + path);
  return Dataset(Handle(id, H5Dclose), parent.file(), path, "H5Dclose");
}

Dims Dataset::dims() const { return Dataspace::adopt(H5Dget_space(id()), "H5Dget_space", where()).dims(); }

TypeInfo Dataset::type() const {
  const Datatype t = Datatype::adopt(H5Dget_type(id()), "H5Dget_type", where());
  return describe_type(t.id(), where());
}

StorageInfo Dataset::storage() const {
  StorageInfo info;
  info.stored_bytes = H5Dget_storage_size(id());
  const Datatype t = Datatype::adopt(H5Dget_type(id()), "H5Dget_type", where());
  info.element_bytes = H5Tget_size(t.id());
  const PropertyList dcpl = PropertyList::adopt(H5Dget_create_plist(id()), "H5Dget_create_plist", where());
  info.layout = H5Pget_layout(dcpl.id());
  info.external_files = H5Pget_external_count(dcpl.id());
  const int n = H5Pget_nfilters(dcpl.id());
  for (int i = 0; i < n; ++i) {
    unsigned flags = 0;
    size_t n_values = 0;
    unsigned config = 0;
    info.filters.push_back(
        H5Pget_filter2(dcpl.id(), static_cast<unsigned>(i), &flags, &n_values, nullptr, 0, nullptr, &config));
  }
  return info;
}

void Dataset::write(const void* buffer, hid_t mem_type) const {
  check(H5Dwrite(id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer), "H5Dwrite", where());
}

void Dataset::read(void* buffer, hid_t mem_type) const {
  check(H5Dread(id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer), "H5Dread", where());
}

void Dataset::write_row(hsize_t index, const void* buffer, hid_t mem_type) const {
  transfer_row(index, const_cast<void*>(buffer), mem_type, true);
}

void Dataset::read_row(hsize_t index, void* buffer, hid_t mem_type) const {
  transfer_row(index, buffer, mem_type, false);
}

void Dataset::check_row_size(size_t n) const {
  const Dims d = dims();
  const hsize_t expected = d.empty() ? 1 : product(Dims(d.begin() + 1, d.end()));
  if (n != expected)
    throw H5Error(where() + ": a row of shape " + format_dims(d) + " holds " + std::to_string(expected) +
                  " elements, the buffer " + std::to_string(n));
}

void Dataset::transfer_row(hsize_t index, void* buffer, hid_t mem_type, bool write) const {
  Dataspace file_space = Dataspace::adopt(H5Dget_space(id()), "H5Dget_space", where());
  const Dims d = file_space.dims();
  if (d.empty() || index >= d[0])
    throw H5Error(where() + ": row " + std::to_string(index) + " is outside shape " + format_dims(d));
  Dims start(d.size(), 0), count = d;
  start[0] = index;
  count[0] = 1;
  const Dims row(d.begin() + 1, d.end());
  if (product(row) == 0) return;  // nothing to move (HDF5 rejects empty selections in some versions)
  file_space.select_block(start, count);
  const Dataspace mem_space = Dataspace::simple({product(row)}, where());
  if (write)
    check(H5Dwrite(id(), mem_type, mem_space.id(), file_space.id(), H5P_DEFAULT, buffer), "H5Dwrite", where());
  else
    check(H5Dread(id(), mem_type, mem_space.id(), file_space.id(), H5P_DEFAULT, buffer), "H5Dread", where());
}

Dataset write_strings(const Group& parent, const std::string& name, const std::vector<std::string>& values) {
  const std::string where = parent.file() + ":" + parent.child_path(name);
  size_t width = 0;
  const std::vector<char> buffer = fixed_string_buffer(values, &width, where);
  const Datatype type = Datatype::utf8_fixed(width, where);
  Dataset d = Dataset::create(parent, name, type.id(), {values.size()});
  if (!values.empty()) d.write(buffer.data(), type.id());
  return d;
}

std::vector<std::string> read_strings(const Dataset& dataset) {
  const Datatype stored = Datatype::adopt(H5Dget_type(dataset.id()), "H5Dget_type", dataset.where());
  const Dataspace space = Dataspace::adopt(H5Dget_space(dataset.id()), "H5Dget_space", dataset.where());
  const size_t count = space.element_count();
  return read_strings(stored.id(), space.id(), count, dataset.where(), [&](hid_t mem_type, void* buffer) {
    check(H5Dread(dataset.id(), mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buffer), "H5Dread", dataset.where());
  });
}

}  // namespace h5
}  // namespace learnrace
