// Plain C++ entry points of the backends (HOOMD-blue's "kernel driver" pattern): no CUDA types
// appear here, so host code and the Python bindings never need nvcc.
#pragma once

#include <atomic>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "output_fields.hpp"
#include "params.hpp"
#include "run_cancelled.hpp"

namespace learnrace {

/// Where one point's results go (host memory; the driver points into the point's slice of RunResult's
/// contiguous [points][...] arrays). Counts are ADDED to; trajectory slots are written. Trajectory
/// per-period arrays hold (at least) [trajectory_max][periods], per-dyad arrays [trajectory_max];
/// all pointers may be null when trajectory_max == 0.
struct PointBuffers {
  uint64_t* counts = nullptr;  // OutputLayout::total words
  // traj_<member> for every trajectory field (output_fields.hpp), e.g. traj_pair, traj_x_a, traj_dyad.
#define LR_X(member, name, store, record, fill, doc) store* traj_##member = nullptr;
  LR_TRAJECTORY_PERIOD_FIELDS(LR_X)
  LR_TRAJECTORY_DYAD_FIELDS(LR_X)
#undef LR_X
};

/// Simulate dyads [dyad_begin, dyad_end) of every point. All points share periods and output shape.
struct ChunkRequest {
  const ModelParams* params = nullptr;  // [n_points]
  PointBuffers* out = nullptr;          // [n_points]
  int32_t n_points = 0;
  uint64_t dyad_begin = 0;
  uint64_t dyad_end = 0;
  int32_t threads = 0;  // CPU backend: OpenMP threads (0 = OpenMP default)
  /// CPU backend: dyads per thread in lockstep (cpu_simd/lockstep.hpp): kCpuLanesWidest, kCpuLanesScalar (one dyad
  /// at a time), or 8 (AVX2) or 16 (AVX-512) where cpu_lanes_supported says so. The results never depend on it.
  int32_t cpu_lanes = 0;
  /// When set, the backend stops early and throws RunCancelled: the CPU backend checks it before every block of
  /// kCpuDyadBlock dyads, the CUDA backend between kernel launches. The buffers then hold partial counts.
  const std::atomic<bool>* cancel = nullptr;
};

/// Memory for a run could not be allocated; what() says how much and for what (Python: MemoryError).
class OutOfMemory : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Dyads the CPU backend simulates between two looks at ChunkRequest::cancel (also its OpenMP scheduling unit).
constexpr int64_t kCpuDyadBlock = 256;

/// ChunkRequest::cpu_lanes: the widest lockstep SIMD path this CPU and build run (cpu_lanes_widest()).
constexpr int32_t kCpuLanesWidest = 0;
/// ChunkRequest::cpu_lanes: one dyad at a time, the scalar reference path.
constexpr int32_t kCpuLanesScalar = 1;

/// Whether the CPU backend runs `lanes` dyads per thread in lockstep on this CPU (1 always; 8: AVX2 and FMA;
/// 16: AVX-512 F, DQ, BW and VL; both only in x86-64 builds with the SIMD paths).
bool cpu_lanes_supported(int32_t lanes);

/// The widest supported lane count: 16, 8 or 1. LEARNRACE_CPU_LANES=1 (or 8) in the environment caps it.
int32_t cpu_lanes_widest();

/// Bytes of per-thread count arrays the CPU backend allocates at most (each thread adds into a private copy of a
/// point's counts; beyond this budget threads share copies and add atomically). LEARNRACE_CPU_COUNT_BUDGET (bytes)
/// lowers or raises it (tests use it to force shared copies).
constexpr uint64_t kCpuCountBudgetBytes = uint64_t{256} << 20;

/// Private count copies for `threads` threads when one copy has `words` uint64 words and the budget is
/// `budget_bytes`: min(threads, budget / copy), at least 1.
int cpu_count_copies(uint64_t words, int threads, uint64_t budget_bytes);

/// Throws RunCancelled (see ChunkRequest::cancel), OutOfMemory when the per-thread count arrays cannot be
/// allocated (the message gives the bytes asked for), ThreadsUnavailable (cpu_threads.hpp) when the threads cannot
/// all be started, and std::invalid_argument for an unsupported cpu_lanes.
void run_chunk_cpu(const ChunkRequest& request);

/// Throws std::runtime_error with a clear message on any CUDA error, or if the library was built
/// without the CUDA backend.
void run_chunk_cuda(const ChunkRequest& request);

/// True when the CUDA backend is compiled in and a device is usable; otherwise `why` says why not.
bool cuda_backend_available(std::string* why);

}  // namespace learnrace
