"""The engine's side of a comparison: one propositional point at the model defaults, run by the C++ CLI
(``learnrace run``) or by ``learnrace.run``, read back as a :class:`PeerResult` with the point's :class:`Params`."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path
from typing import Tuple

import numpy as np

from .model import Params, PeerResult

ROOT = Path(__file__).resolve().parents[2]


def experiment_toml(dyads: int, periods: int, seed: int) -> str:
    """The experiment every implementation runs: the defaults, with this many dyads and periods."""
    return f"[run]\ndyads = {dyads}\nperiods = {periods}\nseed = {seed}\n"


def find_binary() -> str | None:
    """The C++ CLI: $LEARNRACE_BIN, else build/bin/learnrace of this tree, else None."""
    path = os.environ.get("LEARNRACE_BIN") or str(ROOT / "build" / "bin" / "learnrace")
    return path if os.path.isfile(path) and os.access(path, os.X_OK) else None


def run_cli(
    binary: str, dyads: int, periods: int, seed: int, threads: int = 0, backend: str = "cpu"
) -> Tuple[PeerResult, Params]:
    """Run the C++ CLI (on the CPU backend unless told otherwise) and read its run file (h5py)."""
    import h5py

    with tempfile.TemporaryDirectory(prefix="peers-") as tmp:
        exp, out = Path(tmp) / "experiment.toml", Path(tmp) / "run.h5"
        exp.write_text(experiment_toml(dyads, periods, seed))
        cmd = [binary, "run", str(exp), "-o", str(out), "--backend", backend, "--threads", str(threads), "-q"]
        subprocess.run(cmd, check=True)
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
    """``learnrace.run`` where the package is installed, else the C++ CLI; RuntimeError when neither is there."""
    try:
        import learnrace  # noqa: F401
    except ImportError:
        binary = find_binary()
        if binary is None:
            raise RuntimeError("neither the learnrace package nor the CLI (build/bin/learnrace) is available") from None
        return run_cli(binary, dyads, periods, seed, threads)
    return run_python(dyads, periods, seed, threads)
