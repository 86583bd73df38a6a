#include "h5_string_io.hpp"

#include "h5_datatype.hpp"
#include "h5_error.hpp"

namespace learnrace {
namespace h5 {

std::vector<std::string> read_strings(hid_t stored, hid_t space, size_t count, const std::string& where,
                                      const std::function<void(hid_t, void*)>& read) {
  const TypeInfo info = describe_type(stored, where);
  if (info.type_class != H5T_STRING) throw H5Error(where + " is " + info.describe() + ", expected a string");
  std::vector<std::string> out;
  out.reserve(count);
  if (count == 0) return out;
  if (info.variable_string) {
    const Datatype mem = Datatype::utf8_string(where);
    std::vector<char*> pointers(count, nullptr);
    read(mem.id(), pointers.data());
    for (const char* p : pointers) out.emplace_back(p ? p : "");
    // Frees the strings HDF5 allocated (H5Dvlen_reclaim works for attribute buffers too).
    check(H5Dvlen_reclaim(mem.id(), space, H5P_DEFAULT, pointers.data()), "H5Dvlen_reclaim", where);
  } else {
    // Fixed length: read with the stored size; a string ends at its first NUL (null-padded or
    // null-terminated) or fills the whole field (space-padded strings are trimmed).
    const Datatype mem = Datatype::adopt(H5Tcopy(stored), "H5Tcopy", where);
    std::vector<char> buffer(count * info.size, '\0');
    read(mem.id(), buffer.data());
    const bool space_padded = H5Tget_strpad(stored) == H5T_STR_SPACEPAD;
    for (size_t i = 0; i < count; ++i) {
      std::string s(buffer.data() + i * info.size, info.size);
      const size_t nul = s.find('\0');
      if (nul != std::string::npos) s.resize(nul);
      if (space_padded) s.erase(s.find_last_not_of(' ') + 1);
      out.push_back(s);
    }
  }
  return out;
}

}  // namespace h5
}  // namespace learnrace
