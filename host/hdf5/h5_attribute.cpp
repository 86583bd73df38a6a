#include "h5_attribute.hpp"

#include "h5_dataspace.hpp"
#include "h5_error.hpp"
#include "h5_string_io.hpp"

namespace learnrace {
namespace h5 {

namespace {

std::string attr_where(const Object& object, const std::string& name) {
  return object.where() + " attribute '" + name + "'";
}

Handle create(const Object& object, const std::string& name, hid_t type, const Dataspace& space) {
  const std::string where = attr_where(object, name);
  return Handle(
      check_id(H5Acreate2(object.id(), name.c_str(), type, space.id(), H5P_DEFAULT, H5P_DEFAULT), "H5Acreate2", where),
      H5Aclose);
}

Handle open(const Object& object, const std::string& name) {
  return Handle(check_id(H5Aopen(object.id(), name.c_str(), H5P_DEFAULT), "H5Aopen", attr_where(object, name)),
                H5Aclose);
}

template <class T>
void write_scalar(const Object& object, const std::string& name, T value) {
  const std::string where = attr_where(object, name);
  const Handle attr = create(object, name, file_type<T>(), Dataspace::scalar(where));
  check(H5Awrite(attr.get(), native_type<T>(), &value), "H5Awrite", where);
}

template <class T>
T read_scalar(const Object& object, const std::string& name) {
  const std::string where = attr_where(object, name);
  const Handle attr = open(object, name);
  const Dataspace space = Dataspace::adopt(H5Aget_space(attr.get()), "H5Aget_space", where);
  if (space.element_count() != 1)
    throw H5Error(where + " holds " + std::to_string(space.element_count()) + " values, expected 1");
  T value{};
  check(H5Aread(attr.get(), native_type<T>(), &value), "H5Aread", where);
  return value;
}

}  // namespace

void write_int_attribute(const Object& object, const std::string& name, int64_t value) {
  write_scalar<int64_t>(object, name, value);
}

void write_double_attribute(const Object& object, const std::string& name, double value) {
  write_scalar<double>(object, name, value);
}

void write_string_attribute(const Object& object, const std::string& name, const std::string& value) {
  const std::string where = attr_where(object, name);
  size_t width = 0;
  const std::vector<char> buffer = fixed_string_buffer({value}, &width, where);
  const Datatype type = Datatype::utf8_fixed(width, where);
  const Handle attr = create(object, name, type.id(), Dataspace::scalar(where));
  check(H5Awrite(attr.get(), type.id(), buffer.data()), "H5Awrite", where);
}

void write_double_array_attribute(const Object& object, const std::string& name, const std::vector<double>& values) {
  const std::string where = attr_where(object, name);
  const Handle attr = create(object, name, file_type<double>(), Dataspace::simple({values.size()}, where));
  if (!values.empty()) check(H5Awrite(attr.get(), native_type<double>(), values.data()), "H5Awrite", where);
}

void write_int_array_attribute(const Object& object, const std::string& name, const std::vector<int64_t>& values) {
  const std::string where = attr_where(object, name);
  const Handle attr = create(object, name, file_type<int64_t>(), Dataspace::simple({values.size()}, where));
  if (!values.empty()) check(H5Awrite(attr.get(), native_type<int64_t>(), values.data()), "H5Awrite", where);
}

bool has_attribute(const Object& object, const std::string& name) {
  return check_tri(H5Aexists(object.id(), name.c_str()), "H5Aexists", attr_where(object, name));
}

void delete_attribute(const Object& object, const std::string& name) {
  check(H5Adelete(object.id(), name.c_str()), "H5Adelete", attr_where(object, name));
}

TypeInfo attribute_type(const Object& object, const std::string& name) {
  const std::string where = attr_where(object, name);
  const Handle attr = open(object, name);
  const Datatype type = Datatype::adopt(H5Aget_type(attr.get()), "H5Aget_type", where);
  return describe_type(type.id(), where);
}

Dims attribute_dims(const Object& object, const std::string& name) {
  const std::string where = attr_where(object, name);
  const Handle attr = open(object, name);
  return Dataspace::adopt(H5Aget_space(attr.get()), "H5Aget_space", where).dims();
}

int64_t read_int_attribute(const Object& object, const std::string& name) { return read_scalar<int64_t>(object, name); }

double read_double_attribute(const Object& object, const std::string& name) {
  return read_scalar<double>(object, name);
}

std::string read_string_attribute(const Object& object, const std::string& name) {
  const std::string where = attr_where(object, name);
  const Handle attr = open(object, name);
  const Datatype stored = Datatype::adopt(H5Aget_type(attr.get()), "H5Aget_type", where);
  const Dataspace space = Dataspace::adopt(H5Aget_space(attr.get()), "H5Aget_space", where);
  if (space.element_count() != 1)
    throw H5Error(where + " holds " + std::to_string(space.element_count()) + " strings, expected 1");
  const std::vector<std::string> values = read_strings(
      stored.id(), space.id(), 1, where,
      [&](hid_t mem_type, void* buffer) { check(H5Aread(attr.get(), mem_type, buffer), "H5Aread", where); });
  return values.at(0);
}

std::vector<double> read_double_array_attribute(const Object& object, const std::string& name) {
  const std::string where = attr_where(object, name);
  const Handle attr = open(object, name);
  const Dataspace space = Dataspace::adopt(H5Aget_space(attr.get()), "H5Aget_space", where);
  std::vector<double> values(space.element_count());
  if (!values.empty()) check(H5Aread(attr.get(), native_type<double>(), values.data()), "H5Aread", where);
  return values;
}

std::vector<int64_t> read_int_array_attribute(const Object& object, const std::string& name) {
  const std::string where = attr_where(object, name);
  const Handle attr = open(object, name);
  const Dataspace space = Dataspace::adopt(H5Aget_space(attr.get()), "H5Aget_space", where);
  std::vector<int64_t> values(space.element_count());
  if (!values.empty()) check(H5Aread(attr.get(), native_type<int64_t>(), values.data()), "H5Aread", where);
  return values;
}

}  // namespace h5
}  // namespace learnrace
