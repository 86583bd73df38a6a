// Cancellation inside a chunk, the per-thread count memory bound, and the one thread limit.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "backend.hpp"
#include "cpu_threads.hpp"
#include "test_helpers.hpp"

namespace learnrace {
namespace {

ModelParams long_point() {
  ModelParams p = default_params();
  p.periods = 60;
  p.trajectory_max = 0;
  return p;
}

/// Sets LEARNRACE_CPU_COUNT_BUDGET for the lifetime of the object.
class CountBudget {
 public:
  explicit CountBudget(const std::string& bytes) { setenv("LEARNRACE_CPU_COUNT_BUDGET", bytes.c_str(), 1); }
  ~CountBudget() { unsetenv("LEARNRACE_CPU_COUNT_BUDGET"); }
};

TEST(CpuCountCopies, BoundedByTheBudgetAndTheThreads) {
  EXPECT_EQ(cpu_count_copies(1000, 8, uint64_t{1} << 30), 8);  // plenty of memory: one copy per thread
  EXPECT_EQ(cpu_count_copies(1000, 8, 3 * 8000), 3);           // three copies fit
  EXPECT_EQ(cpu_count_copies(1000, 8, 100), 1);                // not even one: still one
  EXPECT_EQ(cpu_count_copies(1000, 0, 1 << 20), 1);
  // The case: 1024 threads and 3 MB of counts per copy (3.1 GB before) stay within the default budget.
  const uint64_t words = 3 * 1024 * 1024 / 8;
  const int copies = cpu_count_copies(words, 1024, kCpuCountBudgetBytes);
  EXPECT_EQ(copies, 85);
  EXPECT_LE(copies * words * 8, kCpuCountBudgetBytes);
}

TEST(CpuCountCopies, SharedCopiesGiveTheSameCounts) {
  // One copy shared by 4 threads (atomic additions) and two copies for 4 threads equal one private copy per thread.
  const std::vector<ModelParams> points = {long_point()};
  const RunResult reference = test::run_points(points, 3000, 4, 3000);
  for (const char* budget : {"1", "250000"}) {
    const CountBudget shared(budget);
    const RunResult r = test::run_points(points, 3000, 4, 1000);
    EXPECT_TRUE(test::point_counts(r, 0) == test::point_counts(reference, 0)) << "budget " << budget;
  }
  EXPECT_EQ(test::counts_of(reference, 0).dyads(), 3000u);
}

TEST(Cancel, AFlagSetBeforeTheChunkStopsItAndMergesNothing) {
  const ModelParams p = long_point();
  RunResult result;
  result.allocate(1, OutputLayout::make(p), 0);
  PointBuffers out = result.buffers(0);
  std::atomic<bool> cancel{true};
  ChunkRequest request;
  request.params = &p;
  request.out = &out;
  request.n_points = 1;
  request.dyad_begin = 0;
  request.dyad_end = 100000;
  request.threads = 2;
  request.cancel = &cancel;
  EXPECT_THROW(run_chunk_cpu(request), RunCancelled);
  for (uint64_t w : result.counts) ASSERT_EQ(w, 0u);
}

TEST(Cancel, TheCudaBackendStopsBetweenLaunchesAndMergesNothing) {
  std::string why;
  if (!cuda_backend_available(&why)) GTEST_SKIP() << why;
  const ModelParams p = long_point();
  RunResult result;
  result.allocate(1, OutputLayout::make(p), 0);
  PointBuffers out = result.buffers(0);
  std::atomic<bool> cancel{true};
  ChunkRequest request;
  request.params = &p;
  request.out = &out;
  request.n_points = 1;
  request.dyad_end = 1000000;
  request.cancel = &cancel;
  EXPECT_THROW(run_chunk_cuda(request), RunCancelled);
  for (uint64_t w : result.counts) ASSERT_EQ(w, 0u);
  cancel.store(false);  // the device is usable afterwards and gives the CPU's counts
  EXPECT_NO_THROW(run_chunk_cuda(request));
  RunResult cpu;
  cpu.allocate(1, OutputLayout::make(p), 0);
  PointBuffers cpu_out = cpu.buffers(0);
  request.out = &cpu_out;
  run_chunk_cpu(request);
  EXPECT_TRUE(result.counts == cpu.counts);
}

TEST(Cancel, TheCpuBackendSeesTheFlagInsideOneLargeChunk) {
  // One chunk of far more dyads than the test waits for: the flag, set from another thread, stops it.
  RunConfig config;
  config.points = {long_point()};
  config.point_names = {"p"};
  config.dyads = uint64_t{1} << 40;
  DriverOptions options;
  options.threads = 2;
  options.chunk_dyads = config.dyads;
  std::atomic<bool> cancel{false};
  options.cancel = &cancel;
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cancel.store(true);
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(run_experiment(config, options), RunCancelled);
  stopper.join();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(20));
}

TEST(Cancel, AFlagSetDuringTheLastChunkIsNotIgnored) {
  // The progress callback runs after each chunk; setting the flag there (after the last chunk's work) still
  // cancels the run instead of returning a result.
  RunConfig config;
  config.points = {long_point()};
  config.point_names = {"p"};
  config.dyads = 500;
  DriverOptions options;
  options.threads = 1;
  options.chunk_dyads = 500;  // one chunk
  std::atomic<bool> cancel{false};
  options.cancel = &cancel;
  options.on_progress = [&](uint64_t, uint64_t) { cancel.store(true); };
  EXPECT_THROW(run_experiment(config, options), RunCancelled);
}

TEST(Progress, MovesWithinAChunkOfManyPoints) {
  // A study's block is one chunk of many points: the progress reported only at the chunk's end jumped from 0 to 100%.
  // On the CPU the driver reports after each point once progress_interval has passed (0 here: after every point).
  RunConfig config;
  config.points = std::vector<ModelParams>(5, long_point());
  config.point_names = {"a", "b", "c", "d", "e"};
  config.dyads = 300;
  DriverOptions options;
  options.threads = 1;
  options.chunk_dyads = 300;  // one chunk holds every point
  options.progress_interval = std::chrono::milliseconds(0);
  std::vector<std::pair<uint64_t, uint64_t>> seen;
  options.on_progress = [&](uint64_t done, uint64_t total) { seen.emplace_back(done, total); };
  run_experiment(config, options);
  const std::vector<std::pair<uint64_t, uint64_t>> expected = {
      {300, 1500}, {600, 1500}, {900, 1500}, {1200, 1500}, {1500, 1500}};
  EXPECT_EQ(seen, expected);
}

TEST(Threads, OneLimitForEveryCaller) {
  RunConfig config;
  config.points = {long_point()};
  config.point_names = {"p"};
  config.dyads = 10;
  DriverOptions options;
  options.threads = 100000;
  try {
    run_experiment(config, options);
    FAIL() << "100000 threads accepted";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.key(), "threads");
    EXPECT_NE(std::string(e.what()).find("threads: 100000 is out of range; allowed: an integer in [0, 4096]"),
              std::string::npos)
        << e.what();
  }
  options.threads = -1;
  EXPECT_THROW(run_experiment(config, options), ConfigError);
  EXPECT_NO_THROW(check_threads(kMaxThreads));
  EXPECT_NO_THROW(check_threads(0));
}

TEST(Threads, StartableThreadsAreCounted) {
  EXPECT_EQ(startable_threads(0), 0);
  EXPECT_EQ(startable_threads(8), 8);
  EXPECT_NO_THROW(require_threads(8));
}

// Issue 20 item 8: libgomp ended the process when it could not create a thread (ulimit -v, ulimit -u); the backend
// now starts them first and the driver throws ConfigError("threads") naming the count that could be started. In a
// child process, whose address space is limited.
TEST(Threads, MoreThanCanBeStartedIsAConfigErrorNotAnExit) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    const rlimit limit{rlim_t{3} << 30, rlim_t{3} << 30};
    if (::setrlimit(RLIMIT_AS, &limit) != 0) ::_exit(10);
    RunConfig config;
    config.points = {long_point()};
    config.points[0].periods = 5;
    config.point_names = {"p"};
    config.dyads = static_cast<uint64_t>(kMaxThreads) * kCpuDyadBlock;  // a block for every thread
    config.chunk_dyads = config.dyads;
    DriverOptions options;
    options.backend = BackendKind::Cpu;
    options.threads = kMaxThreads;
    try {
      run_experiment(config, options);
      ::_exit(11);  // ran: the limit did not bite (threads fitted)
    } catch (const ConfigError& e) {
      const std::string what = e.what();
      ::_exit(e.key() == "threads" && what.find("threads cannot be started here: only ") != std::string::npos ? 0 : 12);
    } catch (...) {
      ::_exit(13);
    }
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFEXITED(status)) << "the child died of signal " << WTERMSIG(status);
  EXPECT_EQ(WEXITSTATUS(status), 0) << "10: setrlimit failed, 11: 4096 threads started, 12: another message, "
                                       "13: another exception, 1: libgomp ended the process";
}

}  // namespace
}  // namespace learnrace
