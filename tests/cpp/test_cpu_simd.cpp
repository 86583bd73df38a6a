// The CPU backend's lockstep SIMD paths (kernels/cpu_simd/) give every output bit for bit as the scalar path does:
// first their lane forms of the random numbers and the math (Philox draws, uniforms, Box-Muller normals, exp,
// sigmoid) against the scalar functions, then whole runs (counts and trajectories) of both kernels, with events,
// for several seeds, dyad counts, chunkings, thread counts and horizons. Each path runs only where the CPU supports
// it (the others skip).
#include <gtest/gtest.h>

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "backend.hpp"
#include "cpu_simd/cpu_simd.hpp"
#include "rng.hpp"
#include "rng_streams.hpp"
#include "test_helpers.hpp"

namespace learnrace {
namespace {

/// The lockstep lane counts this CPU runs (the scalar path, 1, is the reference).
std::vector<int32_t> simd_lanes() {
  std::vector<int32_t> out;
  for (int32_t lanes : {8, 16})
    if (cpu_lanes_supported(lanes)) out.push_back(lanes);
  return out;
}

#define SKIP_WITHOUT_SIMD()                                                       \
  if (simd_lanes().empty()) {                                                     \
    GTEST_SKIP() << "this CPU or build has no lockstep SIMD path (AVX2/AVX-512)"; \
  }                                                                               \
  static_assert(true)

// ---------------------------------------------------------------------------------------------
// Lane forms against the scalar functions.

#if defined(LEARNRACE_CPU_SIMD)
/// The entry points of one SIMD path.
struct LanePath {
  int32_t lanes;
  void (*draws)(const PhiloxRoundKeys&, const uint64_t*, const uint32_t*, uint32_t, uint64_t, uint32_t*);
  void (*uniforms)(const uint32_t*, uint64_t, float*);
  void (*normal_pairs)(const uint32_t*, const uint32_t*, uint64_t, float*, float*);
  void (*exps)(const float*, uint64_t, float*);
  void (*sigmoids)(const float*, uint64_t, float*);
};

std::vector<LanePath> lane_paths() {
  std::vector<LanePath> out;
  if (cpu_lanes_supported(16))
    out.push_back({16, cpu_avx512::lane_draws, cpu_avx512::lane_uniforms, cpu_avx512::lane_normal_pairs,
                   cpu_avx512::lane_exps, cpu_avx512::lane_sigmoids});
  if (cpu_lanes_supported(8))
    out.push_back({8, cpu_avx2::lane_draws, cpu_avx2::lane_uniforms, cpu_avx2::lane_normal_pairs, cpu_avx2::lane_exps,
                   cpu_avx2::lane_sigmoids});
  return out;
}

bool same_bits(float a, float b) { return float_bits(a) == float_bits(b); }

TEST(CpuSimdLanes, EntryPointsReportTheirWidth) {
  SKIP_WITHOUT_SIMD();
  for (const LanePath& path : lane_paths()) {
    if (path.lanes == 16) {
      EXPECT_EQ(cpu_avx512::lanes(), 16);
    }
    if (path.lanes == 8) {
      EXPECT_EQ(cpu_avx2::lanes(), 8);
    }
  }
}

TEST(CpuSimdLanes, PhiloxDrawsEqualRandomGenerator) {
  SKIP_WITHOUT_SIMD();
  // Dyad ids across the 32-bit boundary (the high counter word), periods including kInitPeriod, every stream word.
  constexpr uint64_t n = 4096;
  std::vector<uint64_t> dyad(n);
  std::vector<uint32_t> period(n);
  for (uint64_t i = 0; i < n; ++i) {
    dyad[i] = (i % 3 == 0) ? i * 2654435761u : (uint64_t{1} << 32) + i * 977u + (i << 40);
    period[i] = (i % 5 == 0) ? rng_stream::kInitPeriod : static_cast<uint32_t>(i * 7u);
  }
  const PhiloxRoundKeys keys = philox_round_keys(1234567u, 89u);
  std::vector<uint32_t> words(4 * n);
  for (const LanePath& path : lane_paths())
    for (uint32_t stream : {rng_stream::shock_normal_trust, rng_stream::exploration, 0xabcd0019u}) {
      path.draws(keys, dyad.data(), period.data(), stream, n, words.data());
      for (uint64_t i = 0; i < n; ++i) {
        const Draw4 d = RandomGenerator(keys, dyad[i]).draw(period[i], stream);
        for (int k = 0; k < 4; ++k)
          ASSERT_EQ(words[4 * i + k], d.v[k]) << path.lanes << " lanes, dyad " << dyad[i] << ", word " << k;
      }
    }
}

TEST(CpuSimdLanes, UniformsAndNormalsEqualScalarForEveryUniform) {
  SKIP_WITHOUT_SIMD();
  // u01_open reads the top 24 bits: every class k (word k << 8 | low bits) is checked, as the log argument (a) and
  // as the angle (b) of Box-Muller, so the lane forms of u01_open, lr_log, lr_sincos_2pi and sqrt are checked on
  // their whole input domain.
  constexpr uint64_t classes = uint64_t{1} << 24, n = uint64_t{1} << 20;  // in blocks of n
  std::vector<uint32_t> a(n), b(n);
  std::vector<float> u(n), z0(n), z1(n);
  for (const LanePath& path : lane_paths()) {
    uint64_t bad_u = 0, bad_z = 0;
    for (uint64_t first = 0; first < classes; first += n) {
      for (uint64_t i = 0; i < n; ++i) {
        const uint64_t k = first + i;
        a[i] = static_cast<uint32_t>(k << 8 | (k & 0xff));
        b[i] = static_cast<uint32_t>(((k * 2654435761u) & 0xffffffu) << 8 | 0x5a);  // a permutation of the classes
      }
      path.uniforms(a.data(), n, u.data());
      path.normal_pairs(a.data(), b.data(), n, z0.data(), z1.data());
      for (uint64_t i = 0; i < n; ++i) {
        bad_u += !same_bits(u[i], u01_open(a[i]));
        float s0, s1;
        normal_pair(a[i], b[i], &s0, &s1);
        bad_z += !same_bits(z0[i], s0) || !same_bits(z1[i], s1);
      }
    }
    EXPECT_EQ(bad_u, 0u) << path.lanes << " lanes";
    EXPECT_EQ(bad_z, 0u) << path.lanes << " lanes";
  }
}

TEST(CpuSimdLanes, ExpAndSigmoidEqualScalar) {
  SKIP_WITHOUT_SIMD();
  // Every 512th float of [-100, 100] (both signs: about 4.4 million, past both clamps), plus the specials.
  std::vector<float> x;
  for (uint32_t bits = 0; bits < 0x42c80000u; bits += 512) {
    x.push_back(bits_float(bits));
    x.push_back(-bits_float(bits));
  }
  for (float v : {0.0f, -0.0f, 87.0f, -87.0f, 88.0f, 88.5f, -87.5f, 1.0e30f, -1.0e30f}) x.push_back(v);
  while (x.size() % 16 != 0) x.push_back(1.0f);
  std::vector<float> e(x.size()), s(x.size());
  for (const LanePath& path : lane_paths()) {
    path.exps(x.data(), x.size(), e.data());
    path.sigmoids(x.data(), x.size(), s.data());
    uint64_t bad_e = 0, bad_s = 0;
    for (size_t i = 0; i < x.size(); ++i) {
      bad_e += !same_bits(e[i], lr_exp(x[i]));
      bad_s += !same_bits(s[i], lr_sigmoid(x[i]));
    }
    EXPECT_EQ(bad_e, 0u) << path.lanes << " lanes";
    EXPECT_EQ(bad_s, 0u) << path.lanes << " lanes";
  }
}
#endif  // LEARNRACE_CPU_SIMD

// ---------------------------------------------------------------------------------------------
// Whole runs: every count and every trajectory value of the SIMD paths equals the scalar path's.

RunResult run(const std::vector<ModelParams>& points, uint64_t dyads, int32_t lanes, int threads, uint64_t chunk) {
  RunConfig config;
  config.points = points;
  for (size_t i = 0; i < points.size(); ++i) config.point_names.push_back("point" + std::to_string(i));
  config.dyads = dyads;
  config.chunk_dyads = chunk;
  DriverOptions options;
  options.threads = threads;
  options.chunk_dyads = chunk;
  options.cpu_lanes = lanes;
  return run_experiment(config, options);
}

/// Both kernels at their defaults and a noisier propositional point with scenario events of every kind of target
/// and operation (random ones draw their uniforms; strategy and intent events), trajectories for every 7th dyad.
std::vector<ModelParams> points(uint32_t seed, int32_t periods) {
  ModelParams a = default_params();
  a.seed = seed;
  a.periods = periods;
  a.trajectory_stride = 7;
  a.trajectory_max = 1000;
  ModelParams b = a;
  b.kernel = KernelType::Strategic;
  ModelParams c = a;
  c.epsilon = 0.05f;
  c.hazard = 0.01f;
  c.barrier.b0 = -2.0f;
  c.shock[Stakes].jump_common = 1;
  c.shock[Trust].p_jump = 0.2f;
  c.n_events = 6;
  c.events[0] = Event{EventStakes, TargetB, OpShift, 5, 5, 0, 1.5f, 1.0f};
  c.events[1] = Event{EventTrust, TargetBoth, OpSet, 10, kNeverEnds, 1, 0.2f, 0.05f};
  c.events[2] = Event{EventStrategy, TargetA, OpSet, 3, 8, 1, static_cast<float>(Collaboration), 0.3f};
  c.events[3] = Event{EventIntent, TargetB, OpSet, 4, kNeverEnds, 1, static_cast<float>(Substitution), 0.1f};
  c.events[4] = Event{EventRelation, TargetDyad, OpScale, 2, 12, 0, 1.5f, 0.5f};
  c.events[5] = Event{EventSuspicion, TargetA, OpShift, 6, 6, 0, 0.4f, 1.0f};
  ModelParams d = c;
  d.kernel = KernelType::Strategic;
  // Every kind of initial distribution (the lanes draw Beta one by one, the others as vectors), a one-sided
  // perception, a trust recovery cap, the race won without the power condition and long-run levels (v3).
  ModelParams e = a;
  e.init_factor[FirmA][Trust] = Distribution{DistKind::Beta, 2.0f, 3.0f};
  e.init_factor[FirmB][Stakes] = Distribution{DistKind::Fixed, 0.3f};
  e.init_factor[FirmB][Orientation] = Distribution{DistKind::Uniform, 0.1f, 0.9f};
  e.init_relation = Distribution{DistKind::Normal, 2.0f, 1.5f};
  e.init_knowledge[FirmB] = Distribution{DistKind::Beta, 0.7f, 1.3f};
  e.init_equity = Distribution{DistKind::Uniform, 0.2f, 0.8f};
  e.init_intent[FirmA] = Distribution{DistKind::Fixed, static_cast<float>(Internalization)};
  e.init_strategy[FirmB] = Distribution{DistKind::Categorical, 0.0f, 0.0f, {0.1f, 0.2f, 0.3f, 0.2f, 0.2f}, 5};
  e.firm[FirmB].disguise = 0.6f;
  e.trust_recovery_cap = 0.45f;
  e.exit_power_gain = 0.0f;
  e.exit_knowledge = 0.5f;
  e.level_factor[FirmA][Trust] = Distribution{DistKind::LogitNormal, -1.0f, 0.5f};  // model v3: levels of their own
  e.level_factor[FirmB][Stakes] = Distribution{DistKind::Beta, 2.0f, 2.0f};
  std::vector<ModelParams> out = {a, b, c, d, e};
  for (size_t i = 0; i < out.size(); ++i) out[i].point_key = static_cast<uint32_t>(i);
  return out;
}

TEST(CpuSimd, RunsEqualTheScalarPathBitForBit) {
  SKIP_WITHOUT_SIMD();
  struct Case {
    uint32_t seed;
    int32_t periods;
    uint64_t dyads, chunk;
    int threads;
  };
  // Odd dyad counts (fewer dyads than lanes, a block and a bit), chunks that split blocks, one and two threads,
  // horizons of 1 period (every dyad ends at once: all lanes refill every period) to 60.
  const Case cases[] = {{1, 40, 1001, 1001, 1}, {7, 40, 1001, 37, 2}, {3, 60, 257, 100, 2},
                        {11, 1, 300, 300, 1},   {5, 3, 13, 13, 1},    {2, 25, 5, 5, 2}};
  for (const Case& k : cases) {
    const std::vector<ModelParams> pts = points(k.seed, k.periods);
    const RunResult ref = run(pts, k.dyads, kCpuLanesScalar, k.threads, k.chunk);
    for (int32_t lanes : simd_lanes()) {
      const std::string what = std::to_string(lanes) + " lanes, seed " + std::to_string(k.seed) + ", " +
                               std::to_string(k.periods) + " periods, " + std::to_string(k.dyads) + " dyads, chunk " +
                               std::to_string(k.chunk) + ", " + std::to_string(k.threads) + " threads";
      test::expect_same_results(run(pts, k.dyads, lanes, k.threads, k.chunk), ref, what);
    }
  }
}

TEST(CpuSimd, ReferenceRunsAreNotTrivial) {
  // Guards the comparison above: dyads end by several causes, trajectories are sampled, the events fire.
  const RunResult r = run(points(1, 40), 1001, kCpuLanesScalar, 1, 1001);
  for (int32_t i = 0; i < r.n_points; ++i) {
    const test::Counts c = test::counts_of(r, i);
    EXPECT_EQ(c.dyads(), 1001u);
    EXPECT_GT(c.total_transitions(), 5000u);
    EXPECT_EQ(r.trajectories.point(i).slots, 143);
  }
  EXPECT_FALSE(test::point_counts(r, 0) == test::point_counts(r, 2));  // the events change the results
  EXPECT_FALSE(test::point_counts(r, 0) == test::point_counts(r, 4));  // so do the initial distributions
}

TEST(CpuSimd, WidestIsTheDefaultAndCanBeCapped) {
  const int32_t widest = cpu_lanes_widest();
  EXPECT_TRUE(widest == 1 || widest == 8 || widest == 16);
  EXPECT_TRUE(cpu_lanes_supported(widest));
  EXPECT_TRUE(cpu_lanes_supported(kCpuLanesScalar));
  EXPECT_FALSE(cpu_lanes_supported(4));
  EXPECT_FALSE(cpu_lanes_supported(32));
  ASSERT_EQ(setenv("LEARNRACE_CPU_LANES", "1", 1), 0);
  EXPECT_EQ(cpu_lanes_widest(), kCpuLanesScalar);
  ASSERT_EQ(setenv("LEARNRACE_CPU_LANES", "8", 1), 0);
  EXPECT_EQ(cpu_lanes_widest(), cpu_lanes_supported(8) ? 8 : 1);
  ASSERT_EQ(setenv("LEARNRACE_CPU_LANES", "fast", 1), 0);
  try {
    cpu_lanes_widest();
    ADD_FAILURE() << "LEARNRACE_CPU_LANES=fast accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("LEARNRACE_CPU_LANES=fast"), std::string::npos) << e.what();
  }
  ASSERT_EQ(unsetenv("LEARNRACE_CPU_LANES"), 0);
}

TEST(CpuSimd, UnsupportedLaneCountIsRefused) {
  try {
    run(points(1, 5), 10, 4, 1, 10);
    ADD_FAILURE() << "cpu_lanes = 4 accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("cpu_lanes = 4"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace learnrace
