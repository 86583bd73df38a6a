#include "h5_run_checksum.hpp"

#include <zlib.h>

#include <cstring>

#include "h5_attribute.hpp"
#include "h5_dataset.hpp"

namespace learnrace {
namespace run_checksum {

namespace {

void append_le64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::string value_of(const h5::Object& object, const output_schema::AttributeSpec& spec) {
  std::string out;
  switch (spec.dtype) {
    case output_schema::Dtype::String:
      return h5::read_string_attribute(object, spec.name);
    case output_schema::Dtype::Float64:
      for (double v : h5::read_double_array_attribute(object, spec.name)) {
        uint64_t bits = 0;
        std::memcpy(&bits, &v, sizeof bits);
        append_le64(out, bits);
      }
      return out;
    default:  // the registry's other attributes are int64
      for (int64_t v : h5::read_int_array_attribute(object, spec.name)) append_le64(out, static_cast<uint64_t>(v));
      return out;
  }
}

}  // namespace

std::vector<const output_schema::AttributeSpec*> covered() {
  std::vector<const output_schema::AttributeSpec*> specs;
  for (const output_schema::AttributeSpec& a : output_schema::root_attributes())
    if (a.name != kAttribute) specs.push_back(&a);
  for (const output_schema::AttributeSpec& a : output_schema::dataset_attributes()) specs.push_back(&a);
  return specs;
}

std::string record(const std::string& object, const std::string& name, const std::string& value) {
  std::string out = object;
  out.push_back('\0');
  out += name;
  out.push_back('\0');
  append_le64(out, value.size());
  return out + value;
}

std::string value_bytes(const h5::Group& root, const output_schema::AttributeSpec& spec) {
  if (spec.object == "/") return value_of(root, spec);
  // "/group/dataset"
  const size_t slash = spec.object.find('/', 1);
  const h5::Group group = h5::Group::open(root, spec.object.substr(1, slash - 1));
  return value_of(h5::Dataset::open(group, spec.object.substr(slash + 1)), spec);
}

uint32_t compute(const h5::Group& root) {
  uLong crc = crc32(0L, Z_NULL, 0);
  for (const output_schema::AttributeSpec* spec : covered()) {
    const std::string r = record(spec->object, spec->name, value_bytes(root, *spec));
    crc = crc32(crc, reinterpret_cast<const Bytef*>(r.data()), static_cast<uInt>(r.size()));
  }
  return static_cast<uint32_t>(crc);
}

void seal(const h5::Group& root) {
  const uint32_t crc = compute(root);
  if (h5::has_attribute(root, kAttribute)) h5::delete_attribute(root, kAttribute);
  h5::write_int_attribute(root, kAttribute, static_cast<int64_t>(crc));
}

}  // namespace run_checksum
}  // namespace learnrace
