// An HDF5 file: create (truncating) or open, and an explicitly checked close.
#pragma once

#include <string>
#include <vector>

#include "h5_group.hpp"
#include "h5_handle.hpp"

namespace learnrace {
namespace h5 {

enum class FileMode { ReadOnly, ReadWrite };

class File {
 public:
  /// Creates (or truncates) `path`, in the HDF5 1.10 file format (checksummed metadata). The file is opened with
  /// close degree "semi": closing it while an object inside is still open fails instead of silently leaving the
  /// file open.
  static File create(const std::string& path);
  static File open(const std::string& path, FileMode mode);
  /// A new file that lives in memory only (core driver, no backing store); `name` is used in
  /// messages. Its bytes are taken with image(). Nothing touches the disk, so no HDF5 call on it can
  /// fail for lack of space: a writer can put the image on disk itself and handle errors cleanly.
  static File create_in_memory(const std::string& name);

  Group root() const;
  const std::string& name() const noexcept { return name_; }
  /// Bytes of the file (H5Fget_filesize).
  hsize_t size() const;
  /// The complete file as it would be on disk (H5Fget_file_image; flushes first).
  std::vector<unsigned char> image() const;
  /// Writes every cached buffer of the file to disk (checked).
  void flush() const;
  /// Flushes and closes; throws H5Error if HDF5 reports a failure (e.g. the disk is full).
  void close();

 private:
  File(Handle handle, std::string name) : handle_(std::move(handle)), name_(std::move(name)) {}
  Handle handle_;
  std::string name_;
};

/// True when `path` is a readable HDF5 file; false for any other file. Throws H5Error when the
/// file cannot be read at all (missing, no permission).
bool is_hdf5_file(const std::string& path);

}  // namespace h5
}  // namespace learnrace
