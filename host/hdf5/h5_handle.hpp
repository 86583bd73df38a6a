// Owning wrapper of one HDF5 identifier: closed exactly once, by the matching H5?close function.
#pragma once

#include <hdf5.h>

#include <utility>

namespace learnrace {
namespace h5 {

class Handle {
 public:
  using Closer = herr_t (*)(hid_t);

  Handle() noexcept = default;
  Handle(hid_t id, Closer closer) noexcept : id_(id), closer_(closer) {}
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_) {}
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      close();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
      closer_ = other.closer_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { close(); }

  hid_t get() const noexcept { return id_; }
  bool valid() const noexcept { return id_ >= 0; }

  /// Closes now; returns the close function's status (0 when already closed). The handle is empty
  /// afterwards even if closing failed, so nothing is closed twice.
  herr_t close() noexcept {
    if (id_ < 0 || !closer_) return 0;
    const herr_t status = closer_(id_);
    id_ = H5I_INVALID_HID;
    return status;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

}  // namespace h5
}  // namespace learnrace
