// Replacing an output file safely: a temporary file of this run beside the target, renamed over it when complete.
//
// The temporary file is named TARGET.tmp-<pid>-<8 hex digits> (pid of the writing process, random suffix), so two
// runs writing the same target never share one; the rename is atomic, so the target is always either the old file
// or a complete new one. The writer holds an exclusive flock(2) lock on its temporary file until it is renamed. A
// run killed while writing (SIGKILL, power loss) leaves its temporary file behind, unlocked (the kernel releases the
// lock with the process); the next write to the same target removes such files when their pid is no longer alive
// here AND nobody holds their lock: a writer in another PID namespace sharing the directory (a container) keeps
// its file.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <string>
#include <vector>

namespace learnrace {

/// Bytes a temporary name adds to the target's file name: ".tmp-" + up to 10 pid digits + "-" + 8 hex digits.
constexpr size_t kTempSuffixMaxBytes = 24;

/// A fresh temporary name for `target` (TARGET.tmp-<pid>-<random>).
std::string temp_path_for(const std::string& target);

/// Creates a new temporary file for `target` (O_EXCL, never an existing one; the umask's permissions) and returns
/// its descriptor, holding the file's exclusive flock(2) lock: the lock lasts while any descriptor of this open file
/// (dup) is open. *path is its name. Throws std::system_error (a std::runtime_error: its errno and a message naming
/// the path and the system's reason).
int create_temp(const std::string& target, std::string* path);

/// True when `name` (a file name, no directory) is a temporary name of the target file name `target_name`; sets
/// *pid to the pid it names.
bool parse_temp_name(const std::string& target_name, const std::string& name, pid_t* pid);

/// Removes the temporary files of `target` left by dead runs: only regular files (not links) of this user whose
/// names match TARGET.tmp-<pid>-<8 hex> exactly, whose pid is not a live process and whose lock nobody holds.
/// Returns the paths removed. Never throws (a file it cannot inspect, lock or remove is left alone).
std::vector<std::string> remove_stale_temps(const std::string& target);

/// Checks, before any work is done, that `target` can be written through a temporary file: the directory exists,
/// is writable, the file name leaves room for the temporary suffix (the system's NAME_MAX), the target is not a
/// directory or another non-regular file (device, FIFO, socket); finally a temporary file is created and removed
/// again. Throws std::runtime_error whose message names the path and the reason.
void check_output_writable(const std::string& target);

/// check_output_writable, and that `output` is not the file `source` the run reads (its experiment or study file;
/// empty: none). What `learnrace run` / `learnrace sweep` check before they simulate. Throws std::runtime_error.
void check_output_path(const std::string& output, const std::string& source);

/// Writes `bytes` to a new temporary file beside `target`, syncs it, and renames it over `target` (an existing
/// target must be a regular file). Stale temporary files of dead runs are removed first. When `cancel` is set
/// before the rename, the temporary file is removed and RunCancelled thrown; on any error the temporary file is
/// removed, `target` is left untouched and std::runtime_error names the path and the system's reason.
void replace_file(const std::string& target, const std::vector<unsigned char>& bytes,
                  const std::atomic<bool>* cancel = nullptr);

}  // namespace learnrace
