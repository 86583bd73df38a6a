// Base of the named HDF5 objects (groups, datasets): an owned id plus where it lives, for messages.
#pragma once

#include <string>

#include "h5_handle.hpp"

namespace learnrace {
namespace h5 {

class Object {
 public:
  hid_t id() const noexcept { return handle_.get(); }
  const std::string& file() const noexcept { return file_; }
  const std::string& path() const noexcept { return path_; }
  /// "file.h5:/counts/transitions", used in every error message about this object.
  std::string where() const { return file_ + ":" + path_; }
  /// Path of a child link: "/" + name under the root, path + "/" + name elsewhere.
  std::string child_path(const std::string& name) const { return path_ == "/" ? "/" + name : path_ + "/" + name; }
  /// Closes now and throws H5Error if HDF5 reports a failure (closing a dataset flushes its chunk
  /// cache, so a writer must see this status). Destructors close silently.
  void close();

 protected:
  Object(Handle handle, std::string file, std::string path, const char* close_call)
      : handle_(std::move(handle)), file_(std::move(file)), path_(std::move(path)), close_call_(close_call) {}

 private:
  Handle handle_;
  std::string file_;
  std::string path_;
  const char* close_call_;  // "H5Gclose", "H5Dclose"
};

}  // namespace h5
}  // namespace learnrace
