#include "mpi_run.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>

#include "driver.hpp"

#if defined(LEARNRACE_HAVE_MPI)
#include <mpi.h>
#endif

namespace learnrace {

int launched_ranks() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE"}) {
    const char* value = std::getenv(name);
    if (!value) continue;
    char* end = nullptr;
    const long n = std::strtol(value, &end, 10);
    if (end != value && *end == '\0' && n >= 1 && n <= 1 << 24) return static_cast<int>(n);
  }
  return 1;
}

#if defined(LEARNRACE_HAVE_MPI)

namespace {

void check(int code, const char* what) {
  if (code != MPI_SUCCESS)
    throw std::runtime_error(std::string("MPI: ") + what + " failed (code " + std::to_string(code) + ")");
}

/// Slots [lo, hi) of the dyads [begin, end): the slot k records dyad k * stride.
std::pair<uint64_t, uint64_t> slot_range(uint64_t begin, uint64_t end, uint64_t stride, uint64_t slots) {
  const uint64_t lo = std::min(slots, (begin + stride - 1) / stride);
  const uint64_t hi = std::min(slots, (end + stride - 1) / stride);
  return {lo, std::max(lo, hi)};
}

/// Sends (rank > 0) or receives into rank 0's array the slots of rank `from`, per point: [points][slots][width].
/// In messages of at most 2^30 bytes, since MPI counts are int (both sides cut the same pieces, in order).
template <class T>
void gather_slots(std::vector<T>& values, size_t points, uint64_t slots, uint64_t width, int rank, int from,
                  std::pair<uint64_t, uint64_t> range) {
  constexpr uint64_t kPieceBytes = uint64_t{1} << 30;
  const uint64_t bytes = (range.second - range.first) * width * sizeof(T);
  for (size_t p = 0; p < points && bytes > 0; ++p) {
    char* at = reinterpret_cast<char*>(values.data() + (p * slots + range.first) * width);
    for (uint64_t off = 0; off < bytes; off += kPieceBytes) {
      const int n = static_cast<int>(std::min(kPieceBytes, bytes - off));
      if (rank == 0)
        check(MPI_Recv(at + off, n, MPI_BYTE, from, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE), "MPI_Recv (trajectories)");
      else if (rank == from)
        check(MPI_Send(at + off, n, MPI_BYTE, 0, 7, MPI_COMM_WORLD), "MPI_Send (trajectories)");
    }
  }
}

}  // namespace

MpiSession::MpiSession(int* argc, char*** argv) {
  if (launched_ranks() <= 1) return;
  check(MPI_Init(argc, argv), "MPI_Init");
  initialised_ = true;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
  MPI_Comm_size(MPI_COMM_WORLD, &size_);
  MPI_Comm node;
  check(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank_, MPI_INFO_NULL, &node), "MPI_Comm_split_type");
  MPI_Comm_rank(node, &local_rank_);
  MPI_Comm_size(node, &local_size_);
  MPI_Comm_free(&node);
}

MpiSession::~MpiSession() {
  if (initialised_) MPI_Finalize();
}

bool MpiSession::all(bool ok) const {
  if (size_ == 1) return ok;
  int mine = ok ? 1 : 0, every = 0;
  check(MPI_Allreduce(&mine, &every, 1, MPI_INT, MPI_LAND, MPI_COMM_WORLD), "MPI_Allreduce");
  return every != 0;
}

void MpiSession::reduce(RunResult& result, uint64_t dyads, uint64_t stride) const {
  if (size_ == 1) return;
  // Integer sums (uint64, two's complement for the int64 moments): exact in any order. In pieces of at most 2^27
  // words, since MPI counts are int.
  constexpr size_t kPiece = size_t{1} << 27;
  for (size_t at = 0; at < result.counts.size(); at += kPiece) {
    const int n = static_cast<int>(std::min(kPiece, result.counts.size() - at));
    uint64_t* data = result.counts.data() + at;
    if (rank_ == 0)
      check(MPI_Reduce(MPI_IN_PLACE, data, n, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD), "MPI_Reduce (counts)");
    else
      check(MPI_Reduce(data, nullptr, n, MPI_UINT64_T, MPI_SUM, 0, MPI_COMM_WORLD), "MPI_Reduce (counts)");
  }
  Trajectories& t = result.trajectories;
  const uint64_t slots = static_cast<uint64_t>(t.slots);
  if (slots == 0) return;
  const size_t points = static_cast<size_t>(result.n_points);
  for (int from = 1; from < size_; ++from) {
    const DyadRange dyad = dyad_range(dyads, from, size_);
    const auto range = slot_range(dyad.begin, dyad.end, stride, slots);
    for_each_trajectory_field([&](const char*, auto member, bool per_period) {
      gather_slots(t.*member, points, slots, per_period ? static_cast<uint64_t>(t.periods) : 1, rank_, from, range);
    });
  }
}

#endif

}  // namespace learnrace
