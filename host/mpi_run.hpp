// One experiment split across MPI ranks (`mpirun -n R learnrace run ...`): each rank simulates a contiguous range of
// every point's dyads (dyad_range), rank 0 sums the integer counts (MPI_Reduce) and gathers each rank's trajectory
// slots, so the run file is the same for every R. Compiled only when CMake finds MPI (LEARNRACE_MPI).
#pragma once

#include <cstdint>

#include "run_result.hpp"

namespace learnrace {

/// Ranks of this launch as the MPI launcher announces them in the environment (OMPI_COMM_WORLD_SIZE, PMI_SIZE,
/// PMIX_SIZE); 1 when the process was not started by an MPI launcher. Needs no MPI library.
int launched_ranks();

#if defined(LEARNRACE_HAVE_MPI)
/// MPI_Init on construction when launched_ranks() > 1, MPI_Finalize on destruction; rank 0 of 1 otherwise.
class MpiSession {
 public:
  MpiSession(int* argc, char*** argv);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;
  int rank() const { return rank_; }
  int size() const { return size_; }
  /// Rank among the ranks of this node (its GPU when the backend is CUDA).
  int local_rank() const { return local_rank_; }
  int local_size() const { return local_size_; }
  /// True on every rank when every rank passed true (MPI_Allreduce, logical and): a rank that failed tells the others
  /// before any of them waits in a collective that the failed rank never reaches.
  bool all(bool ok) const;
  /// Sums the counts of every rank into rank 0's result and copies into it the trajectory slots of the dyads each
  /// other rank simulated (rank r's slots: dyad ids slot * stride in its dyad_range). `result` has the whole run's
  /// shape on every rank; only rank 0's is complete afterwards.
  void reduce(RunResult& result, uint64_t dyads, uint64_t stride) const;

 private:
  int rank_ = 0, size_ = 1, local_rank_ = 0, local_size_ = 1;
  bool initialised_ = false;
};
#endif

}  // namespace learnrace
