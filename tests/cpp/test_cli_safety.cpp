// The learnrace executable under signals, concurrent runs and bad output paths: an existing output file is never
// lost, no partial or empty file is left, temporary files of dead runs are cleaned, path problems stop the run
// before it simulates.
#include <sys/types.h>

#include <cstdlib>

#include "cli_test_support.hpp"

namespace {

using cli_test::Cli;
using cli_test::kSmoke;
using cli_test::list_dir;
using cli_test::read_file;

class CliSafety : public Cli {
 protected:
  /// A complete small run file at `path`; returns its bytes.
  std::string write_old_file(const std::string& path) {
    const Result r = run({"run", kSmoke, "-o", path, "--dyads", "40", "-q"});
    EXPECT_EQ(r.code, 0) << r.err;
    return read_file(path);
  }

  /// Starts a run far longer than any test waits for, in ONE chunk (the case that used to ignore Ctrl-C), and
  /// returns once it is simulating.
  pid_t start_long_run(const std::string& out) {
    const pid_t pid = start({"run", kSmoke, "-o", out, "--dyads", "200000000", "--chunk", "200000000"});
    // The banner is printed after the signal handlers are installed, just before the simulation starts.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (read_file(dir_ + "/stdout").empty() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // well inside the only chunk
    return pid;
  }

  /// A pid that belonged to a process that has ended.
  static pid_t dead_pid() {
    const pid_t child = fork();
    if (child == 0) _exit(0);
    int status = 0;
    waitpid(child, &status, 0);
    return child;
  }
};

void expect_interrupted(const Cli::Result& r, const std::string& signal_name) {
  EXPECT_EQ(r.code, 1) << "exit code (-1: still running after the limit, the signal was ignored); " << r.err;
  EXPECT_NE(r.err.find("learnrace: interrupted (" + signal_name + "); nothing written"), std::string::npos) << r.err;
  // One line (after the progress bar, which is drawn on a terminal only).
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST_F(CliSafety, SigintDuringTheOnlyChunkExits1AndKeepsTheOldFile) {
  const std::string out = work_ + "/out.h5";
  const std::string before = write_old_file(out);
  const pid_t pid = start_long_run(out);
  const auto sent = std::chrono::steady_clock::now();
  kill(pid, SIGINT);
  const Result r = wait_for(pid, std::chrono::seconds(30));
  expect_interrupted(r, "SIGINT");
  EXPECT_LT(std::chrono::steady_clock::now() - sent, std::chrono::seconds(10)) << "cancellation is seen inside a chunk";
  EXPECT_EQ(read_file(out), before);
  EXPECT_EQ(list_dir(work_), std::vector<std::string>{"out.h5"});  // no temporary file left
}

TEST_F(CliSafety, SigtermIsHandledLikeSigint) {
  const std::string out = work_ + "/out.h5";
  const std::string before = write_old_file(out);
  const pid_t pid = start_long_run(out);
  kill(pid, SIGTERM);
  const Result r = wait_for(pid, std::chrono::seconds(30));
  expect_interrupted(r, "SIGTERM");
  EXPECT_EQ(read_file(out), before);
  EXPECT_EQ(list_dir(work_), std::vector<std::string>{"out.h5"});
}

TEST_F(CliSafety, AnotherRunsTemporaryFilesAreNeverTouched) {
  // Two runs writing the same -o used to share OUT.h5.tmp: one truncated and renamed away the other's file.
  const std::string out = work_ + "/out.h5";
  const std::string fixed = write("out.h5.tmp", "another run is writing this");
  const std::string live = write("out.h5.tmp-" + std::to_string(getpid()) + "-0123abcd", "a live run's file");
  const Result r = run({"run", kSmoke, "-o", out, "--dyads", "40", "-q"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(read_file(fixed), "another run is writing this");
  EXPECT_EQ(read_file(live), "a live run's file");
  EXPECT_EQ(list_dir(work_),
            (std::vector<std::string>{"out.h5", "out.h5.tmp", "out.h5.tmp-" + std::to_string(getpid()) + "-0123abcd"}));
}

TEST_F(CliSafety, ConcurrentRunsToTheSameOutputLeaveOneCompleteFile) {
  const std::string out = work_ + "/out.h5";
  const std::string before = write_old_file(out);
  for (int round = 0; round < 3; ++round) {
    std::vector<pid_t> pids;
    for (int i = 0; i < 3; ++i)
      pids.push_back(start({"run", kSmoke, "-o", out, "--dyads", std::to_string(300 + 100 * i), "-q", "--threads", "1",
                            "--seed", std::to_string(i)}));
    for (pid_t pid : pids) {
      int status = 0;
      waitpid(pid, &status, 0);
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "round " << round;
    }
    EXPECT_EQ(list_dir(work_), std::vector<std::string>{"out.h5"}) << "round " << round;
    const Result info = run({"info", out});  // the surviving file is one complete run file
    EXPECT_EQ(info.code, 0) << info.err;
    EXPECT_NE(read_file(out).size(), 0u);
    EXPECT_NE(read_file(out), before);
  }
}

TEST_F(CliSafety, TemporaryFilesOfDeadRunsAreRemovedAndNothingElse) {
  // What a run killed with SIGKILL while writing leaves behind, and look-alikes that must survive.
  const std::string dead = std::to_string(dead_pid());
  const std::string alive = std::to_string(getpid());
  const std::string stale = "out.h5.tmp-" + dead + "-89abcdef";
  write(stale, "half a file");
  const std::vector<std::string> kept = {
      "out.h5.tmp-" + alive + "-89abcdef",     // a live process
      "out.h5.tmp-" + dead + "-89abcdeg",      // not hexadecimal
      "out.h5.tmp-" + dead + "-89abcde",       // too short
      "out.h5.tmp-" + dead + "-89abcdef.bak",  // more after the pattern
      "other.h5.tmp-" + dead + "-89abcdef",    // another target
      "out.h5.tmp-x" + dead + "-89abcdef",     // not a pid
  };
  for (const std::string& name : kept) write(name, "keep me");
  const std::string subdir = "out.h5.tmp-" + dead + "-00000000";  // a directory is never removed
  ASSERT_EQ(mkdir((work_ + "/" + subdir).c_str(), 0755), 0);
  const std::string link = "out.h5.tmp-" + dead + "-11111111";  // nor a symbolic link
  ASSERT_EQ(symlink("other.h5.tmp-0-00000000", (work_ + "/" + link).c_str()), 0);

  const Result r = run({"run", kSmoke, "-o", work_ + "/out.h5", "--dyads", "40", "-q"});
  ASSERT_EQ(r.code, 0) << r.err;
  std::vector<std::string> expected = kept;
  expected.insert(expected.end(), {"out.h5", subdir, link});
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(list_dir(work_), expected);
  for (const std::string& name : kept) EXPECT_EQ(read_file(work_ + "/" + name), "keep me") << name;
}

TEST_F(CliSafety, PathProblemsAreFoundBeforeSimulating) {
  // A file name too long for the temporary name beside it (255 bytes is the usual NAME_MAX).
  Result r = run({"run", kSmoke, "-o", work_ + "/" + std::string(250, 'a') + ".h5", "--dyads", "40"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("the file name is 253 bytes"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");  // the run did not start
  // A FIFO (or device) is never replaced.
  const std::string fifo = work_ + "/pipe.h5";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0644), 0);
  r = run({"run", kSmoke, "-o", fifo, "--dyads", "40"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("not a regular file"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
  struct stat st {};
  ASSERT_EQ(stat(fifo.c_str(), &st), 0);
  EXPECT_TRUE(S_ISFIFO(st.st_mode));
  // A directory named like the old fixed temporary name does not get in the way.
  ASSERT_EQ(mkdir((work_ + "/ok.h5.tmp").c_str(), 0755), 0);
  r = run({"run", kSmoke, "-o", work_ + "/ok.h5", "--dyads", "40", "-q"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(list_dir(work_), (std::vector<std::string>{"ok.h5", "ok.h5.tmp", "pipe.h5"}));
}

TEST_F(CliSafety, ReadOnlyOutputDirectoryIsFoundBeforeSimulating) {
  if (geteuid() == 0) GTEST_SKIP() << "running as root: directory permissions do not apply";
  ASSERT_EQ(chmod(work_.c_str(), 0555), 0);
  const Result r = run({"run", kSmoke, "-o", work_ + "/out.h5", "--dyads", "40"});
  chmod(work_.c_str(), 0755);
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("not writable"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_F(CliSafety, ADirectoryAsTheExperimentIsAnError) {
  const Result r = run({"run", work_, "-o", dir_ + "/out.h5", "--dyads", "40"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find(work_ + ": is a directory, not an experiment file"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_EQ(r.out, "");
}

}  // namespace

namespace {

/// Runs the CLI under `ulimit -v kib` (the process may not map more), capturing stderr; returns the exit status
/// (128 + signal when it died of one, as from the shell).
int run_with_memory_limit(const std::string& kib, const std::string& args, std::string* err, const std::string& dir) {
  const std::string log = dir + "/limited.err";
  const std::string command = "ulimit -v " + kib + " && OMP_STACKSIZE=1M exec " + std::string(cli_test::kCli) +
                              " run " + args + " 2>" + log + " >/dev/null";
  const int status = std::system(("/bin/sh -c '" + command + "'").c_str());
  *err = read_file(log);
  std::remove(log.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

TEST_F(CliSafety, ManyThreadsWithLongHorizonsStayWithinMemory) {
  // 64 threads x 25.6 MB of counts per thread (periods 100000) used to be 1.6 GB of per-thread copies: under a
  // 1.5 GB address-space limit the process ended with "terminate ... std::bad_alloc". Now the copies are bounded
  // (kCpuCountBudgetBytes) and the run completes.
  const std::string experiment =
      write("long.toml", "[run]\ndyads = 2000\nperiods = 100000\n[output]\ntrajectory_max = 0\n");
  std::string err;
  const int code =
      run_with_memory_limit("1500000", experiment + " -o " + work_ + "/long.h5 -q --threads 64", &err, dir_);
  EXPECT_EQ(code, 0) << err;
  EXPECT_EQ(err.find("terminate"), std::string::npos) << err;
}

TEST_F(CliSafety, ResultsThatDoNotFitInMemoryAreAOneLineError) {
  // About 9 GB of trajectory samples under a 2 GB limit: exit 1 with a message, nothing written.
  const std::string experiment = write("huge.toml",
                                       "[run]\ndyads = 1000000\nperiods = 300\n"
                                       "[output]\ntrajectory_stride = 1\ntrajectory_max = 1000000\n");
  std::string err;
  const int code = run_with_memory_limit("2000000", experiment + " -o " + work_ + "/huge.h5 -q", &err, dir_);
  EXPECT_EQ(code, 1) << err;
  EXPECT_EQ(err.rfind("learnrace: error: out of memory: cannot allocate the results of 1 point(s)", 0), 0u) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
  EXPECT_EQ(list_dir(work_), std::vector<std::string>{"huge.toml"});
}

}  // namespace
