// CUDA backend (DESIGN.md): the model of simulate_dyad.hpp on NVIDIA GPUs, bit for bit equal to
// the CPU backend (same float code, -fmad=false, own exp/log; integer counts merged with atomics).
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
//     warp-aggregated atomics (__match_any_sync) and a CUB warp reduction of the moments.
// Dyads are handed out 32 at a time from a per-point global counter, so blocks of a point balance
// their load. A block never straddles two points; many points run in one launch (parameters in
// constant memory).
//
// Accumulation. The count array's prefix [0, shared_words) (the per-dyad-period sections first,
// then the per-dyad histograms) lives in each block's shared memory as uint32 and is added to the
// global uint64 counts once, when the block ends. Configurations whose sections do not fit (long
// horizons, many factor bins) keep the prefix that fits and send the rest straight to global
// atomics. Launches are sized so that no uint32 shared counter can overflow.
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "backend.hpp"
#include "output_layout.hpp"
#include "simulate_dyad.hpp"
#include "trajectory_store.hpp"

namespace learnrace {

namespace {

// ---------------------------------------------------------------------------------------------
// Error checking: every CUDA call and launch goes through this.

[[noreturn]] void throw_cuda(cudaError_t err, const char* call, const char* file, int line) {
  throw std::runtime_error(std::string("CUDA backend: ") + call + " failed: " + cudaGetErrorName(err) + ": " +
                           cudaGetErrorString(err) + " (" + file + ":" + std::to_string(line) + ")");
}
#define LR_CUDA_CHECK(call)                                                     \
  do {                                                                          \
    const cudaError_t lr_err_ = (call);                                         \
    if (lr_err_ != cudaSuccess) throw_cuda(lr_err_, #call, __FILE__, __LINE__); \
  } while (0)

// ---------------------------------------------------------------------------------------------
// Launch shape.

// Tuning knobs (overridable at compile time for experiments): one block of 32 warps per SM (a
// 64-register cap). Measured on an H100 against 2 x 16, 2 x 12, 3 x 8 and 1 x 16 warps: fastest,
// and one histogram per SM halves the flush and leaves ~150 KB of shared memory for it.
#ifndef LR_WARPS_PER_BLOCK
#define LR_WARPS_PER_BLOCK 32
#endif
#ifndef LR_MIN_BLOCKS
#define LR_MIN_BLOCKS 1
#endif
#ifndef LR_MIN_BLOCKS_STRATEGIC
#define LR_MIN_BLOCKS_STRATEGIC LR_MIN_BLOCKS
#endif
constexpr int32_t kWarpsPerBlock = LR_WARPS_PER_BLOCK;
constexpr int32_t kThreads = 32 * kWarpsPerBlock;
constexpr int32_t kMinBlocksPerSm = LR_MIN_BLOCKS;  // shared memory is budgeted for this many blocks
constexpr int32_t min_blocks_for(int32_t kernel) {
  return kernel == static_cast<int32_t>(KernelType::Strategic) ? LR_MIN_BLOCKS_STRATEGIC : LR_MIN_BLOCKS;
}
constexpr uint32_t kFullMask = 0xffffffffu;
constexpr int32_t kMaxPointsPerLaunch = 64;  // 64 * sizeof(ModelParams) of constant memory
constexpr uint32_t kNoSlot = 0xffffffffu;

// Per-warp queues in shared memory, structure of arrays [field][32] (one bank per lane).
enum InitField : int32_t {
  InitZTrust = 0,
  InitZStakes,
  InitZOrient,
  InitRelation,
  InitKnowA,
  InitKnowB,
  InitEquityA,
  InitPowerStart,
  InitPacked,  // intent_a | intent_b << 8 | s_a << 16 | s_b << 24
  InitOffset,  // dyad - LaunchArgs::dyad_begin
  InitSlot,    // trajectory slot or kNoSlot
  kInitFields
};
enum EndField : int32_t { EndGainA = 0, EndGainB, EndShift, EndXA, EndXB, EndZTrust, EndCauseDuration, kEndFields };
constexpr int32_t kRingWords = 32 * (kInitFields + kEndFields);
constexpr size_t kRingBytes = sizeof(uint32_t) * kRingWords * kWarpsPerBlock;

__constant__ ModelParams c_params[kMaxPointsPerLaunch];

/// Trajectory buffers of one point on the device, for slots [slot_lo, slot_hi) of this chunk.
struct DeviceTraj {
  PointBuffers buf;
  uint32_t slot_lo = 0;
  uint32_t slot_hi = 0;
};

struct LaunchArgs {
  OutputLayout lay;
  uint64_t* counts;        // [points of the launch][lay.total]
  uint32_t* next_dyad;     // [points of the launch] dyads handed out so far
  const DeviceTraj* traj;  // [points of the launch]
  uint64_t dyad_begin;     // dyads [dyad_begin, dyad_begin + dyad_count) of every point
  uint32_t dyad_count;
  uint32_t blocks_per_point;
  uint32_t shared_words;  // counts [0, shared_words) accumulate in shared memory (<= lay.moments)
};

// ---------------------------------------------------------------------------------------------
// Sinks (simulate_dyad.hpp's Sink concept).

__device__ __forceinline__ void add_count(const LaunchArgs& a, uint32_t* hist, uint64_t* counts, uint32_t i,
                                          uint32_t n) {
  if (i < a.shared_words)
    atomicAdd(&hist[i], n);
  else
    atomicAdd(reinterpret_cast<unsigned long long*>(&counts[i]), static_cast<unsigned long long>(n));
}

/// Per-period counts of one lane; trajectory rows of sampled dyads go to the device buffers.
/// kPeriodShared: all per-dyad-period sections are in shared memory (no global fallback branch).
template <bool kPeriodShared>
struct PeriodSink {
  const LaunchArgs* a;
  uint32_t* hist;
  uint64_t* counts;
  const DeviceTraj* traj;
  int32_t periods;

  __device__ void count_period(uint64_t index) {
    if (kPeriodShared)
      atomicAdd(&hist[static_cast<uint32_t>(index)], 1u);
    else
      add_count(*a, hist, counts, static_cast<uint32_t>(index), 1u);
  }
  __device__ void trajectory_row(uint32_t slot, int32_t t, const TrajectoryRow& row) {
    store_trajectory_row(traj->buf, periods, slot - traj->slot_lo, t, row);
  }
};

/// Exact sum over the (converged) warp of a uint64 modulo 2^64, from three 32-bit warp reductions
/// (REDUX) of 22-bit pieces: each piece's sum stays below 32 * 2^22, so nothing is lost.
__device__ __forceinline__ unsigned long long warp_sum_u64(unsigned long long v) {
  const uint64_t s0 = __reduce_add_sync(kFullMask, static_cast<uint32_t>(v) & 0x3fffffu);
  const uint64_t s1 = __reduce_add_sync(kFullMask, static_cast<uint32_t>(v >> 22) & 0x3fffffu);
  const uint64_t s2 = __reduce_add_sync(kFullMask, static_cast<uint32_t>(v >> 44));
  return s0 + (s1 << 22) + (s2 << 44);
}

/// Outcomes of up to 32 dyads in lock step (all lanes of the warp call every method; `valid`
/// marks the lanes that hold a dyad). Counts are warp-aggregated, moments warp-reduced.
struct OutcomeSink {
  const LaunchArgs* a;
  uint32_t* hist;
  uint64_t* counts;
  uint32_t lane;
  bool valid;

  __device__ void count_end(uint64_t index) {
    const uint32_t i = static_cast<uint32_t>(index);
    const uint32_t peers = __match_any_sync(kFullMask, valid ? i : 0xffffffffu);
    if (valid && lane == static_cast<uint32_t>(__ffs(peers) - 1)) add_count(*a, hist, counts, i, __popc(peers));
  }
  __device__ void add_moments(const int64_t* fixed) {
    // int64 added as uint64: wrap-around addition is associative, so the sum is order-free. Lane k
    // keeps the warp's sum of value k and adds it to the global word: one atomic instruction.
    static_assert(2 * kMoments <= 32, "one lane per moment word");
    unsigned long long mine = 0ull;
    for (int32_t k = 0; k < 2 * kMoments; ++k) {
      const unsigned long long v = valid ? static_cast<unsigned long long>(fixed[k]) : 0ull;
      const unsigned long long sum = warp_sum_u64(v);
      if (lane == static_cast<uint32_t>(k)) mine = sum;
    }
    if (lane < 2 * kMoments) atomicAdd(reinterpret_cast<unsigned long long*>(&counts[a->lay.moments + lane]), mine);
  }
};

// ---------------------------------------------------------------------------------------------
// The kernel.

__device__ __forceinline__ uint32_t lanemask_lt(uint32_t lane) { return (1u << lane) - 1u; }

/// Draws the initial conditions of the next (up to) 32 dyads of the point into the init ring, all
/// lanes together. Returns how many were started (0 when the point's dyads are all handed out).
__device__ __forceinline__ uint32_t refill_init_ring(const LaunchArgs& a, const ModelParams& p, uint32_t point,
                                                     uint32_t lane, uint32_t* ring) {
  uint32_t base = 0;
  if (lane == 0) base = atomicAdd(&a.next_dyad[point], 32u);
  base = __shfl_sync(kFullMask, base, 0);
  const uint32_t avail = base < a.dyad_count ? min(32u, a.dyad_count - base) : 0u;
  __syncwarp();  // earlier reads of the ring are done
  if (lane < avail) {
    const uint32_t offset = base + lane;
    const uint64_t dyad = a.dyad_begin + offset;
    const DyadState s = dyad_start(p, dyad);
    const int64_t slot = trajectory_slot(p, dyad);
    ring[InitZTrust * 32 + lane] = float_bits(s.z_trust);
    ring[InitZStakes * 32 + lane] = float_bits(s.z_stakes);
    ring[InitZOrient * 32 + lane] = float_bits(s.z_orient);
    ring[InitRelation * 32 + lane] = float_bits(s.relation);
    ring[InitKnowA * 32 + lane] = float_bits(s.know_a);
    ring[InitKnowB * 32 + lane] = float_bits(s.know_b);
    ring[InitEquityA * 32 + lane] = float_bits(s.equity_a);
    ring[InitPowerStart * 32 + lane] = float_bits(s.power_start);
    ring[InitPacked * 32 + lane] = static_cast<uint32_t>(s.intent_a) | static_cast<uint32_t>(s.intent_b) << 8 |
                                   static_cast<uint32_t>(s.s_a) << 16 | static_cast<uint32_t>(s.s_b) << 24;
    ring[InitOffset * 32 + lane] = offset;
    ring[InitSlot * 32 + lane] = slot >= 0 ? static_cast<uint32_t>(slot) : kNoSlot;
  }
  __syncwarp();
  return avail;
}

__device__ __forceinline__ void pop_init(const uint32_t* ring, uint32_t i, DyadState& s, uint32_t& offset,
                                         uint32_t& slot) {
  s.z_trust = bits_float(ring[InitZTrust * 32 + i]);
  s.z_stakes = bits_float(ring[InitZStakes * 32 + i]);
  s.z_orient = bits_float(ring[InitZOrient * 32 + i]);
  s.relation = bits_float(ring[InitRelation * 32 + i]);
  s.know_a = bits_float(ring[InitKnowA * 32 + i]);
  s.know_b = bits_float(ring[InitKnowB * 32 + i]);
  s.equity_a = bits_float(ring[InitEquityA * 32 + i]);
  s.power_start = bits_float(ring[InitPowerStart * 32 + i]);
  const uint32_t packed = ring[InitPacked * 32 + i];
  s.intent_a = static_cast<int32_t>(packed & 0xffu);
  s.intent_b = static_cast<int32_t>(packed >> 8 & 0xffu);
  s.s_a = static_cast<int32_t>(packed >> 16 & 0xffu);
  s.s_b = static_cast<int32_t>(packed >> 24);
  offset = ring[InitOffset * 32 + i];
  slot = ring[InitSlot * 32 + i];
  // The rest of the start state (dyad_start): nothing learned or owed yet.
  s.x_a = 0.0f;
  s.x_b = 0.0f;
  s.y_a = 0.0f;
  s.y_b = 0.0f;
  s.net_outflow_a = 0.0f;
  s.avoid_run = 0;
  s.power_a = s.power_start;
}

__device__ __forceinline__ void push_end(uint32_t* ring, uint32_t i, const DyadEnd& e) {
  ring[EndGainA * 32 + i] = float_bits(e.gain_a);
  ring[EndGainB * 32 + i] = float_bits(e.gain_b);
  ring[EndShift * 32 + i] = float_bits(e.shift);
  ring[EndXA * 32 + i] = float_bits(e.x_a);
  ring[EndXB * 32 + i] = float_bits(e.x_b);
  ring[EndZTrust * 32 + i] = float_bits(e.z_trust);
  ring[EndCauseDuration * 32 + i] = static_cast<uint32_t>(e.cause) | static_cast<uint32_t>(e.duration) << 3;
}

/// Outcomes of the first n (<= 32) queued dyads, all lanes together.
__device__ __forceinline__ void drain_end_ring(const LaunchArgs& a, const ModelParams& p, uint32_t* hist,
                                               uint64_t* counts, uint32_t lane, const uint32_t* ring, uint32_t n) {
  __syncwarp();  // the pushes are visible
  const bool valid = lane < n;
  DyadEnd e{0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0.0f, 0, 0};
  if (valid) {
    e.gain_a = bits_float(ring[EndGainA * 32 + lane]);
    e.gain_b = bits_float(ring[EndGainB * 32 + lane]);
    e.shift = bits_float(ring[EndShift * 32 + lane]);
    e.x_a = bits_float(ring[EndXA * 32 + lane]);
    e.x_b = bits_float(ring[EndXB * 32 + lane]);
    e.z_trust = bits_float(ring[EndZTrust * 32 + lane]);
    const uint32_t cd = ring[EndCauseDuration * 32 + lane];
    e.cause = static_cast<int32_t>(cd & 7u);
    e.duration = static_cast<int32_t>(cd >> 3);
  }
  OutcomeSink sink{&a, hist, counts, lane, valid};
  dyad_outcomes(p, a.lay, e, sink);
  __syncwarp();  // the reads are done before the ring is reused
}

/// kKernel: transition kernel (KernelType). kPeriodShared: all per-period sections fit in shared
/// memory (no global-atomic branch per count).
template <int32_t kKernel, bool kPeriodShared>
__global__ void __launch_bounds__(kThreads, min_blocks_for(kKernel)) dyad_kernel(const __grid_constant__ LaunchArgs a) {
  extern __shared__ uint32_t smem[];
  const uint32_t point = blockIdx.x / a.blocks_per_point;
  const ModelParams& p = c_params[point];
  uint64_t* counts = a.counts + static_cast<uint64_t>(point) * a.lay.total;
  const DeviceTraj* traj = a.traj + point;
  uint32_t* hist = smem + kRingWords * kWarpsPerBlock;
  for (uint32_t i = threadIdx.x; i < a.shared_words; i += kThreads) hist[i] = 0u;
  __syncthreads();

  const uint32_t warp = threadIdx.x / 32u;
  const uint32_t lane = threadIdx.x % 32u;
  uint32_t* init_ring = smem + kRingWords * warp;
  uint32_t* end_ring = init_ring + 32 * kInitFields;
  PeriodSink<kPeriodShared> sink{&a, hist, counts, traj, p.periods};

  // Lane state: the dyad in flight.
  DyadState s;
  uint32_t offset = 0, slot = kNoSlot;
  int32_t t = 0;
  bool live = false;
  // Warp-uniform queue state.
  uint32_t init_head = 0, init_count = 0, end_count = 0;
  bool exhausted = false;

  while (true) {
    // --- lanes without a dyad take the next one ---
    uint32_t need = __ballot_sync(kFullMask, !live);
    while (need != 0u) {
      if (init_count == 0u) {
        if (exhausted) break;
        init_head = 0;
        init_count = refill_init_ring(a, p, point, lane, init_ring);
        if (init_count == 0u) {
          exhausted = true;
          break;
        }
      }
      const uint32_t rank = __popc(need & lanemask_lt(lane));
      if (!live && rank < init_count) {
        pop_init(init_ring, init_head + rank, s, offset, slot);
        t = 0;
        live = true;
      }
      const uint32_t taken = min(static_cast<uint32_t>(__popc(need)), init_count);
      init_head += taken;
      init_count -= taken;
      need = __ballot_sync(kFullMask, !live);
    }
    if (__ballot_sync(kFullMask, live) == 0u) break;  // the point's dyads are all done

    // --- one period of every live dyad ---
    int32_t cause = Censored;
    if (live && t < p.periods) {
      const int64_t slot64 = slot == kNoSlot ? -1 : static_cast<int64_t>(slot);
      cause = dyad_period<kKernel>(p, a.lay, a.dyad_begin + offset, slot64, s, t, sink);
      ++t;
    }
    bool done = live && (cause != Censored || t >= p.periods);

    // --- finished dyads queue their outcomes; 32 queued are processed together ---
    uint32_t fin = __ballot_sync(kFullMask, done);
    while (fin != 0u) {
      const uint32_t rank = __popc(fin & lanemask_lt(lane));
      const uint32_t space = 32u - end_count;
      if (done && rank < space) {
        // duration: the period that ended it (t after the increment), or T_max when censored.
        const DyadEnd e = dyad_end(s, cause, t);
        push_end(end_ring, end_count + rank, e);
        if (slot != kNoSlot) {
          const uint64_t dyad = a.dyad_begin + offset;
          store_trajectory_dyad(traj->buf, slot - traj->slot_lo, trajectory_dyad_record(dyad, s, e));
        }
        done = false;
        live = false;
      }
      end_count += min(static_cast<uint32_t>(__popc(fin)), space);
      if (end_count == 32u) {
        drain_end_ring(a, p, hist, counts, lane, end_ring, 32u);
        end_count = 0;
      }
      fin = __ballot_sync(kFullMask, done);
    }
  }
  if (end_count != 0u) drain_end_ring(a, p, hist, counts, lane, end_ring, end_count);

  // --- the block's shared counts join the point's global counts ---
  __syncthreads();
  for (uint32_t i = threadIdx.x; i < a.shared_words; i += kThreads) {
    const uint32_t v = hist[i];
    if (v != 0u) atomicAdd(reinterpret_cast<unsigned long long*>(&counts[i]), static_cast<unsigned long long>(v));
  }
}

// ---------------------------------------------------------------------------------------------
// Host side: device buffers (grow-only, reused across chunks: memory never grows with dyads).

class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  // Freed only at process exit by the driver (destroying CUDA objects in static destructors can
  // fail after the runtime has shut down), so no destructor.

  void* reserve(size_t bytes) {
    if (bytes > capacity_) {
      if (ptr_) LR_CUDA_CHECK(cudaFree(ptr_));
      ptr_ = nullptr;
      capacity_ = 0;
      LR_CUDA_CHECK(cudaMalloc(&ptr_, bytes));
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
  DeviceBuffer counts, next_dyad, traj_table, traj_arena;
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
  err = cudaFuncGetAttributes(&attr, dyad_kernel<0, true>);
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

/// Sampled-trajectory slots of dyads [begin, end): slot k is dyad k * stride.
void slot_range(const ModelParams& p, uint64_t begin, uint64_t end, uint32_t* lo, uint32_t* hi) {
  if (p.trajectory_max == 0 || end <= begin) {
    *lo = *hi = 0;
    return;
  }
  const uint64_t first = (begin + p.trajectory_stride - 1) / p.trajectory_stride;
  const uint64_t last = (end + p.trajectory_stride - 1) / p.trajectory_stride;  // exclusive
  *lo = static_cast<uint32_t>(std::min<uint64_t>(first, p.trajectory_max));
  *hi = static_cast<uint32_t>(std::min<uint64_t>(last, p.trajectory_max));
}

/// The host gave every trajectory array (per-period arrays are empty, so may be null, when T_max is 0).
bool has_trajectory_buffers(const PointBuffers& b, int32_t periods) {
  const bool per_period = periods == 0 || (b.traj_pair && b.traj_x_a && b.traj_x_b && b.traj_trust && b.traj_stakes &&
                                           b.traj_orientation && b.traj_relation && b.traj_power_a);
  return per_period && b.traj_dyad && b.traj_intent_a && b.traj_intent_b && b.traj_knowledge_a && b.traj_knowledge_b &&
         b.traj_equity_a && b.traj_cause && b.traj_duration && b.traj_gain_a && b.traj_gain_b;
}

/// One trajectory array: host pointer (at the chunk's first slot), device pointer, bytes.
struct TrajCopy {
  void* host;
  void* device;
  size_t bytes;
};

/// Lays out the device copies of every point's trajectory slots of this chunk in one arena.
/// `table[i]` gets device pointers; `copies` the host<->device pairs.
size_t plan_trajectories(const ChunkRequest& r, const std::vector<ModelParams>& params, std::vector<DeviceTraj>& table,
                         std::vector<TrajCopy>& copies, char* arena) {
  size_t used = 0;
  auto take = [&](void* host, size_t elem, size_t n, uint64_t first, void** dev_field) {
    used = (used + 255) & ~size_t(255);
    char* dev = arena ? arena + used : nullptr;
    if (arena) {
      *dev_field = dev;
      if (n > 0) copies.push_back(TrajCopy{static_cast<char*>(host) + first * elem, dev, n * elem});
    }
    used += n * elem;
  };
  for (int32_t i = 0; i < r.n_points; ++i) {
    const DeviceTraj& d = table[i];
    const uint32_t n = d.slot_hi - d.slot_lo;
    if (n == 0) continue;
    const PointBuffers& h = r.out[i];
    PointBuffers& dv = table[i].buf;
    const uint64_t periods = static_cast<uint64_t>(params[i].periods);
    const uint64_t rows = static_cast<uint64_t>(n) * periods, row0 = d.slot_lo * periods;
    take(h.traj_pair, 1, rows, row0, reinterpret_cast<void**>(&dv.traj_pair));
    take(h.traj_x_a, 4, rows, row0, reinterpret_cast<void**>(&dv.traj_x_a));
    take(h.traj_x_b, 4, rows, row0, reinterpret_cast<void**>(&dv.traj_x_b));
    take(h.traj_trust, 4, rows, row0, reinterpret_cast<void**>(&dv.traj_trust));
    take(h.traj_stakes, 4, rows, row0, reinterpret_cast<void**>(&dv.traj_stakes));
    take(h.traj_orientation, 4, rows, row0, reinterpret_cast<void**>(&dv.traj_orientation));
    take(h.traj_relation, 4, rows, row0, reinterpret_cast<void**>(&dv.traj_relation));
    take(h.traj_power_a, 4, rows, row0, reinterpret_cast<void**>(&dv.traj_power_a));
    take(h.traj_dyad, 8, n, d.slot_lo, reinterpret_cast<void**>(&dv.traj_dyad));
    take(h.traj_intent_a, 1, n, d.slot_lo, reinterpret_cast<void**>(&dv.traj_intent_a));
    take(h.traj_intent_b, 1, n, d.slot_lo, reinterpret_cast<void**>(&dv.traj_intent_b));
    take(h.traj_knowledge_a, 4, n, d.slot_lo, reinterpret_cast<void**>(&dv.traj_knowledge_a));
    take(h.traj_knowledge_b, 4, n, d.slot_lo, reinterpret_cast<void**>(&dv.traj_knowledge_b));
    take(h.traj_equity_a, 4, n, d.slot_lo, reinterpret_cast<void**>(&dv.traj_equity_a));
    take(h.traj_cause, 1, n, d.slot_lo, reinterpret_cast<void**>(&dv.traj_cause));
    take(h.traj_duration, 4, n, d.slot_lo, reinterpret_cast<void**>(&dv.traj_duration));
    take(h.traj_gain_a, 4, n, d.slot_lo, reinterpret_cast<void**>(&dv.traj_gain_a));
    take(h.traj_gain_b, 4, n, d.slot_lo, reinterpret_cast<void**>(&dv.traj_gain_b));
  }
  return used;
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

/// The kernel instance for a transition kernel and whether the per-period sections fit in shared memory.
KernelFn kernel_for(int32_t kernel, bool period_shared) {
  if (kernel == static_cast<int32_t>(KernelType::Propositional))
    return period_shared ? dyad_kernel<0, true> : dyad_kernel<0, false>;
  return period_shared ? dyad_kernel<1, true> : dyad_kernel<1, false>;
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

void launch(const CudaContext& ctx, KernelFn fn, size_t smem, LaunchArgs args, uint32_t n_points) {
  const uint64_t blocks = static_cast<uint64_t>(n_points) * args.blocks_per_point;
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
  char* arena = static_cast<char*>(ctx.traj_arena.reserve(std::max<size_t>(arena_bytes, 256)));
  plan_trajectories(request, params, table, copies, arena);

  const size_t count_words = static_cast<size_t>(n_points) * lay.total;
  uint64_t* d_counts = static_cast<uint64_t*>(ctx.counts.reserve(count_words * sizeof(uint64_t)));
  uint32_t* d_next = static_cast<uint32_t*>(ctx.next_dyad.reserve(n_points * sizeof(uint32_t)));
  DeviceTraj* d_table = static_cast<DeviceTraj*>(ctx.traj_table.reserve(n_points * sizeof(DeviceTraj)));
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
    for (int32_t kernel = 0; kernel < 2; ++kernel) {
      std::vector<int32_t> members;
      for (int32_t i = 0; i < n_points; ++i)
        if (static_cast<int32_t>(params[i].kernel) == kernel) members.push_back(i);
      // Points of one launch must be contiguous in the count array: split at gaps.
      size_t g = 0;
      while (g < members.size()) {
        size_t h = g + 1;
        while (h < members.size() && h - g < static_cast<size_t>(kMaxPointsPerLaunch) &&
               members[h] == members[h - 1] + 1)
          ++h;
        const int32_t first = members[g];
        const uint32_t group = static_cast<uint32_t>(h - g);
        const KernelFn fn = kernel_for(kernel, shared_words >= lay.period_end);
        const uint64_t resident = static_cast<uint64_t>(prepare_kernel(fn, smem)) * ctx.prop.multiProcessorCount;
        LR_CUDA_CHECK(cudaMemcpyToSymbolAsync(c_params, &params[first], group * sizeof(ModelParams), 0,
                                              cudaMemcpyHostToDevice, ctx.stream));
        for (uint64_t done = 0; done < dyads; done += max_per_launch) {
          const uint64_t n = std::min(max_per_launch, dyads - done);
          LaunchArgs args;
          args.lay = lay;
          args.counts = d_counts + static_cast<size_t>(first) * lay.total;
          args.next_dyad = d_next;
          args.traj = d_table + first;
          args.dyad_begin = request.dyad_begin + done;
          args.dyad_count = static_cast<uint32_t>(n);
          const uint64_t want = (resident + group - 1) / group;
          const uint64_t useful = (n + kThreads - 1) / kThreads;
          args.blocks_per_point = static_cast<uint32_t>(std::max<uint64_t>(1, std::min(want, useful)));
          args.shared_words = shared_words;
          LR_CUDA_CHECK(cudaMemsetAsync(d_next, 0, group * sizeof(uint32_t), ctx.stream));
          launch(ctx, fn, smem, args, group);
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
  for (int32_t i = 0; i < n_points; ++i) {
    uint64_t* out = request.out[i].counts;
    const uint64_t* in = host_counts.data() + static_cast<size_t>(i) * lay.total;
    for (uint64_t k = 0; k < lay.total; ++k) out[k] += in[k];
  }
}

}  // namespace learnrace
