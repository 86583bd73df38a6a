// Temporary output files: their names, which stale ones are removed, and a write cancelled before its rename.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/file.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <climits>
#include <string>

#include "output_file.hpp"
#include "run_cancelled.hpp"
#ifdef LEARNRACE_HAVE_HDF5
#include "h5_run_file.hpp"
#include "hdf5_test_support.hpp"
#endif

namespace learnrace {
namespace {

TEST(TempNames, OneFormatThatTheCleanupRecognises) {
  const std::string a = temp_path_for("/data/run.h5"), b = temp_path_for("/data/run.h5");
  EXPECT_NE(a, b) << "two temporary names of one process differ";
  const std::string prefix = "/data/run.h5.tmp-" + std::to_string(getpid()) + "-";
  ASSERT_EQ(a.rfind(prefix, 0), 0u) << a;
  EXPECT_EQ(a.size(), prefix.size() + 8);
  EXPECT_LE(a.size() - std::string("/data/run.h5").size(), kTempSuffixMaxBytes);
  pid_t pid = 0;
  EXPECT_TRUE(parse_temp_name("run.h5", a.substr(6), &pid));
  EXPECT_EQ(pid, getpid());
  for (const char* other : {"run.h5.tmp", "run.h5.tmp-12-0123abc", "run.h5.tmp-12-0123ABCD", "run.h5.tmp--0123abcd",
                            "run.h5.tmp-0-0123abcd", "run.h5x.tmp-12-0123abcd", "xrun.h5.tmp-12-0123abcd",
                            "run.h5.tmp-12345678901-0123abcd", "run.h5.tmp-12-0123abcd-"})
    EXPECT_FALSE(parse_temp_name("run.h5", other, &pid)) << other;
}

#ifdef LEARNRACE_HAVE_HDF5
using testing_support::exists;
using testing_support::ScratchDir;
using testing_support::slurp;
using testing_support::small_run;
using testing_support::spit;
using testing_support::temp_files_of;

TEST(TempNames, AWriteCancelledBeforeItsRenameKeepsTheOldFile) {
  ScratchDir dir;
  const std::string path = dir.file("run.h5");
  spit(path, "the old file");
  std::atomic<bool> cancel{true};
  EXPECT_THROW(write_run_file(path, small_run(50), {}, &cancel), RunCancelled);
  EXPECT_EQ(slurp(path), "the old file");
  EXPECT_TRUE(temp_files_of(path).empty());
}

// Issue 20 item 17: a run in another PID namespace sharing the output directory (a container) has a pid that means
// nothing here, so the pid rule alone took its live temporary file for a dead run's and removed it.
TEST(TempNames, ALiveWritersFileIsKeptWhateverItsPid) {
  ScratchDir dir;
  const std::string target = dir.file("run.h5");
  const std::string other = target + ".tmp-" + std::to_string(INT_MAX - 1) + "-0badcafe";  // no such pid here
  spit(other, "half a file of a writer in another PID namespace");
  const int held = ::open(other.c_str(), O_RDWR);
  ASSERT_GE(held, 0);
  ASSERT_EQ(::flock(held, LOCK_EX), 0);  // the writer holds its file's lock while it runs
  EXPECT_TRUE(remove_stale_temps(target).empty());
  EXPECT_TRUE(exists(other));
  write_run_file(target, small_run(50), {});
  EXPECT_TRUE(exists(other)) << "the write removed a live writer's temporary file";
  ::close(held);  // the writer is gone (the kernel releases a killed process's locks alike)
  EXPECT_EQ(remove_stale_temps(target), std::vector<std::string>{other});
}

TEST(TempNames, TheWritersTemporaryFileIsLockedUntilClosed) {
  ScratchDir dir;
  std::string path;
  const int fd = create_temp(dir.file("run.h5"), &path);
  ASSERT_GE(fd, 0);
  const int other = ::open(path.c_str(), O_RDONLY);
  ASSERT_GE(other, 0);
  EXPECT_EQ(::flock(other, LOCK_EX | LOCK_NB), -1);
  EXPECT_EQ(errno, EWOULDBLOCK);
  EXPECT_TRUE(remove_stale_temps(dir.file("run.h5")).empty());  // its pid is alive, and it is locked
  ::close(fd);
  EXPECT_EQ(::flock(other, LOCK_EX | LOCK_NB), 0);
  ::close(other);
  ::unlink(path.c_str());
}

TEST(TempNames, OutputChecksNameTheProblem) {
  ScratchDir dir;
  EXPECT_NO_THROW(check_output_writable(dir.file("ok.h5")));
  EXPECT_TRUE(temp_files_of(dir.file("ok.h5")).empty()) << "the probe file is removed again";
  try {
    check_output_writable(dir.file(std::string(240, 'x')));
    FAIL() << "a name without room for the temporary suffix was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("the file name is 240 bytes; at most"), std::string::npos) << e.what();
  }
  EXPECT_THROW(check_output_writable(dir.file("missing/run.h5")), std::runtime_error);
  EXPECT_THROW(check_output_writable(dir.path()), std::runtime_error);
}

TEST(TempNames, OutputPathIsNeitherMissingNorADirectoryNorTheSource) {
  ScratchDir dir;
  const std::string experiment = dir.file("e.toml");
  spit(experiment, "\n");
  auto error_of = [&](const std::string& output) {
    try {
      check_output_path(output, experiment);
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  auto contains = [](const std::string& text, const char* part) { return text.find(part) != std::string::npos; };
  EXPECT_EQ(error_of(dir.file("out.h5")), "");
  EXPECT_TRUE(contains(error_of(dir.file("missing/out.h5")), "does not exist")) << error_of(dir.file("missing/out.h5"));
  EXPECT_TRUE(contains(error_of(dir.path()), "is a directory"));
  EXPECT_TRUE(contains(error_of(experiment), "is the experiment or study file itself"));
  EXPECT_TRUE(contains(error_of(experiment + "/out.h5"), "is not a directory"));
  EXPECT_NO_THROW(check_output_path(experiment, ""));  // no source given: only the writability checks
}
#endif

}  // namespace
}  // namespace learnrace
