"""learnrace.survival against lifelines (Kaplan-Meier with Greenwood SEs, Aalen-Johansen cumulative incidence)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from lifelines import AalenJohansenFitter, KaplanMeierFitter

import learnrace
from learnrace.survival import expand_durations


@pytest.fixture(scope="module")
def histogram():
    res = learnrace.run({"run": {"dyads": 4000, "seed": 11}}, backend="cpu", progress=False)
    return res, res.duration_by_cause[0]


def test_km_survival_matches_lifelines(histogram):
    res, dur = histogram
    km = learnrace.survival(res)
    durations, causes = expand_durations(dur)
    assert len(durations) == 4000
    fitter = KaplanMeierFitter().fit(durations, event_observed=causes != 0)
    times = km.index.to_numpy()
    expected = fitter.survival_function_at_times(times).to_numpy()
    np.testing.assert_allclose(km["survival"].to_numpy(), expected, rtol=0, atol=1e-12)
    # Greenwood: Var S = S^2 * sum d / (n (n - d)); lifelines keeps the cumulative sum.
    cum_sq = fitter._cumulative_sq_.reindex(times).ffill().fillna(0.0).to_numpy()
    np.testing.assert_allclose(km["survival_se"].to_numpy(), np.sqrt(expected**2 * cum_sq), rtol=1e-9, atol=1e-12)
    at_risk = fitter.event_table["at_risk"].reindex(times[1:]).dropna()
    np.testing.assert_array_equal(km.loc[at_risk.index, "at_risk"].to_numpy(), at_risk.to_numpy())


@pytest.mark.parametrize("cause", [1, 4, 6])
def test_cumulative_incidence_matches_aalen_johansen(histogram, cause):
    res, dur = histogram
    km = learnrace.survival(res)
    name = learnrace.CAUSES[cause]
    if dur[cause].sum() == 0:
        pytest.skip(f"no dyad ended by {name}")
    # lifelines jitters tied times of different causes unless every (time, cause) row is duplicated: give each
    # distinct (time, cause) twice with half its count as weight, which is exact (the estimator uses weighted counts).
    causes, times = np.nonzero(dur)
    weights = dur[causes, times].astype(float) / 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # StatisticalWarning about non-integer weights
        rows = dict(durations=np.repeat(times, 2).astype(float), event_observed=np.repeat(causes, 2))
        aj = AalenJohansenFitter().fit(**rows, event_of_interest=cause, weights=np.repeat(weights, 2))
    times = aj.cumulative_density_.index.to_numpy()
    ours = km.loc[times.astype(int)]
    np.testing.assert_allclose(ours[f"cif_{name}"].to_numpy(), aj.cumulative_density_.iloc[:, 0].to_numpy(), atol=1e-12)
    np.testing.assert_allclose(ours[f"cif_{name}_se"].to_numpy(), np.sqrt(aj.variance_.to_numpy()), rtol=1e-7)


def test_survival_plus_incidences_is_one(histogram):
    res, _ = histogram
    km = learnrace.survival(res, point=res.point_names[0])
    cif = km[[f"cif_{c}" for c in learnrace.CAUSES[1:]]].sum(axis=1)
    np.testing.assert_allclose(cif + km["survival"], 1.0, atol=1e-12)
    assert km["survival"].is_monotonic_decreasing
    assert km.loc[0, "survival"] == 1.0 and km.loc[0, "at_risk"] == 4000
    assert km["events"].sum() + km["censored"].sum() == 4000


def test_hand_computed_example():
    # 10 dyads, T = 3: t=1 two disintegrate; t=2 one race won by A, one exogenous; t=3 six censored.
    dur = np.zeros((7, 4), dtype=np.uint64)
    dur[1, 1], dur[2, 2], dur[6, 2], dur[0, 3] = 2, 1, 1, 6
    km = learnrace.survival(dur)
    np.testing.assert_allclose(km["survival"], [1.0, 0.8, 0.6, 0.6])
    np.testing.assert_allclose(km["cif_disintegration"], [0, 0.2, 0.2, 0.2])
    np.testing.assert_allclose(km["cif_race_won_by_A"], [0, 0, 0.1, 0.1])
    se2 = 0.6 * np.sqrt(2 / (10 * 8) + 2 / (8 * 6))
    np.testing.assert_allclose(km.loc[2, "survival_se"], se2)
    assert km["at_risk"].tolist() == [10, 10, 8, 6]
