"""The engine's side of a comparison: one propositional point at the model defaults, run by the command line
(``learnrace run``, the console script) or by ``learnrace.run``, read back as a :class:`PeerResult` with the point's
:class:`Params`."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Tuple

import numpy as np

from .model import Params, PeerResult

ROOT = Path(__file__).resolve().parents[2]


def experiment_toml(dyads: int, periods: int, seed: int) -> str:
    """The experiment every implementation runs: the defaults, with this many dyads and periods."""
    return f"[run]\ndyads = {dyads}\nperiods = {periods}\nseed = {seed}\n"


def find_cli() -> str | None:
    """The command line, as a shell-quoted command: $LEARNRACE_CLI, else this Python's ``-m learnrace.cli`` when the
    learnrace package is installed, else None."""
    if os.environ.get("LEARNRACE_CLI"):
        return os.environ["LEARNRACE_CLI"]
    try:
        import learnrace  # noqa: F401
    except ImportError:
        return None
    return shlex.join([sys.executable, "-m", "learnrace.cli"])


def run_cli(
    cli: str, dyads: int, periods: int, seed: int, threads: int = 0, backend: str = "cpu"
) -> Tuple[PeerResult, Params]:
    """Run ``learnrace run`` (``cli``, a shell-quoted command; on the CPU backend unless told otherwise) in a fresh
    process and read its run file (h5py)."""
    import h5py

    with tempfile.TemporaryDirectory(prefix="peers-") as tmp:
        exp, out = Path(tmp) / "experiment.toml", Path(tmp) / "run.h5"
        exp.write_text(experiment_toml(dyads, periods, seed))
        cmd = [*shlex.split(cli), "run", str(exp), "-o", str(out), "--backend", backend, "--threads", str(threads)]
        subprocess.run([*cmd, "-q"], check=True)
        with h5py.File(out, "r") as f:
            result = PeerResult(
                np.asarray(f["counts/transitions"][0], np.int64),
                np.asarray(f["outcomes/duration_by_cause"][0], np.int64),
                float(f.attrs["seconds"]),
            )
            return result, Params.from_points(f["points"])


def run_python(dyads: int, periods: int, seed: int, threads: int = 0) -> Tuple[PeerResult, Params]:
    """Run through ``learnrace.run`` (the installed package) on the CPU backend."""
    import learnrace

    experiment = {"run": {"dyads": dyads, "periods": periods, "seed": seed}}
    res = learnrace.run(experiment, backend="cpu", threads=threads, progress=False)
    result = PeerResult(
        np.asarray(res.transitions[0], np.int64), np.asarray(res.duration_by_cause[0], np.int64), float(res.seconds)
    )
    return result, Params.from_points(res.points)


def run_engine(dyads: int, periods: int, seed: int, threads: int = 0) -> Tuple[PeerResult, Params]:
    """``learnrace.run`` (the installed package) on the CPU backend; RuntimeError when the package is not there."""
    try:
        import learnrace  # noqa: F401
    except ImportError:
        raise RuntimeError("the learnrace package is not installed (pip install . from the repository)") from None
    return run_python(dyads, periods, seed, threads)
