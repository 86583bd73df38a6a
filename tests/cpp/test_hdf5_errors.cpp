// HDF5 run files: every FileFormatError class with its message, and failed writes that leave no
// file behind (and an existing file untouched).
#ifdef LEARNRACE_HAVE_HDF5

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <functional>

#include "h5_attribute.hpp"
#include "h5_dataset.hpp"
#include "h5_error.hpp"
#include "h5_file.hpp"
#include "h5_run_file.hpp"
#include "hdf5_test_support.hpp"

using namespace learnrace;
using namespace learnrace::testing_support;

namespace {

const std::vector<ParamColumn> kColumns = {{"learning.lambda", {0.1, 0.1}}};

// One small run shared by the tests of this file (each ctest process computes it once).
const RunResult& shared_run() {
  static const RunResult r = small_run(400);
  return r;
}

class Hdf5Errors : public ::testing::Test {
 protected:
  void SetUp() override {
    path = dir.file("run.h5");
    write_run_file(path, shared_run(), kColumns);
  }

  // Opens the valid file for modification and hands its root group to `edit`.
  void tamper(const std::function<void(const h5::Group&)>& edit) {
    const h5::ErrorPrintingOff quiet;
    h5::File file = h5::File::open(path, h5::FileMode::ReadWrite);
    {
      const h5::Group root = file.root();
      edit(root);
    }
    file.close();
  }

  // Expects read_run_file to throw FileFormatError whose item is `item` and whose message contains
  // the file name and every one of `parts`.
  void expect_format_error(const std::string& item, const std::vector<std::string>& parts) {
    try {
      read_run_file(path);
      FAIL() << "read_run_file accepted the file; expected an error about '" << item << "'";
    } catch (const FileFormatError& e) {
      const std::string what = e.what();
      EXPECT_EQ(e.file(), path);
      EXPECT_EQ(e.item(), item) << what;
      EXPECT_EQ(what.rfind(path + ": ", 0), 0u) << "message does not start with the file name: " << what;
      for (const std::string& p : parts) EXPECT_NE(what.find(p), std::string::npos) << "'" << p << "' not in: " << what;
    }
  }

  ScratchDir dir;
  std::string path;
};

TEST_F(Hdf5Errors, TheUntouchedFileIsAccepted) {
  // The tampering tests below start from this file: it must be valid to begin with.
  EXPECT_NO_THROW(read_run_file(path));
}

TEST_F(Hdf5Errors, NotAnHdf5File) {
  spit(path, "filetype = \"learnrace-run\"\nthis is a TOML file, not HDF5\n");
  expect_format_error("", {"not an HDF5 file"});
  EXPECT_THROW(read_run_header(path), FileFormatError);
  EXPECT_THROW(read_run_contents(path, ReadParts{false, false}), FileFormatError);
}

TEST_F(Hdf5Errors, EmptyFileIsNotAnHdf5File) {
  spit(path, "");
  expect_format_error("", {"not an HDF5 file"});
}

TEST_F(Hdf5Errors, MissingFileIsNotAFormatError) {
  const std::string missing = dir.file("absent.h5");
  try {
    read_run_file(missing);
    FAIL() << "no exception";
  } catch (const FileFormatError& e) {
    FAIL() << "a missing file is not a format error: " << e.what();
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot open '" + missing + "'"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("No such file"), std::string::npos) << e.what();
  }
}

TEST_F(Hdf5Errors, ForeignHdf5FileWithoutFiletype) {
  {
    const h5::ErrorPrintingOff quiet;
    h5::File other = h5::File::create(path);
    other.close();
  }
  expect_format_error("filetype", {"not a learnrace run file", "root attribute 'filetype' is missing"});
}

TEST_F(Hdf5Errors, WrongFiletype) {
  tamper([](const h5::Group& root) {
    h5::delete_attribute(root, "filetype");
    h5::write_string_attribute(root, "filetype", "openmc-statepoint");
  });
  expect_format_error("filetype", {"not a learnrace run file", "'openmc-statepoint'", "expected 'learnrace-run'"});
  EXPECT_THROW(read_run_header(path), FileFormatError);
}

TEST_F(Hdf5Errors, FiletypeOfTheWrongType) {
  tamper([](const h5::Group& root) {
    h5::delete_attribute(root, "filetype");
    h5::write_int_attribute(root, "filetype", 7);
  });
  expect_format_error("filetype", {"root attribute 'filetype' is int64, expected a string"});
}

TEST_F(Hdf5Errors, UnsupportedMajorVersion) {
  tamper([](const h5::Group& root) {
    h5::delete_attribute(root, "version");
    h5::write_int_array_attribute(root, "version", {4, 0});
  });
  expect_format_error("version", {"unsupported schema version [4, 0]", "this build reads major version 3"});
  EXPECT_THROW(read_run_contents(path, ReadParts{false, false}), FileFormatError);
}

TEST_F(Hdf5Errors, NewerMinorVersionIsRead) {
  // A minor version only adds: a [3, 7] file is read by a [3, 0] reader.
  tamper([](const h5::Group& root) {
    h5::delete_attribute(root, "version");
    h5::write_int_array_attribute(root, "version", {3, 7});
  });
  EXPECT_EQ(read_run_header(path).version_minor, 7);
  EXPECT_NO_THROW(read_run_file(path));
}

TEST_F(Hdf5Errors, SingleNumberVersionOfOldFiles) {
  tamper([](const h5::Group& root) {
    h5::delete_attribute(root, "version");
    h5::write_int_attribute(root, "version", 1);
  });
  expect_format_error("version", {"unsupported schema version 1", "this build reads major version 3"});
  EXPECT_THROW(read_run_contents(path, ReadParts{false, false}), FileFormatError);
}

TEST_F(Hdf5Errors, VersionOfTheWrongType) {
  tamper([](const h5::Group& root) {
    h5::delete_attribute(root, "version");
    h5::write_string_attribute(root, "version", "1");
  });
  expect_format_error("version", {"root attribute 'version' is string, expected [major, minor] integers"});
}

TEST_F(Hdf5Errors, MissingRootAttribute) {
  tamper([](const h5::Group& root) { h5::delete_attribute(root, "config_toml"); });
  expect_format_error("config_toml", {"root attribute 'config_toml' is missing"});
}

TEST_F(Hdf5Errors, MissingCountDataset) {
  tamper([](const h5::Group& root) { h5::Group::open(root, "counts").remove_link("occupancy"); });
  expect_format_error("/counts/occupancy", {"missing dataset '/counts/occupancy'"});
}

TEST_F(Hdf5Errors, MissingTrajectoryDataset) {
  tamper([](const h5::Group& root) { h5::Group::open(root, "trajectories").remove_link("gain_B"); });
  expect_format_error("/trajectories/gain_B", {"missing dataset '/trajectories/gain_B'"});
}

TEST_F(Hdf5Errors, MissingGroup) {
  tamper([](const h5::Group& root) { root.remove_link("outcomes"); });
  expect_format_error("/outcomes", {"missing group '/outcomes'"});
}

TEST_F(Hdf5Errors, IllShapedDataset) {
  tamper([](const h5::Group& root) {
    const h5::Group outcomes = h5::Group::open(root, "outcomes");
    outcomes.remove_link("duration_by_cause");
    h5::Dataset::create(outcomes, "duration_by_cause", h5::file_type<uint64_t>(), {2, 7, 50});
  });
  expect_format_error("/outcomes/duration_by_cause",
                      {"dataset '/outcomes/duration_by_cause' has shape [2,7,50], expected [2,7,101]"});
}

TEST_F(Hdf5Errors, DatasetOfTheWrongRank) {
  tamper([](const h5::Group& root) {
    const h5::Group counts = h5::Group::open(root, "counts");
    counts.remove_link("transitions_by_bin");
    h5::Dataset::create(counts, "transitions_by_bin", h5::file_type<uint64_t>(), {2, 625});
  });
  expect_format_error("/counts/transitions_by_bin", {"has shape [2,625], expected rank 5"});
}

TEST_F(Hdf5Errors, DatasetOfTheWrongElementType) {
  tamper([](const h5::Group& root) {
    const h5::Group traj = h5::Group::open(root, "trajectories");
    const h5::Dims dims = h5::Dataset::open(traj, "x_A").dims();
    traj.remove_link("x_A");
    h5::Dataset::create(traj, "x_A", h5::file_type<double>(), dims);
  });
  expect_format_error("/trajectories/x_A", {"dataset '/trajectories/x_A' is float64, expected float32"});
}

TEST_F(Hdf5Errors, ReorderedMetaAxis) {
  tamper([](const h5::Group& root) {
    const h5::Group meta = h5::Group::open(root, "meta");
    meta.remove_link("causes");
    h5::write_strings(meta, "causes",
                      {"censored", "disintegration", "race_won_by_B", "race_won_by_A", "exploited_A_withdraws",
                       "exploited_B_withdraws", "exogenous_hazard"});
  });
  expect_format_error("/meta/causes", {"entry 2 is 'race_won_by_B', expected 'race_won_by_A'"});
}

TEST_F(Hdf5Errors, ConfigThatIsNotAValidExperiment) {
  tamper([](const h5::Group& root) {
    h5::delete_attribute(root, "config_toml");
    h5::write_string_attribute(root, "config_toml", "[run]\nperiodz = 100\n");
  });
  expect_format_error("config_toml", {"root attribute 'config_toml' is not a valid experiment", "periodz"});
}

TEST_F(Hdf5Errors, ConfigThatDoesNotMatchTheDatasets) {
  tamper([](const h5::Group& root) {
    h5::delete_attribute(root, "config_toml");
    h5::write_string_attribute(root, "config_toml", small_config_toml(400, 25) + "\n[[points]]\nname = \"third\"\n");
  });
  expect_format_error("config_toml", {"root attribute 'config_toml' expands to 3 points, the file holds 2"});
  tamper([](const h5::Group& root) {
    h5::delete_attribute(root, "config_toml");
    std::string text = small_config_toml(400, 25);
    text.replace(text.find("seed = 20260101"), 15, "seed = 5\nperiods = 99");
    h5::write_string_attribute(root, "config_toml", text);
  });
  expect_format_error("config_toml", {"gives periods/factor bins/histogram bins 99/4/40, the datasets 100/4/40"});
  tamper([](const h5::Group& root) {
    h5::delete_attribute(root, "config_toml");
    h5::write_string_attribute(root, "config_toml", small_config_toml(400, 25));  // valid again
    const h5::Group points = h5::Group::open(root, "points");
    points.remove_link("kernel");
    h5::write_strings(points, "kernel", {"strategic", "strategic"});
  });
  expect_format_error("config_toml", {"gives point 0 the propositional kernel, /points/kernel 'strategic'"});
}

// ---------------------------------------------------------------------------------------------
// Failed writes

TEST_F(Hdf5Errors, WriteIntoAMissingDirectoryThrowsAndLeavesNoFile) {
  const std::string target = dir.file("no/such/dir/run.h5");
  try {
    write_run_file(target, shared_run(), kColumns);
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("cannot create '" + target + ".tmp-"), std::string::npos) << what;
    EXPECT_NE(what.find("': No such file or directory"), std::string::npos) << what;
  }
  EXPECT_FALSE(exists(target));
}

TEST_F(Hdf5Errors, WriteIntoAnUnwritableDirectoryThrowsAndLeavesTheOldFile) {
  if (::geteuid() == 0) GTEST_SKIP() << "running as root: directory permissions do not apply";
  const std::string before = slurp(path);
  ASSERT_EQ(::chmod(dir.path().c_str(), 0555), 0);
  bool threw = false;
  std::string what;
  try {
    write_run_file(path, shared_run(), kColumns);
  } catch (const std::runtime_error& e) {
    threw = true;
    what = e.what();
  }
  ::chmod(dir.path().c_str(), 0755);
  EXPECT_TRUE(threw);
  EXPECT_NE(what.find("cannot create '" + path + ".tmp-"), std::string::npos) << what;
  EXPECT_NE(what.find("': Permission denied"), std::string::npos) << what;
  EXPECT_TRUE(temp_files_of(path).empty());
  EXPECT_EQ(slurp(path), before);
}

TEST_F(Hdf5Errors, ExistingFileSurvivesAWriteThatRunsOutOfSpace) {
  // Simulates a full disk: the process may not write files beyond 16 KiB, far less than a run file.
  const std::string before = slurp(path);
  ASSERT_GT(before.size(), 64u * 1024u);
  RunResult bigger = small_run(800);
  ::signal(SIGXFSZ, SIG_IGN);  // make write() fail with EFBIG instead of killing the process
  rlimit saved;
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &saved), 0);
  rlimit low = saved;
  low.rlim_cur = 16 * 1024;
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &low), 0);
  bool threw = false;
  std::string what;
  try {
    write_run_file(path, bigger, kColumns);
  } catch (const std::runtime_error& e) {
    threw = true;
    what = e.what();
  }
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &saved), 0);
  EXPECT_TRUE(threw) << "the write did not fail under a 16 KiB file size limit";
  EXPECT_NE(what.find("cannot write '" + path + ".tmp-"), std::string::npos) << what;
  EXPECT_NE(what.find("': File too large"), std::string::npos) << what;
  EXPECT_TRUE(temp_files_of(path).empty());
  EXPECT_EQ(slurp(path), before);
  EXPECT_EQ(read_run_header(path).dyads_per_point, 400);
}

TEST_F(Hdf5Errors, ADirectoryIsNeverReplaced) {
  const std::string target = dir.file("occupied.h5");
  ASSERT_TRUE(std::filesystem::create_directory(target));
  spit(target + "/keep.txt", "still here");
  try {
    write_run_file(target, shared_run(), kColumns);
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("'" + target + "' is a directory"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(temp_files_of(target).empty());
  EXPECT_EQ(slurp(target + "/keep.txt"), "still here");
}

TEST_F(Hdf5Errors, InconsistentResultIsRejectedBeforeAnyFileIsCreated) {
  const std::string before = slurp(path);
  RunResult bad = shared_run();
  bad.point_names.pop_back();
  EXPECT_THROW(write_run_file(path, bad, kColumns), std::invalid_argument);
  bad = shared_run();
  bad.counts.pop_back();
  EXPECT_THROW(write_run_file(path, bad, kColumns), std::invalid_argument);
  bad = shared_run();
  bad.trajectories.x_b.pop_back();
  EXPECT_THROW(write_run_file(path, bad, kColumns), std::invalid_argument);
  for (const std::vector<ParamColumn>& columns :
       {std::vector<ParamColumn>{{"a/b", {1, 2}}}, std::vector<ParamColumn>{{"kernel", {1, 2}}},
        std::vector<ParamColumn>{{"x", {1, 2}}, {"x", {3, 4}}}, std::vector<ParamColumn>{{"x", {1}}}}) {
    try {
      write_run_file(path, shared_run(), columns);
      ADD_FAILURE() << "column '" << columns[0].key << "' accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("'" + columns[0].key + "'"), std::string::npos) << e.what();
    }
  }
  EXPECT_TRUE(temp_files_of(path).empty());
  EXPECT_EQ(slurp(path), before);
}

}  // namespace

#endif  // LEARNRACE_HAVE_HDF5
