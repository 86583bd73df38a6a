"""The `learnrace` console script: run, info and export, exit codes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import tomli_w

import learnrace
from conftest import small_experiment


def console_script():
    """The installed `learnrace` script of this Python (its environment's bin/), else the one on PATH."""
    beside = Path(sys.executable).parent / "learnrace"
    return str(beside) if beside.exists() else shutil.which("learnrace")


def learnrace_cli(*args, cwd=None):
    exe = console_script()
    cmd = [exe, *args] if exe else [sys.executable, "-m", "learnrace.cli", *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=120)


@pytest.fixture
def experiment(tmp_path):
    p = tmp_path / "exp.toml"
    p.write_text(tomli_w.dumps(small_experiment(1000)))
    return p


def test_console_script_is_installed():
    assert console_script(), "pip install . should install the learnrace console script"


def test_run_writes_a_file_and_info_reads_it(experiment, tmp_path):
    out = tmp_path / "out.h5"
    r = learnrace_cli("run", str(experiment), "-o", str(out), "--dyads", "800", "--seed", "5", "--threads", "1",
                      "--backend", "cpu")  # fmt: skip
    assert r.returncode == 0, r.stderr
    res = learnrace.open(out)
    assert res.dyads_simulated.tolist() == [800] and res.seed == 5 and res.backend == "cpu"
    info = learnrace_cli("info", str(out))
    assert info.returncode == 0, info.stderr
    assert "learnrace-run" in info.stdout and "seed" in info.stdout


def test_quiet_run_prints_nothing_and_version(experiment, tmp_path):
    r = learnrace_cli("run", str(experiment), "-o", str(tmp_path / "q.h5"), "-q", "--chunk", "100")
    assert r.returncode == 0 and r.stdout == "" and r.stderr == ""
    assert learnrace.open(tmp_path / "q.h5").dyads_simulated.tolist() == [1000]
    v = learnrace_cli("--version")
    assert v.returncode == 0 and v.stdout.startswith("learnrace ")


def test_output_directory_must_exist(experiment, tmp_path):
    r = learnrace_cli("run", str(experiment), "-o", str(tmp_path / "missing" / "x.h5"))
    assert r.returncode == 2 and "does not exist" in r.stderr


def test_config_error_exits_2_with_the_key(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(tomli_w.dumps({"run": {"dyads": 0}}))
    r = learnrace_cli("run", str(bad), "-o", str(tmp_path / "x.h5"))
    assert r.returncode == 2
    assert "run.dyads" in r.stderr
    assert not (tmp_path / "x.h5").exists()


def test_missing_experiment_exits_2(tmp_path):
    r = learnrace_cli("run", str(tmp_path / "none.toml"), "-o", str(tmp_path / "x.h5"))
    assert r.returncode == 2 and "none.toml" in r.stderr


def test_usage_errors_exit_2(experiment):
    assert learnrace_cli("run", str(experiment)).returncode == 2  # -o is required
    assert learnrace_cli("run", str(experiment), "-o", "x.h5", "--backend", "gpu").returncode == 2
    assert learnrace_cli().returncode == 2


def test_info_on_a_file_that_is_not_a_run_file_exits_2(tmp_path):
    p = tmp_path / "x.h5"
    p.write_text("not hdf5")
    r = learnrace_cli("info", str(p))
    assert r.returncode == 2 and "not an HDF5 file" in r.stderr
    assert learnrace_cli("info", str(tmp_path / "missing.h5")).returncode == 2


def test_ctrl_c_exits_1_and_writes_nothing(tmp_path):
    import os
    import signal
    import time

    exp = tmp_path / "big.toml"
    exp.write_text(tomli_w.dumps(small_experiment(5_000_000)))
    out = tmp_path / "big.h5"
    exe = console_script()
    cmd = [exe] if exe else [sys.executable, "-m", "learnrace.cli"]
    proc = subprocess.Popen([*cmd, "run", str(exp), "-o", str(out), "--threads", "1"], stderr=subprocess.PIPE)
    seen, deadline = b"", time.monotonic() + 60
    while b"dyad" not in seen and time.monotonic() < deadline and proc.poll() is None:
        seen += os.read(proc.stderr.fileno(), 4096)  # the progress bar has started: the engine is running
    proc.send_signal(signal.SIGINT)
    start = time.monotonic()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 1, (seen + err).decode(errors="replace")
    assert b"interrupted" in err
    assert time.monotonic() - start < 5, "the run stops at the next chunk boundary"
    assert not out.exists() and not list(tmp_path.glob("big.h5.tmp*"))


def test_export_writes_tidy_csv_files(run_file, tmp_path):
    out = tmp_path / "csv"
    r = learnrace_cli("export", run_file, "--csv", str(out))
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["durations.csv", "points.csv", "summary.csv", "transitions.csv"]
    res = learnrace.open(run_file)
    summary = pd.read_csv(out / "summary.csv")
    assert summary["point"].tolist() == res.point_names
    assert summary["dyads_simulated"].tolist() == res.dyads_simulated.tolist()
    transitions = pd.read_csv(out / "transitions.csv")
    assert list(transitions.columns) == ["point", "from_state", "to_state", "count"]
    assert transitions["count"].sum() == res.transitions.sum()
    row = transitions[(transitions["from_state"] == "COL/COL") & (transitions["to_state"] == "COL/COL")]
    assert row["count"].item() == res.transitions[0, 24, 24]
    durations = pd.read_csv(out / "durations.csv")
    assert list(durations.columns) == ["point", "cause", "duration", "count"]
    assert durations["count"].sum() == res.dyads_simulated.sum()
    assert set(durations["cause"]) <= set(learnrace.CAUSES) and durations["duration"].min() >= 1
    points = pd.read_csv(out / "points.csv")
    assert points["point"].tolist() == res.point_names and "kernel" in points.columns


def test_export_refuses_missing_files_and_a_file_as_directory(run_file, tmp_path):
    assert learnrace_cli("export", str(tmp_path / "none.h5"), "--csv", str(tmp_path)).returncode == 2
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    r = learnrace_cli("export", run_file, "--csv", str(blocker))
    assert r.returncode == 2 and "not a directory" in r.stderr


def test_default_backend_is_auto_as_in_the_api():
    import inspect

    from learnrace.cli import _parser

    args = _parser().parse_args(["run", "e.toml", "-o", "x.h5"])
    assert args.backend == "auto" == inspect.signature(learnrace.run).parameters["backend"].default
