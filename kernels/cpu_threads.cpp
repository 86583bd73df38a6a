#include "cpu_threads.hpp"

#include <pthread.h>
#include <sys/resource.h>

#include <cerrno>
#include <condition_variable>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <vector>

namespace learnrace {

namespace {

struct Gate {
  std::mutex mutex;
  std::condition_variable open_cv;
  bool open = false;
};

void* wait_at(void* arg) {
  Gate& gate = *static_cast<Gate*>(arg);
  std::unique_lock<std::mutex> hold(gate.mutex);
  gate.open_cv.wait(hold, [&] { return gate.open; });
  return nullptr;
}

// OMP_STACKSIZE / GOMP_STACKSIZE as libgomp reads them: a number with an optional B, K, M or G suffix (default K).
size_t stack_size_from_environment() {
  for (const char* name : {"GOMP_STACKSIZE", "OMP_STACKSIZE"}) {
    const char* text = std::getenv(name);
    if (!text || !*text) continue;
    char* end = nullptr;
    const unsigned long long n = std::strtoull(text, &end, 10);
    if (end == text) continue;
    while (*end == ' ') ++end;
    unsigned long long unit = 1024;
    if (*end == 'b' || *end == 'B') unit = 1;
    if (*end == 'm' || *end == 'M') unit = 1ull << 20;
    if (*end == 'g' || *end == 'G') unit = 1ull << 30;
    return static_cast<size_t>(n * unit);
  }
  return 0;
}

std::string limit_text(int resource, const char* what) {
  rlimit r{};
  if (::getrlimit(resource, &r) != 0 || r.rlim_cur == RLIM_INFINITY) return "";
  return std::string(what) + " " + std::to_string(static_cast<unsigned long long>(r.rlim_cur));
}

}  // namespace

int startable_threads(int count) {
  pthread_attr_t attr;
  if (pthread_attr_init(&attr) != 0) return 0;
  if (const size_t stack = stack_size_from_environment()) pthread_attr_setstacksize(&attr, stack);
  Gate gate;
  std::vector<pthread_t> started;
  started.reserve(static_cast<size_t>(count > 0 ? count : 0));
  for (int i = 0; i < count; ++i) {
    pthread_t t;
    if (pthread_create(&t, &attr, wait_at, &gate) != 0) break;
    started.push_back(t);
  }
  {
    std::lock_guard<std::mutex> hold(gate.mutex);
    gate.open = true;
  }
  gate.open_cv.notify_all();
  for (pthread_t t : started) pthread_join(t, nullptr);
  pthread_attr_destroy(&attr);
  return static_cast<int>(started.size());
}

void require_threads(int threads) {
  static thread_local int verified = 1;  // the largest region that ran on this thread (its pool keeps the threads)
  if (threads <= verified) return;
  // The calling thread is one of the region's; the others are created, one more as a margin.
  const int started = startable_threads(threads);
  if (started < threads) {
    std::string limits;
    for (const std::string& l :
         {limit_text(RLIMIT_AS, "address space (ulimit -v, bytes)"), limit_text(RLIMIT_NPROC, "processes (ulimit -u)")})
      if (!l.empty()) limits += (limits.empty() ? "" : ", ") + l;
    throw ThreadsUnavailable(threads, started,
                             "threads: " + std::to_string(threads) + " threads cannot be started here: only " +
                                 std::to_string(started) + " could (" +
                                 (limits.empty() ? std::string("system limits or memory") : "limits: " + limits) +
                                 "); give threads = " + std::to_string(started > 1 ? started : 1) +
                                 " or fewer (the results do not depend on it)");
  }
  verified = threads;
}

}  // namespace learnrace
