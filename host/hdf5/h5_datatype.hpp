// Datatypes: the native (memory) and little-endian file types of the element types we store, fixed-length UTF-8
// strings, and a description of a stored type for format checks.
#pragma once

#include <cstdint>
#include <string>

#include "h5_handle.hpp"

namespace learnrace {
namespace h5 {

/// Memory type of T (H5T_NATIVE_*). Not owned: never close it.
template <class T>
hid_t native_type();
/// Type stored in files for T (H5T_STD_*LE / H5T_IEEE_F*LE), independent of the writing machine.
template <class T>
hid_t file_type();

#define LEARNRACE_H5_TYPES(T, NATIVE, FILE) \
  template <>                               \
  inline hid_t native_type<T>() {           \
    return NATIVE;                          \
  }                                         \
  template <>                               \
  inline hid_t file_type<T>() {             \
    return FILE;                            \
  }
LEARNRACE_H5_TYPES(uint8_t, H5T_NATIVE_UINT8, H5T_STD_U8LE)
LEARNRACE_H5_TYPES(int32_t, H5T_NATIVE_INT32, H5T_STD_I32LE)
LEARNRACE_H5_TYPES(int64_t, H5T_NATIVE_INT64, H5T_STD_I64LE)
LEARNRACE_H5_TYPES(uint64_t, H5T_NATIVE_UINT64, H5T_STD_U64LE)
LEARNRACE_H5_TYPES(float, H5T_NATIVE_FLOAT, H5T_IEEE_F32LE)
LEARNRACE_H5_TYPES(double, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE)
#undef LEARNRACE_H5_TYPES

/// An owned datatype (copies, string types, types of stored objects).
class Datatype {
 public:
  /// Fixed-length, null-padded UTF-8 string of `bytes` bytes (at least 1): its data is stored in the attribute or
  /// the dataset's chunks themselves, never in the file's global heap (which HDF5 reads unchecked). h5py reads it
  /// as bytes (numpy 'S'), `.asstr()` for str.
  static Datatype utf8_fixed(size_t bytes, const std::string& where);
  /// Takes ownership of an id from H5Dget_type / H5Aget_type / H5Tcopy (checked).
  static Datatype adopt(hid_t id, const char* call, const std::string& where);
  hid_t id() const noexcept { return handle_.get(); }

 private:
  explicit Datatype(Handle handle) : handle_(std::move(handle)) {}
  Handle handle_;
};

/// What a stored dataset or attribute holds, for format checks.
struct TypeInfo {
  H5T_class_t type_class = H5T_NO_CLASS;  // H5T_INTEGER, H5T_FLOAT, H5T_STRING, ...
  size_t size = 0;                        // bytes per element (of the pointer for variable strings)
  bool is_signed = false;                 // integers only
  bool variable_string = false;           // strings only
  /// "uint64", "float32", "string", ... for messages.
  std::string describe() const;
};
TypeInfo describe_type(hid_t type, const std::string& where);

/// The TypeInfo that T is written with (for comparing against a stored type).
template <class T>
TypeInfo type_info_of();
template <>
TypeInfo type_info_of<uint8_t>();
template <>
TypeInfo type_info_of<int32_t>();
template <>
TypeInfo type_info_of<int64_t>();
template <>
TypeInfo type_info_of<uint64_t>();
template <>
TypeInfo type_info_of<float>();
template <>
TypeInfo type_info_of<double>();

}  // namespace h5
}  // namespace learnrace
