// The `learnrace` executable: run an experiment into an HDF5 file, or describe such a file.
// Exit status: 0 success; 2 usage or configuration error (nothing written); 1 runtime error or interrupted
// (SIGINT, SIGTERM: nothing written, an existing output file kept).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <new>

#include "cli_args.hpp"
#include "config.hpp"
#include "driver.hpp"
#include "h5_run_file.hpp"
#include "mpi_run.hpp"
#include "summary.hpp"
#include "version.hpp"

namespace {

using namespace learnrace;

constexpr int kExitOk = 0;
constexpr int kExitRuntime = 1;
constexpr int kExitUsage = 2;

std::atomic<bool> g_cancel{false};
std::atomic<int> g_signal{0};

extern "C" void on_stop_signal(int sig) {
  g_signal.store(sig);
  g_cancel.store(true);  // the backends see it within a block of dyads; the writer before its rename
}

/// SIGINT (Ctrl-C) and SIGTERM cancel the run; a second one of the same kind ends the process at once
/// (SA_RESETHAND), leaving at most a temporary file that the next run to the same output removes.
void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESETHAND;
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

int interrupted(const std::string& output) {
  const char* name = g_signal.load() == SIGTERM ? "SIGTERM" : "SIGINT";
  if (isatty(STDERR_FILENO)) std::cerr << '\n';  // past the progress bar
  std::cerr << "learnrace: interrupted (" << name << "); nothing written, " << output << " left as it was\n";
  return kExitRuntime;
}

int usage_error(const std::string& message) {
  std::cerr << "learnrace: " << message << "\nTry 'learnrace --help'.\n";
  return kExitUsage;
}

std::string format_rate(double per_second) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3g", per_second);
  return text;
}

/// This process's place in an MPI launch (rank 0 of 1 without one).
struct Ranks {
  int rank = 0, size = 1, local_rank = 0, local_size = 1;
#if defined(LEARNRACE_HAVE_MPI)
  const MpiSession* mpi = nullptr;
#endif
  /// Every rank's `ok`, and-ed (see MpiSession::all).
  bool all(bool ok) const {
#if defined(LEARNRACE_HAVE_MPI)
    if (mpi) return mpi->all(ok);
#endif
    return ok;
  }
};

int run_command(const CliOptions& options, const Ranks& ranks) {
  // Everything that can be checked is checked before the simulation starts: nothing is written on error. Every rank
  // reads the same experiment, so a configuration error stops every rank (rank 0 says why); rank 0 alone writes.
  const bool lead = ranks.rank == 0;
  RunConfig config;
  DriverOptions driver;
  int status = kExitOk;
  // One GPU per rank of a node, chosen before anything touches CUDA (no context on the wrong device).
  if (ranks.size > 1 && options.backend != BackendKind::Cpu) select_cuda_device(ranks.local_rank);
  try {
    config = load_config_file(options.experiment, options.overrides);
    if (lead) check_output_path(options.output, options.experiment);
    driver.backend = resolve_backend(options.backend);
  } catch (const ConfigError& e) {
    if (lead) std::cerr << "learnrace: " << e.what() << '\n';
    status = kExitUsage;
  } catch (const UsageError& e) {
    status = usage_error(e.what());
  }
  if (!ranks.all(status == kExitOk)) return kExitUsage;
  driver.threads = options.threads;
  if (ranks.size > 1) {
    const DyadRange range = dyad_range(config.dyads, ranks.rank, ranks.size);
    driver.dyad_begin = range.begin;
    driver.dyad_end = range.end;
    // On the CPU the node's cores are shared among its ranks.
    const long cores = sysconf(_SC_NPROCESSORS_ONLN);
    if (driver.threads == 0) driver.threads = static_cast<int>(std::max<long>(1, cores / ranks.local_size));
  }
  driver.chunk_dyads = options.chunk_dyads;
  driver.progress_bar = !options.quiet && lead;
  driver.cancel = &g_cancel;
  install_stop_handlers();

  const auto start = std::chrono::steady_clock::now();
  try {
    if (!options.quiet && lead)
      std::cout << "learnrace: " << config.points.size() << " point(s) x " << config.dyads << " dyads x "
                << config.points.at(0).periods << " periods on " << backend_name(driver.backend)
                << (ranks.size > 1 ? " (" + std::to_string(ranks.size) + " MPI ranks)" : std::string()) << " -> "
                << options.output << std::endl;
    RunResult result;
    if (ranks.size == 1) {
      result = run_experiment(config, driver);
    } else {
      // A rank that fails says so to the others before they wait for its counts (MpiSession::all).
      bool ran = false;
      try {
        result = run_experiment(config, driver);
        ran = true;
      } catch (const RunCancelled&) {
      } catch (const std::exception& e) {
        std::cerr << "learnrace: error (rank " << ranks.rank << "): " << e.what() << '\n';
      }
      if (!ranks.all(ran)) return g_cancel.load() ? interrupted(options.output) : kExitRuntime;
    }
#if defined(LEARNRACE_HAVE_MPI)
    if (ranks.mpi) ranks.mpi->reduce(result, config.dyads, config.points.at(0).trajectory_stride);
#endif
    if (!lead) return kExitOk;
    write_run_file(options.output, result, parameter_table(config), &g_cancel);
    if (options.quiet) return kExitOk;
    const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    uint64_t dyad_periods = 0;
    for (const PointHeadline& h : headlines(result)) dyad_periods += h.dyad_periods;
    char times[128];
    std::snprintf(times, sizeof times, "%.2f s simulating, %.2f s in all", result.seconds, wall);
    std::cout << "wrote " << options.output << '\n'
              << "wall time    " << times << '\n'
              << "throughput   " << format_rate(static_cast<double>(dyad_periods) / result.seconds)
              << " dyad-periods/s (" << dyad_periods << " dyad-periods lived)\n\n";
    print_headlines(result, std::cout);
  } catch (const RunCancelled&) {
    return interrupted(options.output);
  } catch (const std::bad_alloc&) {
    std::cerr << "learnrace: error: out of memory (try fewer --threads, sweep points or output.trajectory_max)\n";
    return kExitRuntime;
  } catch (const std::exception& e) {
    std::cerr << "learnrace: error: " << e.what() << '\n';
    return kExitRuntime;
  }
  return kExitOk;
}

int info_command(const CliOptions& options) {
  struct stat st {};
  if (stat(options.file.c_str(), &st) != 0) return usage_error("info: " + options.file + ": no such file");
  try {
    print_file_info(options.file, std::cout);
  } catch (const FileFormatError& e) {
    std::cerr << "learnrace: " << e.what() << '\n';
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "learnrace: error: " << e.what() << '\n';
    return kExitRuntime;
  }
  return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
#if defined(LEARNRACE_HAVE_MPI)
  MpiSession mpi(&argc, &argv);
  Ranks ranks{mpi.rank(), mpi.size(), mpi.local_rank(), mpi.local_size(), &mpi};
#else
  Ranks ranks;
  if (launched_ranks() > 1) {
    std::cerr << "learnrace: started as one of " << launched_ranks()
              << " MPI ranks, but this learnrace was built without MPI (every rank would run the whole experiment); "
                 "rebuild with libopenmpi-dev installed (CMake option LEARNRACE_MPI)\n";
    return kExitUsage;
  }
#endif
  CliOptions options;
  try {
    options = parse_cli(std::vector<std::string>(argv + 1, argv + argc));
  } catch (const UsageError& e) {
    return usage_error(e.what());
  }
  switch (options.command) {
    case CliOptions::Command::Help:
      std::cout << usage_text();
      return kExitOk;
    case CliOptions::Command::Version:
      std::cout << "learnrace " << version_string() << " (git " << git_describe_string() << ")\n";
      return kExitOk;
    case CliOptions::Command::Run:
      return run_command(options, ranks);
    case CliOptions::Command::Info:
      return info_command(options);
  }
  return kExitRuntime;
}
