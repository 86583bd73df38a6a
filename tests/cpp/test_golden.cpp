// Golden reference: the complete output of a small fixed run, stored in data/reference/ as text and
// compared exactly. Any change of a model number (a formula, a default, a stream id, the order of
// draws, a float operation) changes this output, so silent model changes are caught here.
//
// After an INTENDED model change, regenerate and commit the file together with the change:
//
//   LEARNRACE_REGEN_GOLDEN=1 ./build/bin/learnrace_tests --gtest_filter='Golden.*'
//
// (writes data/reference/golden_small_run.txt in the source tree; see data/reference/README.md).
// On a mismatch the test writes the actual output next to the test binary's build tree
// (golden_small_run.actual.txt) so it can be diffed against the stored file.
#include <gtest/gtest.h>

#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "backend.hpp"
#include "test_helpers.hpp"

namespace learnrace {
namespace {

const std::string kGoldenPath = std::string(LEARNRACE_SOURCE_DIR) + "/data/reference/golden_small_run.txt";
const std::string kActualPath = std::string(LEARNRACE_BINARY_DIR) + "/golden_small_run.actual.txt";
constexpr uint64_t kDyads = 2000;

/// The fixed run: the two kernels at their defaults, 2000 dyads x 60 periods, seed 7,
/// trajectories for every 100th dyad (20 slots per point).
std::vector<ModelParams> golden_points() {
  ModelParams a = default_params();
  a.seed = 7;
  a.periods = 60;
  a.trajectory_stride = 100;
  a.trajectory_max = 1000;
  ModelParams b = a;
  b.kernel = KernelType::Strategic;
  return {a, b};
}

/// FNV-1a, 64 bit, over raw bytes (a change detector, not a cryptographic hash: an accidental
/// collision has probability ~2^-64).
struct Fnv1a64 {
  uint64_t h = 0xcbf29ce484222325ull;
  void add(const void* data, size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  }
  template <class T>
  void add_range(const T* v, size_t begin, size_t count) {
    add(v + begin, count * sizeof(T));
  }
};

/// The run's complete output as text. Count words, one line per table row with its nonzero
/// entries: `point section row-index...: column=value ...` (rows without any nonzero entry are
/// left out; moments are signed int64, all written). Per trajectory slot: its per-dyad record, its
/// pair-state sequence (one letter per period lived, a = pair 0 ... y = pair 24) and a hash of all
/// its float arrays.
std::string render(const RunResult& r) {
  std::ostringstream out;
  const OutputLayout& l = r.layout;
  out << "# learnrace golden reference: complete output of the fixed run in tests/cpp/test_golden.cpp.\n"
         "# Regenerate only after an intended model change:\n"
         "#   LEARNRACE_REGEN_GOLDEN=1 ./build/bin/learnrace_tests --gtest_filter='Golden.*'\n"
         "# Lines: point section row-index...: column=value ... (nonzero count words only).\n";
  out << "run dyads " << r.dyads_per_point << " periods " << l.periods << " factor_bins " << l.factor_bins
      << " hist_bins " << l.hist_bins << " points " << r.n_points << "\n";
  for (int32_t i = 0; i < r.n_points; ++i) {
    const uint64_t* c = r.point_counts(i);
    const ModelParams& p = r.params[i];
    out << "point " << i << " kernel " << (p.kernel == KernelType::Strategic ? "strategic" : "propositional")
        << " seed " << p.seed << "\n";
    // One row of n words starting at `first`.
    auto row = [&](const char* section, std::initializer_list<int32_t> idx, uint64_t first, int32_t n) {
      std::ostringstream entries;
      for (int32_t k = 0; k < n; ++k)
        if (c[first + k] != 0) entries << ' ' << k << '=' << c[first + k];
      if (entries.str().empty()) return;
      out << i << ' ' << section;
      for (int32_t k : idx) out << ' ' << k;
      out << ':' << entries.str() << '\n';
    };
    for (int32_t from = 0; from < kPairStates; ++from)
      row("transitions", {from}, l.transition_index(from, 0), kPairStates);
    for (int32_t f = 0; f < kBinnedFactors; ++f)
      for (int32_t b = 0; b < l.factor_bins; ++b)
        for (int32_t from = 0; from < kPairStates; ++from)
          row("transitions_by_bin", {f, b, from}, l.binned_index(f, b, from, 0), kPairStates);
    for (int32_t t = 0; t < l.periods; ++t) row("occupancy", {t}, l.occupancy_index(t, 0), kPairStates);
    for (int32_t cause = 0; cause < kCauses; ++cause)
      row("duration", {cause}, l.duration_index(cause, 0), l.periods + 1);
    row("hist_asymmetry", {}, l.hist_asymmetry, l.hist_bins);
    row("hist_power_shift", {}, l.hist_power_shift, l.hist_bins);
    row("hist_joint", {}, l.hist_joint, l.hist_bins);
    row("power_outcomes", {}, l.power_outcomes, kPowerRows * kPowerColumns);
    out << i << " moments:";
    for (int32_t k = 0; k < 2 * kMoments; ++k) out << ' ' << static_cast<int64_t>(c[l.moments + k]);
    out << '\n';
    row("dyads", {}, l.dyads, 1);

    const TrajectoryView tr = r.trajectories.point(i);
    for (int32_t s = 0; s < tr.slots; ++s) {
      const size_t row0 = static_cast<size_t>(s) * tr.periods;
      std::string pairs;
      for (int32_t t = 0; t < tr.periods && tr.pair[row0 + t] != 255; ++t)
        pairs += static_cast<char>('a' + tr.pair[row0 + t]);
      // Every float field of the registry, per period and per dyad (the integer ones are written out below).
      Fnv1a64 h;
#define LR_X(member, name, store, record, fill, doc) \
  if constexpr (std::is_same<store, float>::value) h.add_range(tr.member, row0, tr.periods);
      LR_TRAJECTORY_PERIOD_FIELDS(LR_X)
#undef LR_X
#define LR_X(member, name, store, record, fill, doc) \
  if constexpr (std::is_same<store, float>::value) h.add_range(tr.member, s, 1);
      LR_TRAJECTORY_DYAD_FIELDS(LR_X)
#undef LR_X
      char hash[17];
      std::snprintf(hash, sizeof hash, "%016" PRIx64, h.h);
      out << i << " trajectory " << s << " dyad " << tr.dyad[s] << " cause " << int(tr.cause[s]) << " duration "
          << tr.duration[s] << " intents " << int(tr.intent_a[s]) << ' ' << int(tr.intent_b[s]) << " floats " << hash
          << " pairs " << pairs << '\n';
    }
  }
  return out.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> v;
  std::istringstream in(text);
  for (std::string s; std::getline(in, s);) v.push_back(s);
  return v;
}

void compare_with_golden(const RunResult& r, const char* backend) {
  const std::string actual = render(r);
  const char* regen = std::getenv("LEARNRACE_REGEN_GOLDEN");
  if (regen && std::string(regen) == "1") {
    std::ofstream(kGoldenPath, std::ios::binary) << actual;
    GTEST_SKIP() << "regenerated " << kGoldenPath << " (" << backend << " backend); review and commit it";
  }
  std::ifstream in(kGoldenPath, std::ios::binary);
  ASSERT_TRUE(in) << "missing " << kGoldenPath << ": generate it with LEARNRACE_REGEN_GOLDEN=1";
  std::stringstream stored;
  stored << in.rdbuf();
  if (stored.str() == actual) return;
  std::ofstream(kActualPath, std::ios::binary) << actual;
  // Report the differing lines (set difference both ways), at most 20 of each.
  const std::vector<std::string> want = lines_of(stored.str()), got = lines_of(actual);
  const std::set<std::string> want_set(want.begin(), want.end()), got_set(got.begin(), got.end());
  std::ostringstream msg;
  int shown = 0;
  for (const std::string& s : want)
    if (!got_set.count(s) && shown++ < 20) msg << "  - " << s << '\n';
  shown = 0;
  for (const std::string& s : got)
    if (!want_set.count(s) && shown++ < 20) msg << "  + " << s << '\n';
  ADD_FAILURE() << "the " << backend << " backend's output differs from the golden reference " << kGoldenPath
                << " (- stored, + actual; full actual output in " << kActualPath
                << "). If the model change is intended, regenerate with LEARNRACE_REGEN_GOLDEN=1 and commit.\n"
                << msg.str();
}

TEST(Golden, SmallRunMatchesReference) {
  // Two threads and chunks of 500 dyads; determinism makes the result independent of both.
  compare_with_golden(test::run_points(golden_points(), kDyads, 2, 500), "cpu");
}

TEST(Golden, CudaBackendMatchesReference) {
  // docs/model.md section 18: identical integer outputs on any backend (own exp/log, no FMA contraction).
  std::string why;
  if (!cuda_backend_available(&why)) GTEST_SKIP() << "CUDA backend not available: " << why;
  if (const char* regen = std::getenv("LEARNRACE_REGEN_GOLDEN"); regen && std::string(regen) == "1")
    GTEST_SKIP() << "the reference is regenerated from the CPU backend only";
  compare_with_golden(test::run_points(golden_points(), kDyads, 0, 500, false, BackendKind::Cuda), "cuda");
}

}  // namespace
}  // namespace learnrace
