// Reading strings of either storage kind (variable-length or fixed-length) from an attribute or a
// dataset; shared by h5_attribute.cpp and h5_dataset.cpp.
#pragma once

#include <hdf5.h>

#include <functional>
#include <string>
#include <vector>

namespace learnrace {
namespace h5 {

/// Reads `count` strings stored with type `stored` (must be a string type) over dataspace `space`.
/// `read(mem_type, buffer)` performs the H5Aread / H5Dread into `buffer` with `mem_type`.
std::vector<std::string> read_strings(hid_t stored, hid_t space, size_t count, const std::string& where,
                                      const std::function<void(hid_t, void*)>& read);

}  // namespace h5
}  // namespace learnrace
