// Crafted and damaged run files (tests/python/crafted_files.py makes them from a valid file): wrong shapes and
// dtypes, periods 0, version "1" or 1.5, huge declared sizes over little stored data, foreign filters,
// external storage, a flipped byte. The reader refuses each with a FileFormatError naming the item, before
// allocating anything, and `learnrace info` exits 2 with one line naming it.
#ifdef LEARNRACE_HAVE_HDF5

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "h5_error.hpp"
#include "h5_file.hpp"
#include "h5_run_checksum.hpp"
#include "h5_run_file.hpp"
#include "hdf5_test_support.hpp"

using namespace learnrace;
using namespace learnrace::testing_support;

namespace {

struct Crafted {
  std::string path;
  std::string item;
};

class Hdf5Crafted : public ::testing::Test {
 protected:
  void SetUp() override {
    if (run_command("python3 -c 'import h5py, numpy'", nullptr) != 0) GTEST_SKIP() << "python3 with h5py not found";
    const std::string valid = dir.file("valid.h5");
    write_run_file(valid, small_run(400), {{"learning.lambda", {0.1, 0.1}}});
    const std::string script = std::string(LEARNRACE_SOURCE_DIR) + "/tests/python/crafted_files.py";
    std::string out;
    ASSERT_EQ(
        run_command(
            "python3 " + shell_quote(script) + " " + shell_quote(valid) + " " + shell_quote(dir.file("crafted")), &out),
        0)
        << out;
    std::ifstream manifest(dir.file("crafted/manifest.tsv"));
    for (std::string line; std::getline(manifest, line);) {
      const size_t tab = line.find('\t'), tab2 = line.find('\t', tab + 1);
      files.push_back({line.substr(0, tab), line.substr(tab + 1, tab2 - tab - 1)});
      if (line.substr(tab2 + 1) == "1") seal(files.back().path);
    }
  }

  // Writes the attributes' checksum of an edited file again, as an attacker could (crafted_files.py).
  static void seal(const std::string& path) {
    const h5::ErrorPrintingOff quiet;
    try {
      h5::File f = h5::File::open(path, h5::FileMode::ReadWrite);
      run_checksum::seal(f.root());
      f.close();
    } catch (const h5::H5Error&) {  // an attribute the edit removed or retyped: the reader names it first
    }
  }

  ScratchDir dir;
  std::vector<Crafted> files;
};

TEST_F(Hdf5Crafted, EveryCraftedFileIsAFormatErrorNamingItsItem) {
  ASSERT_GE(files.size(), 20u);
  for (const Crafted& c : files) {
    SCOPED_TRACE(c.path);
    try {
      read_run_file(c.path);
      ADD_FAILURE() << "accepted";
    } catch (const FileFormatError& e) {
      EXPECT_EQ(e.item(), c.item) << e.what();
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << "one line: " << e.what();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "not a FileFormatError: " << e.what();
    }
    EXPECT_THROW(read_run_contents(c.path, ReadParts{false, false}), FileFormatError);
    // The checks without reading (what learnrace.open runs): everything but damaged chunks, found when read.
    if (c.path.find("flipped_byte") == std::string::npos) {
      EXPECT_THROW(check_run_file(c.path), FileFormatError);
    }
  }
  EXPECT_NO_THROW(check_run_file(dir.file("valid.h5")));
}

}  // namespace

#endif  // LEARNRACE_HAVE_HDF5
