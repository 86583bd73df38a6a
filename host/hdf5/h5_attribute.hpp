// Attributes of groups and datasets: scalar int64 / float64 / UTF-8 string and int64 / float64 arrays.
// Strings are written fixed-length (h5_string_io.hpp); readers refuse variable-length strings and accept any
// integer / float width (converted).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "h5_dataspace.hpp"
#include "h5_datatype.hpp"
#include "h5_object.hpp"

namespace learnrace {
namespace h5 {

void write_int_attribute(const Object& object, const std::string& name, int64_t value);
void write_double_attribute(const Object& object, const std::string& name, double value);
void write_string_attribute(const Object& object, const std::string& name, const std::string& value);
void write_double_array_attribute(const Object& object, const std::string& name, const std::vector<double>& values);

void write_int_array_attribute(const Object& object, const std::string& name, const std::vector<int64_t>& values);
bool has_attribute(const Object& object, const std::string& name);
void delete_attribute(const Object& object, const std::string& name);
/// Stored type and shape of an existing attribute.
TypeInfo attribute_type(const Object& object, const std::string& name);
Dims attribute_dims(const Object& object, const std::string& name);

int64_t read_int_attribute(const Object& object, const std::string& name);
double read_double_attribute(const Object& object, const std::string& name);
std::string read_string_attribute(const Object& object, const std::string& name);
std::vector<double> read_double_array_attribute(const Object& object, const std::string& name);
/// Every value of an integer attribute (the attribute's data is stored in the file, so its size is bounded).
std::vector<int64_t> read_int_array_attribute(const Object& object, const std::string& name);

}  // namespace h5
}  // namespace learnrace
