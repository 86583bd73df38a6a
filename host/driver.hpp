// Runs an experiment: chunks of dyads x all points through a backend, merging integer counts.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <stdexcept>
#include <string>

#include "config.hpp"
#include "run_cancelled.hpp"
#include "run_result.hpp"

namespace learnrace {

enum class BackendKind { Auto, Cpu, Cuda };

/// "auto" | "cpu" | "cuda"; throws ConfigError(key "backend") otherwise.
BackendKind parse_backend(const std::string& name);

/// Resolves Auto to Cuda when a CUDA device is usable, else Cpu. Cuda without a device throws
/// ConfigError(key "backend") with the reason.
BackendKind resolve_backend(BackendKind requested);
const char* backend_name(BackendKind kind);

struct DriverOptions {
  BackendKind backend = BackendKind::Cpu;
  int threads = 0;           // CPU threads (0 = OpenMP default)
  int32_t cpu_lanes = 0;     // CPU dyads in lockstep per thread: ChunkRequest::cpu_lanes (0 = widest supported)
  uint64_t chunk_dyads = 0;  // 0 = default_chunk_dyads(config, backend); rounded up by effective_chunk_dyads
  /// Called after each chunk with (dyads done, dyads total) over all points; may throw RunCancelled. On the CPU also
  /// after a point within a chunk once progress_interval has passed since the last call (a chunk of many points, such
  /// as a study's block, then moves the bar too).
  std::function<void(uint64_t, uint64_t)> on_progress;
  std::chrono::milliseconds progress_interval{250};
  /// When set (a signal handler, Python) the run stops with RunCancelled: checked inside every chunk (CPU: every
  /// block of kCpuDyadBlock dyads; CUDA: between launches) and after the last one, so no cancelled run returns.
  const std::atomic<bool>* cancel = nullptr;
  /// Simulate only dyads [dyad_begin, dyad_end) of every point (dyad_end 0: run.dyads): one MPI rank's share of an
  /// experiment whose dyads are split across ranks (dyad_range). The counts are those of these dyads; trajectory
  /// slots of dyads outside the range keep their fill values; the result's shape is that of the whole run.
  uint64_t dyad_begin = 0;
  uint64_t dyad_end = 0;
};

/// Dyads [begin, end) of rank `rank` of `ranks` when `dyads` are split into contiguous, nearly equal ranges (the
/// first dyads % ranks ranks get one more). The ranges cover [0, dyads) in rank order.
struct DyadRange {
  uint64_t begin = 0;
  uint64_t end = 0;
};
DyadRange dyad_range(uint64_t dyads, int rank, int ranks);

/// Largest CPU thread count a run accepts (DriverOptions::threads, `--threads`, `learnrace.run(threads=)`).
constexpr int kMaxThreads = 4096;

/// Refuses a thread count outside [0, kMaxThreads] (0: all cores) with ConfigError(key "threads").
void check_threads(int64_t threads);

/// Dyads per call of the CUDA backend (over all points) below which its fixed cost per call dominates: each call
/// zeroes, copies back and merges the counts and waits for the longest dyad of every launch, about 1.5 ms on an H100
/// (bench/results/cuda-notes.md: 1e6 dyads take 2.2 ms, 1e7 7.8 ms).
constexpr uint64_t kCudaChunkDyads = uint64_t{1} << 24;

/// Dyads per point per backend call when DriverOptions::chunk_dyads is 0: run.chunk_dyads on the CPU; on CUDA
/// the larger of run.chunk_dyads and kCudaChunkDyads / points. Memory does not depend on it (counts are per
/// point, trajectory slots bounded by output.trajectory_max) and neither do the results.
uint64_t default_chunk_dyads(const RunConfig& config, BackendKind backend);

/// The dyads per point of every backend call: `chunk` rounded up to a multiple of kCpuDyadBlock (256), the block of
/// dyads the CPU backend hands a thread and between two looks at the cancel flag. Smaller chunks would not stop a run
/// sooner; each call has a fixed cost (per-thread count arrays zeroed and merged, a kernel launch on CUDA, a look
/// for signals from Python) that made `--chunk 1` about 180 times slower than the default (bench/chunk_bench.py).
uint64_t effective_chunk_dyads(uint64_t chunk);

/// Runs every point over dyads [0, config.dyads) in chunks. All points must share periods, factor_bins and
/// hist_bins (std::invalid_argument otherwise; the config loader guarantees it). Throws ConfigError (key "threads")
/// for a thread count beyond kMaxThreads or more CPU threads than can be started here (ulimit -v / -u: the message
/// gives the count that can), RunCancelled when options.cancel is set, OutOfMemory when the results cannot be
/// allocated.
RunResult run_experiment(const RunConfig& config, const DriverOptions& options);

}  // namespace learnrace
