"""Shared fixtures. Runs are small (a few thousand dyads) so the whole suite stays well under two minutes."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

import learnrace

os.environ.setdefault("MPLBACKEND", "Agg")

SMALL_DYADS = 3000
SEED = 20260101


# Sets the signal actions of argv[1] ("SIGINT=SIG_IGN,SIGTERM=SIG_DFL") and execs the command (which keeps the pid).
_WITH_SIGNALS = (
    "import os, signal, sys\n"
    "for item in sys.argv[1].split(','):\n"
    "    name, action = item.split('=')\n"
    "    signal.signal(getattr(signal, name), getattr(signal, action))\n"
    "os.execvp(sys.argv[2], sys.argv[2:])"
)


def as_typed(cmd: list[str]) -> list[str]:
    """`cmd` started as from an interactive shell: SIGINT and SIGTERM at their default actions. The tests that send
    Ctrl-C need it: a test process started by a non-interactive shell with & (a CI job, `make test &`) inherits
    SIGINT as ignored, and so would the children it starts, which then rightly ignore it."""
    return [sys.executable, "-c", _WITH_SIGNALS, "SIGINT=SIG_DFL,SIGTERM=SIG_DFL", *cmd]


def as_background_job(cmd: list[str]) -> list[str]:
    """`cmd` started as a non-interactive shell starts a job with &: SIGINT ignored, SIGTERM at its default."""
    return [sys.executable, "-c", _WITH_SIGNALS, "SIGINT=SIG_IGN,SIGTERM=SIG_DFL", *cmd]


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) process `pid` has used so far, from /proc (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_until_busy(proc, cpu: float = 3.0, timeout: float = 120.0) -> None:
    """Wait until `proc` has used `cpu` CPU seconds: more than starting Python and importing learnrace take (about
    0.7 s), so it is simulating. CPU time, not wall time: a loaded machine slows both alike."""
    deadline = time.monotonic() + timeout
    while cpu_seconds(proc.pid) < cpu:
        if proc.poll() is not None or time.monotonic() > deadline:
            pytest.fail(f"the process did not start simulating (exit code {proc.poll()})")
        time.sleep(0.1)


def small_experiment(dyads: int = SMALL_DYADS, seed: int = SEED) -> dict:
    """A one-point experiment as a nested dict (everything else at the model defaults)."""
    return {"run": {"dyads": dyads, "seed": seed}}


@pytest.fixture(params=["cpu", "cuda"])
def backend(request) -> str:
    """Each test using it runs once per backend; CUDA is skipped where it is not built or no GPU is usable."""
    if request.param == "cuda" and not learnrace.cuda_available():
        pytest.skip(f"CUDA backend unavailable: {learnrace._core.cuda_unavailable_reason()}")
    return request.param


@pytest.fixture(scope="session")
def small_results() -> learnrace.Results:
    return learnrace.run(small_experiment(), backend="cpu", progress=False)


@pytest.fixture(scope="session")
def run_file(tmp_path_factory, small_results) -> str:
    path = tmp_path_factory.mktemp("runs") / "small.h5"
    small_results.save(path)
    return str(path)


@pytest.fixture(autouse=True)
def _keep_signal_handlers():
    """Tests that call learnrace.cli.main in this process: it installs SIGINT/SIGTERM handlers; restore pytest's."""
    import signal

    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    yield
    for s, handler in saved.items():
        signal.signal(s, handler)
