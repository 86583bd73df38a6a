// The learnrace executable under test: a fixture that spawns it with stdout/stderr captured in a scratch directory.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace cli_test {

#ifdef LEARNRACE_CLI
inline const char* const kCli = LEARNRACE_CLI;
#else
inline const char* const kCli = nullptr;
#endif

inline const std::string kSmoke = std::string(LEARNRACE_SOURCE_DIR) + "/experiments/smoke.toml";

inline std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline std::vector<std::string> list_dir(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (const dirent* e = readdir(d))
      if (std::string(e->d_name) != "." && std::string(e->d_name) != "..") names.push_back(e->d_name);
    closedir(d);
  }
  std::sort(names.begin(), names.end());
  return names;
}

class Cli : public ::testing::Test {
 public:
  struct Result {
    int code = -1;
    std::string out, err;
  };

 protected:
  void SetUp() override {
    if (!kCli) GTEST_SKIP() << "the learnrace executable is not built (no HDF5)";
    char dir_template[] = "/tmp/learnrace_cli_XXXXXX";
    dir_ = mkdtemp(dir_template);
    work_ = dir_ + "/work";
    mkdir(work_.c_str(), 0755);
  }
  void TearDown() override {
    if (dir_.empty()) return;
    std::error_code ec;
    std::filesystem::permissions(work_, std::filesystem::perms::owner_all, std::filesystem::perm_options::add, ec);
    std::filesystem::remove_all(dir_, ec);
  }

  /// Starts the CLI with stdout/stderr going to files in dir_; returns its pid.
  pid_t start(const std::vector<std::string>& args) {
    std::vector<std::string> argv_strings = {kCli};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& s : argv_strings) argv.push_back(s.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, (dir_ + "/stdout").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, (dir_ + "/stderr").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid = 0;
    EXPECT_EQ(posix_spawn(&pid, kCli, &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
    return pid;
  }
  /// Waits for the process; one still running after `limit` is killed (SIGKILL) and reported as code -1.
  Result wait_for(pid_t pid, std::chrono::seconds limit = std::chrono::seconds(600)) {
    int status = 0;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    bool killed = false;
    while (waitpid(pid, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) {
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        killed = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    Result r;
    r.code = killed ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    r.out = read_file(dir_ + "/stdout");
    r.err = read_file(dir_ + "/stderr");
    std::remove((dir_ + "/stdout").c_str());
    std::remove((dir_ + "/stderr").c_str());
    return r;
  }
  Result run(const std::vector<std::string>& args) { return wait_for(start(args)); }

  std::string write(const std::string& name, const std::string& text) {
    const std::string path = work_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }

  std::string dir_, work_;
};

}  // namespace cli_test
