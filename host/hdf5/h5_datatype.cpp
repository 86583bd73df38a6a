#include "h5_datatype.hpp"

#include "h5_error.hpp"

namespace learnrace {
namespace h5 {

Datatype Datatype::utf8_fixed(size_t bytes, const std::string& where) {
  Datatype t = adopt(H5Tcopy(H5T_C_S1), "H5Tcopy", where);
  check(H5Tset_size(t.id(), bytes > 0 ? bytes : 1), "H5Tset_size", where);
  check(H5Tset_cset(t.id(), H5T_CSET_UTF8), "H5Tset_cset", where);
  check(H5Tset_strpad(t.id(), H5T_STR_NULLPAD), "H5Tset_strpad", where);
  return t;
}

Datatype Datatype::adopt(hid_t id, const char* call, const std::string& where) {
  return Datatype(Handle(check_id(id, call, where), H5Tclose));
}

TypeInfo describe_type(hid_t type, const std::string& where) {
  TypeInfo info;
  info.type_class = H5Tget_class(type);
  if (info.type_class == H5T_NO_CLASS) throw_error("H5Tget_class", where);
  info.size = H5Tget_size(type);
  if (info.size == 0) throw_error("H5Tget_size", where);
  if (info.type_class == H5T_INTEGER) {
    const H5T_sign_t sign = H5Tget_sign(type);
    if (sign == H5T_SGN_ERROR) throw_error("H5Tget_sign", where);
    info.is_signed = sign != H5T_SGN_NONE;
  }
  if (info.type_class == H5T_STRING)
    info.variable_string = check_tri(H5Tis_variable_str(type), "H5Tis_variable_str", where);
  return info;
}

std::string TypeInfo::describe() const {
  const std::string bits = std::to_string(8 * size);
  switch (type_class) {
    case H5T_INTEGER:
      return (is_signed ? "int" : "uint") + bits;
    case H5T_FLOAT:
      return "float" + bits;
    case H5T_STRING:
      return variable_string ? "variable-length string" : "string(" + std::to_string(size) + ")";
    default:
      return "HDF5 type class " + std::to_string(static_cast<int>(type_class));
  }
}

namespace {
TypeInfo integer(size_t size, bool is_signed) {
  TypeInfo t;
  t.type_class = H5T_INTEGER;
  t.size = size;
  t.is_signed = is_signed;
  return t;
}
TypeInfo floating(size_t size) {
  TypeInfo t;
  t.type_class = H5T_FLOAT;
  t.size = size;
  return t;
}
}  // namespace

template <>
TypeInfo type_info_of<uint8_t>() {
  return integer(1, false);
}
template <>
TypeInfo type_info_of<int32_t>() {
  return integer(4, true);
}
template <>
TypeInfo type_info_of<int64_t>() {
  return integer(8, true);
}
template <>
TypeInfo type_info_of<uint64_t>() {
  return integer(8, false);
}
template <>
TypeInfo type_info_of<float>() {
  return floating(4);
}
template <>
TypeInfo type_info_of<double>() {
  return floating(8);
}

}  // namespace h5
}  // namespace learnrace
