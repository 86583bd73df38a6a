// The learnrace run file (docs/output_schema.md, generated from host/output_schema.cpp): write, read back, describe.
// The serial HDF5 library is not thread-safe: call these from one thread at a time.
#pragma once

#include <atomic>
#include <cstdint>
#include <iosfwd>
#include <stdexcept>
#include <string>
#include <vector>

#include "config.hpp"
#include "run_result.hpp"

namespace learnrace {

/// The file is not a learnrace run file this build can read. what() names the file and the
/// offending item; item() is that item alone ("" when the file as a whole is wrong, else a root
/// attribute name such as "version" or a dataset path such as "/counts/transitions").
class FileFormatError : public std::runtime_error {
 public:
  FileFormatError(std::string file, std::string item, const std::string& message)
      : std::runtime_error(message), file_(std::move(file)), item_(std::move(item)) {}
  const std::string& file() const { return file_; }
  const std::string& item() const { return item_; }

 private:
  std::string file_;
  std::string item_;
};

/// Writes `result` and the /points parameter table as one run file: the file is built in memory
/// (HDF5 core driver), written to a temporary file of this run, `path`.tmp-<pid>-<random>, synced to disk
/// and renamed over `path` (output_file.hpp: replace_file, which also removes temporary files of dead runs).
/// On any failure, or when `cancel` is set before the rename (RunCancelled), the temporary file is removed
/// and an existing file at `path` is left untouched. Throws std::invalid_argument for an inconsistent
/// result (before anything is written), h5::H5Error (a std::runtime_error) for HDF5 failures and
/// std::runtime_error for file system errors (message naming the path and the system's reason).
void write_run_file(const std::string& path, const RunResult& result, const std::vector<ParamColumn>& columns,
                    const std::atomic<bool>* cancel = nullptr);

/// Root attributes of a run file.
struct RunFileHeader {
  std::string filetype;
  int64_t version_major = 0;  // root attribute version = [major, minor]
  int64_t version_minor = 0;
  std::string learnrace_version;
  std::string git_describe;
  int64_t seed = 0;
  std::string backend;
  int64_t dyads_per_point = 0;
  int64_t periods = 0;
  std::string config_toml;
  double seconds = 0.0;
};

/// Checks filetype and version and reads all root attributes. Throws FileFormatError (not HDF5,
/// wrong filetype, unsupported version, missing or mistyped attribute) or std::runtime_error when
/// the file cannot be opened at all.
RunFileHeader read_run_header(const std::string& path);

/// Reads a whole run back: counts, trajectories, names, attributes, config text; ModelParams are
/// rebuilt from the stored config TOML. Before anything is allocated, every dataset of the output schema
/// registry is checked for presence, element type and shape (from /points/name, the `periods` attribute and
/// the bin and slot axes of the datasets), its storage (filters this build writes, no external or virtual
/// data) and its size against the bytes the file really stores for it: a crafted file cannot make the
/// reader allocate more than a fixed multiple of its own size. Failures throw FileFormatError naming the
/// dataset; corrupted chunks fail their Fletcher32 checksum (FileFormatError too).
RunResult read_run_file(const std::string& path);

/// Every check of read_run_file (header, /meta, /points, the type, shape and storage of every dataset), without
/// reading the counts or trajectories: what the Python reader runs before it reads a file with h5py. Returns the
/// header; throws as read_run_file.
RunFileHeader check_run_file(const std::string& path);

/// The /points table: kernel names and the parameter columns (name order), as written.
struct PointTable {
  std::vector<std::string> names;
  std::vector<std::string> kernels;
  std::vector<ParamColumn> columns;
};
PointTable read_point_table(const std::string& path);

/// What to read besides the header and the /points table.
struct ReadParts {
  bool trajectories = true;
  bool params = true;  // rebuild ModelParams from the config TOML
};

/// Header, /points table and run, read through one open file handle (checked as read_run_file).
struct RunFileContents {
  RunFileHeader header;
  PointTable points;
  RunResult result;
};
RunFileContents read_run_contents(const std::string& path, const ReadParts& parts = {});

}  // namespace learnrace
