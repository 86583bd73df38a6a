// CPU backend: OpenMP over dyads, per-thread integer count arrays merged order-independently.
#include <omp.h>

#include <stdexcept>
#include <vector>

#include "backend.hpp"
#include "output_layout.hpp"
#include "simulate_dyad.hpp"
#include "trajectory_store.hpp"

namespace learnrace {

namespace {

/// Accumulates into a thread-local count array; trajectory records go straight to the point's
/// buffers (each sampled dyad owns its slot, so no two threads write the same element).
struct CpuSink {
  uint64_t* counts;
  const OutputLayout* layout;
  const PointBuffers* out;
  int32_t periods;

  void count_period(uint64_t index) { ++counts[index]; }
  void count_end(uint64_t index) { ++counts[index]; }
  void add_moments(const int64_t* fixed) {
    // Two's-complement wrap-around addition is associative, so int64 sums are stored as uint64.
    for (int32_t k = 0; k < 2 * kMoments; ++k) counts[layout->moments + k] += static_cast<uint64_t>(fixed[k]);
  }
  void trajectory_row(uint32_t slot, int32_t t, const TrajectoryRow& row) {
    store_trajectory_row(*out, periods, slot, t, row);
  }
  void trajectory_dyad(uint32_t slot, const TrajectoryDyad& d) { store_trajectory_dyad(*out, slot, d); }
};

}  // namespace

void run_chunk_cpu(const ChunkRequest& request) {
  const int threads = request.threads > 0 ? request.threads : omp_get_max_threads();
  for (int32_t point = 0; point < request.n_points; ++point) {
    const ModelParams& p = request.params[point];
    const OutputLayout layout = OutputLayout::make(p);
    const PointConstants constants = point_constants(p);
    const PointBuffers& out = request.out[point];
    const int64_t begin = static_cast<int64_t>(request.dyad_begin);
    const int64_t end = static_cast<int64_t>(request.dyad_end);
#pragma omp parallel num_threads(threads)
    {
      std::vector<uint64_t> local(layout.total, 0);
      CpuSink sink{local.data(), &layout, &out, p.periods};
#pragma omp for schedule(dynamic, 256) nowait
      for (int64_t dyad = begin; dyad < end; ++dyad)
        simulate_dyad(p, constants, layout, static_cast<uint64_t>(dyad), sink);
        // Integer sums: the merge order does not matter.
#pragma omp critical(learnrace_merge)
      for (uint64_t i = 0; i < layout.total; ++i) out.counts[i] += local[i];
    }
  }
}

#if !defined(LEARNRACE_HAVE_CUDA)
void run_chunk_cuda(const ChunkRequest&) {
  throw std::runtime_error(
      "backend 'cuda' requested, but learnrace was built without the CUDA backend "
      "(configure with -DLEARNRACE_CUDA=ON on a machine with nvcc)");
}
bool cuda_backend_available(std::string* why) {
  if (why) *why = "learnrace was built without the CUDA backend";
  return false;
}
#endif

}  // namespace learnrace
