// A group: create/open children and list or remove links.
#pragma once

#include <string>
#include <vector>

#include "h5_object.hpp"

namespace learnrace {
namespace h5 {

class Group : public Object {
 public:
  static Group open_root(hid_t file, const std::string& file_name);
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
