// The run file's datasets as the HDF5 writer and reader see them, from the output schema registry
// (host/output_schema.hpp): which words of the flat per-point count array each count section holds, and the
// file dimensions of every dataset for a run of a given shape.
#pragma once

#include <cstdint>
#include <vector>

#include "h5_dataspace.hpp"
#include "output_layout.hpp"
#include "output_schema.hpp"

namespace learnrace {
namespace run_schema {

/// A count section: its registry entry and the words [offset, offset + words) of every point's counts.
struct CountSection {
  const output_schema::DatasetSpec* spec = nullptr;
  uint64_t offset = 0;
  uint64_t words = 0;
  bool is_signed = false;  // int64 (the fixed-point moments), else uint64
};

/// All sections in layout order; they tile [0, layout.total).
std::vector<CountSection> count_sections(const OutputLayout& layout);

/// File dimensions of a dataset (leading point axis included) for a run of this shape.
h5::Dims file_dims(const output_schema::DatasetSpec& spec, const OutputShape& shape);

}  // namespace run_schema
}  // namespace learnrace
