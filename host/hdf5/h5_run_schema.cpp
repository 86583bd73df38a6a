#include "h5_run_schema.hpp"

namespace learnrace {
namespace run_schema {

std::vector<CountSection> count_sections(const OutputLayout& l) {
  std::vector<CountSection> sections;
  for (const output_schema::DatasetSpec& spec : output_schema::count_sections()) {
    const Section section = static_cast<Section>(spec.index);
    CountSection c;
    c.spec = &spec;
    c.offset = l.offset(section);
    c.words = axis_elements(section_axes(section), l.shape());
    c.is_signed = spec.dtype == output_schema::Dtype::Int64;
    sections.push_back(c);
  }
  return sections;
}

h5::Dims file_dims(const output_schema::DatasetSpec& spec, const OutputShape& shape) {
  h5::Dims dims;
  for (int64_t d : spec.dims(shape)) dims.push_back(static_cast<hsize_t>(d));
  return dims;
}

}  // namespace run_schema
}  // namespace learnrace
