"""The outcome registry (learnrace.outcomes): names and kinds, every outcome against brute-force recomputation from
the count arrays, the median on hand-built counts, the headline table, and docs/python.md's list of outcomes."""

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
    assert set(table["unit"]) == {"dyads", "dissolved dyads"}  # a period share's n is its dyads (the clusters)
    # one naming rule: the prefix says the kind
    prefix = {"share": "share_", "period_share": "period_share_", "mean": "mean_", "quantile": "median_"}
    for o in outcomes.OUTCOMES:
        assert o.name.startswith(prefix[o.kind]), o.name
        assert 0 < len(o.short) <= outcomes.SHORT_MAX and o.label and o.doc
        assert o.ci_method == outcomes.CI_METHODS[o.kind]
    assert not table["short"].duplicated().any()  # the headline table's headers tell the outcomes apart
    assert set(outcomes.HEADLINES) <= set(outcomes.NAMES)


def test_summary_has_one_column_per_outcome(run):
    values = outcomes.compute(run)
    summary = run.summary()
    assert list(summary.columns[-len(outcomes.NAMES) :]) == list(outcomes.NAMES)
    np.testing.assert_array_equal(summary[list(outcomes.NAMES)].to_numpy(), values.estimate)


def test_outcomes_by_brute_force(run):
    values = outcomes.compute(run)
    dyads = run.dyads_simulated
    for c, cause in enumerate(labels.CAUSES):
        est, n, k, _ = column(values, f"share_{cause}")
        np.testing.assert_array_equal(k, run.duration_by_cause[:, c].sum(axis=1))
        np.testing.assert_array_equal(n, dyads)
    share_of = lambda name: column(values, name)[2]  # noqa: E731
    np.testing.assert_array_equal(share_of("share_dissolved"), dyads - share_of("share_censored"))
    np.testing.assert_array_equal(
        share_of("share_race_won"), share_of("share_race_won_by_A") + share_of("share_race_won_by_B")
    )
    for m in labels.MOMENTS:  # Results.moment_mean / moment_sd decode the moments on their own
        est, _, _, sd = column(values, f"mean_{m}")
        np.testing.assert_allclose(est, run.moment_mean[:, labels.MOMENTS.index(m)], rtol=1e-12)
        np.testing.assert_allclose(sd, run.moment_sd[:, labels.MOMENTS.index(m)], rtol=1e-9)
    for j, firm in enumerate(("A", "B", "neither")):
        np.testing.assert_array_equal(share_of(f"share_power_gained_{firm}"), run.power_outcomes[:, 0, j])
    for j, firm in enumerate(("A", "B")):
        np.testing.assert_array_equal(share_of(f"share_reversal_to_{firm}"), run.power_outcomes[:, 1, j])
    np.testing.assert_array_equal(share_of("share_reversal"), run.power_outcomes[:, 1, :2].sum(axis=1))
    occ = run.occupancy.sum(axis=1)  # [P, 25] dyad-periods by pair state
    idx = [s.index for s in labels.PAIR_STATES if s.larsson == "integration"]
    est, n, k, _ = column(values, "period_share_integration")
    np.testing.assert_array_equal(k, occ[:, idx].sum(axis=1))
    np.testing.assert_array_equal(est, occ[:, idx].sum(axis=1) / occ.sum(axis=1))
    np.testing.assert_array_equal(n, run.dyads_simulated)  # the dyads are the clusters of its interval


def test_shares_are_integer_counts(run):
    values = outcomes.compute(run)
    periods = run.occupancy.sum(axis=(1, 2))
    for j, o in enumerate(outcomes.OUTCOMES):
        if o.kind == "share":
            np.testing.assert_array_equal(values.estimate[:, j], values.successes[:, j] / values.n[:, j])
            assert (values.successes[:, j] <= values.n[:, j]).all()
        elif o.kind == "period_share":  # successes: the dyad-periods in the state, of all dyad-periods lived
            np.testing.assert_array_equal(values.estimate[:, j], values.successes[:, j] / periods)
        else:
            assert (values.successes[:, j] == 0).all()
        if o.kind in ("share", "quantile", "value"):
            assert np.isnan(values.sd[:, j]).all(), o.name
        elif o.kind == "mean":
            assert not np.isnan(values.sd[:, j]).all(), o.name


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
        est, n, _, sd = column(values, "mean_duration")
        assert est[p] == pytest.approx(d.mean(), rel=1e-12) and sd[p] == pytest.approx(d.std(ddof=1), rel=1e-9)
        est, n, _, sd = column(values, "mean_duration_dissolved")
        assert n[p] == (~censored).sum()
        assert est[p] == pytest.approx(d[~censored].mean(), rel=1e-12)
        # the median: ended dyads sort before censored ones at the same duration; NaN when it is censored
        order = np.lexsort((censored, d))
        k = len(d)
        mid = [order[(k - 1) // 2], order[k // 2]]
        expected = np.nan if censored[mid].any() else d[mid].mean()
        np.testing.assert_equal(column(values, "median_duration")[0][p], expected)


def test_median_beyond_the_horizon_is_nan(run):
    # Synthetic counts of one point: 3 dyads ended at duration 2, 4 censored at T = 40. The median (4th of 7) is
    # censored, so it lies beyond the horizon: NaN. With 4 ended and 3 censored it is the 4th ended duration.
    arrays = {s: np.zeros((1, *getattr(run, s).shape[1:]), dtype=getattr(run, s).dtype) for s in outcomes.SECTIONS}
    arrays["duration_by_cause"][0, 1, 2] = 3
    arrays["duration_by_cause"][0, 0, 40] = 4
    arrays["dyads_simulated"][0] = 7
    j = outcomes.NAMES.index("median_duration")
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


# ------------------------------------------------------------------- hand-built counts (answers worked out by hand)

T = 10  # periods


def hand_counts(points: int = 1) -> dict:
    """Zero count sections of `points` points at T = 10, to fill by hand (a mapping outcomes.compute takes)."""
    K = len(labels.MOMENTS)
    return {
        "duration_by_cause": np.zeros((points, len(labels.CAUSES), T + 1), np.uint64),
        "moments": np.zeros((points, K, 2), np.int64),
        "power_outcomes": np.zeros((points, 2, 3), np.uint64),
        "occupancy": np.zeros((points, T, 25), np.uint64),
        "dyads_simulated": np.zeros(points, np.uint64),
    }


def end(c: dict, p: int, cause: str, duration: int, n: int) -> None:
    """`n` dyads of point `p` ended by `cause` after `duration` periods."""
    c["duration_by_cause"][p, labels.CAUSES.index(cause), duration] += n
    c["dyads_simulated"][p] += n


def moment_sum(c: dict, p: int, moment: str, value: float) -> None:
    c["moments"][p, labels.MOMENTS.index(moment), 0] = int(value * 2**20)


def ten_dyads() -> dict:
    c = hand_counts(2)
    end(c, 0, "disintegration", 2, 3)
    end(c, 0, "race_won_by_A", 5, 2)
    end(c, 0, "exogenous_hazard", 5, 1)
    end(c, 0, "censored", T, 4)
    moment_sum(c, 0, "abs_asymmetry", 3.5)  # 10 dyads: mean 0.35
    moment_sum(c, 0, "power_shift", -1.25)  # negative sums: mean -0.125
    end(c, 1, "disintegration", 3, 1)
    end(c, 1, "censored", T, 2)
    return c


def estimate(values, name, p=0):
    return values.estimate[p, outcomes.NAMES.index(name)]


def test_headline_outcomes_of_ten_hand_built_dyads():
    values = outcomes.compute(ten_dyads())
    for name, expected in [("share_censored", 0.4), ("share_disintegration", 0.3), ("share_race_won_by_A", 0.2),
                           ("share_race_won_by_B", 0.0), ("share_exogenous_hazard", 0.1), ("share_dissolved", 0.6),
                           ("mean_abs_asymmetry", 0.35), ("mean_power_shift", -0.125),
                           ("mean_duration", (3 * 2 + 2 * 5 + 1 * 5 + 4 * 10) / 10)]:  # fmt: skip
        assert estimate(values, name) == pytest.approx(expected, rel=1e-12), name
    # sorted: 2 2 2 5 5 5 10 10 10 10 -> (x5 + x6) / 2 = 5, both ended
    assert estimate(values, "median_duration") == 5.0


@pytest.mark.parametrize(
    "ends, value, censored",
    [
        ([("disintegration", 3, 1), ("exploited_B_withdraws", 4, 1)], 3.5, False),  # even count: the midpoint
        ([("disintegration", 1, 1), ("exogenous_hazard", 7, 1), ("race_won_by_B", 9, 1)], 7.0, False),  # odd
        ([("disintegration", 3, 1), ("censored", T, 2)], 10.0, True),  # 3 10c 10c: the middle dyad is censored
        ([("disintegration", 3, 2), ("censored", T, 2)], 6.5, True),  # 3 3 10c 10c: lower bound 6.5
        ([("disintegration", 2, 1), ("exogenous_hazard", T, 1), ("censored", T, 1)], 10.0, False),  # ended first
    ],
)
def test_median_duration_and_its_censoring(ends, value, censored):
    c = hand_counts()
    for cause, duration, n in ends:
        end(c, 0, cause, duration, n)
    got, flag, n = outcomes.median_duration(c)
    assert (got[0], bool(flag[0]), int(n[0])) == (value, censored, sum(e[2] for e in ends))
    # the registry's median is NaN where it lies beyond the horizon
    np.testing.assert_equal(estimate(outcomes.compute(c), "median_duration"), np.nan if censored else value)


def test_no_dyads_give_nan_not_zero():
    values = outcomes.compute(hand_counts())
    assert np.isnan(values.estimate).all()
    assert np.isnan(outcomes.median_duration(hand_counts())[0]).all()


def test_headline_table_has_one_aligned_row_per_point():
    from learnrace import headlines

    text = headlines.headline_text(ten_dyads(), point_names=["propositional", "b"])
    lines = text.splitlines()
    header = [outcomes.REGISTRY[n].short for n in outcomes.HEADLINES]
    assert lines[0].split()[:2] == ["point", "dyads"] and " ".join(header) in " ".join(lines[0].split())
    # shares of the 7 causes, mean duration, median, mean |asymmetry|, mean power shift
    assert lines[1].split() == ["propositional", "10", "40.0%", "30.0%", "20.0%", "0.0%", "0.0%", "0.0%", "10.0%",
                                "6.1", "5", "0.3500", "-0.1250"]  # fmt: skip
    assert lines[2].split() == ["b", "3", "66.7%", "33.3%", "0.0%", "0.0%", "0.0%", "0.0%", "0.0%", "7.7", ">10",
                                "0.0000", "0.0000"]  # fmt: skip
    # right-aligned numeric columns: header and rows end at the same columns
    ends = [[i + 1 for i in range(len(line)) if line[i] != " " and (i + 1 == len(line) or line[i + 1] == " ")]
            for line in lines[:3]]  # fmt: skip
    assert len(lines[0]) == len(lines[1]) == len(lines[2])
    assert ends[1][1:] == ends[2][1:]
    legend = " ".join(lines[3:])
    for name in ("mean_duration", "median_duration", "mean_abs_asymmetry", "mean_power_shift"):
        assert f"{outcomes.REGISTRY[name].short} = {outcomes.REGISTRY[name].label}" in legend
    assert "'>' = beyond the horizon" in legend


def test_a_later_outcome_registers_like_the_built_in_ones():
    def top_bin(c):  # the share of dyads in the last asymmetry bin: any function of the count arrays
        h = c["asymmetry_hist"]
        return outcomes.Columns.share(h[:, -1], c["dyads_simulated"])

    extra = outcomes.Outcome("share_top_asymmetry", "share", "dyads", "share", "share in the top asymmetry bin",
                             "top asym", "share of the dyads in the last bin of asymmetry_hist", top_bin)  # fmt: skip
    reg = outcomes.Registry([*outcomes.OUTCOMES, extra])
    res = learnrace.run({"run": {"dyads": 500, "periods": 10, "seed": 1}}, backend="cpu", progress=False)
    values = reg.compute(res)
    j = reg.names.index("share_top_asymmetry")
    assert values.successes[0, j] == res.asymmetry_hist[0, -1] and values.n[0, j] == 500
    np.testing.assert_array_equal(values.estimate[:, : len(outcomes.NAMES)], outcomes.compute(res).estimate)
    with pytest.raises(ValueError, match="already registered"):
        reg.add(extra)
    with pytest.raises(ValueError, match="letters, digits"):
        outcomes.Outcome("bad name", "share", "dyads", "share", "x", "x", "x", top_bin)
    with pytest.raises(ValueError, match="kind 'ratio'"):
        outcomes.Outcome("x", "ratio", "dyads", "share", "x", "x", "x", top_bin)
    with pytest.raises(KeyError, match="did you mean"):
        outcomes.REGISTRY["race_won"]


def test_docs_list_every_outcome():
    from pathlib import Path

    from learnrace import _outcomes_doc

    doc = Path(__file__).resolve().parents[2] / "docs" / "python.md"
    assert _outcomes_doc.generated_block(doc.read_text(encoding="utf-8")) == _outcomes_doc.render(), (
        "docs/python.md's outcome table is stale: python -m learnrace._outcomes_doc docs/python.md"
    )
