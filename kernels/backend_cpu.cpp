// CPU backend: OpenMP over blocks of dyads, per-thread integer count arrays (bounded in memory) merged
// order-independently; a cancel flag is checked before every block.
#include <omp.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <memory>
#include <new>
#include <stdexcept>
#include <string>

#include "backend.hpp"
#include "cpu_simd/cpu_simd.hpp"
#include "cpu_sink.hpp"
#include "cpu_threads.hpp"
#include "output_layout.hpp"
#include "simulate_dyad.hpp"

namespace learnrace {

namespace {

uint64_t count_budget_bytes() {
  if (const char* env = std::getenv("LEARNRACE_CPU_COUNT_BUDGET")) {
    char* end = nullptr;
    const unsigned long long bytes = std::strtoull(env, &end, 10);
    if (end != env && *end == '\0') return bytes;
  }
  return kCpuCountBudgetBytes;
}

/// simulate_dyad over dyads [begin, end), `lanes` at a time in lockstep (a supported lane count).
template <bool Shared>
void simulate_range(int32_t lanes, const ModelParams& p, const PointConstants& constants, const OutputLayout& layout,
                    uint64_t begin, uint64_t end, CpuSink<Shared>& sink) {
#if defined(LEARNRACE_CPU_SIMD)
  // The lockstep paths need at least one period (a dyad ends within its periods).
  if (lanes == 16 && p.periods > 0) return cpu_avx512::simulate_range(p, constants, layout, begin, end, sink);
  if (lanes == 8 && p.periods > 0) return cpu_avx2::simulate_range(p, constants, layout, begin, end, sink);
#endif
  (void)lanes;
  for (uint64_t dyad = begin; dyad < end; ++dyad) simulate_dyad(p, constants, layout, dyad, sink);
}

/// Simulates dyads [begin, end) in blocks of kCpuDyadBlock handed out one at a time from `next_block` (dynamic
/// scheduling); a thread stops taking blocks once `cancel` is set (then `stopped` is set).
template <bool Shared>
void simulate_blocks(int32_t lanes, const ModelParams& p, const PointConstants& constants, const OutputLayout& layout,
                     const PointBuffers& out, uint64_t* counts, int64_t begin, int64_t end,
                     std::atomic<int64_t>& next_block, const std::atomic<bool>* cancel, std::atomic<bool>& stopped) {
  CpuSink<Shared> sink{counts, &layout, &out, p.periods};
  const int64_t blocks = (end - begin + kCpuDyadBlock - 1) / kCpuDyadBlock;
  for (int64_t b = next_block.fetch_add(1, std::memory_order_relaxed); b < blocks;
       b = next_block.fetch_add(1, std::memory_order_relaxed)) {
    if (cancel_requested(cancel)) {
      stopped.store(true, std::memory_order_relaxed);
      break;
    }
    const int64_t lo = begin + b * kCpuDyadBlock;
    const int64_t hi = std::min(end, lo + kCpuDyadBlock);
    simulate_range(lanes, p, constants, layout, static_cast<uint64_t>(lo), static_cast<uint64_t>(hi), sink);
  }
}

}  // namespace

int cpu_count_copies(uint64_t words, int threads, uint64_t budget_bytes) {
  const uint64_t copy_bytes = std::max<uint64_t>(1, words) * sizeof(uint64_t);
  const uint64_t affordable = std::max<uint64_t>(1, budget_bytes / copy_bytes);
  return static_cast<int>(std::min<uint64_t>(static_cast<uint64_t>(std::max(threads, 1)), affordable));
}

bool cpu_lanes_supported(int32_t lanes) {
  if (lanes == kCpuLanesScalar) return true;
#if defined(LEARNRACE_CPU_SIMD)
  __builtin_cpu_init();
  if (lanes == 8) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  if (lanes == 16)
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
           __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl");
#endif
  return false;
}

int32_t cpu_lanes_widest() {
  int32_t cap = 16;
  if (const char* env = std::getenv("LEARNRACE_CPU_LANES")) {
    const std::string v = env;
    if (v == "1" || v == "8" || v == "16")
      cap = std::stoi(v);
    else
      throw std::invalid_argument("LEARNRACE_CPU_LANES=" + v + ": expected 1 (scalar), 8 (AVX2) or 16 (AVX-512)");
  }
  for (int32_t lanes : {16, 8})
    if (lanes <= cap && cpu_lanes_supported(lanes)) return lanes;
  return kCpuLanesScalar;
}

void run_chunk_cpu(const ChunkRequest& request) {
  const int threads = request.threads > 0 ? request.threads : omp_get_max_threads();
  const int32_t lanes = request.cpu_lanes == kCpuLanesWidest ? cpu_lanes_widest() : request.cpu_lanes;
  if (!cpu_lanes_supported(lanes))
    throw std::invalid_argument("CPU backend: cpu_lanes = " + std::to_string(request.cpu_lanes) +
                                " is not supported here (1 always; 8 needs AVX2 and FMA, 16 needs AVX-512 F/DQ/BW/VL, "
                                "both an x86-64 build with the SIMD paths; 0 picks the widest)");
  std::atomic<bool> stopped{false};
  for (int32_t point = 0; point < request.n_points; ++point) {
    if (cancel_requested(request.cancel)) throw RunCancelled();
    const ModelParams& p = request.params[point];
    const OutputLayout layout = OutputLayout::make(p);
    const PointConstants constants = point_constants(p);
    const PointBuffers& out = request.out[point];
    const int64_t begin = static_cast<int64_t>(request.dyad_begin);
    const int64_t end = static_cast<int64_t>(request.dyad_end);
    const uint64_t words = layout.total;
    // A chunk of fewer blocks than threads keeps only as many threads busy as it has blocks; with one, the calling
    // thread adds straight into the point's counts: no parallel region, no per-thread arrays to zero and merge.
    const int64_t blocks = (end - begin + kCpuDyadBlock - 1) / kCpuDyadBlock;
    const int team_size = static_cast<int>(std::min<int64_t>(threads, std::max<int64_t>(1, blocks)));
    std::atomic<int64_t> next_block{0};
    if (team_size == 1) {
      simulate_blocks<false>(lanes, p, constants, layout, out, out.counts, begin, end, next_block, request.cancel,
                             stopped);
      if (stopped.load()) throw RunCancelled();  // the point's counts then hold part of the chunk (backend.hpp)
      continue;
    }
    // Count copies bounded by the budget, allocated here (not inside the parallel region, where an exception
    // would end the process) and zeroed by the threads that first use them.
    const int copies = cpu_count_copies(words, team_size, count_budget_bytes());
    const uint64_t local_words = static_cast<uint64_t>(copies) * words;
    std::unique_ptr<uint64_t[]> local(new (std::nothrow) uint64_t[local_words]);
    if (!local)
      throw OutOfMemory("CPU backend: out of memory: cannot allocate " + std::to_string(local_words * 8) +
                        " bytes for " + std::to_string(copies) + " per-thread count arrays of " +
                        std::to_string(words * 8) + " bytes");
    require_threads(team_size);  // libgomp ends the process when it cannot create a thread: fail here instead
#pragma omp parallel num_threads(team_size)
    {
      const int tid = omp_get_thread_num();
      const int team = omp_get_num_threads();  // may be fewer than asked for
      for (int c = tid; c < copies; c += team) std::fill_n(local.get() + static_cast<uint64_t>(c) * words, words, 0);
#pragma omp barrier
      uint64_t* mine = local.get() + static_cast<uint64_t>(tid % copies) * words;
      if (copies < team)
        simulate_blocks<true>(lanes, p, constants, layout, out, mine, begin, end, next_block, request.cancel, stopped);
      else
        simulate_blocks<false>(lanes, p, constants, layout, out, mine, begin, end, next_block, request.cancel, stopped);
#pragma omp barrier
      // Every copy is complete and `stopped` final. Integer sums: the merge order does not matter. A cancelled
      // chunk is not merged.
      if (!stopped.load(std::memory_order_relaxed)) {
#pragma omp for schedule(static)
        for (int64_t i = 0; i < static_cast<int64_t>(words); ++i) {
          uint64_t sum = 0;
          for (int c = 0; c < copies; ++c) sum += local[static_cast<uint64_t>(c) * words + i];
          out.counts[i] += sum;
        }
      }
    }
    if (stopped.load()) throw RunCancelled();
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
