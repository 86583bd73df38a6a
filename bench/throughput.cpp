// Throughput benchmark of one backend on the default model (docs/model.md section 19 defaults, one sweep point):
//   throughput --backend cpu|cuda --kernel propositional|strategic --dyads N --periods T
//              [--chunk C] [--threads K] [--lanes L] [--repeat R] [--warmup W] [--seed S] [--points P] [--lean 1]
// --lanes: CPU dyads in lockstep per thread (DriverOptions::cpu_lanes): 0 = the widest this CPU runs (default),
// 1 = scalar, 8 = AVX2, 16 = AVX-512.
// --points P: P sweep points (the default point, point keys 0 .. P-1), --dyads dyads each (points scaling, e.g.
// 1e5 points x 1,000 dyads as inference runs them). --lean 1: the output settings of learnrace.inference's batched
// simulator (factor_bins 1, hist_bins 2, no trajectories).
// Runs the whole driver path (chunks, trajectories, merging) W times untimed, then R times timed,
// and prints the median. Dyad-periods are counted from the transition counts (every live
// dyad-period lands in exactly one cell), because dyads end early.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "backend.hpp"
#include "driver.hpp"

using namespace learnrace;

namespace {

struct Options {
  std::string backend = "cuda";
  std::string kernel = "propositional";
  uint64_t dyads = 1000000;
  int32_t periods = 100;
  uint64_t chunk = 0;  // 0: all dyads in one chunk
  int threads = 0;
  int32_t lanes = 0;
  int repeat = 5;
  int warmup = 1;
  uint32_t seed = 1;
  uint64_t points = 1;
  bool lean = false;
};

[[noreturn]] void usage(const char* msg) {
  std::fprintf(stderr,
               "%s\nusage: throughput --backend cpu|cuda --kernel propositional|strategic --dyads N --periods T "
               "[--chunk C] [--threads K] [--lanes L] [--repeat R] [--warmup W] [--seed S] [--points P] [--lean 1]\n",
               msg);
  std::exit(2);
}

uint64_t parse_count(const char* s) {
  // Accepts 1000000, 1e6, 2.5e7.
  char* end = nullptr;
  const double v = std::strtod(s, &end);
  if (end == s || *end != '\0' || v < 0 || v > 1.8e19) usage((std::string("bad number: ") + s).c_str());
  return static_cast<uint64_t>(v + 0.5);
}

Options parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) usage(("missing value for " + a).c_str());
    const char* v = argv[++i];
    if (a == "--backend")
      o.backend = v;
    else if (a == "--kernel")
      o.kernel = v;
    else if (a == "--dyads")
      o.dyads = parse_count(v);
    else if (a == "--periods")
      o.periods = static_cast<int32_t>(parse_count(v));
    else if (a == "--chunk")
      o.chunk = parse_count(v);
    else if (a == "--threads")
      o.threads = static_cast<int>(parse_count(v));
    else if (a == "--lanes")
      o.lanes = static_cast<int32_t>(parse_count(v));
    else if (a == "--repeat")
      o.repeat = std::max<int>(1, static_cast<int>(parse_count(v)));
    else if (a == "--warmup")
      o.warmup = static_cast<int>(parse_count(v));
    else if (a == "--seed")
      o.seed = static_cast<uint32_t>(parse_count(v));
    else if (a == "--points")
      o.points = parse_count(v);
    else if (a == "--lean")
      o.lean = parse_count(v) != 0;
    else
      usage(("unknown option " + a).c_str());
  }
  if (o.backend != "cpu" && o.backend != "cuda") usage("--backend must be cpu or cuda");
  if (o.kernel != "propositional" && o.kernel != "strategic") usage("--kernel must be propositional or strategic");
  if (o.points < 1 || o.points > 10000000) usage("--points must be in [1, 1e7]");
  return o;
}

uint64_t dyad_periods(const RunResult& r) {
  uint64_t n = 0;
  for (int32_t i = 0; i < r.n_points; ++i)
    for (int k = 0; k < kPairStates * kPairStates; ++k) n += r.point_counts(i)[r.layout.transitions + k];
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  const Options o = parse(argc, argv);
  try {
    ModelParams p = default_params();
    p.kernel = o.kernel == "strategic" ? KernelType::Strategic : KernelType::Propositional;
    p.periods = o.periods;
    p.seed = o.seed;
    if (o.lean) {
      p.factor_bins = 1;
      p.hist_bins = 2;
      p.trajectory_max = 0;
    }
    RunConfig config;
    config.dyads = o.dyads;
    config.chunk_dyads = o.chunk ? o.chunk : std::max<uint64_t>(1, o.dyads);
    for (uint64_t i = 0; i < o.points; ++i) {
      p.point_key = static_cast<uint32_t>(i);
      config.points.push_back(p);
      config.point_names.push_back(o.points == 1 ? "default" : "p" + std::to_string(i));
    }
    DriverOptions d;
    d.backend = parse_backend(o.backend);
    d.threads = o.threads;
    d.cpu_lanes = o.lanes;
    d.chunk_dyads = config.chunk_dyads;  // exactly the chunk asked for, on every backend

    for (int i = 0; i < o.warmup; ++i) run_experiment(config, d);
    std::vector<double> seconds;
    uint64_t periods_run = 0;
    for (int i = 0; i < o.repeat; ++i) {
      const RunResult r = run_experiment(config, d);
      seconds.push_back(r.seconds);
      const uint64_t n = dyad_periods(r);
      if (i > 0 && n != periods_run) throw std::runtime_error("repeats disagree on the number of dyad-periods");
      periods_run = n;
    }
    std::sort(seconds.begin(), seconds.end());
    const double median = seconds[seconds.size() / 2];
    std::printf(
        "backend=%s lanes=%d kernel=%s points=%llu lean=%d dyads=%llu periods=%d chunk=%llu repeat=%d median_s=%.6f "
        "min_s=%.6f dyad_periods=%llu mean_duration=%.3f dyad_periods_per_s=%.4e dyads_per_s=%.4e\n",
        o.backend.c_str(), o.backend == "cpu" ? (o.lanes ? o.lanes : cpu_lanes_widest()) : 0, o.kernel.c_str(),
        static_cast<unsigned long long>(o.points), o.lean ? 1 : 0, static_cast<unsigned long long>(o.dyads), o.periods,
        static_cast<unsigned long long>(config.chunk_dyads), o.repeat, median, seconds.front(),
        static_cast<unsigned long long>(periods_run),
        o.dyads ? static_cast<double>(periods_run) / static_cast<double>(o.dyads * o.points) : 0.0,
        median > 0 ? static_cast<double>(periods_run) / median : 0.0,
        median > 0 ? static_cast<double>(o.dyads * o.points) / median : 0.0);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "throughput: %s\n", e.what());
    return 1;
  }
  return 0;
}
