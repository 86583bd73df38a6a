// Helpers shared by the HDF5 tests: scratch directories, a small experiment, spawning tools.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "config.hpp"
#include "driver.hpp"
#include "params.hpp"
#include "run_result.hpp"

namespace learnrace {
namespace testing_support {

/// A fresh directory under the gtest temp dir, removed with everything in it on destruction.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = ::testing::TempDir() + "learnrace_h5_XXXXXX";
    if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed for " + pattern);
    path_ = pattern;
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::permissions(path_, std::filesystem::perms::owner_all, std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(path_, ec);
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline bool exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

/// The temporary files of `target` (TARGET.tmp-<pid>-<random>) in its directory.
inline std::vector<std::string> temp_files_of(const std::string& target) {
  const std::filesystem::path t(target);
  std::vector<std::string> found;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(t.parent_path(), ec))
    if (entry.path().filename().string().rfind(t.filename().string() + ".tmp", 0) == 0)
      found.push_back(entry.path().string());
  return found;
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline void spit(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

/// Runs `command` through the shell; returns its exit status and combined stdout/stderr.
inline int run_command(const std::string& command, std::string* output) {
  FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
  if (!pipe) return -1;
  std::string text;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) text.append(buf, n);
  const int status = ::pclose(pipe);
  if (output) *output = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

inline bool have_command(const std::string& name) {
  return run_command("command -v " + name + " >/dev/null", nullptr) == 0;
}

inline std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

/// The experiment of small_config() as TOML: what the reader rebuilds ModelParams from.
inline std::string small_config_toml(uint64_t dyads, uint32_t trajectory_max) {
  return "# learnrace HDF5 round-trip test\n[run]\ndyads = " + std::to_string(dyads) +
         "\nseed = 20260101\n\n[output]\ntrajectory_stride = 100\ntrajectory_max = " + std::to_string(trajectory_max) +
         "\n\n[[points]]\nname = \"propositional\"\n\n[[points]]\nname = \"strategic\"\n\"kernel.type\" = "
         "\"strategic\"\n";
}

/// Two points (propositional, strategic) built in code from default_params(), `dyads` each,
/// trajectories of every 100th dyad (at most `trajectory_max` slots). toml_text is the same
/// experiment written as TOML (the round trip checks that it rebuilds these very parameters).
inline RunConfig small_config(uint64_t dyads = 3000, uint32_t trajectory_max = 25) {
  RunConfig c;
  c.dyads = dyads;
  c.chunk_dyads = 1024;
  ModelParams p = default_params();
  p.seed = 20260101u;
  p.trajectory_stride = 100;
  p.trajectory_max = trajectory_max;
  c.points = {p, p};
  c.points[0].kernel = KernelType::Propositional;
  c.points[0].point_key = 0;
  c.points[1].kernel = KernelType::Strategic;
  c.points[1].point_key = 1;
  c.point_names = {"propositional", "strategic"};
  c.toml_text = small_config_toml(dyads, trajectory_max);
  return c;
}

inline RunResult small_run(uint64_t dyads = 3000, uint32_t trajectory_max = 25) {
  DriverOptions options;
  options.backend = BackendKind::Cpu;
  options.threads = 2;
  return run_experiment(small_config(dyads, trajectory_max), options);
}

}  // namespace testing_support
}  // namespace learnrace
