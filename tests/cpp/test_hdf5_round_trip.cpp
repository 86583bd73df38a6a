// HDF5 round trip: a small experiment written and read back is identical word for word; the file
// is valid for h5dump and h5py; `learnrace info` describes it.
#ifdef LEARNRACE_HAVE_HDF5

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <sstream>

#include "h5_run_file.hpp"
#include "hdf5_test_support.hpp"
#include "output_schema.hpp"
#include "params_compare.hpp"

using namespace learnrace;
using namespace learnrace::testing_support;

namespace {

std::vector<ParamColumn> test_columns() { return parameter_table(small_config()); }

// Bit-for-bit equality (NaN == NaN), with a readable first difference on failure.
template <class T>
::testing::AssertionResult same_bits(const std::vector<T>& a, const std::vector<T>& b) {
  if (a.size() != b.size()) return ::testing::AssertionFailure() << "sizes differ: " << a.size() << " vs " << b.size();
  for (size_t i = 0; i < a.size(); ++i)
    if (std::memcmp(&a[i], &b[i], sizeof(T)) != 0)
      return ::testing::AssertionFailure() << "first difference at " << i << ": " << +a[i] << " vs " << +b[i];
  return ::testing::AssertionSuccess();
}

class Hdf5RoundTrip : public ::testing::Test {
 protected:
  void SetUp() override {
    original = small_run();
    path = dir.file("run.h5");
    write_run_file(path, original, test_columns());
  }
  ScratchDir dir;
  RunResult original;
  std::string path;
};

TEST_F(Hdf5RoundTrip, TheExperimentProducedSomethingToCompare) {
  // Guards the round trip against comparing empty results.
  ASSERT_EQ(original.n_points, 2);
  for (int32_t i = 0; i < original.n_points; ++i) {
    EXPECT_EQ(original.point_counts(i)[original.layout.dyads], 3000u);
    const TrajectoryView t = original.trajectories.point(i);
    EXPECT_EQ(t.slots, 25);
    EXPECT_EQ(t.dyad[24], 2400u);
    EXPECT_LT(t.pair[0], 25);
  }
  EXPECT_NE(std::memcmp(original.point_counts(0), original.point_counts(1), original.layout.total * sizeof(uint64_t)),
            0);
}

TEST_F(Hdf5RoundTrip, EveryCountWordTrajectoryAndAttributeIsIdentical) {
  EXPECT_TRUE(exists(path));
  EXPECT_TRUE(temp_files_of(path).empty());
  const RunResult back = read_run_file(path);

  EXPECT_EQ(back.point_names, original.point_names);
  EXPECT_EQ(back.dyads_per_point, original.dyads_per_point);
  EXPECT_EQ(back.config_toml, original.config_toml);
  EXPECT_EQ(back.backend, "cpu");
  EXPECT_EQ(back.seconds, original.seconds);
  EXPECT_EQ(back.layout.total, original.layout.total);
  EXPECT_EQ(back.layout.periods, original.layout.periods);
  EXPECT_EQ(back.layout.factor_bins, original.layout.factor_bins);
  EXPECT_EQ(back.layout.hist_bins, original.layout.hist_bins);
  EXPECT_EQ(back.layout.moments, original.layout.moments);
  // ModelParams are rebuilt from the stored TOML: they equal the ones built in code.
  ASSERT_EQ(back.params.size(), original.params.size());
  for (size_t i = 0; i < original.params.size(); ++i)
    EXPECT_EQ(learnrace::test::differing_fields(back.params[i], original.params[i]), std::vector<std::string>{})
        << "point " << i;
  // The whole [P, ...] arrays: every point's counts and trajectory slots.
  ASSERT_EQ(back.n_points, original.n_points);
  EXPECT_TRUE(same_bits(back.counts, original.counts));
  const Trajectories& a = original.trajectories;
  const Trajectories& b = back.trajectories;
  EXPECT_EQ(b.slots, a.slots);
  EXPECT_EQ(b.periods, a.periods);
  // Every trajectory field of the registry.
#define LR_X(member, name, store, record, fill, doc) EXPECT_TRUE(same_bits(b.member, a.member)) << #name;
  LR_TRAJECTORY_PERIOD_FIELDS(LR_X)
  LR_TRAJECTORY_DYAD_FIELDS(LR_X)
#undef LR_X
}

TEST_F(Hdf5RoundTrip, HeaderAttributesAreWritten) {
  const RunFileHeader h = read_run_header(path);
  EXPECT_EQ(h.filetype, "learnrace-run");
  EXPECT_EQ(h.version_major, output_schema::kVersionMajor);
  EXPECT_EQ(h.version_minor, 0);
  EXPECT_EQ(h.seed, 20260101);
  EXPECT_EQ(h.backend, "cpu");
  EXPECT_EQ(h.dyads_per_point, 3000);
  EXPECT_EQ(h.periods, 100);
  EXPECT_EQ(h.config_toml, original.config_toml);
  EXPECT_EQ(h.seconds, original.seconds);
  EXPECT_FALSE(h.learnrace_version.empty());
  EXPECT_FALSE(h.git_describe.empty());
}

TEST_F(Hdf5RoundTrip, PointTableIsWrittenInNameOrder) {
  const PointTable t = read_point_table(path);
  EXPECT_EQ(t.names, (std::vector<std::string>{"propositional", "strategic"}));
  EXPECT_EQ(t.kernels, (std::vector<std::string>{"propositional", "strategic"}));
  std::vector<ParamColumn> expected = test_columns();
  std::sort(expected.begin(), expected.end(), [](const auto& a, const auto& b) { return a.key < b.key; });
  ASSERT_GT(expected.size(), 50u) << "parameter_table should list every configurable scalar";
  ASSERT_EQ(t.columns.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(t.columns[i].key, expected[i].key);
    EXPECT_TRUE(same_bits(t.columns[i].values, expected[i].values)) << expected[i].key;
  }
}

TEST_F(Hdf5RoundTrip, AFileWithoutTrajectorySlotsRoundTrips) {
  const RunResult r = small_run(50, 0);
  ASSERT_EQ(r.trajectories.slots, 0);
  const std::string empty = dir.file("no_traj.h5");
  write_run_file(empty, r, test_columns());
  const RunResult back = read_run_file(empty);
  EXPECT_EQ(back.trajectories.slots, 0);
  EXPECT_TRUE(back.trajectories.pair.empty());
  EXPECT_EQ(back.counts, r.counts);
}

TEST_F(Hdf5RoundTrip, RewritingReplacesTheFile) {
  RunResult other = small_run(500);
  write_run_file(path, other, test_columns());
  EXPECT_EQ(read_run_header(path).dyads_per_point, 500);
  EXPECT_TRUE(temp_files_of(path).empty());
}

TEST_F(Hdf5RoundTrip, ValidForH5dump) {
  if (!have_command("h5dump")) GTEST_SKIP() << "h5dump not found (Debian: hdf5-tools)";
  std::string out;
  ASSERT_EQ(run_command("h5dump -H " + shell_quote(path), &out), 0) << out;
  for (const char* item :
       {"GROUP \"counts\"", "DATASET \"transitions_by_bin\"", "GROUP \"trajectories\"", "DATASET \"power_A\"",
        "ATTRIBUTE \"config_toml\"", "H5T_STRING", "H5T_STD_U64LE", "( 2, 25, 25 )", "( 2, 25, 100 )"})
    EXPECT_NE(out.find(item), std::string::npos) << "missing " << item << " in\n" << out;
  ASSERT_EQ(run_command("h5dump -a filetype " + shell_quote(path), &out), 0) << out;
  EXPECT_NE(out.find("\"learnrace-run\""), std::string::npos) << out;
  // The big arrays are chunked and deflate-compressed.
  ASSERT_EQ(run_command("h5dump -p -H -d /counts/transitions_by_bin " + shell_quote(path), &out), 0) << out;
  EXPECT_NE(out.find("CHUNKED"), std::string::npos) << out;
  EXPECT_NE(out.find("DEFLATE"), std::string::npos) << out;
  EXPECT_NE(out.find("SHUFFLE"), std::string::npos) << out;
}

TEST_F(Hdf5RoundTrip, ReadableByH5py) {
  if (run_command("python3 -c 'import h5py, numpy'", nullptr) != 0) GTEST_SKIP() << "python3 with h5py not found";
  const std::string script = std::string(LEARNRACE_SOURCE_DIR) + "/tests/cpp/check_run_file.py";
  std::string out;
  const int rc =
      run_command("python3 " + shell_quote(script) + " " + shell_quote(path) +
                      " --points propositional strategic --slots 25 --periods 100 --dyads 3000 --version " +
                      std::to_string(output_schema::kVersionMajor) + " " + std::to_string(output_schema::kVersionMinor),
                  &out);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("OK"), std::string::npos) << out;
}

}  // namespace

#endif  // LEARNRACE_HAVE_HDF5
