// Checks that involve more than one key: run after all values of a point are applied.
#pragma once

#include <vector>

#include "config_error.hpp"
#include "config_keys.hpp"

namespace learnrace {

/// strategies.low <= strategies.moderate <= strategies.high (Larsson Fig. 1 levels keep their order).
void check_point(const Settings& point, const ConfigScope& scope);

/// Memory a run's results need (counts and trajectory samples of every point), in bytes.
double result_bytes(const std::vector<ModelParams>& points, uint64_t dyads);
/// Upper limit on result_bytes (16 GiB): beyond it the run is refused before it starts.
constexpr double kMaxResultBytes = 16.0 * 1024 * 1024 * 1024;

/// Refuses runs whose results would not fit in memory, or with more than 2^53 dyads over all points
/// (naming the key to change).
void check_run_size(const std::vector<ModelParams>& points, uint64_t dyads, const ConfigScope& scope);

}  // namespace learnrace
