// Strings in attributes and datasets: fixed-length UTF-8 only. Variable-length strings are refused before anything
// of them is read: their bytes live in the file's global heap, which HDF5 parses without any checksum (eight damaged
// bytes there crash libhdf5). Shared by h5_attribute.cpp and h5_dataset.cpp.
#pragma once

#include <hdf5.h>

#include <functional>
#include <string>
#include <vector>

namespace learnrace {
namespace h5 {

/// Reads `count` fixed-length strings stored with type `stored` over dataspace `space`; a string ends at its first
/// NUL or fills its field (space-padded strings are trimmed). `read(mem_type, buffer)` performs the H5Aread /
/// H5Dread into `buffer` with `mem_type`. Throws H5Error for a type that is not a string, a variable-length string,
/// or a string that is not valid UTF-8 (naming its index).
std::vector<std::string> read_strings(hid_t stored, hid_t space, size_t count, const std::string& where,
                                      const std::function<void(hid_t, void*)>& read);

/// The values as one buffer of fixed-length fields of `*width` bytes each (the longest value, at least 1), null
/// padded. Throws H5Error for a value that holds a NUL byte (it would end the string early when read back).
std::vector<char> fixed_string_buffer(const std::vector<std::string>& values, size_t* width, const std::string& where);

/// True when `s` is well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
bool is_valid_utf8(const std::string& s);

}  // namespace h5
}  // namespace learnrace
