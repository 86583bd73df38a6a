// The `learnrace` executable: run an experiment into an HDF5 file, or describe such a file.
// Exit status: 0 success; 2 usage or configuration error (nothing written); 1 runtime error or interrupted
// (SIGINT, SIGTERM: nothing written, an existing output file kept).
#include <sys/stat.h>
#include <unistd.h>

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

int run_command(const CliOptions& options) {
  // Everything that can be checked is checked before the simulation starts: nothing is written on error.
  RunConfig config;
  DriverOptions driver;
  try {
    config = load_config_file(options.experiment, options.overrides);
    check_output_path(options.output, options.experiment);
    driver.backend = resolve_backend(options.backend);
  } catch (const ConfigError& e) {
    std::cerr << "learnrace: " << e.what() << '\n';
    return kExitUsage;
  } catch (const UsageError& e) {
    return usage_error(e.what());
  }
  driver.threads = options.threads;
  driver.chunk_dyads = options.chunk_dyads;
  driver.progress_bar = !options.quiet;
  driver.cancel = &g_cancel;
  install_stop_handlers();

  const auto start = std::chrono::steady_clock::now();
  try {
    if (!options.quiet)
      std::cout << "learnrace: " << config.points.size() << " point(s) x " << config.dyads << " dyads x "
                << config.points.at(0).periods << " periods on " << backend_name(driver.backend) << " -> "
                << options.output << std::endl;
    const RunResult result = run_experiment(config, driver);
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
      return run_command(options);
    case CliOptions::Command::Info:
      return info_command(options);
  }
  return kExitRuntime;
}
