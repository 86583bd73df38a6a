// An owned HDF5 property list (file access, dataset creation, ...).
#pragma once

#include <string>

#include "h5_error.hpp"
#include "h5_handle.hpp"

namespace learnrace {
namespace h5 {

class PropertyList {
 public:
  /// `cls` is a property list class such as H5P_FILE_ACCESS or H5P_DATASET_CREATE.
  static PropertyList create(hid_t cls, const std::string& where) {
    return PropertyList(Handle(check_id(H5Pcreate(cls), "H5Pcreate", where), H5Pclose));
  }
  /// Takes ownership of an id returned by H5Dget_create_plist etc. (checked).
  static PropertyList adopt(hid_t id, const char* call, const std::string& where) {
    return PropertyList(Handle(check_id(id, call, where), H5Pclose));
  }
  hid_t id() const noexcept { return handle_.get(); }

 private:
  explicit PropertyList(Handle handle) : handle_(std::move(handle)) {}
  Handle handle_;
};

}  // namespace h5
}  // namespace learnrace
