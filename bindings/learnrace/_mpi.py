"""MPI for the ``learnrace`` console script (mpi4py, the ``mpi`` extra): who this process is in an ``mpirun`` launch,
its GPU and CPU threads, and the collective steps of a run or study split across ranks (docs/sensitivity.md, "MPI").

This is the one MPI implementation of learnrace (the C++ executable and its MPI code are gone: one front end, no
MPI-linked binary in the wheel). A process counts as one of several ranks when the launcher says so in the
environment (Open MPI's ``OMPI_COMM_WORLD_SIZE``, MPICH's ``PMI_SIZE``, PMIx's ``PMIX_SIZE``); only then is mpi4py
imported.

- Large messages: MPI counts are C ints, so every buffer goes in pieces of at most :data:`PIECE_BYTES` (2^30) bytes,
  both sides cutting the same pieces in the same order.
- No rank waits forever: every collective step is non-blocking and polled (:func:`wait`), so a signal to a waiting
  rank is seen at once; a rank that fails or is interrupted while the others may still wait for it ends the whole
  launch (``MPI_Abort``, :meth:`Ranks.abort`), and failures every rank knows of (:meth:`Ranks.agree`) end every rank
  with its exit code and one message.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any, List, NamedTuple, Tuple

_SIZE_VARIABLES = ("OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_SIZE")
# Bytes per MPI message at most: MPI counts are C ints (2^31 - 1 elements), so a piece of 2^30 bytes fits any type.
PIECE_BYTES = 1 << 30
# Polling of a pending collective: the first waits are short (most steps end at once), then at most this long.
POLL_SECONDS = 0.05
_TAG = 7


def launched_ranks() -> int:
    """Ranks the MPI launcher started (1 when this process was not started by one)."""
    for name in _SIZE_VARIABLES:
        value = os.environ.get(name, "")
        if value.isdigit() and 1 <= int(value) <= 1 << 24:
            return int(value)
    return 1


class RanksFailed(RuntimeError):
    """Another rank failed (it printed why); raised on every rank that did not fail itself, after all agreed."""


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
        """True on every rank when every rank passed True (collective): a rank that failed tells the others before
        they wait in a collective it never reaches."""
        return self.first_failed(not ok) < 0

    def first_failed(self, failed: bool) -> int:
        """The lowest rank that passed True (collective, polled; -1 when none did)."""
        if self.comm is None:
            return 0 if failed else -1
        import numpy as np
        from mpi4py import MPI

        mine = np.array([self.rank if failed else self.size], dtype=np.int64)
        wait(self.comm.Iallreduce(MPI.IN_PLACE, mine, op=MPI.MIN))
        return int(mine[0]) if mine[0] < self.size else -1

    def agree(self, error: BaseException | None) -> None:
        """Collective: returns on every rank when no rank failed; else every rank raises (:meth:`raise_failed`)."""
        first = self.first_failed(error is not None)
        if first >= 0:
            self.raise_failed(error, first)

    def raise_failed(self, error: BaseException | None, first: int) -> None:
        """After :meth:`first_failed` returned ``first`` >= 0 on every rank: the failed ranks raise their own
        ``error``, the others :class:`RanksFailed`. Each is marked ``agreed`` (every rank stops, none is left waiting:
        no MPI_Abort needed) and ``quiet`` where it need not be printed: a failed rank prints its own message unless
        rank 0 failed too (every rank fails alike on a bad configuration: one message, not one per rank); of the
        others only rank 0 says that another rank failed."""
        if error is None:
            error = RanksFailed(f"MPI rank {first} failed (its message says why)")
            error.quiet = not self.lead
        else:
            error.quiet = first == 0 and not self.lead
        error.agreed = True
        raise error

    def abort(self, code: int) -> None:
        """Ends every rank of the launch (MPI_Abort) when some may still wait in a collective step; no-op for a single
        process or once the collective steps are over (:func:`collectives_done`)."""
        if self.comm is not None and not _state["done"]:
            sys.stdout.flush()
            sys.stderr.flush()
            self.comm.Abort(code)


SINGLE = Ranks(None, 0, 1, 0, 1)
_state = {"done": False}


def collectives_begin() -> None:
    """Collective steps follow: an error or signal on one rank from now on ends the launch (Ranks.abort)."""
    _state["done"] = False


def collectives_done() -> None:
    """No collective step follows (the ranks other than 0 return; rank 0 writes the file): an error or signal from
    now on ends this rank alone."""
    _state["done"] = True


_world: List[Ranks] = []


def world() -> Ranks:
    """This process's ranks: mpi4py's COMM_WORLD when launched as one of several ranks, else a single process.

    Computed once per process: finding the node's ranks is a collective step, so a later call on one rank alone
    (rank 0 printing its summary after the others returned) must not wait for the others."""
    if not _world:
        _world.append(_start())
    return _world[0]


def current() -> Ranks:
    """The ranks :func:`world` found, or a single process when it has not been called (starts no MPI)."""
    return _world[0] if _world else SINGLE


def _start() -> Ranks:
    if launched_ranks() <= 1:
        return SINGLE
    try:
        from mpi4py import MPI
    except ImportError:
        raise RuntimeError(
            f"started as one of {launched_ranks()} MPI ranks, but mpi4py is not installed (pip install "
            '"learnrace[mpi]"); without it every rank would do all the work'
        ) from None
    comm = MPI.COMM_WORLD
    node = comm.Split_type(MPI.COMM_TYPE_SHARED)
    ranks = Ranks(comm, comm.Get_rank(), comm.Get_size(), node.Get_rank(), node.Get_size())
    node.Free()
    return ranks


# ------------------------------------------------------------------------------------------- waiting and pieces


def wait(request) -> None:
    """Waits for a non-blocking MPI request, polling, so that a signal (SIGINT, SIGTERM) raises its exception here at
    once instead of after a blocking MPI call that may never return."""
    pause = 0.0005
    while not request.Test():
        time.sleep(pause)
        pause = min(2 * pause, POLL_SECONDS)


def pieces(nbytes: int, limit: int | None = None) -> List[Tuple[int, int]]:
    """Byte ranges [start, end) of at most ``limit`` (default :data:`PIECE_BYTES`) bytes covering ``nbytes``."""
    limit = PIECE_BYTES if limit is None else limit
    return [(at, min(nbytes, at + limit)) for at in range(0, nbytes, limit)]


def _bytes(array):
    """A C-contiguous array's memory as a flat uint8 view (sent and received in place)."""
    import numpy as np

    if not array.flags.c_contiguous:
        raise ValueError("MPI buffers must be C-contiguous")
    return array.reshape(-1).view(np.uint8)


def send(ranks: Ranks, array, dest: int) -> None:
    """Sends a C-contiguous array to ``dest`` in pieces of at most PIECE_BYTES bytes (:func:`recv` takes them)."""
    data = _bytes(array)
    for lo, hi in pieces(data.nbytes):
        wait(ranks.comm.Isend(data[lo:hi], dest=dest, tag=_TAG))


def recv(ranks: Ranks, array, source: int) -> None:
    """Receives into a C-contiguous array what :func:`send` sent from ``source``."""
    data = _bytes(array)
    for lo, hi in pieces(data.nbytes):
        wait(ranks.comm.Irecv(data[lo:hi], source=source, tag=_TAG))


def reduce_sum(ranks: Ranks, array) -> None:
    """Sums a C-contiguous uint64 array of every rank into rank 0's (exact: integers, in any order), in pieces."""
    import numpy as np
    from mpi4py import MPI

    if array.dtype != np.uint64:
        raise ValueError("reduce_sum takes uint64 counts")
    words = array.reshape(-1)
    step = PIECE_BYTES // words.itemsize
    for lo, hi in pieces(words.size, step):
        piece = words[lo:hi]
        if ranks.lead:
            wait(ranks.comm.Ireduce(MPI.IN_PLACE, piece, op=MPI.SUM, root=0))
        else:
            wait(ranks.comm.Ireduce(piece, None, op=MPI.SUM, root=0))


def exchange(ranks: Ranks, value: Any, root: int = 0) -> List[Any] | None:
    """Gathers a small picklable value of every rank on ``root`` (its list, by rank; None elsewhere), polled. For
    bulk data use :func:`send` / :func:`recv`."""
    if ranks.comm is None:
        return [value]
    import pickle

    import numpy as np

    payload = np.frombuffer(pickle.dumps(value), dtype=np.uint8)
    sizes = np.zeros(ranks.size, dtype=np.int64)
    mine = np.array([payload.size], dtype=np.int64)
    wait(ranks.comm.Igather(mine, sizes if ranks.rank == root else None, root=root))
    if ranks.rank != root:
        send(ranks, payload, root)
        return None
    out = []
    for source in range(ranks.size):
        if source == root:
            out.append(value)
            continue
        buffer = np.empty(int(sizes[source]), dtype=np.uint8)
        recv(ranks, buffer, source)
        out.append(pickle.loads(buffer.tobytes()))
    return out


def broadcast(ranks: Ranks, value: Any, root: int = 0) -> Any:
    """``root``'s small picklable value on every rank, polled."""
    if ranks.comm is None:
        return value
    import pickle

    import numpy as np

    size = np.zeros(1, dtype=np.int64)
    payload = np.frombuffer(pickle.dumps(value), dtype=np.uint8) if ranks.rank == root else None
    if ranks.rank == root:
        size[0] = payload.size
    wait(ranks.comm.Ibcast(size, root=root))
    if ranks.rank != root:
        payload = np.empty(int(size[0]), dtype=np.uint8)
    data = payload if ranks.rank != root else payload.copy()
    for lo, hi in pieces(int(size[0])):
        wait(ranks.comm.Ibcast(data[lo:hi], root=root))
    return value if ranks.rank == root else pickle.loads(data.tobytes())


# ------------------------------------------------------------------------------------------------- GPUs, threads


def _node_gpus() -> list:
    """This node's GPUs without initialising CUDA: CUDA_VISIBLE_DEVICES when set, else the NVIDIA driver's list."""
    visible = os.environ.get("CUDA_VISIBLE_DEVICES")
    if visible is not None:
        return [v.strip() for v in visible.split(",") if v.strip()]
    try:
        return [str(i) for i in range(len(os.listdir("/proc/driver/nvidia/gpus")))]
    except OSError:
        return []


def share_node(ranks: Ranks, backend: str, threads: int | None) -> int | None:
    """One GPU per rank of a node and the node's cores shared among its ranks (the thread count, unless the caller
    gave one). The GPU is chosen by setting CUDA_VISIBLE_DEVICES to GPU ``local rank mod GPUs`` before anything
    starts CUDA (the caller's duty: call this before ``cuda_available()`` or a run), so the rank's CUDA context is
    created on its own device whichever thread creates it (the engine runs on a worker thread)."""
    if ranks.size == 1:
        return threads
    if backend != "cpu":
        gpus = _node_gpus()
        if gpus:
            os.environ["CUDA_VISIBLE_DEVICES"] = gpus[ranks.local_rank % len(gpus)]
    if not threads:
        from ._threads import usable_cpus

        threads = max(1, usable_cpus() // ranks.local_size)
    return threads


# ----------------------------------------------------------------------------------------------------- one run


def merge_run(ranks: Ranks, handle) -> None:
    """Rank 0's run becomes the whole run: the counts of every rank summed (exact integers) and each rank's trajectory
    slots (the dyads it simulated, dyad_range) copied in. Collective: every rank calls it."""
    if ranks.size == 1:
        return
    from . import _core

    reduce_sum(ranks, handle._counts_buffer())
    stride = int(handle.parameters["output.trajectory_stride"][0])
    dyads = int(handle.dyads_per_point)
    for name in _core.trajectory_names:
        array = handle._trajectory_buffer(name)  # [points, slots(, periods)]: each point's slots are contiguous
        slots = array.shape[1]
        for source in range(1, ranks.size):
            begin, end = _core.dyad_range(dyads, source, ranks.size)
            lo, hi = min(slots, -(-begin // stride)), min(slots, -(-end // stride))
            if hi <= lo or not (ranks.lead or ranks.rank == source):
                continue
            for p in range(array.shape[0]):
                if ranks.lead:
                    recv(ranks, array[p, lo:hi], source)
                else:
                    send(ranks, array[p, lo:hi], 0)
