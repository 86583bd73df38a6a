// Stands in for test_mpi_cli.cpp when CMake found no MPI library or no mpiexec: the MPI tests are reported as skipped,
// with the reason, instead of silently missing.
#include <gtest/gtest.h>

TEST(Mpi, RanksGiveTheSingleProcessFile) {
  GTEST_SKIP() << "built without MPI (LEARNRACE_MPI, or no mpiexec found): apt-get install openmpi-bin libopenmpi-dev";
}
