// The CUDA backend keeps every launched point's ModelParams and PointConstants in __constant__ memory
// (kernels/cuda/dyad_kernel.cuh), which holds 64 KiB: the points per launch are derived from their sizes
// (kernels/cuda/launch_shape.hpp, with a static_assert), so growing the parameters can never overflow it.
#include <gtest/gtest.h>

#include "cuda/launch_shape.hpp"

namespace learnrace::cuda_detail {
namespace {

TEST(CudaConstantMemory, PointsPerLaunchFitSixtyFourKiB) {
  EXPECT_EQ(kConstantBytesPerPoint, sizeof(ModelParams) + sizeof(PointConstants));
  EXPECT_GE(kMaxPointsPerLaunch, 1);
  EXPECT_LE(static_cast<size_t>(kMaxPointsPerLaunch) * kConstantBytesPerPoint, size_t{65536});
}

TEST(CudaConstantMemory, LargerParametersMeanFewerPointsPerLaunch) {
  EXPECT_EQ(max_points_per_launch(856), 64);   // today's 856 bytes: the measured 64 (54,784 bytes)
  EXPECT_EQ(max_points_per_launch(1024), 64);  // exactly 64 KiB
  EXPECT_EQ(max_points_per_launch(1025), 63);
  EXPECT_EQ(max_points_per_launch(2000), 32);
  EXPECT_EQ(max_points_per_launch(65537), 0);  // would not fit at all: the static_assert stops the build
}

}  // namespace
}  // namespace learnrace::cuda_detail
