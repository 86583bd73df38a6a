#include "driver.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "backend.hpp"
#include "progress_bar.hpp"

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
  if (!cuda) throw std::runtime_error("backend 'cuda' is not available: " + why);
  return BackendKind::Cuda;
}

RunResult run_experiment(const RunConfig& config, const DriverOptions& options) {
  const BackendKind backend = resolve_backend(options.backend);
  const int32_t n_points = static_cast<int32_t>(config.points.size());
  RunResult result;
  result.point_names = config.point_names;
  result.params = config.points;
  result.layout = OutputLayout::make(config.points.at(0));
  result.dyads_per_point = config.dyads;
  result.config_toml = config.toml_text;
  result.backend = backend_name(backend);
  result.points.resize(n_points);
  std::vector<PointBuffers> buffers(n_points);
  for (int32_t i = 0; i < n_points; ++i) {
    const ModelParams& p = config.points[i];
    PointResult& pr = result.points[i];
    pr.counts.assign(result.layout.total, 0);
    // Slots that can be reached with this many dyads: ids 0, stride, 2 stride, ... below dyads.
    const uint64_t reachable = (config.dyads + p.trajectory_stride - 1) / p.trajectory_stride;
    pr.trajectories.allocate(static_cast<int32_t>(std::min<uint64_t>(p.trajectory_max, reachable)), p.periods);
    buffers[i].counts = pr.counts.data();
    pr.trajectories.attach(buffers[i]);
  }
  // The kernels check slot < trajectory_max; cap it to the allocated slots.
  std::vector<ModelParams> params = config.points;
  for (int32_t i = 0; i < n_points; ++i) params[i].trajectory_max = result.points[i].trajectories.slots;

  const uint64_t chunk = std::max<uint64_t>(1, options.chunk_dyads ? options.chunk_dyads : config.chunk_dyads);
  const uint64_t total = config.dyads * static_cast<uint64_t>(n_points);
  ProgressBar bar(options.progress_bar && isatty(STDERR_FILENO), total);
  const auto start = std::chrono::steady_clock::now();
  for (uint64_t begin = 0; begin < config.dyads; begin += chunk) {
    if (options.cancel && options.cancel->load()) throw RunCancelled();
    ChunkRequest request;
    request.params = params.data();
    request.out = buffers.data();
    request.n_points = n_points;
    request.dyad_begin = begin;
    request.dyad_end = std::min(config.dyads, begin + chunk);
    request.threads = options.threads;
    if (backend == BackendKind::Cuda)
      run_chunk_cuda(request);
    else
      run_chunk_cpu(request);
    const uint64_t done = request.dyad_end * static_cast<uint64_t>(n_points);
    bar.update(done);
    if (options.on_progress) options.on_progress(done, total);
  }
  bar.finish();
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return result;
}

}  // namespace learnrace
