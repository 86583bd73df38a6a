// Cancellation of a run: a flag the caller sets (signal handler, Python), seen by the backends inside a chunk.
#pragma once

#include <atomic>
#include <stdexcept>

namespace learnrace {

/// Thrown when a run was cancelled through its cancel flag. Whatever the run had accumulated so far is
/// incomplete and must be discarded (the driver drops its RunResult; the writer removes its temporary file).
class RunCancelled : public std::runtime_error {
 public:
  RunCancelled() : std::runtime_error("run cancelled") {}
};

/// True when `flag` (may be null: never cancelled) has been set.
inline bool cancel_requested(const std::atomic<bool>* flag) {
  return flag != nullptr && flag->load(std::memory_order_relaxed);
}

}  // namespace learnrace
