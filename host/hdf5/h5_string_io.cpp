#include "h5_string_io.hpp"

#include <algorithm>
#include <cstring>

#include "h5_datatype.hpp"
#include "h5_error.hpp"

namespace learnrace {
namespace h5 {

bool is_valid_utf8(const std::string& s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const size_t n = s.size();
  for (size_t i = 0; i < n;) {
    const unsigned char c = p[i];
    size_t len = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte (RFC 3629, table 3-7 of Unicode)
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;  // no surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;  // at most U+10FFFF
    } else {
      return false;
    }
    if (i + len > n || p[i + 1] < lo || p[i + 1] > hi) return false;
    for (size_t k = 2; k < len; ++k)
      if (p[i + k] < 0x80 || p[i + k] > 0xBF) return false;
    i += len;
  }
  return true;
}

std::vector<std::string> read_strings(hid_t stored, hid_t space, size_t count, const std::string& where,
                                      const std::function<void(hid_t, void*)>& read) {
  (void)space;
  const TypeInfo info = describe_type(stored, where);
  if (info.type_class != H5T_STRING) throw H5Error(where + " is " + info.describe() + ", expected a string");
  if (info.variable_string)
    throw H5Error(where + " is a variable-length string, not read: its bytes would come from the file's global " +
                  "heap, which HDF5 reads unchecked (learnrace stores fixed-length strings)");
  std::vector<std::string> out;
  out.reserve(count);
  if (count == 0) return out;
  // Read with the stored size; a string ends at its first NUL (null-padded or null-terminated) or fills the whole
  // field (space-padded strings are trimmed).
  const Datatype mem = Datatype::adopt(H5Tcopy(stored), "H5Tcopy", where);
  std::vector<char> buffer(count * info.size, '\0');
  read(mem.id(), buffer.data());
  const bool space_padded = H5Tget_strpad(stored) == H5T_STR_SPACEPAD;
  for (size_t i = 0; i < count; ++i) {
    std::string s(buffer.data() + i * info.size, info.size);
    const size_t nul = s.find('\0');
    if (nul != std::string::npos) s.resize(nul);
    if (space_padded) s.erase(s.find_last_not_of(' ') + 1);
    if (!is_valid_utf8(s))
      throw H5Error(where + (count > 1 ? " entry " + std::to_string(i) : std::string()) + " is not valid UTF-8");
    out.push_back(std::move(s));
  }
  return out;
}

std::vector<char> fixed_string_buffer(const std::vector<std::string>& values, size_t* width, const std::string& where) {
  size_t w = 1;
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].find('\0') != std::string::npos)
      throw H5Error(where + ": value " + std::to_string(i) + " holds a NUL byte, which a stored string cannot");
    w = std::max(w, values[i].size());
  }
  std::vector<char> buffer(values.size() * w, '\0');
  for (size_t i = 0; i < values.size(); ++i) std::memcpy(buffer.data() + i * w, values[i].data(), values[i].size());
  *width = w;
  return buffer;
}

}  // namespace h5
}  // namespace learnrace
