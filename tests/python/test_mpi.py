"""MPI (learnrace._mpi, the one MPI implementation): `mpirun -n R learnrace run` gives the single-process file for
R = 2 and 3, messages stay below the piece size, a bad experiment stops every rank with one message, and the rank's
GPU is chosen before CUDA starts. The launches use --oversubscribe (two cores in CI) and a timeout, so a hang fails
instead of blocking the suite."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import h5py
import numpy as np
import pytest

import learnrace
from conftest import as_typed, cpu_seconds
from learnrace import _mpi

MPIRUN = shutil.which("mpirun")
MPI_ENV = {**os.environ, "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"}
SMOKE = str(Path(__file__).resolve().parents[2] / "experiments" / "smoke.toml")
needs_mpi = pytest.mark.skipif(MPIRUN is None, reason="no mpirun (apt-get install openmpi-bin libopenmpi-dev)")


def mpirun(ranks: int, *command: str, timeout: int = 120):
    return subprocess.run(
        [MPIRUN, "-n", str(ranks), "--oversubscribe", *command],
        capture_output=True,
        text=True,
        env=MPI_ENV,
        timeout=timeout,
    )


def same_run_file(a, b) -> None:
    """Every dataset and root attribute equal, except the wall time (`seconds`) and the checksum that covers it."""
    with h5py.File(a, "r") as f, h5py.File(b, "r") as g:
        assert sorted(f.attrs) == sorted(g.attrs)
        for k in f.attrs:
            if k not in ("seconds", "attributes_crc32"):  # wall time, and the checksum covering it
                np.testing.assert_array_equal(f.attrs[k], g.attrs[k], err_msg=k)
        names = []
        f.visit(names.append)
        for name in names:
            if isinstance(f[name], h5py.Dataset):
                np.testing.assert_array_equal(f[name][()], g[name][()], err_msg=name)


@pytest.fixture(scope="module")
def single(tmp_path_factory):
    path = tmp_path_factory.mktemp("single") / "single.h5"
    r = subprocess.run([sys.executable, "-m", "learnrace.cli", "run", SMOKE, "-o", str(path), "--backend", "cpu",
                        "--threads", "1", "-q"], capture_output=True, text=True, timeout=120)  # fmt: skip
    assert r.returncode == 0, r.stderr
    return path


@needs_mpi
def test_three_ranks_give_the_single_process_file(single, tmp_path):
    pytest.importorskip("mpi4py")
    split = tmp_path / "ranks3.h5"
    r = mpirun(3, sys.executable, "-m", "learnrace.cli", "run", SMOKE, "-o", str(split), "--backend", "cpu",
               "--threads", "1")  # fmt: skip
    assert r.returncode == 0, r.stdout + r.stderr
    assert "(3 MPI ranks)" in r.stdout  # really split: without MPI every rank would run the whole experiment
    same_run_file(single, split)


# Runs the console script with the MPI messages cut into pieces of 4 kB (instead of 2^30 bytes) and records the size
# of every buffer handed to MPI: the pieces are what a run of more than 2^31 bytes of counts needs.
_SMALL_PIECES = textwrap.dedent(
    """
    import sys
    import numpy as np
    from learnrace import _mpi, cli

    _mpi.PIECE_BYTES = 4096
    largest = [0]

    class Recording:
        def __init__(self, comm):
            self._comm = comm

        def __getattr__(self, name):
            call = getattr(self._comm, name)
            if not callable(call):
                return call

            def recorded(*args, **kwargs):
                for a in args:
                    buf = a[0] if isinstance(a, (list, tuple)) else a
                    if isinstance(buf, np.ndarray):
                        largest[0] = max(largest[0], buf.nbytes)
                return call(*args, **kwargs)

            return recorded

    ranks = _mpi.world()
    _mpi._world[0] = ranks._replace(comm=Recording(ranks.comm))
    code = cli.main(sys.argv[1:])
    print(f"rank {ranks.rank} largest message {largest[0]}", flush=True)
    sys.exit(code)
    """
)


@needs_mpi
def test_messages_go_in_pieces_of_at_most_the_piece_size(single, tmp_path):
    pytest.importorskip("mpi4py")
    split = tmp_path / "pieces.h5"
    script = tmp_path / "pieces.py"
    script.write_text(_SMALL_PIECES)
    r = mpirun(2, sys.executable, str(script), "run", SMOKE, "-o", str(split), "--backend", "cpu", "--threads", "1",
               "-q")  # fmt: skip
    assert r.returncode == 0, r.stdout + r.stderr
    sizes = [int(line.split()[-1]) for line in r.stdout.splitlines() if "largest message" in line]
    assert len(sizes) == 2 and 0 < max(sizes) <= 4096, r.stdout
    with learnrace.open(single) as res:  # the counts alone are far more than one piece
        assert res.transitions_by_bin.nbytes > 10 * 4096
    same_run_file(single, split)


@needs_mpi
def test_a_bad_experiment_stops_every_rank_with_one_message(tmp_path):
    pytest.importorskip("mpi4py")
    bad = tmp_path / "bad.toml"
    bad.write_text("[run]\ndyads = 10\n[shocks.trust]\nsigm = 0.2\n")
    r = mpirun(2, sys.executable, "-m", "learnrace.cli", "run", str(bad), "-o", str(tmp_path / "out.h5"), "-q")
    assert r.returncode == 2, r.stdout + r.stderr
    assert r.stderr.count("shocks.trust.sigm: unknown key") == 1, r.stderr  # one message, not one per rank
    assert "MPI_ABORT" not in r.stderr  # every rank ended by itself
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.toml"]


def test_pieces_cover_the_bytes_in_order():
    assert _mpi.pieces(0, 4) == []
    assert _mpi.pieces(4, 4) == [(0, 4)]
    assert _mpi.pieces(9, 4) == [(0, 4), (4, 8), (8, 9)]
    assert _mpi.pieces(3 << 30) == [(0, 1 << 30), (1 << 30, 2 << 30), (2 << 30, 3 << 30)]


def test_each_rank_of_a_node_gets_its_own_gpu_before_cuda_starts(monkeypatch):
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "4,5,6")
    ranks = _mpi.Ranks(comm=None, rank=5, size=8, local_rank=4, local_size=4)
    threads = _mpi.share_node(ranks, "auto", 0)
    assert os.environ["CUDA_VISIBLE_DEVICES"] == "5"  # GPU local rank mod 3 of the node's visible GPUs
    assert threads == max(1, (os.cpu_count() or 1) // 4)  # the node's cores shared among its ranks
    monkeypatch.setenv("CUDA_VISIBLE_DEVICES", "0,1")
    assert _mpi.share_node(ranks, "cpu", 3) == 3 and os.environ["CUDA_VISIBLE_DEVICES"] == "0,1"  # CPU: no GPU


def test_the_console_script_chooses_the_gpu_before_anything_asks_cuda(monkeypatch, tmp_path):
    # Order of the steps of `learnrace run` on a rank: share_node (CUDA_VISIBLE_DEVICES) must come before the first
    # call that may start CUDA (cuda_available, the run). Recorded with a fake two-rank world that needs no MPI.
    from learnrace import cli

    calls = []
    fake = _mpi.Ranks(comm=None, rank=0, size=2, local_rank=1, local_size=2)
    monkeypatch.setattr(_mpi, "_world", [fake])
    monkeypatch.setattr(_mpi, "share_node", lambda *a: calls.append("share_node") or 1)
    monkeypatch.setattr(learnrace, "cuda_available", lambda: calls.append("cuda_available") or False)
    monkeypatch.setattr(learnrace._core, "cuda_unavailable_reason", lambda: "no GPU (test)")

    def fake_run(*args, **kwargs):
        calls.append("run")
        raise RuntimeError("stop here")

    monkeypatch.setattr(learnrace.api, "run_checked", fake_run)
    code = cli.main(["run", SMOKE, "-o", str(tmp_path / "x.h5"), "--backend", "cuda", "-q"])
    assert code == 2 and calls == ["share_node", "cuda_available"]
    calls.clear()
    code = cli.main(["run", SMOKE, "-o", str(tmp_path / "x.h5"), "--backend", "auto", "-q"])
    assert code == 1 and calls == ["share_node", "run"]


# ------------------------------------------------------------------- issue 20 item 10: a signal to one rank

LONG_RUN = "[run]\ndyads = 200000000\nperiods = 100\nseed = 1\n[output]\ntrajectory_max = 0\n"
LONG_STUDY = """
[study]
design = "grid"

[study.parameters]
"shocks.trust.sigma" = {values = [0.1, 0.2, 0.3, 0.4]}

[run]
dyads = 20000000
periods = 100
seed = 1
"""


def _ranks_of(launcher: int) -> dict:
    """rank -> pid of the processes an mpirun started (its descendants with OMPI_COMM_WORLD_RANK set)."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            environ = Path(f"/proc/{entry}/environ").read_bytes().split(b"\0")
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        rank = [v for v in environ if v.startswith(b"OMPI_COMM_WORLD_RANK=")]
        if rank and ppid == launcher:
            found[int(rank[0].split(b"=")[1])] = int(entry)
    return found


@needs_mpi
@pytest.mark.parametrize(
    "command, sig, target",
    [
        ("run", signal.SIGTERM, 1),
        ("run", signal.SIGINT, 0),
        ("sweep", signal.SIGTERM, 0),
        ("sweep", signal.SIGINT, 1),
    ],
    ids=["run-SIGTERM-rank1", "run-SIGINT-rank0", "sweep-SIGTERM-rank0", "sweep-SIGINT-rank1"],
)
def test_a_signal_to_one_rank_ends_the_whole_launch(tmp_path, command, sig, target):
    pytest.importorskip("mpi4py")
    if command == "sweep":
        pytest.importorskip("SALib")
    source = tmp_path / "input.toml"
    source.write_text(LONG_RUN if command == "run" else LONG_STUDY)
    out = tmp_path / "out.h5"
    launch = subprocess.Popen(
        as_typed([MPIRUN, "-n", "2", "--oversubscribe", sys.executable, "-m", "learnrace.cli", command, str(source),
                  "-o", str(out), "--backend", "cpu", "--threads", "1", "-q"]),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=MPI_ENV,
    )  # fmt: skip
    try:
        # both ranks simulating: each has used more CPU time than starting Python and importing learnrace take
        deadline = time.monotonic() + 120
        ranks = {}
        while time.monotonic() < deadline:
            ranks = _ranks_of(launch.pid)
            if len(ranks) == 2 and all(cpu_seconds(pid) > 4.0 for pid in ranks.values()):
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"the ranks did not start simulating: {ranks}")
        os.kill(ranks[target], sig)
        try:
            _, err = launch.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{sig.name} to rank {target} of `{command}`: the launch still runs after 60 s (a hang)")
        left = [pid for pid in ranks.values() if _alive(pid, within=15.0)]  # no rank is left behind
    finally:
        if launch.poll() is None:
            launch.kill()
            launch.communicate()
        for pid in ranks.values():
            if _alive(pid, within=0.0):
                os.kill(pid, signal.SIGKILL)
    err = err.decode(errors="replace")
    assert launch.returncode != 0, err
    assert f"interrupted ({sig.name})" in err, err
    assert not left, f"ranks still running after the launch ended: {left}"
    assert not out.exists()


def _alive(pid: int, within: float) -> bool:
    """Whether process `pid` still runs (not a zombie) after waiting up to `within` seconds for it to end."""
    deadline = time.monotonic() + within
    while True:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return False
        if state == "Z":
            return False
        if time.monotonic() >= deadline:
            return True
        time.sleep(0.1)
