"""Statistical validation of learnrace.propositions (docs/statistics.md).

Planted effects must come out "supported" and removed effects "not supported". Every run uses a fixed seed, so each
assertion is deterministic; the sizes are chosen so that the asserted verdicts are far from the decision boundary
(see the comment on each run), i.e. they would hold for almost every seed, not just this one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

import learnrace
from learnrace import propositions
from learnrace.propositions import _stats as st
from learnrace.propositions._data import extract
from learnrace.propositions.clauses import BY_NAME
from learnrace.propositions.moderated import condition_rows, fit_moderators

SEED = 20261122
DYADS = 12_000
NULL_BETAS = {
    name: {factor: 0.0 for factor in factors}
    for name, factors in {"P6a": "SR", "P6b": "SR", "P7a": "TLR", "P7b": "TLR", "P8": "STR", "P9": "TL"}.items()
}


def experiment(**kernel) -> dict:
    """Every dyad's trajectory sampled (the tests use the per-period records)."""
    return {
        "run": {"dyads": DYADS, "seed": SEED},
        "output": {"trajectory_stride": 1, "trajectory_max": DYADS},
        "kernel": kernel,
    }


@pytest.fixture(scope="module")
def runs() -> learnrace.Results:
    """Four points in one run: planted (defaults), moderation removed (beta = 0, and no counter-move of a firm that
    detected exploitation, which would pre-empt empowering moves more often where suspicion and low trust go
    together), barriers removed (no barrier, P5 or counter-move), and the strategic kernel."""
    config = experiment()
    config["points"] = [
        {"name": "planted"},
        {"name": "no_moderation", "kernel": {"propositional": {**NULL_BETAS, "p_counter": 0.0}}},
        {
            "name": "no_barrier",
            "kernel": {"propositional": {"barrier": {"b0": -10000.0}, "p_avoid": 0.0, "p_counter": 0.0}},
        },
        {"name": "strategic", "kernel": {"type": "strategic"}},
    ]
    return learnrace.run(config, backend="cpu", progress=False)


MODERATED = ["P6b", "P7b", "P8"]
TENDENCIES = ["P1a", "P2a", "P2b"]


def verdicts(table: pd.DataFrame) -> dict:
    return dict(zip(table["clause"], table["verdict"]))


def test_planted_moderators_are_supported(runs):
    # With the default beta (1 per SD of the latent logit for each named factor) the named odds ratios per SD are
    # about 1.5 (P6b, P7b) and 1.5 (P8) at 12,000 dyads, with clustered SEs of log OR about 0.02-0.04: the
    # threshold 1.2 (log 0.18) is > 5 SE below the estimates.
    table = propositions.test(runs, point="planted", clauses=MODERATED)
    assert verdicts(table) == {c: "supported" for c in MODERATED}
    assert (table["effect"] >= 1.2).all() and (table["ci_low"] > 1).all()


def test_removed_moderators_are_not_supported(runs):
    # beta = 0: the true odds ratios are exactly 1. A false "supported" needs the smallest named OR >= 1.2, i.e.
    # log OR >= 0.18, more than 5 clustered SEs above 0 at this size.
    table = propositions.test(runs, point="no_moderation", clauses=MODERATED)
    assert set(verdicts(table).values()) == {"not supported"}
    assert (table["effect"] < 1.2).all()


def test_planted_barriers_are_supported_and_removed_barriers_are_not(runs):
    # Default barriers, every moderator level (regime "all": at 12,000 dyads the neutral references of the low
    # regime hold only 1-2 predicted moves, below min_events, so the clauses would be untestable there). The
    # lifts against the neutral reference (docs/statistics.md, "Estimands") are about 20-50 with union intervals
    # above 5, far beyond the threshold 1.25. P2a and P2b are "not supported" in this regime because their modal
    # change is the empowering move (P7 moves a competitor's partner to CPR), not the barrier move; P1a and P5 are
    # supported. No barrier, P5 or counter-move: the predicted barrier moves only come from exploration (epsilon =
    # 0.01 per firm, uniform over strategies) at the same rate whatever the partner plays, so the true lift is 1.
    planted = propositions.test(runs, point="planted", clauses=TENDENCIES + ["P5"], regime="all")
    assert (planted["effect"] >= 5).all() and (planted["ci_low"] > 1.25).all()
    assert verdicts(planted) == {"P1a": "supported", "P2a": "not supported", "P2b": "not supported", "P5": "supported"}
    assert planted.set_index("clause").loc[["P2a", "P2b"], "note"].str.contains("modal change is CPR").all()
    removed = propositions.test(runs, point="no_barrier", clauses=TENDENCIES)
    assert set(verdicts(removed).values()) <= {"not supported", "untestable"}
    untested = removed["verdict"] == "untestable"
    assert removed.loc[untested, "p_value"].isna().all() and removed.loc[untested, "note"].str.contains("too few").all()


def test_accommodator_tendencies_have_no_neutral_reference(runs):
    # P1-P5 predict a move or persistence for an accommodating firm facing every partner strategy, so P1b and P3b
    # are untestable with that reason whatever the data; their lifts under the alternative references are still
    # reported. P2b and P5 leave their ACC stratum out of the estimate.
    table = propositions.test(runs, point="planted", regime="all").set_index("clause")
    for clause in ("P1b", "P3b"):
        row = table.loc[clause]
        assert row["verdict"] == "untestable" and "no neutral reference" in row["note"]
        assert row["reference_partners"] == "none" and np.isfinite(row["lift_all_other"])
    assert table.loc["P2b", "reference_partners"] == "CPT: ACC, CPR, COL"
    assert "ACC movers left out" in table.loc["P2b", "note"] and "ACC movers left out" in table.loc["P5", "note"]
    assert table.loc["P1a", "reference_partners"] == "CPR: ACC; COL: ACC, CPR"


def test_reference_sensitivity_is_reported_and_flagged(runs):
    # Under the planted barriers in regime "all", P1a against every other partner state compares with P2a's
    # condition (a collaborator facing a competitor, where the move to CPT is predicted and more frequent): the
    # lift falls below 1 and that reference would call P1a contradicted, against supported under the estimand. The
    # table must show both, and flag the clause.
    table = propositions.test(runs, point="planted", regime="all").set_index("clause")
    p1a = table.loc["P1a"]
    assert p1a["verdict"] == "supported" and p1a["verdict_all_other"] == "contradicted"
    assert p1a["lift_all_other_ci_high"] < 1 < p1a["lift_no_same_move_ci_low"]
    assert bool(p1a["reference_sensitive"])
    tendencies = table["kind"] == "tendency"
    changed = (table["verdict"] != table["verdict_no_same_move"]) | (table["verdict"] != table["verdict_all_other"])
    assert (table.loc[tendencies, "reference_sensitive"].astype(bool) == changed[tendencies]).all()
    assert table.loc[~tendencies, "reference_sensitive"].isna().all()


def test_no_infinite_effect_is_reported_or_supported(runs):
    # Regression (issue: with 4,000 dyads the ACC-facing-ACC reference often had no move, the lift was inf and P1b
    # "supported"). In the low regime at 12,000 dyads the no_same_move reference of P1b has fewer than 5 moves to
    # AVO: the minimum-count rule of the reference makes it untestable, and no effect or lift column is infinite.
    table = propositions.test(runs, point="planted")
    assert not np.isinf(table[["effect", "lift_no_same_move", "lift_all_other"]].to_numpy(dtype=float)).any()
    p1b = table.set_index("clause").loc["P1b"]
    assert p1b["verdict_no_same_move"] == "untestable"


def test_strategic_kernel_runs_through_the_whole_table(runs):
    table = propositions.test(runs, point="strategic")
    assert list(table["clause"]) == list(propositions.CLAUSE_NAMES)
    assert list(table.columns[: len(propositions.COLUMNS)]) == propositions.COLUMNS
    assert set(table["verdict"]) <= set(propositions.VERDICTS)
    tested = table["p_value"].notna()
    assert tested.sum() >= 15  # most clauses have enough moves to be tested
    assert ((table.loc[tested, "ci_low"] <= table.loc[tested, "effect"]) & (
        table.loc[tested, "effect"] <= table.loc[tested, "ci_high"])).all()  # fmt: skip
    assert table.attrs["kernel"] == "strategic" and table.attrs["alpha"] == 0.01


def test_holm_matches_statsmodels_and_skips_untested_clauses():
    p = np.array([0.01, np.nan, 0.04, 0.002, 0.5, np.nan, 0.03])
    expected = multipletests(p[np.isfinite(p)], method="holm")[1]
    adjusted = propositions.holm(p)
    assert np.isnan(adjusted[[1, 5]]).all()
    np.testing.assert_allclose(adjusted[np.isfinite(p)], expected)


def test_table_p_holm_is_the_holm_adjustment_of_its_p_values(runs):
    table = propositions.test(runs, point="planted")
    np.testing.assert_allclose(table["p_holm"].to_numpy(), propositions.holm(table["p_value"].to_numpy()))
    tested = table["p_holm"] < 0.01
    assert table.loc[~tested, "verdict"].isin(["not supported", "untestable"]).all()
    assert (table.loc[table["p_value"].isna(), "verdict"] == "untestable").all()


def test_clustered_standard_errors_account_for_repeated_dyads():
    # Synthetic data with a dyad-level covariate and a dyad-level random intercept (sd 1.5 on the logit scale), 25
    # moves per dyad: the moves of a dyad are correlated, so the naive SE understates the sampling error of the
    # covariate's coefficient by roughly sqrt(design effect) (about 2-3 here); the clustered sandwich must not.
    rng = np.random.default_rng(SEED)
    dyads, per = 400, 25
    x = np.repeat(rng.normal(size=dyads), per)
    u = np.repeat(rng.normal(scale=1.5, size=dyads), per)
    y = rng.random(dyads * per) < 1 / (1 + np.exp(-(0.3 * x + u)))
    groups = np.repeat(np.arange(dyads), per)
    X = st.design(x)
    clustered = st.fit_glm(y, X, groups, "binomial", cov="cluster")
    naive = st.fit_glm(y, X, groups, "binomial", cov="naive")
    np.testing.assert_allclose(clustered.params, naive.params)
    assert clustered.bse[1] > 1.5 * naive.bse[1]


def test_moderated_clauses_use_the_clustered_fit(runs):
    data = extract(runs, "planted", "model")
    default, n, _ = fit_moderators(data, BY_NAME["P9"], 0.01)
    clustered, _, _ = fit_moderators(data, BY_NAME["P9"], 0.01, cov="cluster")
    naive, _, _ = fit_moderators(data, BY_NAME["P9"], 0.01, cov="naive")
    in_condition = condition_rows(data.transitions, BY_NAME["P9"].moves)[0]
    assert n > 2 * len(np.unique(data.transitions.dyad[in_condition]))  # repeated moves per dyad
    np.testing.assert_allclose(default["se"], clustered["se"])
    assert not np.allclose(default["se"], naive["se"])
    table = propositions.moderator_table(runs, "P9", point="planted")
    np.testing.assert_allclose(table["ci_low"], clustered["ci_low"])


def test_moderator_table_and_dose_response_shapes(runs):
    table = propositions.moderator_table(runs, "P8", point="planted")
    assert list(table["factor"]) == ["trust", "stakes", "orientation", "relation"]
    assert list(table["named"]) == [True, True, False, True]
    assert {"odds_ratio", "ci_low", "ci_high", "trend_z", "trend_p"} <= set(table.columns)
    dose = propositions.dose_response(runs, "P8", factor="stakes", point="planted", bins=4)
    assert list(dose["bin"]) == [0, 1, 2, 3]
    assert dose["n"].sum() == table.attrs["n"]
    assert dose["rate"].is_monotonic_increasing  # planted beta_S = 1: the rate rises across stakes quartiles


def test_attrs_describe_the_sample(runs):
    table = propositions.test(runs, point=1, clauses=["P8"], regime="all")
    assert table.attrs["point"] == "no_moderation"
    assert table.attrs["sampled_dyads"] == DYADS
    assert 0 < table.attrs["low_regime_moves"] < table.attrs["observed_moves"]


def test_bad_arguments_name_what_is_wrong(runs):
    with pytest.raises(ValueError, match="unknown clause"):
        propositions.test(runs, clauses=["P10"])
    with pytest.raises(ValueError, match="regime"):
        propositions.test(runs, regime="high")
    with pytest.raises(ValueError, match="alpha"):
        propositions.test(runs, alpha=1.5)
    with pytest.raises(ValueError, match="not a moderated clause"):
        propositions.moderator_table(runs, "P1a")
    with pytest.raises(ValueError, match="clauses is empty"):
        propositions.test(runs, clauses=[])
    with pytest.raises(ValueError, match="bins"):
        propositions.test(runs, clauses="P8", bins=1)
    with pytest.raises(ValueError, match="bins"):
        propositions.dose_response(runs, "P8", bins=2.5)
    with pytest.raises(ValueError, match="alpha"):
        propositions.moderator_table(runs, "P8", alpha=0)


def test_one_clause_may_be_named_by_a_plain_string(runs):
    one = propositions.test(runs, point="planted", clauses="P8")
    assert list(one["clause"]) == ["P8"]
    assert one["effect"].iloc[0] == propositions.test(runs, point="planted", clauses=["P8"])["effect"].iloc[0]


def test_the_moderated_submodule_is_not_shadowed_by_a_function():
    import types

    import learnrace.propositions.moderated as module

    assert isinstance(module, types.ModuleType)
    assert isinstance(propositions.moderated, types.ModuleType)


def test_power_shift_reproduces_the_engine_bit_for_bit(runs):
    # Every dyad is sampled, so the engine's fixed-point sum of P_A(end) - P_A(0) (moment 2, truncated per dyad at
    # 2^-20) must equal the same sum over the per-dyad shifts that extract() rebuilds from the trajectories. A shift
    # rebuilt in float64 misses it (and turns the exact zeros of dyads whose power never moved into +-1e-8 noise,
    # breaking the ties of H3/H4's rank correlations).
    for point in ("planted", "strategic"):
        p = runs.point_index(point)
        shift = extract(runs, point).dyads["power_shift"].astype(np.float32)
        fixed = np.trunc(shift * np.float32(2**20)).astype(np.int64)
        assert fixed.sum() == runs.moments[p, 2, 0]
        assert (shift == 0).any()  # dyads that ended at once, with no learning: exact ties


def test_trend_test_cells_hold_for_many_bins(runs):
    # Cells are (dyad, bin, state) rows; a packed integer key collided once bins exceeded its field width.
    from learnrace.propositions.moderated import trend_test

    data = extract(runs, "planted")
    z_many, _ = trend_test(data, BY_NAME["P8"], "stakes", bins=100)
    assert np.isfinite(z_many) and z_many > 0  # planted beta_S = 1: the rate rises with stakes


def test_p5_reports_the_avo_avo_sample_and_p3a_ignores_swaps(runs):
    table = propositions.test(runs, point="planted", clauses=["P5", "P3a"])
    data = extract(runs, "planted")
    tr = data.transitions
    low = data.regime_mask("low")
    n_avo = int((low & (tr.a == 0) & (tr.b == 0)).sum())
    p5 = table.set_index("clause").loc["P5"]
    assert p5["n_avo"] == n_avo > 0
    # P3a's reference state is unordered: a swap (x, y) -> (y, x) stays in it, so its exit count is the number of
    # moves whose unordered state changes.
    p3a = table.set_index("clause").loc["P3a"]
    ref = p3a["reference_state"]
    codes = {"AVO": 0, "ACC": 1, "CPR": 2, "CPT": 3, "COL": 4}
    x, y = (codes[c.strip()] for c in ref.strip("()").split(","))
    lo, hi = min(x, y), max(x, y)
    in_ref = low & (np.minimum(tr.a, tr.b) == lo) & (np.maximum(tr.a, tr.b) == hi)
    same = (np.minimum(tr.a_next, tr.b_next) == lo) & (np.maximum(tr.a_next, tr.b_next) == hi)
    exits = int((in_ref & ~same).sum())
    assert p3a["sojourn_reference"] == pytest.approx(in_ref.sum() / exits)


def test_results_without_trajectories_raise_missing_output():
    res = learnrace.run({"run": {"dyads": 500, "seed": 1}, "output": {"trajectory_max": 0}}, progress=False)
    with pytest.raises(propositions.MissingOutputError, match="trajectory_max"):
        propositions.test(res)


def test_a_sojourn_ratio_without_an_informative_stratum_is_untestable():
    from learnrace.propositions.tendencies import _ratio_result

    out = _ratio_result(None, BY_NAME["P4"], {"n": 6}, "sojourn ratio")
    assert np.isnan(out["effect"]) and not out["meets"] and not out["testable"] and out["n"] == 6
    assert "not estimable" in out["note"]


def test_the_table_says_what_holds_by_construction(runs):
    some = ["P8", "H1", "H2", "H3", "H4", "H5"]
    planted = propositions.test(runs, point="planted", clauses=some, bootstrap=0).set_index("clause")
    strategic = propositions.test(runs, point="strategic", clauses=some, bootstrap=0).set_index("clause")
    assert planted.loc["P8", "by_construction"].startswith("planted")
    assert strategic.loc["P8", "by_construction"] == ""  # the strategic kernel is the test of the theory
    for clause in ("H1", "H2", "H3", "H4"):
        assert "flow and power equations" in planted.loc[clause, "by_construction"]
        assert "flow and power equations" in strategic.loc[clause, "by_construction"]
    assert strategic.loc["H5", "by_construction"] == ""
    assert "planted" in planted.attrs["construction"] and "strategic kernel" in planted.attrs["construction"]


def test_p5_checks_use_intervals(runs):
    # Planted barriers: adoption of AVO facing AVO beats every other partner state with the lower end of each
    # ratio's interval above 1, and the (AVO, AVO) stay share's interval (not only its estimate) reaches 0.9
    # (regime "all": in the low regime at 12,000 dyads the neutral reference holds fewer than 5 moves to AVO).
    p5 = propositions.test(runs, point="planted", clauses="P5", regime="all").iloc[0]
    assert p5["verdict"] == "supported"
    assert p5["highest_facing_avo"] and p5["avo_vs_other_ci_low"] > 1
    assert p5["avo_stay_ci_low"] >= 0.9 and p5["avo_stay_ci_low"] <= p5["avo_stay"] <= p5["avo_stay_ci_high"]


def test_bootstrap_is_reproducible_and_replaces_the_normal_theory_se(runs):
    a = propositions.test(runs, point="planted", clauses=["H1", "H3"], bootstrap=50, seed=3)
    b = propositions.test(runs, point="planted", clauses=["H3", "H1"], bootstrap=50, seed=3)
    np.testing.assert_array_equal(a.set_index("clause").loc[["H1", "H3"], "ci_low"],
                                  b.set_index("clause").loc[["H1", "H3"], "ci_low"])  # fmt: skip
    normal = propositions.test(runs, point="planted", clauses="H3", bootstrap=0).iloc[0]
    assert normal["se_z"] == pytest.approx(np.sqrt(1.06 / (DYADS - 3)))
    assert a.set_index("clause").loc["H3", "se_z"] != normal["se_z"]
    with pytest.raises(ValueError, match="bootstrap"):
        propositions.test(runs, clauses="H1", bootstrap=1)
    with pytest.raises(ValueError, match="seed"):
        propositions.test(runs, clauses="H1", seed=-1)


def test_test_points_returns_one_frame_with_a_point_column(runs):
    both = propositions.test_points(runs, points=["planted", "strategic"], clauses=["P8", "H1"])
    assert isinstance(both, pd.DataFrame)
    assert list(both.columns[:2]) == ["point", "clause"]
    assert both["point"].tolist() == ["planted", "planted", "strategic", "strategic"]
    alone = propositions.test(runs, point="strategic", clauses=["P8", "H1"])
    pd.testing.assert_frame_equal(
        both[both["point"] == "strategic"].drop(columns="point").reset_index(drop=True), alone, check_like=False
    )
