"""The per-point outcome registry (learnrace.outcomes) against the run's own summary and brute-force recomputation."""

from __future__ import annotations

import numpy as np
import pytest

import learnrace
from learnrace import labels, outcomes


@pytest.fixture(scope="module")
def run():
    # two points with different dissolution, so the per-point arithmetic cannot mix points up
    return learnrace.run(
        {
            "run": {"dyads": 3000, "periods": 40, "seed": 5},
            "points": [{"name": "a"}, {"name": "b", "termination.hazard": 0.02, "kernel.type": "strategic"}],
        },
        backend="cpu",
        progress=False,
    )


def column(values, name):
    j = outcomes.NAMES.index(name)
    return values.estimate[:, j], values.n[:, j], values.successes[:, j], values.sd[:, j]


def test_registry_is_one_table_of_known_kinds():
    table = outcomes.table()
    assert list(table["name"]) == list(outcomes.NAMES)
    assert not table["name"].duplicated().any()
    assert set(table["kind"]) <= set(outcomes.KINDS)
    assert set(table["unit"]) == {"dyads", "dissolved dyads", "dyad-periods"}


def test_outcomes_equal_the_summary_table(run):
    values = outcomes.compute(run)
    summary = run.summary()
    for cause in labels.CAUSES:
        est, n, k, _ = column(values, f"share_{cause}")
        np.testing.assert_array_equal(est, summary[f"share_{cause}"].to_numpy())
        np.testing.assert_array_equal(n, run.dyads_simulated)
    np.testing.assert_allclose(column(values, "duration_rmst")[0], summary["mean_duration"], rtol=1e-12)
    for m in ("abs_asymmetry", "power_shift", "final_trust_A", "final_trust_B"):
        est, _, _, sd = column(values, f"mean_{m}")
        np.testing.assert_allclose(est, summary[f"{m}_mean"], rtol=1e-12)
        np.testing.assert_allclose(sd, summary[f"{m}_sd"], rtol=1e-9)
    for name in ("power_gained_A", "power_gained_B", "reversal_to_A", "reversal_to_B", "period_share_integration"):
        np.testing.assert_allclose(column(values, name)[0], summary[name], rtol=1e-12)


def test_shares_are_integer_counts(run):
    values = outcomes.compute(run)
    for j, o in enumerate(outcomes.OUTCOMES):
        if o.kind == "share":
            np.testing.assert_array_equal(values.estimate[:, j], values.successes[:, j] / values.n[:, j])
            assert (values.successes[:, j] <= values.n[:, j]).all()
        else:
            assert (values.successes[:, j] == 0).all()
        assert np.isnan(values.sd[:, j]).all() == (o.kind != "mean"), o.name
    est, n, k, _ = column(values, "race_won")
    np.testing.assert_array_equal(
        k, column(values, "share_race_won_by_A")[2] + column(values, "share_race_won_by_B")[2]
    )


def _durations(run, p):
    """Every dyad's (duration, censored) of point p, expanded from the histogram: a brute-force reference."""
    h = run.duration_by_cause[p].astype(np.int64)
    d = np.concatenate([np.repeat(np.arange(h.shape[1]), h[c]) for c in range(h.shape[0])])
    censored = np.concatenate([np.full(h[c].sum(), c == 0) for c in range(h.shape[0])])
    return d, censored


def test_durations_by_brute_force(run):
    values = outcomes.compute(run)
    for p in range(run.n_points):
        d, censored = _durations(run, p)
        est, n, _, sd = column(values, "duration_rmst")
        assert est[p] == pytest.approx(d.mean(), rel=1e-12) and sd[p] == pytest.approx(d.std(ddof=1), rel=1e-9)
        est, n, _, sd = column(values, "duration_mean_dissolved")
        assert n[p] == (~censored).sum()
        assert est[p] == pytest.approx(d[~censored].mean(), rel=1e-12)
        # the median: ended dyads sort before censored ones at the same duration; NaN when it is censored
        order = np.lexsort((censored, d))
        k = len(d)
        mid = [order[(k - 1) // 2], order[k // 2]]
        expected = np.nan if censored[mid].any() else d[mid].mean()
        np.testing.assert_equal(column(values, "duration_median")[0][p], expected)


def test_median_beyond_the_horizon_is_nan(run):
    # Synthetic counts of one point: 3 dyads ended at duration 2, 4 censored at T = 40. The median (4th of 7) is
    # censored, so it lies beyond the horizon: NaN. With 4 ended and 3 censored it is the 4th ended duration.
    arrays = {s: np.zeros((1, *getattr(run, s).shape[1:]), dtype=getattr(run, s).dtype) for s in outcomes.SECTIONS}
    arrays["duration_by_cause"][0, 1, 2] = 3
    arrays["duration_by_cause"][0, 0, 40] = 4
    arrays["dyads_simulated"][0] = 7
    j = outcomes.NAMES.index("duration_median")
    assert np.isnan(outcomes.compute(arrays).estimate[0, j])
    arrays["duration_by_cause"][0, 1, 2] = 1
    arrays["duration_by_cause"][0, 2, 9] = 3
    arrays["duration_by_cause"][0, 0, 40] = 3
    assert outcomes.compute(arrays).estimate[0, j] == 9.0
    arrays["dyads_simulated"][0] = 0
    arrays["duration_by_cause"][:] = 0
    assert np.isnan(outcomes.compute(arrays).estimate[0]).all()  # no dyads: every outcome undefined


def test_compute_takes_arrays_of_a_run_file(run, tmp_path):
    path = tmp_path / "r.h5"
    run.save(path)
    with learnrace.open(path) as again:
        same = outcomes.compute(again)
    for a, b in zip(outcomes.compute(run), same):
        np.testing.assert_array_equal(a, b)
    arrays = {s: getattr(run, s) for s in outcomes.SECTIONS}
    for a, b in zip(outcomes.compute(arrays), same):
        np.testing.assert_array_equal(a, b)


def test_summary_carries_the_parameters_that_differ_between_points(run):
    summary = run.summary()
    # point b changes the hazard (and the kernel): its column sits in the summary, the constant ones do not
    assert "termination.hazard" in summary.columns
    np.testing.assert_allclose(summary["termination.hazard"], run.points["termination.hazard"])
    assert summary.loc["b", "termination.hazard"] != summary.loc["a", "termination.hazard"]
    assert "flows.lambda" not in summary.columns and "flows.kappa_c" not in summary.columns
    assert list(summary.columns[:2]) == ["kernel", "termination.hazard"]
    one_point = learnrace.run({"run": {"dyads": 200, "periods": 5, "seed": 1}}, backend="cpu", progress=False)
    assert list(one_point.summary().columns[:2]) == ["kernel", "dyads_simulated"]  # nothing varies
