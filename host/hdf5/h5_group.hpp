// A group: create/open children and list or remove links.
#pragma once

#include <string>
#include <vector>

#include "h5_object.hpp"

namespace learnrace {
namespace h5 {

/// Groups keep up to this many links and attributes in their object header ("compact" storage, one checksummed
/// block of the HDF5 1.10 format) instead of a fractal heap and a B-tree ("dense" storage): libhdf5 1.10 crashes
/// when a damaged heap block fails its checksum while it lists the links (H5G__link_release_table). An attribute
/// too large for the header (64 KiB) still goes to dense storage.
constexpr unsigned kMaxCompactLinks = 65535;
constexpr unsigned kMaxCompactAttributes = 65535;

class Group : public Object {
 public:
  static Group open_root(hid_t file, const std::string& file_name);
  /// A new group with compact link and attribute storage (kMaxCompactLinks).
  static Group create(const Group& parent, const std::string& name);
  static Group open(const Group& parent, const std::string& name);

  /// True when a link `name` exists directly in this group.
  bool has_link(const std::string& name) const;
  /// True when `name` exists and is a dataset / a group.
  bool has_dataset(const std::string& name) const;
  bool has_group(const std::string& name) const;
  /// Names of the links in this group, in name order.
  std::vector<std::string> link_names() const;
  void remove_link(const std::string& name) const;

 private:
  using Object::Object;
};

}  // namespace h5
}  // namespace learnrace
