"""Regressions of a researcher's first day with learnrace (issue 21): what a user types reads back as typed, the
defaults suit a shared machine, mistakes are named. Each test failed on the code before the fix."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

import learnrace
from learnrace import ConfigError

TINY = {"run": {"dyads": 300, "periods": 20, "seed": 5}}


# ------------------------------------------------------------------------------------- values as the user wrote them


def test_parameter_values_read_back_as_written_not_as_float32(tmp_path):
    config = {
        **TINY,
        "flows": {"lambda": 0.123456789012345},
        "sweep": {"shocks.trust.sigma": [0.1, 0.3]},
    }
    res = learnrace.run(config, backend="cpu", progress=False)
    assert (res.points["shocks.trust.sigma"] == 0.1).sum() == 1  # 0 rows when the table held float32 values
    assert res.points["flows.lambda"].iloc[0] == 0.123456789012345
    # every default shows as the shortest decimal of its float32 (as baseline.toml writes it): 0.1, not 0.100000001
    defaults = res.points.drop(columns=["name", "kernel", "flows.lambda", "shocks.trust.sigma"]).iloc[0]
    shortest = [float(np.format_float_positional(np.float32(v), unique=True)) for v in defaults.dropna()]
    assert defaults.dropna().tolist() == shortest
    assert res.points["shocks.trust.phi"].iloc[0] == 0.9  # baseline.toml: phi = 0.9
    path = tmp_path / "run.h5"
    res.save(path)
    with learnrace.open(path) as back:
        assert back.points["shocks.trust.sigma"].tolist() == [0.1, 0.3]
    csv = tmp_path / "points.csv"
    res.points.to_csv(csv, index=False)
    text = csv.read_text()
    assert "0.10000000149011612" not in text and ",0.1," in text


def test_dyads_as_a_float_with_a_whole_value_is_accepted():
    assert learnrace.run(TINY, dyads=1e3, backend="cpu", progress=False).dyads_per_point == 1000
    with pytest.raises(ConfigError, match="dyads: 1500.5 is not an integer") as e:
        learnrace.run(TINY, dyads=1500.5, progress=False)
    assert e.value.key == "dyads"


def test_cli_takes_dyads_written_as_1e4(tmp_path):
    from learnrace import cli

    assert cli.main(["run", "experiments/smoke.toml", "-o", str(tmp_path / "s.h5"), "--dyads", "1e3", "-q"]) == 0
    with learnrace.open(tmp_path / "s.h5") as res:
        assert res.dyads_per_point == 1000


def test_an_event_after_the_horizon_is_refused_naming_it():
    late = {**TINY, "events": [{"variable": "trust", "firm": "A", "at": 20, "set": 0.1}]}
    with pytest.raises(ConfigError, match=r"never happens: run.periods = 20 runs periods 0 to 19") as e:
        learnrace.run(late, progress=False)
    assert e.value.key == "events"
    ok = {**TINY, "events": [{"variable": "trust", "firm": "A", "at": 19, "set": 0.1}]}
    assert learnrace.run(ok, backend="cpu", progress=False).n_points == 1


def test_unknown_trajectory_name_lists_the_names(small_results):
    with pytest.raises(KeyError, match=r"trust_A or trust_B.*Per period: pair, x_A"):
        small_results.trajectories["trust"]


# ------------------------------------------------------------------------------------------------ studies


def test_study_runs_a_plain_frame_of_points_and_reads_it_back(tmp_path):
    frame = pd.DataFrame(
        {"shocks.trust.sigma": [0.1, 0.2, 0.3], "initial.intent_A": ["substitution", "internalization", "substitution"]}
    )
    path = tmp_path / "points.h5"
    s = learnrace.study(TINY, path, design=frame, backend="cpu", progress=False)
    assert s.design.kind == "points" and s.design.n_points == 3
    run = learnrace.run(TINY, points=frame, backend="cpu", progress=False)  # the same points as one run
    assert s.outcomes["share_censored"].tolist() == run.summary()["share_censored"].tolist()
    back = learnrace.open(path)
    assert back.points.equals(s.points)
    assert back.outcomes.equals(s.outcomes)


def test_study_outcomes_carry_the_parameter_columns():
    from learnrace import design

    d = design.make({"shocks.trust.sigma": {"from": 0.1, "to": 0.3, "steps": 3}})
    s = learnrace.study(TINY, design=d, backend="cpu", progress=False)
    out = s.outcomes
    assert list(out.columns[:2]) == ["point", "shocks.trust.sigma"]
    assert out["shocks.trust.sigma"].tolist() == [0.1, 0.2, 0.3]
    assert "share_race_won" in out.columns
    assert s.summary()["shocks.trust.sigma"].notna().all()  # the analysis still finds the outcome columns


# ---------------------------------------------------------------------------------------- a shared machine


def test_the_engine_loads_with_passive_openmp_waiting_and_leaves_the_environment_alone():
    # libgomp prints the values it read at load time with OMP_DISPLAY_ENV
    code = "import os, learnrace; print('left:', os.environ.get('OMP_WAIT_POLICY'))"
    env = {k: v for k, v in os.environ.items() if k != "OMP_WAIT_POLICY"}
    env["OMP_DISPLAY_ENV"] = "true"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert "OMP_WAIT_POLICY = 'PASSIVE'" in out.stderr + out.stdout
    assert "left: None" in out.stdout  # child processes and other libraries see the user's environment
    env["OMP_WAIT_POLICY"] = "active"  # the user's choice wins
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert "OMP_WAIT_POLICY = 'ACTIVE'" in out.stderr + out.stdout


def test_default_threads_are_the_usable_cpus_or_omp_num_threads(monkeypatch):
    from learnrace import _threads

    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    assert (
        _threads.default_threads()
        == _threads.usable_cpus()
        == min(len(os.sched_getaffinity(0)), _threads.usable_cpus())
    )
    monkeypatch.setattr(_threads, "_cgroup_cpus", lambda: 1.5)  # a container's --cpus=1.5
    assert _threads.usable_cpus() == min(2, len(os.sched_getaffinity(0)))
    monkeypatch.setenv("OMP_NUM_THREADS", "3")
    assert _threads.default_threads() == 0  # OpenMP reads OMP_NUM_THREADS


def test_progress_bar_is_text_without_ipywidgets(monkeypatch):
    pytest.importorskip("tqdm")
    from tqdm import std

    from learnrace import progress

    monkeypatch.setitem(sys.modules, "ipywidgets", None)  # import fails
    assert progress._tqdm_class() is std.tqdm


# ------------------------------------------------------------------------------------------- outcomes of one's own


def _ended_early(counts):
    ended = counts["duration_by_cause"][:, 1:, 1:5].sum(axis=(1, 2))  # any cause within 4 periods
    return learnrace.outcomes.Columns.share(ended, counts["dyads_simulated"])


def test_a_registered_outcome_shows_everywhere_with_its_interval(tmp_path):
    from learnrace import outcomes

    outcomes.register("share_ended_1y", _ended_early, kind="share", label="share ended within a year", short="1y")
    try:
        res = learnrace.run(TINY, backend="cpu", progress=False)
        lived = res.duration_by_cause[0]
        expected = lived[1:, 1:5].sum() / res.dyads_simulated[0]
        assert res.summary()["share_ended_1y"].iloc[0] == pytest.approx(expected)
        row = res.outcomes().set_index("outcome").loc["share_ended_1y"]
        assert row["ci_method"] == "wilson" and row["ci_low"] < row["estimate"] < row["ci_high"]
        from learnrace import design

        d = design.make({"shocks.trust.sigma": {"from": 0.1, "to": 0.3, "steps": 3}})
        s = learnrace.study(TINY, tmp_path / "s.h5", design=d, backend="cpu", progress=False)
        assert "share_ended_1y" in s.outcomes.columns
        assert "share_ended_1y" in set(learnrace.open(tmp_path / "s.h5").summary()["outcome"])
        # registering the name again replaces it (a notebook cell run twice); a built-in name is refused
        outcomes.register("share_ended_1y", lambda c: c["dyads_simulated"] * 0.0, label="zero")
        assert learnrace.run(TINY, backend="cpu", progress=False).summary()["share_ended_1y"].iloc[0] == 0.0
        with pytest.raises(ValueError, match="built-in"):
            outcomes.register("share_race_won", _ended_early, kind="share")
        with pytest.raises(ValueError, match="a share needs Columns.share"):
            outcomes.register("bad", lambda c: c["dyads_simulated"] * 0.0, kind="share")
            learnrace.run(TINY, backend="cpu", progress=False).summary()
    finally:
        for name in ("share_ended_1y", "bad"):
            if name in outcomes.REGISTRY:
                outcomes.unregister(name)
    assert "share_ended_1y" not in learnrace.run(TINY, backend="cpu", progress=False).summary().columns


# ----------------------------------------------------------------------------------- honest period-share intervals


def test_period_share_intervals_are_dyad_clustered():
    from learnrace import outcomes

    every = {
        "run": {"dyads": 2000, "periods": 60, "seed": 3},
        "output": {"trajectory_stride": 1, "trajectory_max": 2000},
    }
    res = learnrace.run(every, backend="cpu", progress=False)
    # with every dyad sampled, the sampled periods are exactly the occupancy counts
    live = res.trajectories["pair"][0] != 255
    assert np.array_equal(live.sum(axis=0), res.occupancy[0].sum(axis=1))
    table = res.outcomes().set_index("outcome")
    row = table.loc["period_share_integration"]
    assert row["ci_method"] == "dyad-clustered" and row["n"] == 2000
    # the clustered variance from the per-dyad values, written out
    pair = res.trajectories["pair"][0]
    idx = [s.index for s in learnrace.labels.PAIR_STATES if s.larsson == "integration"]
    y, n = np.isin(pair, idx).sum(axis=1), live.sum(axis=1)
    p = y.sum() / n.sum()
    se = np.std(y - p * n, ddof=1) / n.mean() / np.sqrt(len(n))
    assert row["estimate"] == pytest.approx(p)
    assert row["ci_high"] - row["ci_low"] == pytest.approx(2 * 1.959963984540054 * se, rel=1e-9)
    # far wider than the binomial interval of the dyad-periods, which treated them as independent
    assert row["ci_high"] - row["ci_low"] > 2 * 2 * 1.96 * np.sqrt(p * (1 - p) / n.sum())
    # without sampled dyads there is no interval rather than a wrong one
    none = learnrace.run({**every, "output": {"trajectory_max": 0}}, backend="cpu", progress=False)
    assert np.isnan(none.outcomes().set_index("outcome").loc["period_share_integration", "ci_low"])
    assert outcomes.REGISTRY["period_share_integration"].ci_method == "dyad-clustered"
