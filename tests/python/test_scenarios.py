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


def _fake(power, causes, moments=None):
    """A minimal results-like object for the metric arithmetic."""

    class R:
        point_names = ["a", "b"]
        dyads_simulated = np.array([100, 100])
        power_outcomes = np.array(power, dtype=np.uint64)
        duration_by_cause = np.zeros((2, 7, 3), dtype=np.uint64)
        moment_mean = np.zeros((2, len(learnrace.MOMENTS)))
        moment_sd = np.ones((2, len(learnrace.MOMENTS)))

        def point_index(self, name):
            return self.point_names.index(name)

    r = R()
    for p, c, k in causes:
        r.duration_by_cause[p, c, 1] = k
    return r


def test_metric_arithmetic_and_multinomial_covariance():
    r = _fake([[[60, 30, 10], [5, 5, 90]], [[50, 40, 10], [0, 0, 100]]], [(0, 1, 40), (1, 1, 20)])
    a = scenarios.metric(r, "a.power.gained_A")
    assert a.value == 0.6 and a.variance == pytest.approx(0.6 * 0.4 / 100)
    b = scenarios.metric(r, "a.power.gained_B")
    # Same multinomial row: var(pA - pB) = (pA qA + pB qB + 2 pA pB) / n
    expected = (0.6 * 0.4 + 0.3 * 0.7 + 2 * 0.6 * 0.3) / 100
    assert scenarios._difference_variance(a, b) == pytest.approx(expected)
    table = scenarios.check(
        r, [("a.share.disintegration", "b.share.disintegration"), ("b.power.gained_A", "a.power.gained_A")]
    )
    assert table["difference"].tolist() == pytest.approx([0.2, -0.1])
    assert table["holds"].tolist() == [True, False]  # 0.2 with se 0.063; -0.1 does not exceed 0
    with pytest.raises(ValueError, match="unknown cause"):
        scenarios.metric(r, "a.share.bankruptcy")
    with pytest.raises(ValueError, match="no point"):
        scenarios.metric(r, "c.share.disintegration")
