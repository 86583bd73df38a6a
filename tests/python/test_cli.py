"""The `learnrace` console script, the one command line: run, info and export, messages, exit codes, and what a bad
command line or experiment leaves behind (nothing)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import h5py
import pandas as pd
import pytest
import tomli_w

import learnrace
from conftest import as_typed, small_experiment


def console_script():
    """The installed `learnrace` script of this Python (its environment's bin/), else the one on PATH."""
    beside = Path(sys.executable).parent / "learnrace"
    return str(beside) if beside.exists() else shutil.which("learnrace")


def learnrace_cli(*args, cwd=None):
    exe = console_script()
    cmd = [exe, *args] if exe else [sys.executable, "-m", "learnrace.cli", *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=120)


def listing(directory) -> list:
    return sorted(p.name for p in Path(directory).iterdir())


SMOKE = str(Path(__file__).resolve().parents[2] / "experiments" / "smoke.toml")


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
    proc = subprocess.Popen(as_typed([*cmd, "run", str(exp), "-o", str(out), "--threads", "1"]), stderr=subprocess.PIPE)
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


# ------------------------------------------------------------------ what the C++ executable's tests guaranteed


def test_bad_config_exits_2_naming_the_key_with_a_suggestion_and_writes_nothing(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[run]\ndyads = 10\n[shocks.trust]\nsigm = 0.2\n")
    r = learnrace_cli("run", str(bad), "-o", str(tmp_path / "out.h5"))
    assert r.returncode == 2
    assert "shocks.trust.sigm" in r.stderr and "did you mean 'shocks.trust.sigma'" in r.stderr, r.stderr
    assert r.stderr.count("\n") == 1 and r.stdout == ""
    assert listing(tmp_path) == ["bad.toml"]  # no output, no temporary file


def test_out_of_range_and_per_point_errors_exit_2(tmp_path):
    (tmp_path / "range.toml").write_text("[run]\nperiods = 0\n")
    r = learnrace_cli("run", str(tmp_path / "range.toml"), "-o", str(tmp_path / "out.h5"))
    assert r.returncode == 2 and "run.periods" in r.stderr
    (tmp_path / "point.toml").write_text('[[points]]\nname = "a"\n"run.seed" = 4\n')
    r = learnrace_cli("run", str(tmp_path / "point.toml"), "-o", str(tmp_path / "out.h5"))
    assert r.returncode == 2 and "run.seed" in r.stderr
    assert listing(tmp_path) == ["point.toml", "range.toml"]


def test_a_directory_as_the_experiment_is_one_line_exit_2(tmp_path):
    (tmp_path / "work").mkdir()
    r = learnrace_cli("run", str(tmp_path / "work"), "-o", str(tmp_path / "out.h5"))
    assert r.returncode == 2
    assert f"{tmp_path / 'work'}: is a directory, not an experiment file" in r.stderr
    assert r.stderr.count("\n") == 1 and r.stdout == ""


@pytest.mark.parametrize(
    "args, words",
    [
        (["run", SMOKE, "-o", "x.h5", "--dyads", "abc"], "--dyads: invalid int value: 'abc'"),
        (["run", SMOKE, "-o", "x.h5", "--dyads", "-5"], "dyads: -5 is out of range"),
        (["run", SMOKE, "-o", "x.h5", "--dyads", "1.5"], "--dyads: invalid int value: '1.5'"),  # 1e4 is accepted
        (["run", SMOKE, "-o", "x.h5", "--dyads", "0"], "dyads: 0 is out of range"),
        (["run", SMOKE, "-o", "x.h5", "--seed", "4294967296"], "seed: 4294967296 is out of range"),
        (["run", SMOKE, "-o", "x.h5", "--threads", "two"], "--threads: invalid int value: 'two'"),
        (["run", SMOKE, "-o", "x.h5", "--threads", "4097"], "threads: 4097 is out of range"),
        (["run", SMOKE, "-o", "x.h5", "--chunk", "0"], "chunk_dyads: 0 is out of range"),
        (["run", SMOKE, "-o", "x.h5", "--backend", "gpu"], "--backend: invalid choice: 'gpu'"),
        (["run", SMOKE, "-o", "x.h5", "--seed"], "--seed: expected one argument"),
        (["run", SMOKE, "-o", "x.h5", "--fast"], "unrecognized arguments: --fast"),
        (["run", SMOKE], "the following arguments are required: -o/--output"),
        (["run", "-o", "x.h5"], "the following arguments are required: experiment"),
        (["run", "a.toml", "b.toml", "-o", "x.h5"], "unrecognized arguments: b.toml"),
        (["info"], "the following arguments are required: file"),
        (["simulate"], "invalid choice: 'simulate'"),
        (["sweep", SMOKE.replace("smoke", "study_grid"), "-o", "x.h5", "--block", "0"], "block: 0 is out of range"),
    ],
)
def test_command_line_errors_exit_2_naming_the_flag(args, words, tmp_path, capsys):
    from learnrace.cli import main

    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        with pytest.raises(SystemExit) as exit_info:
            code = main(args)
            raise SystemExit(code)
    finally:
        os.chdir(cwd)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert words in err, err
    assert listing(tmp_path) == []


def test_help_and_version():
    r = learnrace_cli("--help")
    assert r.returncode == 0 and "run" in r.stdout and "exit status" in r.stdout
    r = learnrace_cli("run", "--help")
    assert r.returncode == 0 and "EXPERIMENT" not in r.stderr and "--chunk" in r.stdout
    assert learnrace_cli().returncode == 2  # no command: usage on stderr


def test_run_reports_the_file_the_throughput_and_the_headline_table(tmp_path):
    out = tmp_path / "smoke.h5"
    r = learnrace_cli("run", SMOKE, "-o", str(out), "--dyads", "40", "--seed", "11", "--threads", "2", "--chunk", "16")
    assert r.returncode == 0, r.stderr
    assert listing(tmp_path) == ["smoke.h5"]  # the temporary file was renamed away
    assert f"-> {out}" in r.stdout and "wall time" in r.stdout and "dyad-periods/s" in r.stdout, r.stdout
    with learnrace.open(out) as res:
        from learnrace import headlines

        assert headlines.headline_text(res) in r.stdout  # the table of the file written
        assert f"({headlines.dyad_periods(res)} dyad-periods lived)" in r.stdout
        for name in res.point_names:
            assert name in r.stdout
    info = learnrace_cli("info", str(out))
    assert info.returncode == 0, info.stderr
    assert "dyads = 40" in info.stdout and "seed = 11" in info.stdout  # the overrides are part of the experiment


def test_info_prints_schema_provenance_points_config_and_the_headline_table(tmp_path):
    from learnrace import headlines

    res = learnrace.run(
        {"run": {"dyads": 3000, "periods": 100, "seed": 20260101},
         "points": [{"name": "propositional"}, {"name": "strategic", "kernel.type": "strategic"}]},
        backend="cpu", progress=False,
    )  # fmt: skip
    path = tmp_path / "two.h5"
    res.save(path)
    r = learnrace_cli("info", str(path))
    assert r.returncode == 0, r.stderr
    with h5py.File(path, "r") as f:  # the schema version this build writes
        version = ", ".join(str(int(v)) for v in f.attrs["version"])
    for item in (f"learnrace-run version [{version}]", "backend         cpu", "seed            20260101",
                 "dyads/point     3000", "periods         100", "propositional (propositional)",
                 "strategic (strategic)", "  [run]", "  dyads = 3000", "median dur"):  # fmt: skip
        assert item in r.stdout, item
    assert r.stdout.endswith(headlines.headline_text(res))  # the file's table is the in-memory run's


def test_info_of_a_file_that_is_not_hdf5_exits_2(tmp_path):
    r = learnrace_cli("info", SMOKE)
    assert r.returncode == 2 and "not an HDF5 file" in r.stderr and r.stdout == ""
