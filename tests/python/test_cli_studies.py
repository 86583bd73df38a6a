"""`learnrace export`, `info` and `sweep` on study files and bad study arguments (issue 20, items 2, 3, 4 and 16): a
study file is exported and described like a run file, a bad `-o` or a study file that is not UTF-8 is one line and
exit 2, and no CSV cell can be read as a spreadsheet formula."""

from __future__ import annotations

import csv
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import learnrace

pytest.importorskip("SALib")

STUDY = """
[study]
design = "grid"

[study.parameters]
"shocks.trust.sigma" = {values = [0.1, 0.3]}
"initial.intent_A" = {values = ["internalization", "substitution"]}

[run]
dyads = 300
periods = 20
seed = 5
"""


def cli(*args, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "learnrace.cli", *args], capture_output=True, text=True, timeout=300, **kwargs
    )


@pytest.fixture(scope="module")
def study_toml(tmp_path_factory):
    path = tmp_path_factory.mktemp("study") / "grid.toml"
    path.write_text(STUDY)
    return path


@pytest.fixture(scope="module")
def study_path(study_toml, tmp_path_factory):
    out = tmp_path_factory.mktemp("out") / "grid.h5"
    learnrace.study(str(study_toml), str(out), backend="cpu", progress=False)
    return out


# ---------------------------------------------------------------------------------- item 2: studies like runs


def test_a_study_file_opens_as_a_context_manager(study_path):
    with learnrace.open(study_path) as s:
        assert isinstance(s, learnrace.StudyResults)
        assert s.design.kind == "grid" and len(s.outcomes) == 4


def test_export_of_a_study_writes_its_design_outcomes_and_indices(study_path, tmp_path):
    out = tmp_path / "csv"
    r = cli("export", str(study_path), "--csv", str(out))
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["outcomes.csv", "points.csv"]  # a grid has no indices
    s = learnrace.open(study_path)
    points = pd.read_csv(out / "points.csv")
    assert list(points.columns) == ["point", "shocks.trust.sigma", "initial.intent_A"]
    assert points["point"].tolist() == list(s.points["point"])
    assert points["initial.intent_A"].tolist() == list(s.points["initial.intent_A"])
    table = pd.read_csv(out / "outcomes.csv")
    expected = s.summary()
    assert list(table.columns) == list(expected.columns)  # point, parameters, outcome, estimate, CI, counts
    assert len(table) == 4 * len(learnrace.outcomes.NAMES)
    row = table[(table["point"] == "p00001") & (table["outcome"] == "share_censored")].iloc[0]
    want = expected[(expected["point"] == "p00001") & (expected["outcome"] == "share_censored")].iloc[0]
    assert row["estimate"] == pytest.approx(want["estimate"], rel=1e-12) and row["n"] == want["n"] == 300
    assert row["ci_low"] == pytest.approx(want["ci_low"], rel=1e-12)


SOBOL = """
[study]
design = "sobol"
n = 4
seed = 2
resamples = 20

[study.parameters]
"flows.lambda" = {low = 0.05, high = 0.3}
"trust.eta_down" = {low = 0.1, high = 0.5}

[run]
dyads = 200
periods = 20
seed = 5
"""


def test_export_of_a_sobol_study_writes_its_indices(tmp_path):
    toml = tmp_path / "sobol.toml"
    toml.write_text(SOBOL)
    path = tmp_path / "sobol.h5"
    s = learnrace.study(str(toml), str(path), backend="cpu", progress=False)
    r = cli("export", str(path), "--csv", str(tmp_path / "csv"))
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == ["indices.csv", "outcomes.csv", "points.csv"]
    indices = pd.read_csv(tmp_path / "csv" / "indices.csv")
    assert list(indices.columns) == list(s.analysis.columns) and len(indices) == len(s.analysis)


def test_info_of_a_study_shows_its_design(study_path):
    r = cli("info", str(study_path))
    assert r.returncode == 0, r.stderr
    for item in ("learnrace-study", "grid design", "shocks.trust.sigma", "values 0.1, 0.3",
                 "initial.intent_A", "internalization, substitution", "4 points", "300 dyads",
                 "outcome ranges over the points"):  # fmt: skip
        assert item in r.stdout, (item, r.stdout)


# ----------------------------------------------------------------------------- item 3: a bad -o of a sweep


@pytest.mark.parametrize("where", ["directory", "missing directory", "the study file"])
def test_sweep_with_a_bad_output_is_one_line_and_exit_2(study_toml, tmp_path, where):
    output = {
        "directory": tmp_path,
        "missing directory": tmp_path / "missing" / "x.h5",
        "the study file": study_toml,
    }[where]
    before = sorted(os.listdir(tmp_path))
    r = cli("sweep", str(study_toml), "-o", str(output), "--backend", "cpu", "-q")
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith(f"learnrace: -o {output}: ") and r.stderr.count("\n") == 1, r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""
    assert sorted(os.listdir(tmp_path)) == before
    assert study_toml.read_text() == STUDY


# -------------------------------------------------------------------------- item 4: a study file not UTF-8


@pytest.mark.parametrize("command", ["sweep", "run"])
def test_a_file_that_is_not_utf8_is_one_line_and_exit_2(tmp_path, command):
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(STUDY.replace("seed = 5", "seed = 5\n# Intent \xe0 la Hamel").encode("latin-1"))
    r = cli(command, str(bad), "-o", str(tmp_path / "x.h5"), "--backend", "cpu", "-q")
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr and r.stderr.count("\n") == 1, r.stderr
    assert f"{bad}" in r.stderr and "utf-8" in r.stderr.lower()
    assert sorted(os.listdir(tmp_path)) == ["latin1.toml"]


# ------------------------------------------------------------------------- item 16: CSV formula injection

HOSTILE = ['=HYPERLINK("http://example.com","x")', "+1+1", "-2-2", "@SUM(A1)", "\tTAB", "\rCR"]


def test_exported_text_cells_never_start_a_formula(tmp_path):
    res = learnrace.run(
        {"run": {"dyads": 200, "periods": 10, "seed": 1}, "points": [{"name": n} for n in HOSTILE]},
        backend="cpu",
        progress=False,
    )
    path = tmp_path / "run.h5"
    res.save(path)
    r = cli("export", str(path), "--csv", str(tmp_path / "csv"))
    assert r.returncode == 0, r.stderr
    negative = False
    for name in ("summary", "points", "transitions", "durations"):
        with open(tmp_path / "csv" / f"{name}.csv", newline="", encoding="utf-8") as f:
            rows = list(csv.reader(f))
        header, body = rows[0], rows[1:]
        for row in body:
            for column, cell in zip(header, row):
                if column == "point":
                    assert cell.startswith("'") and cell[1:] in HOSTILE, (name, cell)
                elif cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
                    float(cell)  # only numbers may start with a sign: -0.125 stays a number
                    negative = True
    assert negative  # the run has negative numbers (power shift), and they were left as numbers
    summary = pd.read_csv(tmp_path / "csv" / "summary.csv")
    np.testing.assert_allclose(summary["mean_power_shift"], res.summary()["mean_power_shift"], rtol=1e-12)
