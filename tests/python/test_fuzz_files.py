"""Fuzzing of the readers (tests/python/fuzz_files.py): damaged copies of a valid run file, study file, checkpoint
part and posterior file, drawn from a fixed seed, each read by every reader in a worker process. Each must read
exactly what the valid file holds or be refused with a FileFormatError (a checkpoint part: found damaged, so its
points are run again); never a traceback, a crash or different data. About 40 seconds in all."""

from __future__ import annotations

import collections
import json
import os

import numpy as np
import pandas as pd
import pytest
from fuzz_files import run_cases

import learnrace
from learnrace import _checkpoint, outcomes

SEED = 20261207
CASES = {"run": 200, "study": 200, "part": 300, "posterior": 200}


def check(kind: str, valid: str) -> None:
    results = run_cases(kind, valid, CASES[kind], SEED)
    tally = collections.Counter(outcome.split(" ")[0] for outcome in results.values())
    print(f"{kind}: {CASES[kind]} damaged copies: {dict(tally)}")
    wrong = {case: outcome for case, outcome in results.items() if outcome not in ("same", "refused")}
    assert not wrong, f"{kind} cases (seed {SEED}) that neither read the same nor were refused: {wrong}"
    assert len(results) == CASES[kind]
    assert tally["refused"] > CASES[kind] // 2  # most damage is found, not only harmless


def test_damaged_run_files(run_file):
    check("run", run_file)


@pytest.mark.filterwarnings("ignore:Constant values encountered")  # SALib, on a tiny study
def test_damaged_study_files(tmp_path_factory):
    pytest.importorskip("SALib")
    path = tmp_path_factory.mktemp("fuzz") / "study.h5"
    toml = path.with_suffix(".toml")
    toml.write_text(
        '[study]\ndesign = "sobol"\nn = 4\nseed = 5\nresamples = 20\n[study.parameters]\n'
        '"flows.lambda" = {low = 0.05, high = 0.3}\n"initial.intent_A" = ["internalization", "substitution"]\n'
        "[run]\ndyads = 100\nperiods = 15\nseed = 2\n"
    )
    learnrace.study(str(toml), str(path), backend="cpu", progress=False)
    check("study", str(path))


def test_damaged_checkpoint_parts(tmp_path):
    c = _checkpoint.Checkpoint(str(tmp_path / "study.h5"), "a study's fingerprint", 40)
    c.create()
    values = outcomes.OutcomeArrays.empty(7)
    rng = np.random.default_rng(SEED)
    values.estimate[:] = rng.random(values.estimate.shape)
    values.n[:] = rng.integers(1, 1000, values.n.shape)
    values.successes[:] = values.n // 3
    values.sd[:] = rng.random(values.sd.shape)
    c.write_part(7, 14, values)
    part = os.path.join(c.path, "part-0000000007-0000000014.npz")
    with open(part + ".json", "w") as f:
        json.dump({"fingerprint": c.fingerprint, "n_points": c.n_points}, f)
    check("part", part)


def test_damaged_posterior_files(tmp_path):
    from learnrace import inference
    from learnrace.survival import expand_durations

    res = learnrace.run({"run": {"dyads": 300, "periods": 30, "seed": 9}}, backend="cpu", progress=False)
    lived, cause = expand_durations(res.duration_by_cause[0])
    records = pd.DataFrame({"id": np.arange(len(lived)).astype(str), "duration": lived, "censored": cause == 0,
                            "cause": [learnrace.CAUSES[c] if c else "" for c in cause]})  # fmt: skip
    path = tmp_path / "posterior.h5"
    prior = {"termination.hazard": {"low": 0.001, "high": 0.03}}
    statistics = [{"stat": "survival", "at": [8, 20]}, {"stat": "cause_share", "causes": ["exogenous_hazard"]}]
    base = {"run": {"periods": 30, "seed": 5}}
    learnrace.infer(base, prior, inference.observed(records=records), statistics, simulations=60, accept=10,
                    output=path)  # fmt: skip
    check("posterior", str(path))
