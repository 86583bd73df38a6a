// The CMakeLists name their sources explicitly (no globs): a source file that no list names would silently not
// be built. Every C++/CUDA source in a source directory must appear in that directory's CMakeLists.txt.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Whitespace- or parenthesis-separated words of a CMakeLists.txt.
std::set<std::string> words(const std::string& text) {
  std::set<std::string> out;
  const std::regex word(R"re([^\s()"]+)re");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), word); it != std::sregex_iterator(); ++it)
    out.insert(it->str());
  return out;
}

// Sources under `dir` (relative to the repository) whose names must appear in dir/CMakeLists.txt, as paths
// relative to `dir`; `subdirs` are scanned too (e.g. host/hdf5 by host/CMakeLists.txt).
void expect_listed(const std::string& dir, const std::vector<std::string>& subdirs) {
  const fs::path root = fs::path(LEARNRACE_SOURCE_DIR) / dir;
  const std::string cmake = slurp(root / "CMakeLists.txt");
  ASSERT_FALSE(cmake.empty()) << dir;
  EXPECT_EQ(cmake.find("GLOB"), std::string::npos) << dir << "/CMakeLists.txt: list sources explicitly";
  const std::set<std::string> listed = words(cmake);
  for (const std::string& sub : subdirs) {
    for (const fs::directory_entry& e : fs::directory_iterator(root / sub)) {
      const std::string ext = e.path().extension().string();
      if (ext != ".cpp" && ext != ".cu") continue;
      const std::string name = (fs::path(sub) / e.path().filename()).lexically_normal().string();
      EXPECT_TRUE(listed.count(name)) << dir << "/CMakeLists.txt does not list " << name;
    }
  }
}

TEST(BuildLists, EverySourceIsListed) {
  expect_listed("kernels", {"."});
  expect_listed("host", {".", "hdf5"});
  expect_listed("bindings", {"."});
  expect_listed("bench", {"."});
  expect_listed("tests/cpp", {"."});
}

}  // namespace
