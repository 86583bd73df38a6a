"""MPI for the ``learnrace`` console script (mpi4py): who this process is in an ``mpirun`` launch, its GPU and CPU
threads, and the collective steps of a run split across ranks (docs/sensitivity.md, "MPI").

A process counts as one of several ranks when the launcher says so in the environment (Open MPI's
``OMPI_COMM_WORLD_SIZE``, MPICH's ``PMI_SIZE``, PMIx's ``PMIX_SIZE``); only then is mpi4py imported.
"""

from __future__ import annotations

import functools
import os
from typing import Any, NamedTuple

_SIZE_VARIABLES = ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE")


def launched_ranks() -> int:
    """Ranks the MPI launcher started (1 when this process was not started by one)."""
    for name in _SIZE_VARIABLES:
        value = os.environ.get(name, "")
        if value.isdigit() and int(value) >= 1:
            return int(value)
    return 1


class Ranks(NamedTuple):
    comm: Any  # mpi4py.MPI.Comm, or None for a single process
    rank: int
    size: int
    local_rank: int
    local_size: int

    @property
    def lead(self) -> bool:
        return self.rank == 0

    def all(self, ok: bool) -> bool:
        """True on every rank when every rank passed True: a rank that failed tells the others before they wait in a
        collective it never reaches."""
        if self.comm is None:
            return ok
        from mpi4py import MPI

        return bool(self.comm.allreduce(bool(ok), op=MPI.LAND))


SINGLE = Ranks(None, 0, 1, 0, 1)


@functools.cache
def world() -> Ranks:
    """This process's ranks: mpi4py's COMM_WORLD when launched as one of several ranks, else a single process.

    Computed once per process (cached): finding the node's ranks is a collective step, so a later call on one rank
    alone (rank 0 printing its summary after the others returned) must not wait for the others."""
    if launched_ranks() <= 1:
        return SINGLE
    try:
        from mpi4py import MPI
    except ImportError:
        raise RuntimeError(
            f"started as one of {launched_ranks()} MPI ranks, but mpi4py is not installed (pip install mpi4py); "
            "without it every rank would do all the work"
        ) from None
    comm = MPI.COMM_WORLD
    node = comm.Split_type(MPI.COMM_TYPE_SHARED)
    ranks = Ranks(comm, comm.Get_rank(), comm.Get_size(), node.Get_rank(), node.Get_size())
    node.Free()
    return ranks


def _node_gpus() -> list:
    """This node's GPUs without initialising CUDA: CUDA_VISIBLE_DEVICES when set, else the NVIDIA driver's list."""
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is not None:
        return [v for v in visible.split(",") if v.strip()]
    try:
        return [str(i) for i in range(len(os.listdir("/proc/driver/nvidia/gpus")))]
    except OSError:
        return []


def share_node(ranks: Ranks, backend: str, threads: int | None) -> int | None:
    """One GPU per rank of a node (CUDA_VISIBLE_DEVICES set to GPU ``local rank mod GPUs`` before CUDA starts) and
    the node's cores shared among its ranks (the thread count, unless the caller gave one)."""
    if ranks.size == 1:
        return threads
    if backend != "cpu":
        gpus = _node_gpus()
        if gpus:
            os.environ["CUDA_VISIBLE_DEVICES"] = gpus[ranks.local_rank % len(gpus)]
    if not threads:
        threads = max(1, (os.cpu_count() or 1) // ranks.local_size)
    return threads


def merge_run(ranks: Ranks, handle) -> None:
    """Rank 0's run becomes the whole run: the counts of every rank summed (MPI_Reduce of uint64 words, exact) and
    each rank's trajectory slots (the dyads it simulated, dyad_range) copied in. Collective: every rank calls it."""
    if ranks.size == 1:
        return
    import numpy as np
    from mpi4py import MPI

    from . import _core

    counts = handle._counts_buffer()
    if ranks.lead:
        ranks.comm.Reduce(MPI.IN_PLACE, counts, op=MPI.SUM, root=0)
    else:
        ranks.comm.Reduce(counts, None, op=MPI.SUM, root=0)
    stride = int(handle.parameters["output.trajectory_stride"][0])
    dyads = int(handle.dyads_per_point)
    for name in _core.trajectory_names:
        array = handle._trajectory_buffer(name)
        slots = array.shape[1]
        for source in range(1, ranks.size):
            begin, end = _core.dyad_range(dyads, source, ranks.size)
            lo, hi = min(slots, -(-begin // stride)), min(slots, -(-end // stride))
            if hi <= lo:
                continue
            if ranks.lead:
                piece = np.empty_like(array[:, lo:hi])
                ranks.comm.Recv(piece, source=source, tag=7)
                array[:, lo:hi] = piece
            elif ranks.rank == source:
                ranks.comm.Send(np.ascontiguousarray(array[:, lo:hi]), dest=0, tag=7)
