#include <gtest/gtest.h>

#include "backend.hpp"
#include "output_layout.hpp"

using namespace learnrace;

TEST(Smoke, CpuBackendCountsEveryDyad) {
  ModelParams p = default_params();
  p.trajectory_max = 0;
  const OutputLayout l = OutputLayout::make(p);
  std::vector<uint64_t> counts(l.total, 0);
  PointBuffers b;
  b.counts = counts.data();
  ChunkRequest r;
  r.params = &p;
  r.out = &b;
  r.n_points = 1;
  r.dyad_begin = 0;
  r.dyad_end = 1000;
  run_chunk_cpu(r);
  EXPECT_EQ(counts[l.dyads], 1000u);
}
