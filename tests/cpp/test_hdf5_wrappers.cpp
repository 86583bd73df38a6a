// The RAII wrappers over the HDF5 C API (host/hdf5/h5_*.hpp).
#ifdef LEARNRACE_HAVE_HDF5

#include <gtest/gtest.h>

#include "h5_attribute.hpp"
#include "h5_dataset.hpp"
#include "h5_error.hpp"
#include "h5_file.hpp"
#include "hdf5_test_support.hpp"

using namespace learnrace;
using namespace learnrace::h5;
using learnrace::testing_support::ScratchDir;

namespace {

class H5Wrappers : public ::testing::Test {
 protected:
  ErrorPrintingOff quiet;
  ScratchDir dir;
};

TEST_F(H5Wrappers, HandleClosesItsIdExactlyOnce) {
  hid_t id;
  {
    Handle h(H5Screate(H5S_SCALAR), H5Sclose);
    id = h.get();
    EXPECT_GT(H5Iis_valid(id), 0);
    Handle moved = std::move(h);
    EXPECT_FALSE(h.valid());
    EXPECT_EQ(moved.get(), id);
    EXPECT_GT(H5Iis_valid(id), 0);
  }
  EXPECT_LE(H5Iis_valid(id), 0);
}

TEST_F(H5Wrappers, ErrorsNameTheCallTheObjectAndHdf5sReason) {
  const std::string path = dir.file("a.h5");
  File f = File::create(path);
  const Group root = f.root();
  try {
    Dataset::open(root, "absent");
    FAIL() << "no exception";
  } catch (const H5Error& e) {
    const std::string what = e.what();
    EXPECT_EQ(what.rfind("H5Dopen2 failed on " + path + ":/absent: ", 0), 0u) << what;
    EXPECT_NE(what.find("object 'absent' doesn't exist"), std::string::npos) << what;
  }
  Group::create(root, "g");
  try {
    Group::create(root, "g");
    FAIL() << "a second group 'g' was created";
  } catch (const H5Error& e) {
    EXPECT_EQ(std::string(e.what()).rfind("H5Gcreate2 failed on " + path + ":/g: ", 0), 0u) << e.what();
  }
}

TEST_F(H5Wrappers, ClosingAFileWithAnOpenObjectFails) {
  // Close degree "semi": a writer that forgot to close a dataset hears about it.
  File f = File::create(dir.file("b.h5"));
  const Group root = f.root();
  EXPECT_THROW(f.close(), H5Error);
}

TEST_F(H5Wrappers, ChunksAreOneLeadingRowAndBoundedInBytes) {
  EXPECT_EQ(chunk_dims({2, 4, 4, 25, 25}, 8, 1 << 20), (Dims{1, 4, 4, 25, 25}));
  const Dims big = chunk_dims({3, 1000, 100}, 4, 100000);
  EXPECT_EQ(big[0], 1u);
  EXPECT_LE(product(big) * 4, 100000u);
  EXPECT_GT(product(big) * 4, 100000u / 4) << "halved more than needed: " << format_dims(big);
}

TEST_F(H5Wrappers, RowsOfTheLeadingAxisRoundTrip) {
  const std::string path = dir.file("rows.h5");
  {
    File f = File::create(path);
    {
      const Group root = f.root();
      Storage compressed;
      compressed.compress = true;
      const Dataset d = Dataset::create(root, "x", file_type<uint64_t>(), {3, 2, 5}, compressed);
      for (hsize_t i = 0; i < 3; ++i) {
        std::vector<uint64_t> row(10);
        for (size_t k = 0; k < row.size(); ++k) row[k] = 100 * i + k;
        d.write_row(i, row);
      }
      std::vector<uint64_t> wrong(9);
      EXPECT_THROW(d.write_row(0, wrong), H5Error);
      EXPECT_THROW(d.write_row(3, std::vector<uint64_t>(10)), H5Error);
    }
    f.close();
  }
  File f = File::open(path, FileMode::ReadOnly);
  const Group root = f.root();
  const Dataset d = Dataset::open(root, "x");
  EXPECT_EQ(d.dims(), (Dims{3, 2, 5}));
  EXPECT_EQ(d.type().describe(), "uint64");
  std::vector<uint64_t> row(10);
  d.read_row(2, row);
  EXPECT_EQ(row[0], 200u);
  EXPECT_EQ(row[9], 209u);
}

TEST_F(H5Wrappers, AttributesRoundTripWithTheirTypes) {
  const std::string path = dir.file("attrs.h5");
  {
    File f = File::create(path);
    {
      const Group root = f.root();
      write_int_attribute(root, "i", -5);
      write_double_attribute(root, "d", 0.25);
      write_string_attribute(root, "s", "Zusammenarbeit \xc3\xa4 [toml]\nkey = 1\n");
      write_double_array_attribute(root, "r", {-1.0, 1.0});
    }
    f.close();
  }
  File f = File::open(path, FileMode::ReadOnly);
  const Group root = f.root();
  EXPECT_EQ(read_int_attribute(root, "i"), -5);
  EXPECT_EQ(read_double_attribute(root, "d"), 0.25);
  EXPECT_EQ(read_string_attribute(root, "s"), "Zusammenarbeit \xc3\xa4 [toml]\nkey = 1\n");
  EXPECT_EQ(read_double_array_attribute(root, "r"), (std::vector<double>{-1.0, 1.0}));
  EXPECT_EQ(attribute_type(root, "i").describe(), "int64");
  EXPECT_EQ(attribute_type(root, "s").describe(), "string(33)");  // fixed length: never the global heap
  EXPECT_TRUE(has_attribute(root, "d"));
  EXPECT_FALSE(has_attribute(root, "absent"));
}

TEST_F(H5Wrappers, FixedLengthStringsAreReadToo) {
  // Other tools (and h5py with numpy 'S' arrays) write fixed-length, null-padded strings.
  const std::string path = dir.file("fixed.h5");
  {
    File f = File::create(path);
    {
      const Group root = f.root();
      const Datatype t = Datatype::adopt(H5Tcopy(H5T_C_S1), "H5Tcopy", "test");
      ASSERT_GE(H5Tset_size(t.id(), 8), 0);
      ASSERT_GE(H5Tset_strpad(t.id(), H5T_STR_NULLPAD), 0);
      const Dataset d = Dataset::create(root, "names", t.id(), {2});
      const char data[16] = {'a', 'b', 'c', 0, 0, 0, 0, 0, '1', '2', '3', '4', '5', '6', '7', '8'};
      d.write(data, t.id());
      const Handle space(H5Screate(H5S_SCALAR), H5Sclose);
      const Handle attr(H5Acreate2(root.id(), "fixed", t.id(), space.get(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
      ASSERT_GE(H5Awrite(attr.get(), t.id(), "xyz\0\0\0\0\0"), 0);
    }
    f.close();
  }
  File f = File::open(path, FileMode::ReadOnly);
  const Group root = f.root();
  EXPECT_EQ(read_strings(Dataset::open(root, "names")), (std::vector<std::string>{"abc", "12345678"}));
  EXPECT_EQ(read_string_attribute(root, "fixed"), "xyz");
}

TEST_F(H5Wrappers, GroupsListAndTellLinkKinds) {
  File f = File::create(dir.file("g.h5"));
  {
    const Group root = f.root();
    const Group g = Group::create(root, "g");
    write_vector<double>(g, "b", {1.0});
    write_strings(g, "a", {"x"});
    Group::create(g, "sub");
    EXPECT_EQ(g.link_names(), (std::vector<std::string>{"a", "b", "sub"}));
    EXPECT_TRUE(g.has_dataset("a"));
    EXPECT_FALSE(g.has_dataset("sub"));
    EXPECT_TRUE(g.has_group("sub"));
    EXPECT_FALSE(g.has_group("none"));
    g.remove_link("a");
    EXPECT_FALSE(g.has_link("a"));
    EXPECT_EQ(g.child_path("b"), "/g/b");
  }
  f.close();
}

TEST_F(H5Wrappers, InMemoryFileImageIsAValidFile) {
  std::vector<unsigned char> image;
  {
    File mem = File::create_in_memory("memory.h5");
    {
      const Group root = mem.root();
      write_int_attribute(root, "answer", 42);
    }
    image = mem.image();
    mem.close();
  }
  EXPECT_FALSE(testing_support::exists("memory.h5")) << "the core driver must not write a backing file";
  const std::string path = dir.file("from_image.h5");
  testing_support::spit(path, std::string(image.begin(), image.end()));
  File f = File::open(path, FileMode::ReadOnly);
  EXPECT_EQ(read_int_attribute(f.root(), "answer"), 42);
}

TEST_F(H5Wrappers, IsHdf5FileTellsFilesApart) {
  const std::string text = dir.file("t.txt");
  testing_support::spit(text, "plain text");
  EXPECT_FALSE(is_hdf5_file(text));
  const std::string h5 = dir.file("h.h5");
  File::create(h5).close();
  EXPECT_TRUE(is_hdf5_file(h5));
  EXPECT_THROW(is_hdf5_file(dir.file("missing.h5")), H5Error);
}

}  // namespace

#endif  // LEARNRACE_HAVE_HDF5
