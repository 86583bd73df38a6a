// The checksum of a run file's attributes (docs/output_schema.md, "Checksums"). Datasets carry HDF5's Fletcher32
// filter, which libhdf5 checks on every read; attributes cannot, so the root attribute `attributes_crc32` holds the
// CRC-32 (zlib's) of every other attribute of the output schema registry, each as a canonical record:
//
//   object path, NUL, attribute name, NUL, value length (uint64 little-endian), value bytes
//
// in registry order (root attributes, then dataset attributes); value bytes are the UTF-8 bytes of a string, the
// int64 or float64 values of a number or array, little-endian. The reader checks it before it uses any attribute.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "h5_group.hpp"
#include "output_schema.hpp"

namespace learnrace {
namespace run_checksum {

/// Name of the root attribute that holds the checksum.
constexpr const char* kAttribute = "attributes_crc32";

/// The registry's attributes the checksum covers, in the order they are hashed.
std::vector<const output_schema::AttributeSpec*> covered();

/// One attribute's canonical record (see above).
std::string record(const std::string& object, const std::string& name, const std::string& value);

/// CRC-32 of the covered attributes as stored under `root`. Throws h5::H5Error when one is missing or unreadable
/// (the reader checks their presence, type and shape first, naming the item).
uint32_t compute(const h5::Group& root);

/// Writes `attributes_crc32` = compute(root): the writer's last step (and a crafted-file test's, to reach the checks
/// behind the checksum).
void seal(const h5::Group& root);

/// The value bytes of a covered attribute as stored under `root` (throws h5::H5Error as compute).
std::string value_bytes(const h5::Group& root, const output_schema::AttributeSpec& spec);

}  // namespace run_checksum
}  // namespace learnrace
