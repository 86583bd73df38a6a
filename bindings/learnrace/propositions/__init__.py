"""Statistical tests of Larsson et al. (1998) propositions P1-P9 and Hamel (1991) checks H1-H5 on a run's output.

>>> import learnrace
>>> from learnrace import propositions
>>> res = learnrace.run("experiments/propositions.toml")
>>> propositions.test(res, point="propositional")          # one row per clause, with verdicts

Every formula, threshold and caveat is in docs/statistics.md. In short:

* P1-P5 (tendencies, persistence): the unit is a move of a live sampled dyad from its pair state at t to t+1, seen
  from the mover (the other organization). Judged in the low-empowerment regime (all four moderators in their
  bottom tercile) by default. Effect: lift (risk ratio) of the predicted move over the same mover strategies facing
  the partner strategies where P1-P5 predict nothing for the mover (the neutral reference; P1b and P3b have none
  and are untestable; the lifts under two alternative references are reported alongside), or a mean-sojourn ratio
  (P3a against every other learning state, P4); the interval is the union of the exact conditional one (holds with
  few events) and the dyad-clustered Wald one.
* P6-P9 (moderated): logistic GLM of the predicted move on the four standardised moderators within the condition,
  dyad-clustered SE; effect: the smallest odds ratio per SD among the named moderators; the binned dose-response
  trend must agree.
* H1-H5: per-dyad correlations (dyad-bootstrap SEs) and ratios.
* Holm correction across all clauses; verdict ``supported`` / ``not supported`` / ``contradicted`` (symmetric
  effect-size thresholds) / ``untestable`` (too few moves or events).

Under the propositional kernel P1-P9 are planted (support is by construction: the tests recover what the kernel
codes) and H1-H4 follow from the flow and power equations in every kernel; the strategic kernel is the test of the
theory. The ``by_construction`` column of ``test`` says so per row.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from . import clauses as _clauses
from ._data import FACTOR_KEYS, MissingOutputError, extract
from .clauses import BY_NAME, CLAUSE_NAMES, CLAUSES, REFERENCES, Clause
from .hamel import CHECKS
from .moderated import dose_response_rows, fit_moderators
from .moderated import moderated as _moderated  # keep propositions.moderated the submodule
from .tendencies import moderation_sojourn, mover_sojourn, tendency
from .verdicts import CONTRADICTED, NOT_SUPPORTED, SUPPORTED, UNTESTABLE, VERDICTS, decide, holm

__all__ = [
    "CLAUSES",
    "CLAUSE_NAMES",
    "CONTRADICTED",
    "NOT_SUPPORTED",
    "SUPPORTED",
    "UNTESTABLE",
    "VERDICTS",
    "MissingOutputError",
    "clause_table",
    "dose_response",
    "holm",
    "moderator_table",
    "test",
    "test_points",
]

COLUMNS = [
    "clause",
    "condition",
    "predicted_move",
    "statistic",
    "effect",
    "ci_low",
    "ci_high",
    "p_value",
    "p_holm",
    "verdict",
    "n",
]
EXTRA_COLUMNS = [
    "by_construction",
    "kind",
    "threshold",
    "regime",
    "n_condition",
    "n_events",
    "n_reference",
    "n_reference_events",
    "rate_condition",
    "rate_other",
    "reference",
    "reference_partners",
    "lift_no_same_move",
    "lift_no_same_move_ci_low",
    "lift_no_same_move_ci_high",
    "verdict_no_same_move",
    "lift_all_other",
    "lift_all_other_ci_low",
    "lift_all_other_ci_high",
    "verdict_all_other",
    "reference_sensitive",
    "estimator",
    "modal_destination",
    "modal_share",
    "reference_state",
    "sojourn_condition",
    "sojourn_reference",
    "wald_ci_low",
    "wald_ci_high",
    "wald_p",
    "exact_ci_low",
    "exact_ci_high",
    "exact_p",
    "comparisons",
    "highest_facing_avo",
    "avo_vs_other_ci_low",
    "avo_stay",
    "avo_stay_ci_low",
    "avo_stay_ci_high",
    "n_avo",
    "named",
    "or_trust",
    "or_stakes",
    "or_orientation",
    "or_relation",
    "discriminant",
    "trend_z",
    "trend_p",
    "trend_z_T",
    "trend_z_S",
    "trend_z_L",
    "trend_z_R",
    "se_z",
    "mean_gain_internalization",
    "mean_gain_substitution",
    "unilateral_share_high_asymmetry",
    "unilateral_share_low_asymmetry",
    "rho_equity_asymmetry",
    "rho_equity_power_shift",
    "rho_equity_power_end",
    "rho_asymmetry_power_end",
    "rho_terminated_only",
    "note",
]


# What a clause's support shows under each kernel (docs/statistics.md, "What holds by construction").
PLANTED = (
    "planted: the propositional kernel codes this move (docs/model.md section 10), so support is by construction "
    "and checks that the test recovers it; the strategic kernel is the test of the theory"
)
MECHANICAL = (
    "follows from the knowledge-flow and power equations (docs/model.md sections 6-9) in every kernel; support "
    "is by construction"
)
MECHANICAL_CLAUSES = ("H1", "H2", "H3", "H4")


def by_construction(clause: str, kernel: str) -> str:
    """Why a clause's support is expected by construction under ``kernel`` ("" when it is a real test)."""
    if clause in MECHANICAL_CLAUSES:
        return MECHANICAL
    if kernel == "propositional" and clause.startswith("P"):
        return PLANTED
    return ""


def clause_table() -> pd.DataFrame:
    """The clauses: name, kind, condition, predicted move, statistic, named moderators, threshold, source."""
    return pd.DataFrame(
        [
            {
                "clause": c.name,
                "kind": c.kind,
                "condition": c.condition,
                "predicted_move": c.predicted_move,
                "statistic": c.statistic,
                "named": ",".join(c.named),
                "threshold": c.threshold,
                "source": c.source,
            }
            for c in CLAUSES
        ]
    )


def _select(names: Iterable[str] | str | None):
    if names is None:
        return list(CLAUSES)
    names = [names] if isinstance(names, str) else list(names)
    if not names:
        raise ValueError(f"clauses is empty: name at least one of {', '.join(CLAUSE_NAMES)} (or pass None for all)")
    unknown = [n for n in names if n not in BY_NAME]
    if unknown:
        raise ValueError(f"unknown clause(s) {unknown} (clauses: {', '.join(CLAUSE_NAMES)})")
    return [BY_NAME[n] for n in names]


def _check_alpha(alpha) -> None:
    if not (isinstance(alpha, (int, float, np.floating)) and 0 < alpha < 1):
        raise ValueError(f"alpha must be a number in (0, 1), not {alpha!r}")


def _check_bins(bins) -> None:
    if isinstance(bins, (bool, np.bool_)) or not isinstance(bins, (int, np.integer)) or bins < 2:
        raise ValueError(f"bins must be an integer >= 2, not {bins!r}")


def _run_clause(data, clause: Clause, regime, alpha, min_n, min_events, bins, bootstrap):
    if clause.kind == "tendency":
        return tendency(data, clause, regime, alpha, min_n, min_events)
    if clause.kind == "persistence":
        if clause.name == "P3a":
            return moderation_sojourn(data, clause, regime, alpha, min_n, min_events)
        return mover_sojourn(data, clause, regime, alpha, min_n, min_events)
    if clause.kind == "moderated":
        return _moderated(data, clause, alpha, min_n, min_events, bins)
    return CHECKS[clause.name](data, clause, alpha, min_n, bootstrap)


def _reference_verdicts(df: pd.DataFrame, alternatives, alpha: float) -> None:
    """The verdict of each tendency clause under each alternative reference (docs/statistics.md, "Estimands"),
    with Holm over the table in which every tendency clause uses that reference, and ``reference_sensitive``: a
    verdict under an alternative differs from the one under the estimand."""
    tendency_rows = [i for i, a in enumerate(alternatives) if a is not None]
    sensitive = pd.Series([pd.NA] * len(df), dtype="boolean")
    for i in tendency_rows:
        sensitive[i] = False
    for ref in REFERENCES[1:]:
        p = df["p_value"].to_numpy(dtype=np.float64).copy()
        for i in tendency_rows:
            p[i] = alternatives[i][ref]["p_value"]
        p_holm = holm(p)
        verdicts = [None] * len(df)
        for i in tendency_rows:
            a = alternatives[i][ref]
            verdicts[i] = decide(a["side"], a["meets"], a["meets_contra"], p_holm[i], alpha, a["testable"])
            sensitive[i] = bool(sensitive[i]) or verdicts[i] != df.at[i, "verdict"]
        df[f"verdict_{ref}"] = verdicts
    df["reference_sensitive"] = sensitive


def test(
    results,
    point=0,
    regime: str = "low",
    alpha: float = 0.01,
    scale: str = "model",
    clauses: Iterable[str] | str | None = None,
    min_transitions: int = 30,
    min_events: int = 5,
    bins: int = 5,
    bootstrap: int = 200,
    seed: int = 0,
) -> pd.DataFrame:
    """Test every clause on one point of ``results``; one row per clause.

    Parameters
    ----------
    results : learnrace.Results
        Needs sampled trajectories (``output.trajectory_max > 0``); a ``MissingOutputError`` (a ``ValueError``)
        names the key otherwise. Sample every dyad (``output.trajectory_stride = 1``) and enough of them
        (docs/statistics.md, "Power", propositional kernel, alpha = 0.01): a moderated clause with a moderate
        effect (P8 with a stakes coefficient of 0.3) was supported in 9 of 10 seeds at 2,000 dyads per point; the
        tendency lifts need 5 predicted moves in their neutral reference and were untestable below 16,000 dyads
        (P2b, P5) and in most seeds below 64,000 (P1a, P2a). experiments/propositions.toml uses 200,000.
    point : int or str
        Sweep point, by index or name.
    regime : ``"low"`` or ``"all"``
        Moves used for P1-P5: ``"low"`` keeps moves with all four moderators in the bottom tercile of the point's
        observed moves (where empowering moves are rare); ``"all"`` keeps every move. P6-P9 always use every
        moderator level; H1-H5 use every sampled dyad.
    alpha : float
        Level of the tests; intervals are (1 - alpha) two-sided (99% by default) and verdicts need the
        Holm-adjusted p < alpha.
    scale : ``"model"`` or ``"raw"``
        Moderator scale before standardising: logit T, S, L and 1 - 2 exp(-R / r0) (the propositional kernel's
        covariates), or T, S, L, R as recorded.
    clauses : str or iterable of str, optional
        One clause name or a subset of them (Holm then runs over that subset).
    min_transitions, min_events : int
        Below these counts in the condition, or in the reference of a lift, a clause is not tested: verdict
        ``untestable``, p NaN, and ``note`` says why (``n`` still reports what there was).
    bins : int
        Quantile bins of the dose-response trend test (at least 2).
    bootstrap : int
        Dyad-bootstrap replicates for the standard errors of the H1, H3, H4, H5 rank correlations (0: the
        normal-theory SE, which is too small at high rho with ties).
    seed : int
        Seed of the bootstrap (the table is reproducible for a given seed).

    Returns
    -------
    pandas.DataFrame
        Columns ``clause, condition, predicted_move, statistic, effect, ci_low, ci_high, p_value, p_holm, verdict,
        n`` then extras (see docs/statistics.md); ``by_construction`` says which supports are expected by
        construction (P1-P9 under the propositional kernel, H1-H4 always). ``df.attrs`` holds the point, kernel,
        regime, alpha, sample sizes and ``construction`` (the same statement for the table).
    """
    _check_alpha(alpha)
    _check_bins(bins)
    for name, value, low in (("bootstrap", bootstrap, 0), ("seed", seed, 0)):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(f"{name} must be an integer >= {low}, not {value!r}")
    if bootstrap == 1:
        raise ValueError("bootstrap must be 0 (no bootstrap) or at least 2 replicates, not 1")
    if regime not in ("low", "all"):
        raise ValueError(f"regime must be 'low' or 'all', not {regime!r}")
    chosen = _select(clauses)
    data = extract(results, point, scale)
    rows, alternatives = [], []
    for c in chosen:
        r = _run_clause(data, c, regime, alpha, min_transitions, min_events, bins, (bootstrap, seed))
        alternatives.append(r.pop("_alt", None))
        rows.append(
            {
                "clause": c.name,
                "by_construction": by_construction(c.name, data.kernel),
                "condition": c.condition,
                "predicted_move": c.predicted_move,
                "statistic": c.statistic,
                "kind": c.kind,
                "threshold": c.threshold,
                "regime": regime if c.kind in ("tendency", "persistence") else "all",
                **r,
            }
        )
    df = pd.DataFrame(rows)
    df["p_holm"] = holm(df["p_value"].to_numpy())
    df["verdict"] = [
        decide(s, m, mc, ph, alpha, t)
        for s, m, mc, ph, t in zip(df["side"], df["meets"], df["meets_contra"], df["p_holm"], df["testable"])
    ]
    _reference_verdicts(df, alternatives, alpha)
    df["n"] = df["n"].astype("Int64")
    for col in EXTRA_COLUMNS:
        if col not in df.columns:
            df[col] = np.nan
    listed = [c for c in COLUMNS + EXTRA_COLUMNS if c != "note"]
    unlisted = [c for c in df.columns if c not in listed and c != "note"]  # never drop what a clause reported
    df = df[listed + unlisted + ["note"]].reset_index(drop=True)
    df.attrs.update(
        point=data.name,
        kernel=data.kernel,
        regime=regime,
        alpha=alpha,
        scale=scale,
        sampled_dyads=int(len(data.dyads["dyad"])),
        observed_moves=int(len(data.transitions)),
        low_regime_moves=int(data.regime_mask("low").sum()),
        construction=(
            "propositional kernel: P1-P9 are planted, so their support is by construction; H1-H4 follow from the "
            "flow and power equations in every kernel. The strategic kernel is the test of the theory."
            if data.kernel == "propositional"
            else "H1-H4 follow from the flow and power equations in every kernel (support by construction); "
            "P1-P9 are not coded by this kernel, so their verdicts test the theory."
        ),
    )
    return df


def test_points(results, points=None, **kwargs) -> pd.DataFrame:
    """``test`` on several points (default: all): one frame, the rows of each point after a leading ``point``
    column (the point's name)."""
    names = results.point_names if points is None else [results.point_names[results.point_index(p)] for p in points]
    frames = []
    for name in names:
        df = test(results, point=name, **kwargs)
        df.insert(0, "point", name)
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def moderator_table(results, clause: str, point=0, alpha: float = 0.01, scale: str = "model") -> pd.DataFrame:
    """The GLM of one moderated clause (P6a ... P9): one row per moderator with its odds ratio per SD, CI and
    p-value, whether the proposition names it, and the trend test across quantile bins."""
    _check_alpha(alpha)
    c = _select([clause])[0]
    if c.kind != "moderated":
        raise ValueError(f"{clause} is not a moderated clause (P6a, P6b, P7a, P7b, P8, P9)")
    from .moderated import trend_test

    data = extract(results, point, scale)
    table, n, events = fit_moderators(data, c, alpha)
    if table is None:
        raise ValueError(f"{clause}: no variation to fit ({n} moves, {events} predicted)")
    z_p = [trend_test(data, c, f) for f in FACTOR_KEYS]
    table["trend_z"] = [z for z, _ in z_p]
    table["trend_p"] = [p for _, p in z_p]
    table.insert(0, "clause", clause)
    table.attrs.update(n=n, events=events, point=data.name)
    return table


def dose_response(results, clause: str, factor: str | None = None, point=0, bins: int = 5, scale: str = "model"):
    """Rate of a moderated clause's predicted move by quantile bin of each moderator (or of ``factor``: ``trust``,
    ``stakes``, ``orientation`` or ``relation``), within the condition."""
    _check_bins(bins)
    c = _select([clause])[0]
    if c.kind != "moderated":
        raise ValueError(f"{clause} is not a moderated clause (P6a, P6b, P7a, P7b, P8, P9)")
    factors = FACTOR_KEYS if factor is None else [factor]
    bad = [f for f in factors if f not in FACTOR_KEYS]
    if bad:
        raise ValueError(f"unknown factor(s) {bad}: use {', '.join(FACTOR_KEYS)}")
    data = extract(results, point, scale)
    return pd.concat([dose_response_rows(data, c, f, bins) for f in factors], ignore_index=True)


# Keep the module namespace tidy for tab completion.
del _clauses
