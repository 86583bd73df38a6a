// Runs an experiment: chunks of dyads x all points through a backend, merging integer counts.
#pragma once

#include <atomic>
#include <functional>
#include <stdexcept>
#include <string>

#include "config.hpp"
#include "run_result.hpp"

namespace learnrace {

enum class BackendKind { Auto, Cpu, Cuda };

/// "auto" | "cpu" | "cuda"; throws ConfigError(key "backend") otherwise.
BackendKind parse_backend(const std::string& name);

/// Resolves Auto to Cuda when a CUDA device is usable, else Cpu. Cuda without a device throws
/// std::runtime_error with the reason.
BackendKind resolve_backend(BackendKind requested);
const char* backend_name(BackendKind kind);

class RunCancelled : public std::runtime_error {
 public:
  RunCancelled() : std::runtime_error("run cancelled") {}
};

struct DriverOptions {
  BackendKind backend = BackendKind::Cpu;
  int threads = 0;            // CPU threads (0 = OpenMP default)
  uint64_t chunk_dyads = 0;   // 0 = RunConfig::chunk_dyads
  bool progress_bar = false;  // draw a bar on stderr (only when stderr is a terminal)
  /// Called after each chunk with (dyads done, dyads total) over all points; may throw RunCancelled.
  std::function<void(uint64_t, uint64_t)> on_progress;
  const std::atomic<bool>* cancel = nullptr;  // checked between chunks
};

/// Runs every point over dyads [0, config.dyads) in chunks. All points must share periods, factor_bins and
/// hist_bins (std::invalid_argument otherwise; the config loader guarantees it).
RunResult run_experiment(const RunConfig& config, const DriverOptions& options);

}  // namespace learnrace
