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
#include "h5_run_checksum.hpp"
#include "h5_run_file.hpp"
#include "hdf5_test_support.hpp"
#include "output_schema.hpp"

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

  // Opens the valid file for modification and hands its root group to `edit`; then writes the attributes' checksum
  // again (when they can still be read), as a crafted file would, so that the checks behind the checksum are
  // reached. `seal = false` leaves the old checksum: the file of a damaged disk.
  void tamper(const std::function<void(const h5::Group&)>& edit, bool seal = true) {
    const h5::ErrorPrintingOff quiet;
    h5::File file = h5::File::open(path, h5::FileMode::ReadWrite);
    {
      const h5::Group root = file.root();
      edit(root);
      if (seal) {
        try {
          run_checksum::seal(root);
        } catch (const h5::H5Error&) {  // an attribute the edit removed or retyped: the reader names it first
        }
      }
    }
    file.close();
  }

  static std::string reads_major() {
    return "this build reads major version " + std::to_string(output_schema::kVersionMajor);
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
  const int64_t newer = output_schema::kVersionMajor + 1;
  tamper([&](const h5::Group& root) {
    h5::delete_attribute(root, "version");
    h5::write_int_array_attribute(root, "version", {newer, 0});
  });
  expect_format_error("version", {"unsupported schema version [" + std::to_string(newer) + ", 0]", reads_major()});
  EXPECT_THROW(read_run_contents(path, ReadParts{false, false}), FileFormatError);
}

TEST_F(Hdf5Errors, OlderMajorVersionSaysWhichLearnraceReadsIt) {
  const int64_t older = output_schema::kVersionMajor - 1;
  tamper([&](const h5::Group& root) {
    h5::delete_attribute(root, "version");
    h5::write_int_array_attribute(root, "version", {older, 0});
  });
  expect_format_error("version", {"unsupported schema version [" + std::to_string(older) + ", 0]",
                                  "written by an older learnrace", reads_major()});
}

TEST_F(Hdf5Errors, NewerMinorVersionIsRead) {
  // A minor version only adds: a [major, 7] file is read by a [major, 0] reader.
  tamper([](const h5::Group& root) {
    h5::delete_attribute(root, "version");
    h5::write_int_array_attribute(root, "version", {output_schema::kVersionMajor, 7});
  });
  EXPECT_EQ(read_run_header(path).version_minor, 7);
  EXPECT_NO_THROW(read_run_file(path));
}

TEST_F(Hdf5Errors, SingleNumberVersionOfOldFiles) {
  tamper([](const h5::Group& root) {
    h5::delete_attribute(root, "version");
    h5::write_int_attribute(root, "version", 1);
  });
  expect_format_error("version", {"unsupported schema version 1", reads_major()});
  EXPECT_THROW(read_run_contents(path, ReadParts{false, false}), FileFormatError);
}

TEST_F(Hdf5Errors, VersionOfTheWrongType) {
  tamper([](const h5::Group& root) {
    h5::delete_attribute(root, "version");
    h5::write_string_attribute(root, "version", "1");
  });
  expect_format_error("version", {"root attribute 'version' is string(1), expected [major, minor] integers"});
}

// Files before version 4 held variable-length strings, read from the global heap that HDF5 does not check (eight
// damaged bytes there crashed every reader): the reader never reads one, and says which file it has.
TEST_F(Hdf5Errors, VariableLengthStringsAreNeverRead) {
  const auto vlen_attribute = [](const h5::Group& root, const std::string& name, const std::string& value) {
    h5::delete_attribute(root, name);
    const h5::Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(type.get(), H5T_VARIABLE);
    const h5::Handle space(H5Screate(H5S_SCALAR), H5Sclose);
    const h5::Handle attr(H5Acreate2(root.id(), name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT),
                          H5Aclose);
    const char* data = value.c_str();
    ASSERT_GE(H5Awrite(attr.get(), type.get(), &data), 0);
  };
  tamper([&](const h5::Group& root) { vlen_attribute(root, "filetype", "learnrace-run"); });
  expect_format_error("filetype", {"'filetype' is a variable-length string"});
  tamper([&](const h5::Group& root) {
    h5::delete_attribute(root, "version");
    h5::write_int_array_attribute(root, "version", {3, 0});
  });
  expect_format_error("version", {"unsupported schema version [3, 0]", "written by an older learnrace"});
  SetUp();
  tamper([&](const h5::Group& root) { vlen_attribute(root, "backend", "cpu"); });
  expect_format_error("backend", {"root attribute 'backend' is variable-length string, expected a fixed-length"});
}

TEST_F(Hdf5Errors, AttributesThatDoNotMatchTheirChecksumAreRefused) {
  tamper(
      [](const h5::Group& root) {
        h5::delete_attribute(root, "dyads_per_point");
        h5::write_int_attribute(root, "dyads_per_point", 401);
      },
      /*seal=*/false);  // fmt: off
  expect_format_error("attributes_crc32", {"the attributes do not match their checksum", "damaged"});
  SetUp();
  tamper(
      [](const h5::Group& root) {
        const h5::Dataset moments = h5::Dataset::open(h5::Group::open(root, "outcomes"), "moments");
        h5::delete_attribute(moments, "scale");
        h5::write_int_attribute(moments, "scale", 1 << 19);
      },
      /*seal=*/false);  // fmt: off
  expect_format_error("attributes_crc32", {"the attributes do not match their checksum"});
}

TEST_F(Hdf5Errors, DatasetsWithoutAChecksumAreRefused) {
  tamper([](const h5::Group& root) {
    const h5::Group outcomes = h5::Group::open(root, "outcomes");
    outcomes.remove_link("dyads_simulated");
    h5::Storage plain;
    plain.checksum = false;
    const h5::Dataset d = h5::Dataset::create(outcomes, "dyads_simulated", h5::file_type<uint64_t>(), {2}, plain);
    const uint64_t values[2] = {400, 400};
    d.write(values, h5::native_type<uint64_t>());
  });
  expect_format_error("/outcomes/dyads_simulated", {"has no Fletcher32 checksum"});
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
    const h5::Dataset d = h5::Dataset::create(counts, "transitions_by_bin", h5::file_type<uint64_t>(), {2, 625});
    h5::write_double_attribute(d, "relation_bin_max", 10.0);
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
  ASSERT_GT(before.size(), 32u * 1024u);
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
