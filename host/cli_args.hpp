// Command line of the `learnrace` executable: parsing and help text (no HDF5 needed, so testable).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "config.hpp"
#include "driver.hpp"

namespace learnrace {

/// A malformed command line; what() names the flag or argument. The CLI exits with code 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct CliOptions {
  enum class Command { Help, Version, Run, Info };
  Command command = Command::Help;
  // run
  std::string experiment;                   // EXPERIMENT.toml
  std::string output;                       // -o / --output
  ConfigOverrides overrides;                // --dyads, --seed
  int threads = 0;                          // --threads (0: all cores)
  BackendKind backend = BackendKind::Auto;  // --backend auto|cpu|cuda (auto, as in the Python API)
  uint64_t chunk_dyads = 0;                 // --chunk (0: run.chunk_dyads of the experiment)
  bool quiet = false;                       // --quiet: no progress bar, nothing on stdout
  // info
  std::string file;  // FILE.h5
};

/// Parses the arguments after the program name. Throws UsageError.
CliOptions parse_cli(const std::vector<std::string>& args);

/// The --help text.
std::string usage_text();

/// Refuses an output path that cannot be written before any work is done (output_file.hpp:
/// check_output_writable: directory exists and is writable, name short enough for the temporary name, not a
/// directory or other non-regular file, a temporary file can be created), nor the experiment file itself.
/// Throws UsageError.
void check_output_path(const std::string& output, const std::string& experiment);

}  // namespace learnrace
