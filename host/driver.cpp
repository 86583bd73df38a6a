#include "driver.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <new>
#include <stdexcept>

#include "backend.hpp"
#include "cpu_threads.hpp"

namespace learnrace {

BackendKind parse_backend(const std::string& name) {
  if (name == "auto") return BackendKind::Auto;
  if (name == "cpu") return BackendKind::Cpu;
  if (name == "cuda") return BackendKind::Cuda;
  throw ConfigError("backend", "backend: '" + name + "' is not one of auto, cpu, cuda");
}

const char* backend_name(BackendKind kind) {
  switch (kind) {
    case BackendKind::Cpu:
      return "cpu";
    case BackendKind::Cuda:
      return "cuda";
    default:
      return "auto";
  }
}

BackendKind resolve_backend(BackendKind requested) {
  std::string why;
  if (requested == BackendKind::Cpu) return BackendKind::Cpu;
  const bool cuda = cuda_backend_available(&why);
  if (requested == BackendKind::Auto) return cuda ? BackendKind::Cuda : BackendKind::Cpu;
  if (!cuda) throw ConfigError("backend", "backend: backend 'cuda' is not available: " + why);
  return BackendKind::Cuda;
}

uint64_t default_chunk_dyads(const RunConfig& config, BackendKind backend) {
  const uint64_t configured = std::max<uint64_t>(1, config.chunk_dyads);
  if (backend != BackendKind::Cuda) return configured;
  const uint64_t points = std::max<uint64_t>(1, config.points.size());
  return std::max(configured, (kCudaChunkDyads + points - 1) / points);
}

uint64_t effective_chunk_dyads(uint64_t chunk) {
  const uint64_t block = static_cast<uint64_t>(kCpuDyadBlock);
  const uint64_t blocks = chunk / block + (chunk % block != 0 ? 1 : 0);
  return std::max<uint64_t>(1, blocks) * block;
}

void check_threads(int64_t threads) {
  if (threads < 0 || threads > kMaxThreads)
    throw ConfigError("threads", "threads: " + std::to_string(threads) +
                                     " is out of range; allowed: an integer in [0, " + std::to_string(kMaxThreads) +
                                     "] (0: all cores)");
}

DyadRange dyad_range(uint64_t dyads, int rank, int ranks) {
  if (ranks < 1 || rank < 0 || rank >= ranks)
    throw std::invalid_argument("dyad_range: rank " + std::to_string(rank) + " of " + std::to_string(ranks));
  const uint64_t n = static_cast<uint64_t>(ranks), r = static_cast<uint64_t>(rank);
  const uint64_t base = dyads / n, extra = dyads % n;
  DyadRange range;
  range.begin = r * base + std::min(r, extra);
  range.end = range.begin + base + (r < extra ? 1 : 0);
  return range;
}

RunResult run_experiment(const RunConfig& config, const DriverOptions& options) {
  check_threads(options.threads);
  const uint64_t first = options.dyad_begin;
  const uint64_t last = options.dyad_end ? options.dyad_end : config.dyads;
  if (first > last || last > config.dyads)
    throw std::invalid_argument("run_experiment: dyad range [" + std::to_string(first) + ", " + std::to_string(last) +
                                ") is not within the run's " + std::to_string(config.dyads) + " dyads");
  const BackendKind backend = resolve_backend(options.backend);
  const int32_t n_points = static_cast<int32_t>(config.points.size());
  const OutputLayout layout = OutputLayout::make(config.points.at(0));
  // The kernels check slot < trajectory_max; cap it to the slots this many dyads can reach (ids 0, stride,
  // 2 stride, ... below dyads). run.* and output.* keys are run-wide, so every point has the same count; the
  // result holds the largest, for any points a caller builds in code.
  std::vector<ModelParams> params = config.points;
  int32_t slots = 0;
  for (ModelParams& p : params) {
    const OutputLayout l = OutputLayout::make(p);
    if (l.periods != layout.periods || l.factor_bins != layout.factor_bins || l.hist_bins != layout.hist_bins)
      throw std::invalid_argument("run_experiment: all points must share periods, factor_bins and hist_bins");
    const uint64_t reachable = (config.dyads + p.trajectory_stride - 1) / p.trajectory_stride;
    p.trajectory_max = static_cast<uint32_t>(std::min<uint64_t>(p.trajectory_max, reachable));
    slots = std::max(slots, static_cast<int32_t>(p.trajectory_max));
  }
  RunResult result;
  result.point_names = config.point_names;
  result.params = config.points;
  result.dyads_per_point = config.dyads;
  result.config_toml = config.toml_text;
  result.backend = backend_name(backend);
  try {
    result.allocate(n_points, layout, slots);
  } catch (const std::bad_alloc&) {
    throw OutOfMemory("out of memory: cannot allocate the results of " + std::to_string(n_points) + " point(s) (" +
                      std::to_string(layout.total * 8) + " bytes of counts and " + std::to_string(slots) +
                      " trajectory slots of " + std::to_string(layout.periods) + " periods per point)");
  }
  std::vector<PointBuffers> buffers(n_points);
  for (int32_t i = 0; i < n_points; ++i) buffers[i] = result.buffers(i);

  const uint64_t chunk =
      effective_chunk_dyads(options.chunk_dyads ? options.chunk_dyads : default_chunk_dyads(config, backend));
  const uint64_t total = (last - first) * static_cast<uint64_t>(n_points);
  const auto start = std::chrono::steady_clock::now();
  auto reported = start;
  for (uint64_t begin = first; begin < last; begin += chunk) {
    if (cancel_requested(options.cancel)) throw RunCancelled();
    ChunkRequest request;
    request.params = params.data();
    request.out = buffers.data();
    request.n_points = n_points;
    request.dyad_begin = begin;
    request.dyad_end = std::min(last, begin + chunk);
    request.threads = options.threads;
    request.cpu_lanes = options.cpu_lanes;
    request.cancel = options.cancel;
    if (backend == BackendKind::Cuda) {
      run_chunk_cuda(request);
    } else {
      // One point at a time (the CPU backend runs them one after another anyway), so that progress moves within a
      // chunk of many points, such as a study's block (one chunk of hundreds of points): every progress_interval.
      const uint64_t before = (begin - first) * static_cast<uint64_t>(n_points);
      for (int32_t i = 0; i < n_points; ++i) {
        ChunkRequest one = request;
        one.params += i;
        one.out += i;
        one.n_points = 1;
        try {
          run_chunk_cpu(one);
        } catch (const ThreadsUnavailable& e) {
          throw ConfigError("threads", e.what());
        }
        const auto now = std::chrono::steady_clock::now();
        if (i + 1 < n_points && options.on_progress && now - reported >= options.progress_interval) {
          reported = now;
          options.on_progress(before + static_cast<uint64_t>(i + 1) * (request.dyad_end - begin), total);
        }
      }
    }
    reported = std::chrono::steady_clock::now();
    const uint64_t done = (request.dyad_end - first) * static_cast<uint64_t>(n_points);
    if (options.on_progress) options.on_progress(done, total);
  }
  if (cancel_requested(options.cancel)) throw RunCancelled();  // also seen after the last chunk
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace learnrace
