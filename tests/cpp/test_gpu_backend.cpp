// The CUDA backend against the CPU reference: every count word and every trajectory array must be
// identical (docs/model.md section 18). Skipped where no CUDA device is usable, except the test that
// asking for CUDA without one fails clearly.
#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "backend.hpp"
#include "driver.hpp"
#include "output_layout.hpp"

using namespace learnrace;

namespace {

bool cuda_here() {
  std::string why;
  return cuda_backend_available(&why);
}

#define SKIP_WITHOUT_CUDA()                                                         \
  do {                                                                              \
    std::string why_;                                                               \
    if (!cuda_backend_available(&why_)) GTEST_SKIP() << "no CUDA device: " << why_; \
  } while (0)

ModelParams params_for(KernelType kernel, uint32_t seed, int32_t periods = 100) {
  ModelParams p = default_params();
  p.kernel = kernel;
  p.seed = seed;
  p.periods = periods;
  p.trajectory_stride = 7;
  p.trajectory_max = 300;
  return p;
}

RunConfig config_for(std::vector<ModelParams> points, uint64_t dyads, uint64_t chunk) {
  RunConfig c;
  c.dyads = dyads;
  c.chunk_dyads = chunk;
  for (size_t i = 0; i < points.size(); ++i) {
    points[i].point_key = static_cast<uint32_t>(i);
    c.point_names.push_back("point" + std::to_string(i));
  }
  c.points = std::move(points);
  return c;
}

RunResult run_on(BackendKind backend, const RunConfig& config, uint64_t chunk = 0) {
  DriverOptions o;
  o.backend = backend;
  o.chunk_dyads = chunk;
  return run_experiment(config, o);
}

/// Bitwise equality of two arrays [points][n] (NaN placeholders of unwritten slots compare equal); a difference is
/// reported with its point and element.
template <class T>
void expect_same_bits(const std::vector<T>& cpu, const std::vector<T>& gpu, int32_t points, const std::string& what) {
  ASSERT_EQ(cpu.size(), gpu.size()) << what;
  if (cpu.empty()) return;
  if (std::memcmp(cpu.data(), gpu.data(), cpu.size() * sizeof(T)) == 0) return;
  const size_t per_point = cpu.size() / static_cast<size_t>(points);
  for (size_t i = 0; i < cpu.size(); ++i) {
    if (std::memcmp(&cpu[i], &gpu[i], sizeof(T)) != 0) {
      ADD_FAILURE() << what << " differs first at point " << i / per_point << " element " << i % per_point << " of "
                    << per_point;
      return;
    }
  }
}

void expect_identical(const RunResult& cpu, const RunResult& gpu) {
  ASSERT_EQ(cpu.n_points, gpu.n_points);
  ASSERT_GT(cpu.n_points, 0);
  EXPECT_EQ(gpu.backend, "cuda");
  const int32_t n = cpu.n_points;
  ASSERT_EQ(cpu.counts.size(), gpu.counts.size());
  for (size_t k = 0; k < cpu.counts.size(); ++k) {
    if (cpu.counts[k] != gpu.counts[k]) {
      ADD_FAILURE() << "point " << k / cpu.layout.total << ": count word " << k % cpu.layout.total << " cpu "
                    << cpu.counts[k] << " cuda " << gpu.counts[k];
      break;
    }
  }
  const Trajectories& x = cpu.trajectories;
  const Trajectories& y = gpu.trajectories;
  EXPECT_EQ(x.slots, y.slots);
  // Every trajectory field of the output schema registry.
  for_each_trajectory_field([&](const char* name, auto member, bool) {
    expect_same_bits(x.*member, y.*member, n, std::string("traj ") + name);
  });
}

/// Sanity of one result, so that "identical" never means "identically empty".
void expect_nonempty(const RunResult& r, uint64_t dyads) {
  for (int32_t i = 0; i < r.n_points; ++i) {
    const uint64_t* c = r.point_counts(i);
    EXPECT_EQ(c[r.layout.dyads], dyads);
    uint64_t dyad_periods = 0;
    for (int k = 0; k < kPairStates * kPairStates; ++k) dyad_periods += c[r.layout.transitions + k];
    if (r.layout.periods > 0) {
      EXPECT_GE(dyad_periods, dyads);
    }
  }
}

void compare(const RunConfig& config, uint64_t gpu_chunk = 0) {
  const RunResult cpu = run_on(BackendKind::Cpu, config);
  const RunResult gpu = run_on(BackendKind::Cuda, config, gpu_chunk);
  expect_nonempty(cpu, config.dyads);
  expect_identical(cpu, gpu);
}

class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    const char* old = std::getenv(name);
    had_ = old != nullptr;
    if (had_) old_ = old;
    setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (had_)
      setenv(name_, old_.c_str(), 1);
    else
      unsetenv(name_);
  }

 private:
  const char* name_;
  bool had_ = false;
  std::string old_;
};

}  // namespace

TEST(GpuBackend, CudaWithoutDeviceFailsClearly) {
  if (cuda_here()) GTEST_SKIP() << "a CUDA device is present";
  try {
    resolve_backend(BackendKind::Cuda);
    FAIL() << "resolve_backend(Cuda) did not throw without a device";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("backend 'cuda' is not available"), std::string::npos) << e.what();
  }
  EXPECT_EQ(resolve_backend(BackendKind::Auto), BackendKind::Cpu);
  ModelParams p = default_params();
  p.trajectory_max = 0;
  std::vector<uint64_t> counts(OutputLayout::make(p).total, 0);
  PointBuffers b;
  b.counts = counts.data();
  ChunkRequest r;
  r.params = &p;
  r.out = &b;
  r.n_points = 1;
  r.dyad_end = 10;
  try {
    run_chunk_cuda(r);
    FAIL() << "run_chunk_cuda did not throw without a device";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cuda"), std::string::npos) << e.what();
  }
}

TEST(GpuBackend, AutoPicksCudaWhenPresent) {
  SKIP_WITHOUT_CUDA();
  EXPECT_EQ(resolve_backend(BackendKind::Auto), BackendKind::Cuda);
}

TEST(GpuBackend, PropositionalMatchesCpuSeveralSeedsOddCounts) {
  SKIP_WITHOUT_CUDA();
  for (uint32_t seed : {1u, 2u, 987654321u})
    for (uint64_t dyads : {1ull, 31ull, 4099ull}) {
      SCOPED_TRACE("seed " + std::to_string(seed) + " dyads " + std::to_string(dyads));
      compare(config_for({params_for(KernelType::Propositional, seed)}, dyads, 1u << 20));
    }
}

TEST(GpuBackend, StrategicMatchesCpuSeveralSeedsOddCounts) {
  SKIP_WITHOUT_CUDA();
  for (uint32_t seed : {1u, 3u, 4242u})
    for (uint64_t dyads : {1ull, 33ull, 5003ull}) {
      SCOPED_TRACE("seed " + std::to_string(seed) + " dyads " + std::to_string(dyads));
      compare(config_for({params_for(KernelType::Strategic, seed)}, dyads, 1u << 20));
    }
}

TEST(GpuBackend, MillionDyadsMatchCpu) {
  SKIP_WITHOUT_CUDA();
  compare(config_for({params_for(KernelType::Propositional, 77)}, 1000003, 1u << 22));
  compare(config_for({params_for(KernelType::Strategic, 78)}, 200003, 1u << 22));
}

TEST(GpuBackend, SeveralPointsAndBothKernelsInOneChunk) {
  SKIP_WITHOUT_CUDA();
  std::vector<ModelParams> points;
  for (int i = 0; i < 6; ++i) {
    ModelParams p = params_for(i % 3 == 2 ? KernelType::Strategic : KernelType::Propositional, 5);
    p.barrier.b0 = -4.0f + 0.5f * static_cast<float>(i);
    if (i % 2 == 1) {  // scenario events, one of them random
      p.n_events = 2;
      p.events[0] = Event{EventStakes, TargetB, OpShift, 5, 5, 0, 1.5f, 1.0f};
      p.events[1] = Event{EventTrust, TargetBoth, OpSet, 10, kNeverEnds, 1, 0.2f, 0.05f};
    }
    p.beta[P8].beta[Trust] = 0.5f * static_cast<float>(i);
    p.hazard = 0.002f * static_cast<float>(i + 1);
    p.trajectory_max = static_cast<uint32_t>(50 * (i + 1));
    points.push_back(p);
  }
  compare(config_for(points, 20011, 1u << 20));
}

TEST(GpuBackend, ChunkedRunMatchesUnchunkedCpu) {
  SKIP_WITHOUT_CUDA();
  std::vector<ModelParams> points = {params_for(KernelType::Propositional, 11), params_for(KernelType::Strategic, 11)};
  const RunConfig config = config_for(points, 30001, 1u << 20);
  const RunResult cpu = run_on(BackendKind::Cpu, config);
  for (uint64_t chunk : {777ull, 4096ull, 10000ull}) {
    SCOPED_TRACE("chunk " + std::to_string(chunk));
    expect_identical(cpu, run_on(BackendKind::Cuda, config, chunk));
  }
}

TEST(GpuBackend, LongHorizonUsesGlobalFallback) {
  SKIP_WITHOUT_CUDA();
  // periods = 1000 and 8 factor bins: the per-period sections (~45k words) exceed shared memory.
  ModelParams p = params_for(KernelType::Propositional, 21, 1000);
  p.factor_bins = 8;
  p.hazard = 0.0005f;
  p.trajectory_stride = 101;
  p.trajectory_max = 40;
  ModelParams q = p;
  q.kernel = KernelType::Strategic;
  compare(config_for({p, q}, 20001, 1u << 20));
}

TEST(GpuBackend, ForcedTinySharedPrefixMatchesCpu) {
  SKIP_WITHOUT_CUDA();
  const RunConfig config =
      config_for({params_for(KernelType::Propositional, 31), params_for(KernelType::Strategic, 31)}, 9001, 1u << 20);
  const RunResult cpu = run_on(BackendKind::Cpu, config);
  for (const char* words : {"0", "700", "12000"}) {
    SCOPED_TRACE(std::string("LEARNRACE_CUDA_SHARED_WORDS=") + words);
    ScopedEnv env("LEARNRACE_CUDA_SHARED_WORDS", words);
    expect_identical(cpu, run_on(BackendKind::Cuda, config));
  }
}

/// Points of both kernels, with and without scenario events, trajectories on (as
/// SeveralPointsAndBothKernelsInOneChunk).
static std::vector<ModelParams> mixed_points(int n) {
  std::vector<ModelParams> points;
  for (int i = 0; i < n; ++i) {
    ModelParams p = params_for(i % 3 == 2 ? KernelType::Strategic : KernelType::Propositional, 5);
    p.barrier.b0 = -4.0f + 0.05f * static_cast<float>(i);
    if (i % 4 == 1) {
      p.n_events = 1;
      p.events[0] = Event{EventTrust, TargetBoth, OpSet, 3, kNeverEnds, 1, 0.2f, 0.3f};
    }
    p.trajectory_max = static_cast<uint32_t>(3 * (i % 5));
    points.push_back(p);
  }
  return points;
}

TEST(GpuBackend, ManyPointsRunStreamedAndMatchCpu) {
  SKIP_WITHOUT_CUDA();
  // 130 points of 257 dyads: more than one constant-memory launch holds and too few dyads to fill a block, so both
  // kernels run streamed (use_streamed, backend_cuda.cu); the point keys differ (config_for), so do their dyads.
  compare(config_for(mixed_points(130), 257, 1u << 20));
}

TEST(GpuBackend, ForcedStreamedAndBlockPathsMatchCpu) {
  SKIP_WITHOUT_CUDA();
  const RunConfig config = config_for(mixed_points(7), 4099, 1u << 20);
  const RunResult cpu = run_on(BackendKind::Cpu, config);
  for (const char* streamed : {"1", "0"}) {
    SCOPED_TRACE(std::string("LEARNRACE_CUDA_STREAMED=") + streamed);
    ScopedEnv env("LEARNRACE_CUDA_STREAMED", streamed);
    expect_identical(cpu, run_on(BackendKind::Cuda, config));
    expect_identical(cpu, run_on(BackendKind::Cuda, config, 1000));  // chunks: several launches per point
  }
}

TEST(GpuBackend, ZeroAndOnePeriodMatchCpu) {
  SKIP_WITHOUT_CUDA();
  for (int32_t periods : {0, 1, 2}) {
    SCOPED_TRACE("periods " + std::to_string(periods));
    compare(
        config_for({params_for(KernelType::Propositional, 9, periods), params_for(KernelType::Strategic, 9, periods)},
                   1001, 1u << 20));
  }
}

TEST(GpuBackend, RepeatedRunsAreIdentical) {
  SKIP_WITHOUT_CUDA();
  const RunConfig config = config_for({params_for(KernelType::Propositional, 123)}, 100003, 1u << 20);
  const RunResult first = run_on(BackendKind::Cuda, config);
  const RunResult second = run_on(BackendKind::Cuda, config, 9999);
  expect_identical(first, second);
}
