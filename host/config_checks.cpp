#include "config_checks.hpp"

#include <algorithm>
#include <cstdio>

#include "config_events.hpp"
#include "config_value.hpp"
#include "output_layout.hpp"

namespace learnrace {

namespace {
// Bytes per trajectory row (pair state + 7 floats) and per sampled dyad (see Trajectories).
constexpr double kTrajectoryRowBytes = 1 + 7 * 4;
constexpr double kTrajectoryDyadBytes = 8 + 1 + 1 + 3 * 4 + 1 + 4 + 2 * 4;

double trajectory_slots(const ModelParams& p, uint64_t dyads) {
  const uint64_t reachable = (dyads + p.trajectory_stride - 1) / p.trajectory_stride;
  return static_cast<double>(std::min<uint64_t>(p.trajectory_max, reachable));
}

std::string gib(double bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f GiB", bytes / (1024.0 * 1024 * 1024));
  return text;
}
}  // namespace

void check_point(const Settings& point, const ConfigScope& scope) {
  const float* level = point.params.level;
  const std::string order = " (strategies.low <= strategies.moderate <= strategies.high; got " +
                            shortest_float(level[0]) + ", " + shortest_float(level[1]) + ", " +
                            shortest_float(level[2]) + ")";
  if (level[0] > level[1])
    throw_config_error(scope, nullptr, "strategies.moderate", "inconsistent: must not be below strategies.low" + order);
  if (level[1] > level[2])
    throw_config_error(scope, nullptr, "strategies.high",
                       "inconsistent: must not be below strategies.moderate" + order);
  // An event that starts at or after the horizon would never happen: say so rather than run without it.
  const ModelParams& p = point.params;
  for (int32_t e = 0; e < p.n_events; ++e) {
    const Event& event = p.events[e];
    if (event.first >= p.periods)
      throw_config_error(scope, nullptr, "events",
                         "event " + std::to_string(e) + " (" + std::string(event_variables().at(event.variable).name) +
                             " of " + event_target_name(event.target) + ", from period " + std::to_string(event.first) +
                             ") never happens: run.periods = " + std::to_string(p.periods) + " runs periods 0 to " +
                             std::to_string(p.periods - 1) +
                             " (events count periods from 0); move it before the horizon or raise run.periods");
  }
}

double result_bytes(const std::vector<ModelParams>& points, uint64_t dyads) {
  double bytes = 0.0;
  for (const ModelParams& p : points) {
    const double slots = trajectory_slots(p, dyads);
    bytes += 8.0 * static_cast<double>(OutputLayout::make(p).total);
    bytes += slots * (p.periods * kTrajectoryRowBytes + kTrajectoryDyadBytes);
  }
  return bytes;
}

void check_run_size(const std::vector<ModelParams>& points, uint64_t dyads, const ConfigScope& scope) {
  // Dyad counts over all points stay exact in a double (progress, rates) and far from uint64 overflow.
  if (static_cast<double>(dyads) * static_cast<double>(points.size()) > 9007199254740992.0)
    throw_config_error(scope, nullptr, "run.dyads",
                       "inconsistent sizes: " + std::to_string(dyads) + " dyads x " + std::to_string(points.size()) +
                           " points exceeds 2^53 dyads in one run");
  const double total = result_bytes(points, dyads);
  if (total <= kMaxResultBytes) return;
  double trajectories = 0.0;
  for (const ModelParams& p : points)
    trajectories += trajectory_slots(p, dyads) * (p.periods * kTrajectoryRowBytes + kTrajectoryDyadBytes);
  const bool mostly_trajectories = trajectories > total / 2;
  const std::string key = mostly_trajectories ? "output.trajectory_max" : "sweep";
  const std::string advice = mostly_trajectories ? "lower output.trajectory_max or raise output.trajectory_stride"
                                                 : "use fewer sweep points, or fewer run.periods / output.factor_bins";
  throw_config_error(scope, nullptr, key,
                     "inconsistent sizes: " + std::to_string(points.size()) +
                         (points.size() == 1 ? " point" : " points") + " would need " + gib(total) +
                         " of results in memory (limit " + gib(kMaxResultBytes) + "); " + advice);
}

}  // namespace learnrace
