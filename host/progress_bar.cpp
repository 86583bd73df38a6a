#include "progress_bar.hpp"

#include <cstdio>

namespace learnrace {

ProgressBar::ProgressBar(bool enabled, uint64_t total)
    : enabled_(enabled && total > 0), total_(total), start_(std::chrono::steady_clock::now()) {}

void ProgressBar::update(uint64_t done) {
  if (!enabled_) return;
  constexpr int kWidth = 40;
  const double fraction = static_cast<double>(done) / static_cast<double>(total_);
  const int filled = static_cast<int>(fraction * kWidth);
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  const double eta = fraction > 0 ? elapsed * (1.0 - fraction) / fraction : 0.0;
  std::fprintf(stderr, "\r[");
  for (int i = 0; i < kWidth; ++i) std::fputc(i < filled ? '#' : '.', stderr);
  std::fprintf(stderr, "] %5.1f%%  %llu/%llu dyads  %.0fs left ", 100.0 * fraction,
               static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_), eta);
  std::fflush(stderr);
}

void ProgressBar::finish() {
  if (!enabled_ || finished_) return;
  finished_ = true;
  std::fputc('\n', stderr);
}

}  // namespace learnrace
