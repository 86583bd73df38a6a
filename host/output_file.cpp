#include "output_file.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstring>
#include <random>
#include <stdexcept>
#include <system_error>

#include "run_cancelled.hpp"

namespace learnrace {

namespace {

constexpr const char* kTempMarker = ".tmp-";
constexpr size_t kRandomDigits = 8;

std::string errno_text(int err) { return std::strerror(err); }

std::string directory_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
}

std::string name_of(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool all_of(const std::string& text, size_t begin, size_t end, bool (*ok)(char)) {
  if (begin >= end) return false;
  for (size_t i = begin; i < end; ++i)
    if (!ok(text[i])) return false;
  return true;
}
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f'); }

bool process_alive(pid_t pid) { return ::kill(pid, 0) == 0 || errno != ESRCH; }

long name_max(const std::string& dir) {
  errno = 0;
  const long limit = ::pathconf(dir.c_str(), _PC_NAME_MAX);
  return limit > 0 ? limit : NAME_MAX;
}

/// Refuses to replace anything but a regular file (a device, FIFO or socket named as the output).
void require_regular_or_absent(const std::string& target) {
  struct stat st {};
  if (::stat(target.c_str(), &st) != 0) return;
  if (S_ISDIR(st.st_mode)) throw std::runtime_error("'" + target + "' is a directory");
  if (!S_ISREG(st.st_mode))
    throw std::runtime_error("'" + target + "' exists and is not a regular file (a device, FIFO or socket); " +
                             "it is never replaced");
}

bool same_file(const struct stat& a, const struct stat& b) { return a.st_dev == b.st_dev && a.st_ino == b.st_ino; }

/// flock(2) that retries when a signal interrupts it.
int lock(int fd, int operation) {
  int rc;
  do rc = ::flock(fd, operation);
  while (rc != 0 && errno == EINTR);
  return rc;
}

void write_all(int fd, const std::string& path, const std::vector<unsigned char>& bytes) {
  size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw std::runtime_error("cannot write '" + path + "': " + errno_text(errno));
    done += static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) throw std::runtime_error("cannot sync '" + path + "' to disk: " + errno_text(errno));
}

// Best effort: makes the rename itself durable.
void sync_directory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

int create_temp(const std::string& target, std::string* path) {
  for (int attempt = 0; attempt < 16; ++attempt) {
    *path = temp_path_for(target);
    const int fd = ::open(path->c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0 && errno == EEXIST) continue;
    if (fd < 0) throw std::system_error(errno, std::generic_category(), "cannot create '" + *path + "'");
    // The lock says "a live writer owns this file" to every process that shares the directory, whatever its PID
    // namespace. A file system without flock support leaves the file unlocked (the pid rule still protects it).
    if (lock(fd, LOCK_EX) != 0) return fd;
    // A remover that locked the file in the instant between open and flock removed it: then its name no longer
    // names this file, and another name is tried.
    struct stat mine {
    }, named{};
    if (::fstat(fd, &mine) == 0 && ::lstat(path->c_str(), &named) == 0 && same_file(mine, named)) return fd;
    ::close(fd);
  }
  throw std::runtime_error("cannot create a temporary file beside '" + target + "': every name tried exists");
}

std::string temp_path_for(const std::string& target) {
  static thread_local std::mt19937_64 engine{std::random_device{}()};
  char suffix[40];
  std::snprintf(suffix, sizeof suffix, "%s%ld-%08llx", kTempMarker, static_cast<long>(::getpid()),
                static_cast<unsigned long long>(engine() & 0xffffffffull));
  return target + suffix;
}

bool parse_temp_name(const std::string& target_name, const std::string& name, pid_t* pid) {
  const std::string prefix = target_name + kTempMarker;
  if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) return false;
  const size_t dash = name.find('-', prefix.size());
  if (dash == std::string::npos || dash - prefix.size() > 10) return false;
  if (!all_of(name, prefix.size(), dash, is_digit)) return false;
  if (name.size() - dash - 1 != kRandomDigits || !all_of(name, dash + 1, name.size(), is_hex)) return false;
  const long long value = std::strtoll(name.c_str() + prefix.size(), nullptr, 10);
  if (value <= 0 || value > INT_MAX) return false;
  if (pid) *pid = static_cast<pid_t>(value);
  return true;
}

std::vector<std::string> remove_stale_temps(const std::string& target) {
  std::vector<std::string> removed;
  const std::string dir = directory_of(target);
  const std::string target_name = name_of(target);
  DIR* d = ::opendir(dir.c_str());
  if (!d) return removed;
  while (const dirent* entry = ::readdir(d)) {
    const std::string name = entry->d_name;
    pid_t pid = 0;
    if (!parse_temp_name(target_name, name, &pid) || process_alive(pid)) continue;
    const std::string path = dir + "/" + name;
    struct stat st {};
    if (::lstat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != ::geteuid()) continue;
    // The pid names no live process here, but the writer may live in another PID namespace (a container sharing
    // the directory): it holds the file's lock while it runs. Only a file nobody holds is stale.
    const int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) continue;
    struct stat held {};
    if (lock(fd, LOCK_EX | LOCK_NB) == 0 && ::fstat(fd, &held) == 0 && same_file(held, st) &&
        ::unlink(path.c_str()) == 0)
      removed.push_back(path);
    ::close(fd);
  }
  ::closedir(d);
  return removed;
}

void check_output_writable(const std::string& target) {
  const std::string dir = directory_of(target);
  const std::string name = name_of(target);
  struct stat st {};
  if (::stat(target.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
    throw std::runtime_error("-o " + target + ": is a directory; give a file name such as " + target + "/run.h5");
  if (name.empty() || name == "." || name == "..")
    throw std::runtime_error("-o " + target + ": give a file name, such as " + target + "/run.h5");
  if (::stat(dir.c_str(), &st) != 0)
    throw std::runtime_error("-o " + target + ": the directory '" + dir + "' does not exist (create it first)");
  if (!S_ISDIR(st.st_mode)) throw std::runtime_error("-o " + target + ": '" + dir + "' is not a directory");
  if (::access(dir.c_str(), W_OK | X_OK) != 0)
    throw std::runtime_error("-o " + target + ": the directory '" + dir + "' is not writable: " + errno_text(errno));
  const long limit = name_max(dir);
  if (static_cast<long>(name.size() + kTempSuffixMaxBytes) > limit)
    throw std::runtime_error("-o " + target + ": the file name is " + std::to_string(name.size()) + " bytes; at most " +
                             std::to_string(limit - static_cast<long>(kTempSuffixMaxBytes)) +
                             " are allowed here (the file system allows " + std::to_string(limit) +
                             " and the temporary file adds up to " + std::to_string(kTempSuffixMaxBytes) + ")");
  try {
    require_regular_or_absent(target);
    std::string probe;
    const int fd = create_temp(target, &probe);
    ::close(fd);
    ::unlink(probe.c_str());
  } catch (const std::runtime_error& e) {
    throw std::runtime_error("-o " + target + ": " + e.what());
  }
}

void check_output_path(const std::string& output, const std::string& source) {
  check_output_writable(output);
  struct stat out {};
  struct stat in {};
  if (!source.empty() && ::stat(output.c_str(), &out) == 0 && ::stat(source.c_str(), &in) == 0 &&
      out.st_dev == in.st_dev && out.st_ino == in.st_ino)
    throw std::runtime_error("-o " + output + ": is the experiment or study file itself");
}

void replace_file(const std::string& target, const std::vector<unsigned char>& bytes, const std::atomic<bool>* cancel) {
  require_regular_or_absent(target);
  remove_stale_temps(target);
  std::string tmp;
  int fd = create_temp(target, &tmp);
  const int lock_fd = ::dup(fd);  // holds the lock (shared by both descriptors) until the file is renamed
  try {
    if (lock_fd < 0) throw std::runtime_error("cannot duplicate the descriptor of '" + tmp + "': " + errno_text(errno));
    write_all(fd, tmp, bytes);
    const int closed = ::close(fd);
    fd = -1;
    if (closed != 0) throw std::runtime_error("cannot close '" + tmp + "': " + errno_text(errno));
    if (cancel_requested(cancel)) throw RunCancelled();
    require_regular_or_absent(target);
    if (std::rename(tmp.c_str(), target.c_str()) != 0)
      throw std::runtime_error("cannot rename '" + tmp + "' to '" + target + "': " + errno_text(errno));
  } catch (...) {
    if (fd >= 0) ::close(fd);
    ::unlink(tmp.c_str());
    if (lock_fd >= 0) ::close(lock_fd);
    throw;
  }
  ::close(lock_fd);
  sync_directory(directory_of(target));
}

}  // namespace learnrace
