// A one-line progress bar on stderr, drawn only when enabled (the driver enables it on a TTY).
#pragma once

#include <chrono>
#include <cstdint>

namespace learnrace {

class ProgressBar {
 public:
  ProgressBar(bool enabled, uint64_t total);
  void update(uint64_t done);
  void finish();

 private:
  bool enabled_;
  bool finished_ = false;
  uint64_t total_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace learnrace
