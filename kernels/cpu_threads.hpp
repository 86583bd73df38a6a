// Whether the CPU backend can start its OpenMP threads. libgomp ends the process (exit 1, "Thread creation
// failed") when it cannot create a thread of a parallel region, which no caller can catch: under an address-space
// limit (ulimit -v: every thread reserves a stack) or a process limit (ulimit -u) a large `threads` did that. The
// backend starts the threads itself first, where a failure is an error it can report.
#pragma once

#include <stdexcept>
#include <string>

namespace learnrace {

/// The threads a run asked for cannot all be started here; what() names the count that could and the limits.
class ThreadsUnavailable : public std::runtime_error {
 public:
  ThreadsUnavailable(int wanted, int started, const std::string& message)
      : std::runtime_error(message), wanted_(wanted), started_(started) {}
  int wanted() const { return wanted_; }
  int started() const { return started_; }

 private:
  int wanted_;
  int started_;
};

/// Starts `count` threads with the attributes libgomp gives its threads (the default ones: OMP_STACKSIZE and
/// GOMP_STACKSIZE are honoured), holds them until all run, ends them and returns how many could be started.
int startable_threads(int count);

/// Before a parallel region of `threads` threads on the calling thread: nothing when a region this large already ran
/// on it (libgomp keeps a thread pool per calling thread), else startable_threads(threads); throws
/// ThreadsUnavailable when fewer could be started.
void require_threads(int threads);

}  // namespace learnrace
