#include "cli_args.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>

#include "output_file.hpp"

namespace learnrace {

namespace {

/// A non-negative decimal integer, strictly: digits only, no sign, no spaces, within `max`.
uint64_t parse_count(const std::string& flag, const std::string& text, uint64_t min, uint64_t max) {
  const std::string range = "an integer in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
  bool digits = !text.empty() && text.size() <= 20;
  for (char c : text) digits = digits && c >= '0' && c <= '9';
  if (!digits) throw UsageError(flag + ": '" + text + "' is not " + range);
  errno = 0;
  const unsigned long long value = std::strtoull(text.c_str(), nullptr, 10);
  if (errno == ERANGE || value < min || value > max)
    throw UsageError(flag + ": " + text + " is out of range; allowed: " + range);
  return value;
}

struct ArgCursor {
  const std::vector<std::string>& args;
  size_t next = 1;  // args[0] is the command

  bool done() const { return next >= args.size(); }
  /// The value of an option given as "--flag VALUE" or "--flag=VALUE".
  std::string value(const std::string& flag, const std::string& arg) {
    const size_t eq = arg.find('=');
    if (eq != std::string::npos) return arg.substr(eq + 1);
    if (done()) throw UsageError(flag + ": missing value");
    return args[next++];
  }
};

std::string option_name(const std::string& arg) { return arg.substr(0, arg.find('=')); }

bool is_help(const std::string& arg) { return arg == "-h" || arg == "--help"; }

CliOptions parse_run(const std::vector<std::string>& args) {
  CliOptions o;
  o.command = CliOptions::Command::Run;
  ArgCursor cursor{args};
  std::vector<std::string> positional;
  while (!cursor.done()) {
    const std::string arg = args[cursor.next++];
    const std::string flag = option_name(arg);
    if (is_help(arg)) {
      o.command = CliOptions::Command::Help;
      return o;
    } else if (flag == "-o" || flag == "--output") {
      o.output = cursor.value(flag, arg);
      if (o.output.empty()) throw UsageError(flag + ": empty path");
    } else if (flag == "--dyads") {
      o.overrides.dyads = parse_count(flag, cursor.value(flag, arg), 1, 9007199254740992ull);
    } else if (flag == "--seed") {
      o.overrides.seed = static_cast<uint32_t>(parse_count(flag, cursor.value(flag, arg), 0, 4294967295ull));
    } else if (flag == "--threads") {
      o.threads = static_cast<int>(parse_count(flag, cursor.value(flag, arg), 0, kMaxThreads));
    } else if (flag == "--chunk") {
      o.chunk_dyads = parse_count(flag, cursor.value(flag, arg), 1, 9007199254740992ull);
    } else if (flag == "--backend") {
      const std::string name = cursor.value(flag, arg);
      try {
        o.backend = parse_backend(name);
      } catch (const ConfigError&) {
        throw UsageError("--backend: '" + name + "' is not one of auto, cpu, cuda");
      }
    } else if (arg == "-q" || arg == "--quiet") {
      o.quiet = true;
    } else if (arg.size() > 1 && arg[0] == '-') {
      throw UsageError("run: unknown option '" + flag +
                       "'; options: -o/--output, --dyads, --seed, --threads, --backend, --chunk, --quiet");
    } else {
      positional.push_back(arg);
    }
  }
  if (positional.empty())
    throw UsageError("run: missing the experiment file (learnrace run EXPERIMENT.toml -o OUT.h5)");
  if (positional.size() > 1) throw UsageError("run: unexpected argument '" + positional[1] + "'");
  if (o.output.empty()) throw UsageError("run: missing -o OUT.h5 (where to write the results)");
  o.experiment = positional[0];
  return o;
}

CliOptions parse_info(const std::vector<std::string>& args) {
  CliOptions o;
  o.command = CliOptions::Command::Info;
  std::vector<std::string> positional;
  for (size_t i = 1; i < args.size(); ++i) {
    if (is_help(args[i])) {
      o.command = CliOptions::Command::Help;
      return o;
    }
    if (args[i].size() > 1 && args[i][0] == '-') throw UsageError("info: unknown option '" + args[i] + "'");
    positional.push_back(args[i]);
  }
  if (positional.size() != 1) throw UsageError("info: expected exactly one file (learnrace info FILE.h5)");
  o.file = positional[0];
  return o;
}

}  // namespace

CliOptions parse_cli(const std::vector<std::string>& args) {
  if (args.empty()) throw UsageError("missing command");
  const std::string& command = args[0];
  CliOptions o;
  if (is_help(command) || command == "help") {
    o.command = CliOptions::Command::Help;
  } else if (command == "--version" || command == "-V" || command == "version") {
    o.command = CliOptions::Command::Version;
  } else if (command == "run") {
    o = parse_run(args);
  } else if (command == "info") {
    o = parse_info(args);
  } else {
    throw UsageError("unknown command '" + command + "'; commands: run, info");
  }
  return o;
}

std::string usage_text() {
  return R"(learnrace: Monte Carlo engine for learning-race dynamics in two-firm alliances

Usage:
  learnrace run EXPERIMENT.toml -o data/NAME.h5 [options]
  learnrace info FILE.h5
  learnrace --help | --version

run: simulate every sweep point of the experiment and write one HDF5 file.
  -o, --output PATH    output file (its directory must exist); written to PATH.tmp-<pid>-<random>, then
                       renamed over PATH (an existing PATH is kept until the new file is complete)
  --dyads N            dyads per point (overrides run.dyads)
  --seed S             random seed, 0..4294967295 (overrides run.seed)
  --threads K          CPU threads, 0..4096 (default 0: all cores)
  --backend B          auto | cpu | cuda (default auto: CUDA when a device is usable, else the CPU)
  --chunk N            dyads per point per backend call (default run.chunk_dyads; with cuda at least 2^24
                       dyads per call over all points); results do not depend on it
  -q, --quiet          no progress bar and no summary

info: print a run file's schema version, configuration and headline numbers.

The experiment file is checked completely before anything runs: an unknown key, a wrong type, an
out-of-range value or inconsistent settings stop with a message naming the key.
experiments/baseline.toml documents every key.

Exit status: 0 success; 2 usage or configuration error (nothing written); 1 runtime error, or interrupted
(SIGINT/Ctrl-C or SIGTERM: the run stops within a block of dyads, nothing is written and an existing
output file is kept).
)";
}

void check_output_path(const std::string& output, const std::string& experiment) {
  try {
    check_output_writable(output);
  } catch (const std::runtime_error& e) {
    throw UsageError(e.what());
  }
  struct stat st {};
  struct stat exp {};
  if (stat(output.c_str(), &st) == 0 && stat(experiment.c_str(), &exp) == 0 && st.st_dev == exp.st_dev &&
      st.st_ino == exp.st_ino)
    throw UsageError("-o " + output + ": is the experiment file itself");
}

}  // namespace learnrace
