"""The scenario library (experiments/scenarios/): every scenario's expected directions hold, with 99% intervals.

Each scenario file states its expectations as ``# expect: LEFT > RIGHT`` lines (learnrace.scenarios). Runs use the
files' fixed seeds and sizes (20,000 dyads per point), so each assertion is deterministic; the intervals are normal
approximations of the difference of two per-dyad means or shares (dyads are independent), so a direction that
holds in truth fails only when its effect is within about 2.6 standard errors of 0. The weakest expectation of the
library was measured at z = 3.9 (stakes_rise, strategic kernel).
"""

from __future__ import annotations

import glob
import os

import numpy as np
import pytest

import learnrace
from learnrace import scenarios

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FILES = sorted(glob.glob(os.path.join(ROOT, "experiments", "scenarios", "*.toml")))


def test_the_library_has_at_least_six_scenarios_with_expectations_and_quotes():
    assert len(FILES) >= 6
    for path in FILES:
        assert scenarios.expectations(path)
        text = open(path, encoding="utf-8").read()
        assert "[00" in text, f"{path}: no source quote with its [paper:line] reference"


@pytest.mark.parametrize("path", FILES, ids=[os.path.basename(p)[:-5] for p in FILES])
def test_scenario_directions_hold(path):
    res, table = scenarios.run(path, backend="cpu", progress=False)
    failed = table[~table["holds"]]
    assert failed.empty, "\n" + failed.to_string()


def _fake(power, causes):
    """A minimal results-like object for the metric arithmetic: point names and the count sections it uses."""

    class R:
        point_names = ["a", "b"]
        dyads_simulated = np.array([100, 100], dtype=np.uint64)
        power_outcomes = np.array(power, dtype=np.uint64)
        duration_by_cause = np.zeros((2, 7, 3), dtype=np.uint64)
        moments = np.zeros((2, len(learnrace.MOMENTS), 2), dtype=np.int64)
        occupancy = np.zeros((2, 2, 25), dtype=np.uint64)

        def point_index(self, name):
            return self.point_names.index(name)

    r = R()
    for p, c, k in causes:
        r.duration_by_cause[p, c, 1] = k
    return r


def test_metric_arithmetic_and_multinomial_covariance():
    r = _fake([[[60, 30, 10], [5, 5, 90]], [[50, 40, 10], [0, 0, 100]]], [(0, 1, 40), (1, 1, 20), (0, 2, 10)])
    a = scenarios.metric(r, "a.share_power_gained_A")
    assert a.value == 0.6 and a.variance == pytest.approx(0.6 * 0.4 / 100)
    b = scenarios.metric(r, "a.share_power_gained_B")
    # Same multinomial row, disjoint cells: var(pA - pB) = (pA qA + pB qB + 2 pA pB) / n
    expected = (0.6 * 0.4 + 0.3 * 0.7 + 2 * 0.6 * 0.3) / 100
    assert scenarios._difference_variance(a, b) == pytest.approx(expected)
    # two causes of one point: one multinomial too; a cause and a sum of causes containing it: Cauchy-Schwarz
    d = scenarios.metric(r, "a.share_disintegration")
    w = scenarios.metric(r, "a.share_race_won_by_A")
    assert scenarios._difference_variance(d, w) == pytest.approx((0.4 * 0.6 + 0.1 * 0.9 + 2 * 0.4 * 0.1) / 100)
    dissolved = scenarios.metric(r, "a.share_dissolved")
    assert dissolved.value == 0.5
    cs = (np.sqrt(0.4 * 0.6 / 100) + np.sqrt(0.5 * 0.5 / 100)) ** 2
    assert scenarios._difference_variance(dissolved, d) == pytest.approx(cs)
    table = scenarios.check(
        r, [("a.share_disintegration", "b.share_disintegration"), ("b.share_power_gained_A", "a.share_power_gained_A")]
    )
    assert table["difference"].tolist() == pytest.approx([0.2, -0.1])
    assert table["holds"].tolist() == [True, False]  # 0.2 with se 0.063; -0.1 does not exceed 0
    with pytest.raises(ValueError, match="no outcome named 'share_bankruptcy'"):
        scenarios.metric(r, "a.share_bankruptcy")
    with pytest.raises(ValueError, match="no point 'c'"):
        scenarios.metric(r, "c.share_disintegration")
    with pytest.raises(ValueError, match="period_share_integration has no interval: fewer than 30 sampled dyads"):
        scenarios.metric(r, "a.period_share_integration")  # no trajectories here
    with pytest.raises(ValueError, match="has no interval"):
        scenarios.metric(r, "a.median_duration")


def test_point_names_may_contain_dots():
    res = learnrace.run(
        {"run": {"dyads": 300, "periods": 5, "seed": 2}, "points": [{"name": "a.b"}, {"name": "a"}]},
        backend="cpu",
        progress=False,
    )
    est = scenarios.metric(res, "a.b.share_censored")
    assert est.point == 0 and est.value == res.summary().loc["a.b", "share_censored"]
