"""Results: shapes and internal consistency of the outputs, labels, zero copy, tidy frames, xarray, summary."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import learnrace
from conftest import SMALL_DYADS
from learnrace import labels


def test_shapes_and_dtypes(small_results):
    r = small_results
    P, T = r.n_points, r.periods
    B = r.transitions_by_bin.shape[2]
    H = r.asymmetry_hist.shape[1]
    assert P == 1 and T > 0 and B > 0 and H > 0
    assert r.transitions.shape == (P, 25, 25) and r.transitions.dtype == np.uint64
    assert r.transitions_by_bin.shape == (P, len(learnrace.FACTORS), B, 25, 25)
    assert r.occupancy.shape == (P, T, 25)
    assert r.duration_by_cause.shape == (P, 7, T + 1)
    assert r.power_shift_hist.shape == r.joint_learning_hist.shape == (P, H)
    assert r.moments.shape == (P, 10, 2) and r.moments.dtype == np.int64
    assert r.power_outcomes.shape == (P, 2, 3) and (r.power_outcomes.sum(axis=2) == r.dyads_simulated[:, None]).all()
    assert r.dyads_simulated.shape == (P,)
    K = r.trajectories["pair"].shape[1]
    for name in r.trajectories.per_period:
        assert r.trajectories[name].shape == (P, K, T), name
    for name in r.trajectories.per_dyad:
        assert r.trajectories[name].shape == (P, K), name
    assert r.trajectories["pair"].dtype == np.uint8 and r.trajectories["x_A"].dtype == np.float32


def test_counts_are_consistent(small_results):
    r = small_results
    n = SMALL_DYADS
    assert r.dyads_simulated[0] == n
    assert r.duration_by_cause[0].sum() == n
    assert r.duration_by_cause[0, :, 0].sum() == 0, "duration index 0 is unused"
    for name in ("asymmetry_hist", "power_shift_hist", "joint_learning_hist"):
        assert getattr(r, name)[0].sum() == n, name
    dyad_periods = r.transitions[0].sum()
    assert dyad_periods == r.occupancy[0].sum()
    durations = np.arange(r.periods + 1)
    assert dyad_periods == (r.duration_by_cause[0].sum(axis=0) * durations).sum(), (
        "every lived period is one transition"
    )
    for f in range(len(learnrace.FACTORS)):
        np.testing.assert_array_equal(r.transitions_by_bin[0, f].sum(axis=0), r.transitions[0])
    # Everyone is alive in period 0.
    assert r.occupancy[0, 0].sum() == n


def test_trajectories_match_the_sampling_rule(small_results):
    r = small_results
    tr = r.trajectories
    stride = int(r.points["output.trajectory_stride"][0]) if "output.trajectory_stride" in r.points else None
    dyad = tr["dyad"][0]
    live = tr["cause"][0] != labels.UNREACHED
    assert live.any()
    if stride:
        np.testing.assert_array_equal(dyad[live] % stride, 0)
    for k in np.flatnonzero(live):
        d = tr["duration"][0, k]
        pair = tr["pair"][0, k]
        assert (pair[:d] < 25).all() and (pair[d:] == labels.UNREACHED).all()
        assert np.isfinite(tr["x_A"][0, k, :d]).all() and np.isnan(tr["x_A"][0, k, d:]).all()


def test_moments_decode_to_plausible_values(small_results):
    r = small_results
    mean, sd = r.moment_mean[0], r.moment_sd[0]
    m = dict(zip(labels.MOMENTS, mean))
    assert -1 <= m["asymmetry"] <= 1 and 0 <= m["abs_asymmetry"] <= 1
    assert abs(m["asymmetry"]) <= m["abs_asymmetry"]
    assert 0 <= m["x_A"] <= 1 and 0 <= m["final_trust_A"] <= 1 and 0 <= m["final_trust_B"] <= 1
    assert np.all(sd >= 0)
    # The trajectory sample agrees with the fixed-point means within sampling error.
    tr = r.to_pandas("sampled_dyads")
    gain_a = tr["gain_A"].to_numpy(dtype=float)
    k = labels.MOMENTS.index("gain_A")
    assert abs(gain_a.mean() - mean[k]) < 4 * sd[k] / np.sqrt(len(gain_a)) + 1e-6


SECTIONS = (
    "transitions",
    "transitions_by_bin",
    "occupancy",
    "duration_by_cause",
    "asymmetry_hist",
    "power_shift_hist",
    "joint_learning_hist",
    "power_outcomes",
    "moments",
    "dyads_simulated",
)
SWEEP_DYADS = 600


@pytest.fixture(scope="module")
def sweep_results() -> learnrace.Results:
    """Three sweep points with trajectories (every 50th dyad: 12 slots per point)."""
    config = {
        "run": {"dyads": SWEEP_DYADS, "seed": 11},
        "output": {"trajectory_stride": 50},
        "sweep": {"shocks.trust.sigma": [0.1, 0.2, 0.3]},
    }
    return learnrace.run(config, backend="cpu", progress=False)


def _base_object(a: np.ndarray):
    while isinstance(a, np.ndarray):
        a = a.base
    return a


def _data_address(a: np.ndarray) -> int:
    return a.__array_interface__["data"][0]


@pytest.mark.parametrize("which", ["one point", "three points"])
def test_in_memory_arrays_are_zero_copy_views(which, small_results, sweep_results):
    res = small_results if which == "one point" else sweep_results
    handle = res._source.handle
    P = res.n_points
    assert P == (1 if which == "one point" else 3)
    for name in SECTIONS:
        a, again = handle.section(name), handle.section(name)
        assert a.shape[0] == P, name
        # Two reads are two views of the same C++ memory: nothing is copied, whatever the number of points.
        assert np.shares_memory(a, again) and _data_address(a) == _data_address(again), name
        assert not a.flags.owndata and not a.flags.writeable, name
        assert _base_object(a) is handle, f"{name}: the base chain ends at the C++ run, which it keeps alive"
        for p in range(P):
            assert np.shares_memory(a[p : p + 1], handle.counts(p)), f"{name}[{p}]"
        assert np.shares_memory(getattr(res, name), a), f"Results.{name} is the view"
    K = res.trajectories["pair"].shape[1]
    assert K > 0
    for name in res.trajectories:
        a, again = handle.trajectory(name), handle.trajectory(name)
        assert a.shape[:2] == (P, K) and a.flags.c_contiguous, name
        assert np.shares_memory(a, again) and _data_address(a) == _data_address(again), name
        assert not a.flags.owndata and not a.flags.writeable, name
        assert _base_object(a) is handle, name
        assert np.shares_memory(res.trajectories[name], a), name


def test_point_views_hold_each_points_own_counts(sweep_results):
    # The [P, ...] views stride over the points' blocks of the C++ counts [P][words]: point p's slice is point p.
    res = sweep_results
    handle = res._source.handle
    assert res.dyads_simulated.tolist() == [SWEEP_DYADS] * 3
    for p in range(3):
        flat = handle.counts(p)
        np.testing.assert_array_equal(res.transitions[p], flat[:625].reshape(25, 25))
        assert res.duration_by_cause[p].sum() == SWEEP_DYADS
        assert res.asymmetry_hist[p].sum() == SWEEP_DYADS
        np.testing.assert_array_equal(res.trajectories["dyad"][p], np.arange(12) * 50)
    assert not np.array_equal(res.transitions[0], res.transitions[2])


@pytest.mark.parametrize("sweep", [False, True])
def test_arrays_outlive_the_results_object(sweep):
    config = {"run": {"dyads": 500, "seed": 3}}
    if sweep:
        config["sweep"] = {"shocks.trust.sigma": [0.1, 0.3]}
    res = learnrace.run(config, backend="cpu", progress=False)
    tr = res.transitions
    x_a = res.trajectories["x_A"]
    expected, expected_x_a = tr.copy(), x_a.copy()
    del res
    import gc

    gc.collect()
    np.testing.assert_array_equal(tr, expected)
    np.testing.assert_array_equal(x_a, expected_x_a)
    assert tr.sum() > 0 and tr.shape[0] == (2 if sweep else 1)


def test_labels_and_larsson_states():
    assert learnrace.STRATEGY_CODES == ("AVO", "ACC", "CPR", "CPT", "COL")
    s = {p.code: p for p in learnrace.PAIR_STATES}
    assert len(learnrace.PAIR_STATES) == 25
    assert s["COL/COL"].larsson == "integration" and s["COL/COL"].index == 24
    assert s["CPR/CPR"].larsson == "moderation"
    assert s["CPT/CPT"].larsson == "deadlock"
    assert s["ACC/ACC"].larsson == "symbolic"
    assert s["CPT/COL"].larsson == s["COL/CPT"].larsson == "asymmetric exploitation"
    assert s["CPT/CPR"].larsson == s["ACC/CPR"].larsson == "partial exploitation"
    assert s["COL/ACC"].larsson == s["ACC/COL"].larsson == "friendly exploitation"
    assert all(p.larsson == "disintegration" for p in learnrace.PAIR_STATES if "AVO" in p.code)
    assert s["COL/CPT"].name == "Collaboration/Competition"
    assert labels.pair_state_table().shape == (25, 5)


def test_point_lookup(small_results):
    assert small_results.point_index(0) == 0
    assert small_results.point_index(small_results.point_names[0]) == 0
    with pytest.raises(KeyError):
        small_results.point_index("nope")
    with pytest.raises(IndexError):
        small_results.point_index(5)


def test_points_table(small_results):
    pts = small_results.points
    assert list(pts["name"]) == small_results.point_names
    assert list(pts["kernel"]) == ["propositional"]
    numeric = pts.drop(columns=["name", "kernel"])
    assert len(numeric.columns) > 0 and all(dt == np.float64 for dt in numeric.dtypes)


def test_tidy_frames(small_results):
    r = small_results
    frames = r.frames()
    assert set(frames) >= {"transitions", "occupancy", "duration_by_cause", "histograms", "moments", "trajectories",
                           "sampled_dyads"}  # fmt: skip
    assert all(isinstance(f, pd.DataFrame) for f in frames.values())
    tr = frames["transitions"]
    assert len(tr) == 625 and tr["count"].sum() == r.transitions.sum()
    row = tr[(tr["from_state"] == "COL/CPT") & (tr["to_state"] == "CPT/CPT")]
    assert row["count"].item() == r.transitions[0, 5 * 4 + 3, 5 * 3 + 3]
    assert frames["duration_by_cause"]["count"].sum() == SMALL_DYADS
    traj = frames["trajectories"]
    assert {"point", "dyad", "period", "pair_state", "strategy_A", "x_A", "power_A"} <= set(traj.columns)
    assert len(traj) == int((r.trajectories["pair"] != 255).sum())
    first = traj.iloc[0]
    assert first["pair_state"] == f"{first['strategy_A']}/{first['strategy_B']}"
    assert len(frames["sampled_dyads"]) == int((r.trajectories["cause"] != 255).sum())
    h = frames["histograms"]
    assert set(h["histogram"]) == {"asymmetry", "power_shift", "joint_learning"}
    with pytest.raises(ValueError):
        r.to_pandas("nonsense")


def test_to_xarray(small_results):
    ds = small_results.to_xarray()
    assert ds["transitions"].dims == ("point", "from_state", "to_state")
    assert (
        int(ds["transitions"].sel(from_state="COL/COL", to_state="COL/COL")[0]) == small_results.transitions[0, 24, 24]
    )
    assert ds["trajectory_x_A"].dims == ("point", "slot", "period")
    assert ds.attrs["seed"] == small_results.seed


def test_summary(small_results):
    s = small_results.summary()
    assert isinstance(s, pd.DataFrame) and list(s.index) == small_results.point_names
    shares = s[[f"share_{cause}" for cause in small_results.CAUSES]].sum(axis=1)  # every dyad ends by one cause
    np.testing.assert_allclose(shares, 1.0)
    np.testing.assert_allclose(s["share_dissolved"], 1.0 - s["share_censored"])
    assert s["dyads_simulated"].iloc[0] == SMALL_DYADS
    assert 1 <= s["mean_duration"].iloc[0] <= small_results.periods
