"""learnrace.study / learnrace sweep: per-point outcomes, the study file, blocks, resume after SIGKILL, and MPI."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

import h5py
import numpy as np
import pandas as pd
import pytest

import learnrace
from learnrace import _checksum, design, outcomes, study_file

pytest.importorskip("SALib")

STUDY = """
[study]
design = "sobol"
n = 8
seed = 3
resamples = 50

[study.parameters]
"flows.lambda" = {low = 0.05, high = 0.3}
"trust.eta_down" = {low = 0.1, high = 0.5}

[run]
dyads = 400
periods = 25
seed = 11
"""
GRID = {
    "shocks.trust.sigma": {"from": 0.05, "to": 0.3, "steps": 3},
    "initial.intent_A": ["internalization", "substitution"],
}
BASE = {"run": {"dyads": 300, "periods": 20, "seed": 4}}


def cli(*args, **kwargs):
    """The console script, as a subprocess (the installed `learnrace` entry point's module)."""
    return subprocess.run([sys.executable, "-m", "learnrace.cli", *args], capture_output=True, text=True, **kwargs)


def same_file(a, b):
    """Every dataset and attribute of two HDF5 files equal, except the wall-time attributes (study_file
    .WALL_TIME_ATTRIBUTES: root `seconds`)."""
    with h5py.File(a, "r") as f, h5py.File(b, "r") as g:
        names_f, names_g = [], []
        f.visit(names_f.append)
        g.visit(names_g.append)
        assert names_f == names_g
        for obj in ["/", *names_f]:
            x, y = f[obj], g[obj]
            keys = [k for k in x.attrs if not (obj == "/" and k in study_file.WALL_TIME_ATTRIBUTES)]
            assert keys == [k for k in y.attrs if not (obj == "/" and k in study_file.WALL_TIME_ATTRIBUTES)], obj
            for k in keys:
                np.testing.assert_array_equal(x.attrs[k], y.attrs[k], err_msg=f"{obj} attribute {k}")
            if isinstance(x, h5py.Dataset):
                assert x.dtype == y.dtype, obj
                np.testing.assert_array_equal(x[()], y[()], err_msg=obj)


@pytest.fixture(scope="module")
def study_toml(tmp_path_factory):
    path = tmp_path_factory.mktemp("study") / "study.toml"
    path.write_text(STUDY)
    return str(path)


@pytest.fixture(scope="module")
def sobol_file(study_toml, tmp_path_factory):
    out = str(tmp_path_factory.mktemp("out") / "sobol.h5")
    learnrace.study(study_toml, out, backend="cpu", block=7, progress=False)
    return out


# ------------------------------------------------------------------------------------------------ run(points=...)


def test_run_takes_a_design_or_a_frame_of_points():
    d = design.make(GRID)
    res = learnrace.run(BASE, points=d, backend="cpu", progress=False)
    assert res.point_names == list(d.points["point"])
    np.testing.assert_allclose(res.points["shocks.trust.sigma"], d.points["shocks.trust.sigma"], rtol=1e-6)
    frame = pd.DataFrame({"flows.lambda": [0.1, 0.2]})  # no names: generated
    res = learnrace.run(BASE, points=frame, backend="cpu", progress=False)
    assert res.point_names == ["p00000", "p00001"]
    with pytest.raises(learnrace.ConfigError, match=r"\[points\]"):
        learnrace.run({**BASE, "points": [{"name": "x"}]}, points=frame, progress=False)
    with pytest.raises(learnrace.ConfigError, match="points"):
        learnrace.run(BASE, points="flows.lambda", progress=False)


# ------------------------------------------------------------------------------------------- outcomes of a study


def test_study_outcomes_are_those_of_the_full_runs():
    d = design.make(GRID)
    s = learnrace.study(BASE, design=d, backend="cpu", block=4, progress=False)
    # the same points in one ordinary run (point keys 0..P-1, trajectories on): the same counts, so the same outcomes
    # (s.base: BASE with the trajectory sample the study adds for the period shares' intervals)
    whole = outcomes.compute(learnrace.run(s.base, points=d, backend="cpu", progress=False))
    for a, b in zip(s.values, whole):
        np.testing.assert_array_equal(a, b)
    # and each point again on its own, with every array (Study.results)
    full = s.results("p00004", backend="cpu", threads=1)
    assert full.transitions.shape[0] == 1 and full.trajectories["pair"].shape[1] > 0
    for a, b in zip(outcomes.compute(full), s.values):
        np.testing.assert_array_equal(a[0], b[4])
    assert s.analysis is None  # a grid has no Sobol' / Morris analysis
    ds = s.to_xarray()
    assert ds["share_race_won"].dims == ("shocks.trust.sigma", "initial.intent_A")


def test_results_outcomes_give_the_study_summary_with_kernel_and_parameters():
    # a plain run's Results.outcomes(): the study's per-point outcomes, counts and intervals, joined to the parameters
    # that vary between the points (no hand-made join to the points table)
    d = design.make({"shocks.trust.sigma": {"from": 0.05, "to": 0.3, "steps": 3}, "flows.lambda": [0.1, 0.2]})
    s = learnrace.study(BASE, design=d, backend="cpu", block=4, progress=False)
    summary = s.summary()
    table = learnrace.run(s.base, points=d, backend="cpu", progress=False).outcomes()
    assert list(table.columns[:4]) == ["point", "kernel", "flows.lambda", "shocks.trust.sigma"]
    assert (table["kernel"] == "propositional").all()
    columns = ["point", "outcome", "estimate", "ci_low", "ci_high", "confidence", "ci_method", "n", "successes", "sd"]
    pd.testing.assert_frame_equal(table[columns], summary[columns])
    for key in d.keys:
        np.testing.assert_allclose(table[key], summary[key], rtol=1e-6)  # the points table holds float32-rounded values
    wide = table[table["outcome"] == "share_race_won"]
    assert ((wide["ci_low"] <= wide["estimate"]) & (wide["estimate"] <= wide["ci_high"])).all()


def test_point_keys_follow_the_design_index_or_common_random_numbers():
    # beta_qre belongs to the strategic kernel: under the (default) propositional kernel it changes nothing. With
    # common random numbers the two points are then identical; without, each point has its own key (its index in the
    # design, whatever block it runs in), so they differ.
    d = design.make({"kernel.strategic.beta_qre": [1.0, 2.0]})
    common = learnrace.study(
        {"run": {**BASE["run"], "common_random_numbers": True}}, design=d, block=1, backend="cpu", progress=False
    )
    np.testing.assert_array_equal(common.values.estimate[0], common.values.estimate[1])
    own = learnrace.study(BASE, design=d, block=1, backend="cpu", progress=False)
    assert not np.array_equal(own.values.estimate[0], own.values.estimate[1], equal_nan=True)


def test_study_file_round_trip(sobol_file, study_toml):
    s = learnrace.open(sobol_file)
    assert isinstance(s, learnrace.StudyResults)
    with h5py.File(sobol_file, "r") as f:
        assert f.attrs["filetype"] == b"learnrace-study"  # a fixed-length string (bytes in h5py)
        assert list(f.attrs["version"]) == [2, 0]
        assert f["outcomes/estimate"].shape == (s.design.n_points, len(outcomes.NAMES))
    expected = design.load_study(study_toml).design
    assert s.design.points.equals(expected.points)
    assert set(s.analysis["index"]) == {"S1", "ST"}
    assert set(s.analysis["parameter"]) == {"flows.lambda", "trust.eta_down"}
    assert set(s.analysis["outcome"]) | set(s.skipped) == set(outcomes.NAMES)
    summary = s.summary()
    rows = summary[summary["outcome"] == "share_race_won"]
    tol = 1e-12  # statsmodels' Wilson bound at 0 successes is 1e-18, not 0
    assert (rows["ci_low"] <= rows["estimate"] + tol).all() and (rows["estimate"] <= rows["ci_high"] + tol).all()
    again = learnrace.study(study_toml, backend="cpu", block=100, progress=False)  # in memory, one block
    for a, b in zip(again.values, s.values):
        np.testing.assert_array_equal(a, b)
    pd.testing.assert_frame_equal(again.analysis, s.analysis)


def test_file_does_not_depend_on_block_size_or_threads(sobol_file, study_toml, tmp_path):
    other = str(tmp_path / "other.h5")
    learnrace.study(study_toml, other, backend="cpu", block=3, threads=1, progress=False)
    same_file(sobol_file, other)


def test_cpu_blocks_run_in_one_engine_call_each(study_toml):
    # a block's points run run.chunk_dyads dyads per point per call, not learnrace.run's small responsive chunks
    # (about 1% of a point's dyads, at least 256), whose per-call cost grows with the points of a block: 8x slower
    # at 28 points x 10,000 dyads. The engine reports progress after each call, and within a call after a point once
    # 250 ms have passed (a slow or loaded machine): always whole points of 1,000 dyads. Chunks smaller than a point
    # would report (chunk x 8 points) dyads, not multiples of 1,000.
    calls = []
    learnrace.study(study_toml, backend="cpu", dyads=1000, block=8, progress=lambda done, total: calls.append(done))
    assert {8000, 16000, 24000, 32000} <= set(calls)  # 32 points in 4 blocks
    assert calls == sorted(calls) and all(done % 1000 == 0 for done in calls), calls


# ----------------------------------------------------------------------------------------------------- resume


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGTERM])
def test_killed_and_resumed_study_gives_the_uninterrupted_file(sobol_file, study_toml, tmp_path, stop):
    out = str(tmp_path / "killed.h5")
    parts = out + ".checkpoint"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "learnrace.cli",
            "sweep",
            study_toml,
            "-o",
            out,
            "--backend",
            "cpu",
            "--block",
            "1",
            "--dyads",
            "400",
            "-q",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 120
    done = []
    while time.monotonic() < deadline and proc.poll() is None:
        done = [n for n in os.listdir(parts) if n.endswith(".npz")] if os.path.isdir(parts) else []
        if len(done) >= 3:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the study finished before it could be killed: make it larger"
    proc.send_signal(stop)
    code = proc.wait()
    if stop == signal.SIGTERM:  # stopped within its block: exit 1, the finished blocks kept for --resume
        assert code == 1 and "continue with --resume" in proc.stderr.read().decode()
    kept = {n for n in os.listdir(parts) if n.endswith(".npz")}  # finished blocks (not a killed temporary file)
    assert len(kept) >= 3 and not os.path.exists(out)
    # a block killed while it was being written leaves at most a temporary file, which resume ignores
    half = learnrace._core.temp_path_for(os.path.join(parts, "part-0000000030-0000000031.npz"))
    with open(half, "wb") as f:
        f.write(b"PK\x03\x04 half a block")
    # without --resume the checkpoint is refused, not overwritten
    r = cli("sweep", study_toml, "-o", out, "--backend", "cpu", "-q")
    assert r.returncode == 2 and "--resume" in r.stderr
    r = cli("sweep", study_toml, "-o", out, "--backend", "cpu", "--block", "5", "--resume")
    assert r.returncode == 0, r.stderr
    assert f"{len(kept)} of 32 points from the checkpoint" in r.stderr
    assert not os.path.exists(parts)
    same_file(sobol_file, out)


def _fail_at(monkeypatch, block):
    """learnrace.study's engine calls fail from the `block`-th on (as an out-of-memory GPU would)."""
    from learnrace import api

    real, calls = api.run_checked, []

    def run_checked(*args, **kwargs):
        calls.append(1)
        if len(calls) == block:
            raise RuntimeError("out of device memory")
        return real(*args, **kwargs)

    monkeypatch.setattr(api, "run_checked", run_checked)


def test_a_failed_study_keeps_a_checkpoint_only_of_finished_blocks(study_toml, tmp_path, monkeypatch):
    out = str(tmp_path / "failed.h5")
    _fail_at(monkeypatch, 1)
    with pytest.raises(RuntimeError, match="out of device memory"):
        learnrace.study(study_toml, out, backend="cpu", block=8, progress=False)
    # nothing finished: no checkpoint, so the next try needs no --resume (it was refused before)
    assert not os.path.exists(out + ".checkpoint") and not os.path.exists(out)
    _fail_at(monkeypatch, 3)
    with pytest.raises(RuntimeError):
        learnrace.study(study_toml, out, backend="cpu", block=8, progress=False)
    kept = sorted(n for n in os.listdir(out + ".checkpoint") if n.endswith(".npz"))
    assert kept == ["part-0000000000-0000000008.npz", "part-0000000008-0000000016.npz"]


def _truncate(data):
    return data[: len(data) // 2]


def _flip_a_data_byte(data):
    d = bytearray(data)
    d[d.find(b"estimate.npy") + 400] ^= 0x10  # in the estimate array's values
    return bytes(d)


def _damage_the_directory(data):
    d = bytearray(data)
    at = d.rfind(b"PK\x01\x02")  # the last central directory entry: its compression method
    d[at + 10] = 99
    return bytes(d)


@pytest.mark.parametrize("damage", [_truncate, _flip_a_data_byte, _damage_the_directory])
def test_a_damaged_checkpoint_part_is_run_again(sobol_file, study_toml, tmp_path, monkeypatch, damage):
    """Issue 20 item 5: a part damaged on disk (truncated, a flipped bit, a broken zip directory) gave a BadZipFile
    traceback on --resume. It is found (its CRC-32, its zip structure), reported, removed and its points run again:
    the study file is the uninterrupted one."""
    out = str(tmp_path / "damaged.h5")
    _fail_at(monkeypatch, 3)
    with pytest.raises(RuntimeError):
        learnrace.study(study_toml, out, backend="cpu", block=8, progress=False)
    part = os.path.join(out + ".checkpoint", "part-0000000008-0000000016.npz")
    with open(part, "rb") as f:
        data = f.read()
    with open(part, "wb") as f:
        f.write(damage(data))
    r = cli("sweep", study_toml, "-o", out, "--backend", "cpu", "--block", "8", "--resume")
    assert r.returncode == 0, r.stderr
    assert f"{part}: damaged checkpoint part (" in r.stderr and "its points run again" in r.stderr
    assert "8 of 32 points from the checkpoint" in r.stderr
    same_file(sobol_file, out)


def test_resume_refuses_another_studys_checkpoint(study_toml, tmp_path):
    out = str(tmp_path / "x.h5")
    os.makedirs(out + ".checkpoint")
    with open(out + ".checkpoint/study.json", "w") as f:
        f.write('{"fingerprint": "another", "n_points": 32}')
    r = cli("sweep", study_toml, "-o", out, "--backend", "cpu", "--resume", "-q")
    assert r.returncode == 2 and "another study" in r.stderr
    assert os.path.isdir(out + ".checkpoint") and not os.path.exists(out)


# ------------------------------------------------------------------------------------------------- bad files


def _fixed(text):
    return np.bytes_(text.encode())  # a fixed-length string attribute, as the study writer stores them


@pytest.mark.parametrize(
    "damage, item",
    [
        (lambda f: f.attrs.__setitem__("filetype", _fixed("learnrace-run")), "filetype"),
        (lambda f: f.attrs.__setitem__("filetype", "learnrace-study"), "filetype"),  # variable length: never read
        (lambda f: f.attrs.__setitem__("version", np.array([3, 0])), "version"),
        (lambda f: f.attrs.__setitem__("version", np.array([1, 0])), "version"),
        (lambda f: f.__delitem__("outcomes/n"), "outcomes/n"),
        (lambda f: f.attrs.__setitem__("n_points", np.int64(5)), "design/point"),
        (lambda f: f.__delitem__("design/parameters/flows.lambda"), "design/parameters/flows.lambda"),
        (lambda f: f.attrs.__setitem__("design", _fixed("{not json")), "design"),
        (lambda f: f.attrs.__setitem__("design", "{}"), "design"),  # variable length
    ],
)
def test_bad_study_files_are_refused(sobol_file, tmp_path, damage, item):
    """Each damage with the attributes' checksum written again (as a crafted file could), so that the checks behind
    it are reached."""
    path = tmp_path / "bad.h5"
    shutil.copy(sobol_file, path)
    with h5py.File(path, "r+") as f:
        damage(f)
        try:
            _checksum.seal(f, study_file.checksummed_attributes("analysis" in f))
        except (KeyError, OSError, ValueError):
            pass  # an attribute the damage removed
    with pytest.raises(learnrace.FileFormatError) as e:
        learnrace.open_study(path)
    assert e.value.item == item
    r = cli("info", str(path))
    assert r.returncode == 2


def test_not_hdf5_is_refused(tmp_path):
    path = tmp_path / "text.h5"
    path.write_text("hello")
    with pytest.raises(learnrace.FileFormatError):
        learnrace.open_study(path)


def test_cli_sweep_and_info(study_toml, tmp_path):
    out = str(tmp_path / "cli.h5")
    r = cli("sweep", study_toml, "-o", out, "--backend", "cpu", "--dyads", "200")
    assert r.returncode == 0, r.stderr
    assert "largest ST" in r.stdout
    r = cli("info", out)
    assert r.returncode == 0 and "sobol design of 2 parameter(s)" in r.stdout and "32 points x 200 dyads" in r.stdout
    r = cli("sweep", study_toml + ".missing", "-o", out)
    assert r.returncode == 2


# ------------------------------------------------------------------------------------------------------- MPI

MPIRUN = shutil.which("mpirun")
MPI_ENV = {**os.environ, "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1"}


def mpirun(ranks, *args):
    return subprocess.run(
        [MPIRUN, "-n", str(ranks), "--oversubscribe", sys.executable, "-m", "learnrace.cli", *args],
        capture_output=True,
        text=True,
        env=MPI_ENV,
        timeout=120,  # a hang (a collective step reached by one rank only) fails, not blocks CI
    )


@pytest.mark.skipif(MPIRUN is None, reason="no mpirun (apt-get install openmpi-bin libopenmpi-dev)")
def test_mpi_sweep_gives_the_single_process_file(sobol_file, study_toml, tmp_path):
    pytest.importorskip("mpi4py")
    out = str(tmp_path / "mpi.h5")
    r = mpirun(2, "sweep", study_toml, "-o", out, "--backend", "cpu", "--block", "5")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "(2 MPI ranks)" in r.stdout  # really split (one process per rank, not two whole runs)
    same_file(sobol_file, out)


@pytest.mark.skipif(MPIRUN is None, reason="no mpirun (apt-get install openmpi-bin libopenmpi-dev)")
def test_mpi_run_splits_dyads_and_gives_the_single_process_file(tmp_path):
    pytest.importorskip("mpi4py")
    smoke = os.path.join(os.path.dirname(__file__), "..", "..", "experiments", "smoke.toml")
    single, split = str(tmp_path / "single.h5"), str(tmp_path / "split.h5")
    assert cli("run", smoke, "-o", single, "--backend", "cpu", "-q").returncode == 0
    r = mpirun(2, "run", smoke, "-o", split, "--backend", "cpu")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "(2 MPI ranks)" in r.stdout
    with h5py.File(single, "r") as f:
        assert f["trajectories/dyad"][0, -1] >= 250  # a slot of rank 1's dyads [250, 500): the gather is tested
    with h5py.File(single, "r") as f, h5py.File(split, "r") as g:
        for k in f.attrs:
            if k not in ("seconds", "attributes_crc32"):  # wall time, and the checksum covering it
                np.testing.assert_array_equal(f.attrs[k], g.attrs[k], err_msg=k)
        names = []
        f.visit(names.append)
        for name in names:
            if isinstance(f[name], h5py.Dataset):
                np.testing.assert_array_equal(f[name][()], g[name][()], err_msg=name)
