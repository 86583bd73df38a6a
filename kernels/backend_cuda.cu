// CUDA backend (docs/model.md section 18): the model of simulate_dyad.hpp on NVIDIA GPUs, bit for bit equal to
// the CPU backend (same float code, -fmad=false with explicit lr_fma only, own exp/log; integer counts
// merged with atomics).
//
// Scheduling. Each thread is a lane that runs one dyad at a time, period by period, in registers.
// Dyads end after very different numbers of periods (the median is a few, the longest T_max), so a
// lane whose dyad ends takes the next one at once instead of idling until the warp's longest dyad
// is done. The expensive per-dyad work runs in lock step for 32 dyads at a time, never for a few
// lanes while the others wait:
//   - start: the warp draws the initial conditions of the next 32 dyads together and parks them in
//     a per-warp shared-memory queue ("init ring"); lanes whose dyad ended pop from it;
//   - end: a finished dyad's outcome record goes into a second per-warp queue ("end ring"); when 32
//     are queued the warp computes their histograms and fixed-point moments together, with
//     warp-aggregated atomics (__match_any_sync) and REDUX warp sums of the moments.
// Dyads are handed out 32 at a time from a per-point global counter, so blocks of a point balance
// their load. A block never straddles two points; up to kMaxPointsPerLaunch points run in one launch (parameters and
// PointConstants in constant memory; the kernel's copy of its point's constants sits in uniform registers).
//
// Many points of few dyads (inference: 10^5 points x 1,000 dyads) run streamed instead (use_streamed,
// streamed_kernel): all points' parameters and constants in global memory, each warp takes the next point and runs
// its dyads alone (1,000 dyads keep 32 lanes busy, not 1,024), counts go to the global array with one atomic per warp
// and index. Every dyad has the same random streams and the counts are integer sums, so both paths give the same
// numbers.
//
// Accumulation. The count array's prefix [0, shared_words) (the per-dyad-period sections first,
// then the per-dyad histograms) lives in each block's shared memory as uint32 and is added to the
// global uint64 counts once, when the block ends. Configurations whose sections do not fit (long
// horizons, many factor bins) keep the prefix that fits and send the rest straight to global
// atomics. Launches are sized so that no uint32 shared counter can overflow.
//
// Libraries: CUB's CachingDeviceAllocator provides the device buffers and cub::WarpReduce the warp
// sums of the moments (a single REDUX instruction on sm_80+, the same SASS as the intrinsic).
//
// Files: cuda/launch_shape.hpp (shape, queue layout, kernel arguments), cuda/sinks.cuh,
// cuda/warp_queues.cuh, cuda/dyad_kernel.cuh (device code), cuda/trajectory_plan.hpp and this file
// (host side: device buffers, checks, launches).
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdlib>
#include <cub/util_allocator.cuh>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "backend.hpp"
#include "cuda/check.hpp"
#include "cuda/dyad_kernel.cuh"
#include "cuda/launch_shape.hpp"
#include "cuda/trajectory_plan.hpp"
#include "output_layout.hpp"

namespace learnrace {

namespace {

using namespace cuda_detail;

// ---------------------------------------------------------------------------------------------
// Host side: device buffers (grow-only, reused across chunks: memory never grows with dyads).

/// A grow-only device buffer whose memory comes from CUB's caching allocator (stream-ordered; a
/// failed cudaMalloc first releases the cache and retries).
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  // Freed only at process exit by the driver (destroying CUDA objects in static destructors can
  // fail after the runtime has shut down), so no destructor.

  void* reserve(cub::CachingDeviceAllocator& allocator, size_t bytes, cudaStream_t stream) {
    if (bytes > capacity_) {
      if (ptr_) LR_CUDA_CHECK(allocator.DeviceFree(ptr_));
      ptr_ = nullptr;
      capacity_ = 0;
      LR_CUDA_CHECK(allocator.DeviceAllocate(&ptr_, bytes, stream));
      capacity_ = bytes;
    }
    return ptr_;
  }

 private:
  void* ptr_ = nullptr;
  size_t capacity_ = 0;
};

struct CudaContext {
  std::mutex mutex;  // one chunk at a time: constant memory and buffers are shared
  bool ready = false;
  int device = -1;
  cudaDeviceProp prop{};
  cudaStream_t stream = nullptr;
  cub::CachingDeviceAllocator allocator{/*skip_cleanup=*/true};  // see DeviceBuffer
  DeviceBuffer counts, next_dyad, traj_table, traj_arena, point_params, point_constants;

  void* reserve(DeviceBuffer& buffer, size_t bytes) { return buffer.reserve(allocator, bytes, stream); }
};

CudaContext& context() {
  static CudaContext* ctx = new CudaContext();  // never destroyed, see DeviceBuffer
  return *ctx;
}

bool probe_device(std::string* why) {
  int n = 0;
  cudaError_t err = cudaGetDeviceCount(&n);
  if (err != cudaSuccess) {
    cudaGetLastError();
    if (why)
      *why = std::string("no usable CUDA device (cudaGetDeviceCount: ") + cudaGetErrorName(err) + ": " +
             cudaGetErrorString(err) + ")";
    return false;
  }
  if (n == 0) {
    if (why) *why = "no CUDA device found";
    return false;
  }
  cudaFuncAttributes attr;
  err = cudaFuncGetAttributes(&attr, dyad_kernel<0, true, false>);
  if (err != cudaSuccess) {
    cudaGetLastError();
    int device = 0, major = 0, minor = 0;
    cudaGetDevice(&device);
    cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, device);
    cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, device);
    if (why)
      *why = "the CUDA backend cannot run on device " + std::to_string(device) + " (compute capability " +
             std::to_string(major) + "." + std::to_string(minor) + "; rebuild with CMAKE_CUDA_ARCHITECTURES " +
             "including it): " + cudaGetErrorName(err) + ": " + cudaGetErrorString(err);
    return false;
  }
  return true;
}

void ensure_ready(CudaContext& ctx) {
  std::string why;
  if (!probe_device(&why)) throw std::runtime_error("backend 'cuda' is not available: " + why);
  int device = 0;
  LR_CUDA_CHECK(cudaGetDevice(&device));
  if (ctx.ready && ctx.device == device) return;
  if (ctx.ready) throw std::runtime_error("CUDA backend: the current device changed between runs (unsupported)");
  LR_CUDA_CHECK(cudaGetDeviceProperties(&ctx.prop, device));
  LR_CUDA_CHECK(cudaStreamCreateWithFlags(&ctx.stream, cudaStreamNonBlocking));
  ctx.device = device;
  ctx.ready = true;
}

void check_request(const ChunkRequest& r) {
  if (r.n_points <= 0 || r.params == nullptr || r.out == nullptr)
    throw std::invalid_argument("CUDA backend: empty chunk request (no points, params or outputs)");
  if (r.dyad_end < r.dyad_begin) throw std::invalid_argument("CUDA backend: dyad_end < dyad_begin");
  const ModelParams& p0 = r.params[0];
  for (int32_t i = 0; i < r.n_points; ++i) {
    const ModelParams& p = r.params[i];
    if (p.periods != p0.periods || p.factor_bins != p0.factor_bins || p.hist_bins != p0.hist_bins)
      throw std::invalid_argument("CUDA backend: all points of a chunk must share periods, factor_bins and hist_bins");
    if (p.periods < 0 || p.factor_bins < 1 || p.hist_bins < 1)
      throw std::invalid_argument("CUDA backend: periods >= 0, factor_bins >= 1 and hist_bins >= 1 are required");
    if (p.trajectory_max > 0 && p.trajectory_stride == 0)
      throw std::invalid_argument("CUDA backend: trajectory_stride must be >= 1");
    if (r.out[i].counts == nullptr) throw std::invalid_argument("CUDA backend: a point has no count buffer");
  }
}

/// Words of the count prefix kept in shared memory: all of [0, moments) when it fits beside the
/// queues at kMinBlocksPerSm blocks per SM; LEARNRACE_CUDA_SHARED_WORDS lowers it (tests use it to
/// force the global-atomic fallback).
uint32_t shared_words_for(const cudaDeviceProp& prop, const OutputLayout& lay) {
  const size_t per_block = std::min<size_t>(
      prop.sharedMemPerMultiprocessor / kMinBlocksPerSm - prop.reservedSharedMemPerBlock, prop.sharedMemPerBlockOptin);
  const size_t static_bytes = 0;  // the kernel has no static shared memory
  const size_t budget = per_block > kRingBytes + static_bytes + 64 ? per_block - kRingBytes - static_bytes - 64 : 0;
  uint64_t words = std::min<uint64_t>(lay.moments, budget / sizeof(uint32_t));
  if (const char* env = std::getenv("LEARNRACE_CUDA_SHARED_WORDS")) {
    char* end = nullptr;
    const unsigned long long limit = std::strtoull(env, &end, 10);
    if (end != env) words = std::min<uint64_t>(words, limit);
  }
  return static_cast<uint32_t>(words);
}

using KernelFn = void (*)(LaunchArgs);

/// The kernel instance for a transition kernel, whether the per-period sections fit in shared memory and whether
/// some point of the launch has scenario events.
KernelFn kernel_for(int32_t kernel, bool period_shared, bool events) {
  if (kernel == static_cast<int32_t>(KernelType::Propositional)) {
    if (events) return period_shared ? dyad_kernel<0, true, true> : dyad_kernel<0, false, true>;
    return period_shared ? dyad_kernel<0, true, false> : dyad_kernel<0, false, false>;
  }
  if (events) return period_shared ? dyad_kernel<1, true, true> : dyad_kernel<1, false, true>;
  return period_shared ? dyad_kernel<1, true, false> : dyad_kernel<1, false, false>;
}

/// The streamed kernel instance (points in global memory, a warp per point) for a transition kernel.
KernelFn streamed_kernel_for(int32_t kernel, bool events) {
  if (kernel == static_cast<int32_t>(KernelType::Propositional))
    return events ? streamed_kernel<0, true> : streamed_kernel<0, false>;
  return events ? streamed_kernel<1, true> : streamed_kernel<1, false>;
}

/// Whether `points` contiguous points of `dyads` dyads each run streamed (streamed_kernel) rather than in blocks of
/// one point with constant-memory parameters (dyad_kernel): when they need more than one constant-memory launch and a
/// point's dyads are too few to keep a block busy (kStreamedMaxDyads). LEARNRACE_CUDA_STREAMED=1 (0) forces the
/// streamed (block) path: the GPU tests run both, benchmarks compare them.
bool use_streamed(size_t points, uint64_t dyads) {
  if (const char* env = std::getenv("LEARNRACE_CUDA_STREAMED")) {
    if (env[0] == '1') return true;
    if (env[0] == '0') return false;
  }
  return points > static_cast<size_t>(kMaxPointsPerLaunch) && dyads < kStreamedMaxDyads;
}

/// Raises the kernel's dynamic shared-memory limit to `smem` (needed before the occupancy query
/// and the launch) and returns how many of its blocks fit on one SM.
int prepare_kernel(KernelFn fn, size_t smem) {
  LR_CUDA_CHECK(cudaFuncSetAttribute(reinterpret_cast<const void*>(fn), cudaFuncAttributeMaxDynamicSharedMemorySize,
                                     static_cast<int>(smem)));
  int blocks_per_sm = 0;
  LR_CUDA_CHECK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks_per_sm, fn, kThreads, smem));
  if (blocks_per_sm < 1)
    throw std::runtime_error("CUDA backend: the kernel does not fit on an SM with " + std::to_string(smem) +
                             " bytes of shared memory");
  return blocks_per_sm;
}

void launch(const CudaContext& ctx, KernelFn fn, size_t smem, LaunchArgs args, uint64_t blocks) {
  void* kernel_args[] = {&args};
  LR_CUDA_CHECK(cudaLaunchKernel(reinterpret_cast<const void*>(fn), dim3(static_cast<unsigned>(blocks)), dim3(kThreads),
                                 kernel_args, smem, ctx.stream));
  LR_CUDA_CHECK(cudaGetLastError());
}

}  // namespace

bool cuda_backend_available(std::string* why) { return probe_device(why); }

void run_chunk_cuda(const ChunkRequest& request) {
  check_request(request);
  CudaContext& ctx = context();
  std::lock_guard<std::mutex> lock(ctx.mutex);
  ensure_ready(ctx);

  const int32_t n_points = request.n_points;
  const OutputLayout lay = OutputLayout::make(request.params[0]);
  const uint64_t dyads = request.dyad_end - request.dyad_begin;
  const int32_t periods = request.params[0].periods;

  // Device copies of the parameters: trajectories off where the host gave no buffers.
  std::vector<ModelParams> params(request.params, request.params + n_points);
  std::vector<DeviceTraj> table(n_points);
  for (int32_t i = 0; i < n_points; ++i) {
    if (!has_trajectory_buffers(request.out[i], params[i].periods)) params[i].trajectory_max = 0;
    slot_range(params[i], request.dyad_begin, request.dyad_end, &table[i].slot_lo, &table[i].slot_hi);
  }
  std::vector<TrajCopy> copies;
  const size_t arena_bytes = plan_trajectories(request, params, table, copies, nullptr);
  char* arena = static_cast<char*>(ctx.reserve(ctx.traj_arena, std::max<size_t>(arena_bytes, 256)));
  plan_trajectories(request, params, table, copies, arena);

  const size_t count_words = static_cast<size_t>(n_points) * lay.total;
  uint64_t* d_counts = static_cast<uint64_t*>(ctx.reserve(ctx.counts, count_words * sizeof(uint64_t)));
  uint32_t* d_next = static_cast<uint32_t*>(ctx.reserve(ctx.next_dyad, n_points * sizeof(uint32_t)));
  DeviceTraj* d_table = static_cast<DeviceTraj*>(ctx.reserve(ctx.traj_table, n_points * sizeof(DeviceTraj)));
  LR_CUDA_CHECK(cudaMemsetAsync(d_counts, 0, count_words * sizeof(uint64_t), ctx.stream));
  LR_CUDA_CHECK(
      cudaMemcpyAsync(d_table, table.data(), n_points * sizeof(DeviceTraj), cudaMemcpyHostToDevice, ctx.stream));
  // Slots the kernel does not write (periods after a dyad ended) keep the host's values.
  for (const TrajCopy& c : copies)
    LR_CUDA_CHECK(cudaMemcpyAsync(c.device, c.host, c.bytes, cudaMemcpyHostToDevice, ctx.stream));

  if (dyads > 0) {
    const uint32_t shared_words = shared_words_for(ctx.prop, lay);
    const size_t smem = kRingBytes + static_cast<size_t>(shared_words) * sizeof(uint32_t);
    // No uint32 shared counter may overflow: a block sees at most dyads_per_launch * periods events per word.
    // The work counter (uint32, handed out 32 at a time per warp) must not wrap either.
    const uint64_t max_per_launch =
        std::min<uint64_t>(0xffffffffull / static_cast<uint64_t>(std::max(periods, 1)), 1ull << 30);
    // Per-point constants (Philox round keys, reciprocals), derived here from the very params uploaded below.
    std::vector<PointConstants> constants(static_cast<size_t>(n_points));
    for (int32_t i = 0; i < n_points; ++i) constants[i] = point_constants(params[i]);
    // The per-point parameters and constants in global memory, uploaded once, for the streamed launches.
    const ModelParams* d_params = nullptr;
    const PointConstants* d_constants = nullptr;
    const auto upload_points = [&]() {
      if (d_params) return;
      void* pp = ctx.reserve(ctx.point_params, static_cast<size_t>(n_points) * sizeof(ModelParams));
      void* pc = ctx.reserve(ctx.point_constants, static_cast<size_t>(n_points) * sizeof(PointConstants));
      LR_CUDA_CHECK(cudaMemcpyAsync(pp, params.data(), static_cast<size_t>(n_points) * sizeof(ModelParams),
                                    cudaMemcpyHostToDevice, ctx.stream));
      LR_CUDA_CHECK(cudaMemcpyAsync(pc, constants.data(), static_cast<size_t>(n_points) * sizeof(PointConstants),
                                    cudaMemcpyHostToDevice, ctx.stream));
      d_params = static_cast<const ModelParams*>(pp);
      d_constants = static_cast<const PointConstants*>(pc);
    };
    // Points [first, first + group) of one kernel in the launches of `fn`, their dyads split so that no counter wraps.
    const auto run_launches = [&](int32_t first, uint32_t group, bool streamed, KernelFn fn, size_t fn_smem,
                                  uint32_t fn_shared_words) {
      const uint64_t resident = static_cast<uint64_t>(prepare_kernel(fn, fn_smem)) * ctx.prop.multiProcessorCount;
      for (uint64_t done = 0; done < dyads; done += max_per_launch) {
        const uint64_t n = std::min(max_per_launch, dyads - done);
        LaunchArgs args{};
        args.lay = lay;
        args.counts = d_counts + static_cast<size_t>(first) * lay.total;
        args.next_dyad = d_next;
        args.traj = d_table + first;
        args.dyad_begin = request.dyad_begin + done;
        args.dyad_count = static_cast<uint32_t>(n);
        args.shared_words = fn_shared_words;
        uint64_t blocks = 0;
        if (streamed) {
          args.params = d_params + first;
          args.constants = d_constants + first;
          args.next_point = d_next;
          args.n_points = group;
          args.blocks_per_point = 1;  // unused: the warps take the points
          blocks = std::max<uint64_t>(1, std::min<uint64_t>(resident, (group + kWarpsPerBlock - 1) / kWarpsPerBlock));
        } else {
          const uint64_t want = (resident + group - 1) / group;
          const uint64_t useful = (n + kThreads - 1) / kThreads;
          args.blocks_per_point = static_cast<uint32_t>(std::max<uint64_t>(1, std::min(want, useful)));
          blocks = static_cast<uint64_t>(group) * args.blocks_per_point;
        }
        // Cancellation is seen between launches: with a cancel flag each launch is waited for before the next.
        if (cancel_requested(request.cancel)) {
          LR_CUDA_CHECK(cudaStreamSynchronize(ctx.stream));
          throw RunCancelled();
        }
        LR_CUDA_CHECK(cudaMemsetAsync(d_next, 0, (streamed ? 1 : group) * sizeof(uint32_t), ctx.stream));
        launch(ctx, fn, fn_smem, args, blocks);
        if (request.cancel) LR_CUDA_CHECK(cudaStreamSynchronize(ctx.stream));
      }
    };
    for (int32_t kernel = 0; kernel < 2; ++kernel) {
      std::vector<int32_t> members;
      for (int32_t i = 0; i < n_points; ++i)
        if (static_cast<int32_t>(params[i].kernel) == kernel) members.push_back(i);
      // Points of one launch must be contiguous in the count array: split at gaps.
      size_t g = 0;
      while (g < members.size()) {
        size_t h = g + 1;
        while (h < members.size() && members[h] == members[h - 1] + 1) ++h;
        const auto any_events = [&](size_t lo, size_t hi) {
          bool events = false;
          for (size_t m = lo; m < hi; ++m) events = events || params[members[m]].n_events > 0;
          return events;
        };
        if (use_streamed(h - g, dyads)) {
          upload_points();
          run_launches(members[g], static_cast<uint32_t>(h - g), true, streamed_kernel_for(kernel, any_events(g, h)),
                       kRingBytes, 0u);
        } else {
          for (size_t lo = g; lo < h; lo += static_cast<size_t>(kMaxPointsPerLaunch)) {
            const size_t hi = std::min(h, lo + static_cast<size_t>(kMaxPointsPerLaunch));
            const int32_t first = members[lo];
            const uint32_t group = static_cast<uint32_t>(hi - lo);
            const KernelFn fn = kernel_for(kernel, shared_words >= lay.period_end, any_events(lo, hi));
            LR_CUDA_CHECK(cudaMemcpyToSymbolAsync(c_params, &params[first], group * sizeof(ModelParams), 0,
                                                  cudaMemcpyHostToDevice, ctx.stream));
            LR_CUDA_CHECK(cudaMemcpyToSymbolAsync(c_point, &constants[first], group * sizeof(PointConstants), 0,
                                                  cudaMemcpyHostToDevice, ctx.stream));
            run_launches(first, group, false, fn, smem, shared_words);
          }
        }
        g = h;
      }
    }
  }

  std::vector<uint64_t> host_counts(count_words);
  LR_CUDA_CHECK(cudaMemcpyAsync(host_counts.data(), d_counts, count_words * sizeof(uint64_t), cudaMemcpyDeviceToHost,
                                ctx.stream));
  for (const TrajCopy& c : copies)
    LR_CUDA_CHECK(cudaMemcpyAsync(c.host, c.device, c.bytes, cudaMemcpyDeviceToHost, ctx.stream));
  LR_CUDA_CHECK(cudaStreamSynchronize(ctx.stream));
  if (cancel_requested(request.cancel)) throw RunCancelled();  // a cancelled chunk is not merged
  for (int32_t i = 0; i < n_points; ++i) {
    uint64_t* out = request.out[i].counts;
    const uint64_t* in = host_counts.data() + static_cast<size_t>(i) * lay.total;
    for (uint64_t k = 0; k < lay.total; ++k) out[k] += in[k];
  }
}

}  // namespace learnrace
