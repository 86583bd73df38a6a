#include "h5_group.hpp"

#include "h5_error.hpp"
#include "h5_property_list.hpp"

namespace learnrace {
namespace h5 {

namespace {
herr_t collect_name(hid_t /*group*/, const char* name, const H5L_info_t* /*info*/, void* client) {
  static_cast<std::vector<std::string>*>(client)->emplace_back(name);
  return 0;
}

// Identifier type of the object a link points to (H5Oopen + H5Iget_type works on HDF5 1.10 to 1.14).
H5I_type_t object_type(const Group& g, const std::string& name) {
  const std::string where = g.file() + ":" + g.child_path(name);
  const Handle object(check_id(H5Oopen(g.id(), name.c_str(), H5P_DEFAULT), "H5Oopen", where), H5Oclose);
  const H5I_type_t type = H5Iget_type(object.get());
  if (type == H5I_BADID) throw_error("H5Iget_type", where);
  return type;
}
}  // namespace

Group Group::open_root(hid_t file, const std::string& file_name) {
  const hid_t id = check_id(H5Gopen2(file, "/", H5P_DEFAULT), "H5Gopen2", file_name + ":/");
  return Group(Handle(id, H5Gclose), file_name, "/", "H5Gclose");
}

Group Group::create(const Group& parent, const std::string& name) {
  const std::string path = parent.child_path(name);
  const std::string where = parent.file() + ":" + path;
  const PropertyList gcpl = PropertyList::create(H5P_GROUP_CREATE, where);
  check(H5Pset_link_phase_change(gcpl.id(), kMaxCompactLinks, kMaxCompactLinks), "H5Pset_link_phase_change", where);
  check(H5Pset_attr_phase_change(gcpl.id(), kMaxCompactAttributes, kMaxCompactAttributes), "H5Pset_attr_phase_change",
        where);
  const hid_t id =
      check_id(H5Gcreate2(parent.id(), name.c_str(), H5P_DEFAULT, gcpl.id(), H5P_DEFAULT), "H5Gcreate2", where);
  return Group(Handle(id, H5Gclose), parent.file(), path, "H5Gclose");
}

Group Group::open(const Group& parent, const std::string& name) {
  const std::string path = parent.child_path(name);
  const hid_t id = check_id(H5Gopen2(parent.id(), name.c_str(), H5P_DEFAULT), "H5Gopen2", parent.file() + ":" + path);
  return Group(Handle(id, H5Gclose), parent.file(), path, "H5Gclose");
}

bool Group::has_link(const std::string& name) const {
  // H5Lexists only checks the last component; names here never contain '/'.
  return check_tri(H5Lexists(id(), name.c_str(), H5P_DEFAULT), "H5Lexists", where() + " (link '" + name + "')");
}

bool Group::has_dataset(const std::string& name) const {
  return has_link(name) && object_type(*this, name) == H5I_DATASET;
}

bool Group::has_group(const std::string& name) const { return has_link(name) && object_type(*this, name) == H5I_GROUP; }

std::vector<std::string> Group::link_names() const {
  std::vector<std::string> names;
  hsize_t index = 0;
  check(H5Literate(id(), H5_INDEX_NAME, H5_ITER_INC, &index, collect_name, &names), "H5Literate", where());
  return names;
}

void Group::remove_link(const std::string& name) const {
  check(H5Ldelete(id(), name.c_str(), H5P_DEFAULT), "H5Ldelete", file() + ":" + child_path(name));
}

}  // namespace h5
}  // namespace learnrace
