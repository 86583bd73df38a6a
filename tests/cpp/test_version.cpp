// The revision stamped into run files is the source tree's at BUILD time (cmake/git_describe.cmake),
// not at configure time: an incremental build after a commit or an edit must carry the new value.
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <string>

#include "version.hpp"

namespace learnrace {
namespace {

/// `git describe` of the source tree, or "" when git or the repository is missing.
std::string git_describe_of_source_tree() {
  const std::string cmd =
      std::string("git -C '") + LEARNRACE_SOURCE_DIR + "' describe --always --dirty --tags 2>/dev/null";
  FILE* pipe = popen(cmd.c_str(), "r");
  if (pipe == nullptr) return "";
  std::string out;
  std::array<char, 256> buf{};
  while (fgets(buf.data(), static_cast<int>(buf.size()), pipe) != nullptr) out += buf.data();
  if (pclose(pipe) != 0) return "";
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

TEST(Version, GitDescribeIsTheSourceTreesAtBuildTime) {
  const std::string expected = git_describe_of_source_tree();
  if (expected.empty()) GTEST_SKIP() << "no git repository at " << LEARNRACE_SOURCE_DIR;
  // Fails when the binary is older than the tree (edited or committed since the last build).
  EXPECT_EQ(std::string(git_describe_string()), expected) << "rebuild: the binary is stale";
}

}  // namespace
}  // namespace learnrace
