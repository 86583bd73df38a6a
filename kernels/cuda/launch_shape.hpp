// Launch shape, per-warp queue layout and kernel arguments of the CUDA backend (shared by the
// device code and the host side of backend_cuda.cu).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "backend.hpp"
#include "dyad_state.hpp"
#include "output_layout.hpp"
#include "params.hpp"
#include "point_constants.hpp"

namespace learnrace::cuda_detail {

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
// Points per launch: each point's ModelParams and PointConstants sit in __constant__ memory (dyad_kernel.cuh),
// which holds 64 KiB. At most 64 (the measured setting), fewer when the parameters grow.
constexpr size_t kConstantMemoryBytes = 65536;
constexpr size_t kConstantBytesPerPoint = sizeof(ModelParams) + sizeof(PointConstants);
constexpr int32_t max_points_per_launch(size_t bytes_per_point) {
  return static_cast<int32_t>(std::min<size_t>(64, kConstantMemoryBytes / bytes_per_point));
}
constexpr int32_t kMaxPointsPerLaunch = max_points_per_launch(kConstantBytesPerPoint);
static_assert(kMaxPointsPerLaunch >= 1, "one point's ModelParams and PointConstants exceed CUDA constant memory");
static_assert(kMaxPointsPerLaunch * kConstantBytesPerPoint <= kConstantMemoryBytes,
              "c_params and c_point (dyad_kernel.cuh) must fit the 64 KiB of CUDA constant memory");
constexpr uint32_t kNoSlot = 0xffffffffu;

// Per-warp queues in shared memory, structure of arrays [field][32] (one bank per lane). The init ring holds the
// drawn members of a dyad's start (for_each_drawn_member, dyad_state.hpp), then where the dyad is.
constexpr int32_t InitOffset = kDrawnStateWords;    // dyad - LaunchArgs::dyad_begin
constexpr int32_t InitSlot = kDrawnStateWords + 1;  // trajectory slot or kNoSlot
constexpr int32_t kInitFields = kDrawnStateWords + 2;
enum EndField : int32_t {
  EndGainA = 0,
  EndGainB,
  EndPowerStart,
  EndPowerEnd,
  EndXA,
  EndXB,
  EndZTrustA,
  EndZTrustB,
  EndCauseDuration,
  kEndFields
};
constexpr int32_t kRingWords = 32 * (kInitFields + kEndFields);
constexpr size_t kRingBytes = sizeof(uint32_t) * kRingWords * kWarpsPerBlock;

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
  // streamed_kernel only: the points of the launch in global memory, and the count of points handed out to warps.
  const ModelParams* params;        // [n_points]
  const PointConstants* constants;  // [n_points]
  uint32_t* next_point;
  uint32_t n_points;
};

// streamed_kernel runs a launch whose points do not fit constant memory when a point has fewer dyads than this
// (a block of one point would leave most of its lanes idle while its longest dyads end); see use_streamed.
constexpr uint64_t kStreamedMaxDyads = 16ull * kThreads;

}  // namespace learnrace::cuda_detail
