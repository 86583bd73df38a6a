// Error handling for the HDF5 C API: every call's status is checked and a failure becomes an
// H5Error naming the call, the object (file:path) and HDF5's innermost error description.
#pragma once

#include <hdf5.h>

#include <stdexcept>
#include <string>

namespace learnrace {
namespace h5 {

class H5Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Throws H5Error("<call> failed on <where>: <HDF5's description>"). Reads the HDF5 error stack, so
/// call it right after the failing call.
[[noreturn]] void throw_error(const char* call, const std::string& where);

/// Negative ids and statuses mean failure in the HDF5 C API.
inline hid_t check_id(hid_t id, const char* call, const std::string& where) {
  if (id < 0) throw_error(call, where);
  return id;
}
inline herr_t check(herr_t status, const char* call, const std::string& where) {
  if (status < 0) throw_error(call, where);
  return status;
}
/// For htri_t results: true/false, or throws on a negative value.
inline bool check_tri(htri_t result, const char* call, const std::string& where) {
  if (result < 0) throw_error(call, where);
  return result > 0;
}

/// Turns off HDF5's automatic printing of error stacks for the rest of the process: every failure is reported through
/// an exception (H5Error). Also keeps libhdf5 1.10 quiet at exit after it read a damaged file, which it cannot close
/// completely ("HDF5: infinite loop closing library", printed only while printing is on).
void disable_error_printing();

/// Turns off HDF5's automatic printing of error stacks to stderr while alive (failures are reported
/// through exceptions instead) and restores the previous handler afterwards.
class ErrorPrintingOff {
 public:
  ErrorPrintingOff();
  ~ErrorPrintingOff();
  ErrorPrintingOff(const ErrorPrintingOff&) = delete;
  ErrorPrintingOff& operator=(const ErrorPrintingOff&) = delete;

 private:
  H5E_auto2_t saved_func_ = nullptr;
  void* saved_data_ = nullptr;
};

}  // namespace h5
}  // namespace learnrace
