// A finished run owned by Python, and the numpy arrays that view it.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>
#include <vector>

#include "config.hpp"
#include "run_result.hpp"

namespace learnrace {
namespace bindings {

/// The engine's RunResult plus what the HDF5 writer needs besides it (the /points table, the seed) and the few
/// parameters Python needs when result.params is not available (a file read back by the C++ reader).
struct RunHandle {
  RunResult result;
  std::vector<ParamColumn> parameters;
  std::vector<std::string> kernels;  // "propositional" / "strategic", per point
  uint32_t seed = 0;
  float joint_max = 0.0f;         // upper edge of the joint-learning histogram
  float relation_bin_max = 0.0f;  // upper edge of the relation bins

  /// Fills seed, kernels and the histogram edges from result.params.
  void describe_from_params();
};

/// Names of the count sections (/counts and /outcomes datasets), from the output schema registry.
std::vector<std::string> section_names();
/// Names of the trajectory datasets (/trajectories), from the output schema registry.
std::vector<std::string> trajectory_names();
/// The whole output schema registry (host/output_schema.hpp) as plain Python data: what the Python reader
/// checks files against and docs/output_schema.md is generated from.
pybind11::dict output_schema_dict();

/// One count section with a leading point axis, shaped and typed by the registry, e.g. "transitions" -> uint64
/// [P, 25, 25], "moments" -> int64 [P, 9, 2]: a read-only view of the C++ counts [P][layout.total] (strided over the
/// points) whose base is `handle`, for any number of points. Nothing is copied; the array keeps the run alive.
pybind11::array counts_section(const pybind11::object& handle, const std::string& name);

/// A trajectory dataset, [P, K, T] per period or [P, K] per dyad: a read-only, C-contiguous view of the C++ array
/// whose base is `handle`, as for counts_section.
pybind11::array trajectory_array(const pybind11::object& handle, const std::string& name, bool writable = false);

/// Every count word of the run, [P * layout.total] uint64, as a WRITABLE view: the buffer an MPI reduction adds the
/// other ranks' counts into (learnrace.run under mpirun). Not for users: the public views are read-only.
pybind11::array counts_buffer(const pybind11::object& handle);
/// A trajectory dataset as a WRITABLE view (the MPI gather of the other ranks' slots).
pybind11::array trajectory_buffer(const pybind11::object& handle, const std::string& name);

/// The flat count array of one point (OutputLayout words): always a read-only view.
pybind11::array point_counts(const pybind11::object& handle, int32_t point);

}  // namespace bindings
}  // namespace learnrace
