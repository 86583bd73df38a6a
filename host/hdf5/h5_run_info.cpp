// print_file_info: what `learnrace info FILE.h5` shows.
#include <cstdio>
#include <ostream>
#include <sstream>

#include "h5_error.hpp"
#include "h5_run_file.hpp"
#include "summary.hpp"

namespace learnrace {

namespace {
void row(std::ostream& out, const char* label, const std::string& value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%-16s", label);
  out << buf << value << '\n';
}
}  // namespace

void print_file_info(const std::string& path, std::ostream& out) {
  const h5::ErrorPrintingOff quiet;
  ReadParts parts;
  parts.trajectories = false;  // not needed for the headlines (their datasets are still checked)
  parts.params = false;        // the file is described even if this build no longer accepts its config
  const RunFileContents contents = read_run_contents(path, parts);
  const RunFileHeader& h = contents.header;
  const PointTable& table = contents.points;
  const RunResult& result = contents.result;

  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.3f s", h.seconds);
  row(out, "file", path);
  row(out, "schema",
      h.filetype + " version [" + std::to_string(h.version_major) + ", " + std::to_string(h.version_minor) + "]");
  row(out, "learnrace", h.learnrace_version + " (git " + h.git_describe + ")");
  row(out, "backend", h.backend);
  row(out, "seed", std::to_string(h.seed));
  row(out, "dyads/point", std::to_string(h.dyads_per_point));
  row(out, "periods", std::to_string(h.periods));
  row(out, "wall time", seconds);
  row(out, "points", std::to_string(table.names.size()));
  for (size_t i = 0; i < table.names.size(); ++i)
    out << "  " << i << "  " << table.names[i] << " (" << table.kernels[i] << ")\n";

  out << "\nconfig (TOML):\n";
  std::istringstream lines(h.config_toml);
  for (std::string line; std::getline(lines, line);) out << (line.empty() ? "" : "  ") << line << '\n';

  out << "\nheadline numbers:\n";
  print_headlines(result, out);
}

}  // namespace learnrace
