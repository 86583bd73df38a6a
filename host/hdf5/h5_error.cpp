#include "h5_error.hpp"

namespace learnrace {
namespace h5 {

namespace {
// Walking downward, the last entry is the innermost (most specific) error.
herr_t remember_innermost(unsigned /*n*/, const H5E_error2_t* err, void* client) {
  auto* text = static_cast<std::string*>(client);
  if (err && err->desc && *err->desc) {
    // One line: HDF5 descriptions of I/O errors contain a newline (after a timestamp).
    std::string d = err->desc;
    for (char& c : d)
      if (c == '\n' || c == '\r') c = ' ';
    *text = d;
  }
  return 0;
}
}  // namespace

void throw_error(const char* call, const std::string& where) {
  std::string detail;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, remember_innermost, &detail);
  H5Eclear2(H5E_DEFAULT);
  std::string message = std::string(call) + " failed on " + where;
  if (!detail.empty()) message += ": " + detail;
  throw H5Error(message);
}

void disable_error_printing() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

ErrorPrintingOff::ErrorPrintingOff() {
  H5Eget_auto2(H5E_DEFAULT, &saved_func_, &saved_data_);
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

ErrorPrintingOff::~ErrorPrintingOff() { H5Eset_auto2(H5E_DEFAULT, saved_func_, saved_data_); }

}  // namespace h5
}  // namespace learnrace
