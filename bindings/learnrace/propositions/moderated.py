"""P6-P9: moderated empowering moves.

Within the condition (the pair states the proposition covers, both orientations, every moderator level), a
logistic GLM of the predicted move on the mover's four standardised moderators T, S, L, R (plus pair-state
intercepts when the condition has several states), with dyad-clustered standard errors. The mover's moderators are
its own factors when one firm moves, and the less favourable firm's, factor by factor, when both move. Each named
moderator's odds ratio per SD must be >= 1.2 with its 99% CI above 1; the unnamed ones are reported (discriminant
check). A binned dose-response with a clustered logistic trend test is reported for each named moderator.
Formulas: docs/statistics.md.
"""

from __future__ import annotations

from typing import Dict, Tuple

import numpy as np
import pandas as pd

from . import _stats as st
from ._data import FACTOR_KEYS, PointData, Transitions
from .clauses import OR_MIN, Clause, Move
from .verdicts import not_estimable


def condition_rows(tr: Transitions, moves: Tuple[Move, ...]):
    """Rows of ``tr`` in the clause's pair states: the mask, and for the rows in it the predicted-move outcome, a
    state code and the mover's moderators [n, 4] (the moving firm's own; for a "both" move the pair level)."""
    mask = np.zeros(len(tr), dtype=bool)
    y = np.zeros(len(tr), dtype=bool)
    state = np.full(len(tr), -1, dtype=np.int64)
    mods = np.zeros((len(tr), len(FACTOR_KEYS)), dtype=np.float64)
    pair_mods = tr.mods
    for i, mv in enumerate(moves):
        here = ((tr.a == mv.x) & (tr.b == mv.y)) | ((tr.a == mv.y) & (tr.b == mv.x))
        if mv.who == "both":
            hit = (tr.a_next == mv.to) & (tr.b_next == mv.to)
            mods[here] = pair_mods[here]
        else:  # the firm playing x (x != y, so exactly one firm plays it)
            hit = np.where(tr.a == mv.x, tr.a_next == mv.to, tr.b_next == mv.to)
            mods[here] = tr.mover_mods(tr.a == mv.x)[here]
        mask |= here
        y |= here & hit
        state[here] = i
    return mask, y[mask], state[mask], mods[mask]


def _standardise(mods: np.ndarray) -> np.ndarray:
    sd = mods.std(axis=0)
    return (mods - mods.mean(axis=0)) / np.where(sd > 0, sd, 1.0)


def fit_moderators(data: PointData, clause: Clause, alpha: float, cov: str = "cluster"):
    """The clause's GLM. Returns (frame with one row per moderator, n, events, clusters) or None when the condition
    has no moves or no variation in the outcome."""
    tr = data.transitions
    mask, y, state, mods = condition_rows(tr, clause.moves)
    n, events = int(mask.sum()), int(y.sum())
    if n == 0 or events == 0 or events == n:
        return None, n, events
    varying = mods.std(axis=0) > 0
    if not varying.all():
        return None, n, events
    z = _standardise(mods)
    groups = tr.dyad[mask]
    X = st.design(st.dummies(state), z)
    fit = st.fit_glm(y, X, groups, "binomial", cov=cov)
    k0 = X.shape[1] - 4
    rows = []
    for j, f in enumerate(FACTOR_KEYS):
        c = st.coef(fit, k0 + j)
        odds, lo, hi = c.exp(alpha)
        rows.append(
            {
                "factor": f,
                "named": f in clause.named,
                "odds_ratio": odds,
                "ci_low": lo,
                "ci_high": hi,
                "log_or": c.estimate,
                "se": c.se,
                "p_value": c.p_value,
            }
        )
    return pd.DataFrame(rows), n, events


def _bins(x: np.ndarray, bins: int) -> np.ndarray:
    edges = np.unique(np.quantile(x, np.linspace(0, 1, bins + 1)[1:-1]))
    return np.searchsorted(edges, x, side="right")


def dose_response_rows(data: PointData, clause: Clause, factor: str, bins: int = 5) -> pd.DataFrame:
    """Rate of the predicted move by quantile bin of one moderator (within the condition)."""
    tr = data.transitions
    mask, y, _, mods = condition_rows(tr, clause.moves)
    x = mods[:, FACTOR_KEYS.index(factor)]
    b = _bins(x, bins) if len(x) else np.zeros(0, dtype=np.int64)
    rows = []
    for i in range(int(b.max()) + 1 if len(b) else 0):
        m = b == i
        rows.append(
            {
                "clause": clause.name,
                "factor": factor,
                "bin": i,
                "x_low": float(x[m].min()),
                "x_high": float(x[m].max()),
                "n": int(m.sum()),
                "events": int(y[m].sum()),
                "rate": float(y[m].mean()),
            }
        )
    return pd.DataFrame(rows)


def trend_test(data: PointData, clause: Clause, factor: str, bins: int = 5):
    """Clustered logistic trend test across the quantile bins of one moderator: the GLM of the outcome on the bin
    score 0..bins-1 (plus pair-state intercepts), dyad-clustered SE; a Cochran-Armitage-type test that allows for
    repeated moves of one dyad. Returns (z, p). Rows are aggregated to (dyad, bin, state) cells with binomial
    counts, which leaves the estimate and the cluster sandwich unchanged (only the N in statsmodels' small-sample
    factor (N - 1) / (N - k) becomes the number of cells)."""
    tr = data.transitions
    mask, y, state, mods = condition_rows(tr, clause.moves)
    x = mods[:, FACTOR_KEYS.index(factor)]
    score = _bins(x, bins)
    if len(np.unique(score)) < 2 or y.all() or not y.any():
        return np.nan, np.nan
    dyad = tr.dyad[mask]
    cell = np.column_stack([dyad.astype(np.int64), score.astype(np.int64), state.astype(np.int64)])
    _, first, inverse = np.unique(cell, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)  # numpy 2.0-2.1 return it with the shape of the input rows
    n = np.bincount(inverse).astype(np.float64)
    k = np.bincount(inverse, weights=y.astype(np.float64))
    X = st.design(score[first].astype(np.float64), st.dummies(state[first]))
    fit = st.fit_glm(np.column_stack([k, n - k]), X, dyad[first], "binomial")
    c = st.coef(fit, 1)
    return c.z, c.p_value


def moderated_criteria(table: pd.DataFrame, trends: Dict[str, Tuple[float, float]], threshold: float, alpha: float):
    """Verdict inputs of a moderated clause from its GLM table (one row per moderator: factor, named, odds_ratio,
    ci_low, ci_high, log_or, se, p_value) and the binned trend test (z, p) of each named moderator.

    Support side (every named OR > 1): p = the largest named Wald p (intersection-union: every named moderator must
    be significant), the interval shown is the smallest named OR's (1 - alpha) one; ``meets`` when every named OR
    >= threshold with its interval above 1 *and* every named moderator's binned trend rises significantly (z > 0,
    trend p < alpha). Contradicting side (some named OR < 1): the effect is the smallest named OR, selected among
    the k named, so its p is min(1, k p) and its interval the (1 - alpha / k) one (Bonferroni: the interval lies
    below 1 exactly when that p < alpha); ``meets_contra`` when that OR <= 1 / threshold with this interval below 1
    and its trend falls significantly (z < 0, p < alpha).
    Returns (the weakest named moderator's row, side, p, meets, meets_contra, (ci_low, ci_high) of the effect)."""
    named = table[table["named"]]
    weakest = named.loc[named["odds_ratio"].idxmin()]
    k = len(named)

    def trend_agrees(f, sign):
        z, p = trends.get(f, (np.nan, np.nan))
        return bool(np.isfinite(z) and sign * z > 0 and p < alpha)

    if (named["odds_ratio"] > 1).all():
        side, p = "support", float(named["p_value"].max())
        ci = (float(weakest["ci_low"]), float(weakest["ci_high"]))
        meets = bool(
            (named["odds_ratio"] >= threshold).all()
            and (named["ci_low"] > 1).all()
            and all(trend_agrees(f, +1) for f in named["factor"])
        )
        contra = False
    else:
        side, p = "contradict", float(min(1.0, k * weakest["p_value"]))
        half = st.z_crit(alpha / k) * float(weakest["se"])
        ci = (float(np.exp(weakest["log_or"] - half)), float(np.exp(weakest["log_or"] + half)))
        meets = False
        contra = bool(weakest["odds_ratio"] <= 1.0 / threshold and ci[1] < 1 and trend_agrees(weakest["factor"], -1))
    return weakest, side, p, meets, contra, ci


def moderated(data: PointData, clause: Clause, alpha: float, min_n: int, min_events: int, bins: int = 5) -> Dict:
    table, n, events = fit_moderators(data, clause, alpha)
    extra = {"n": n, "n_condition": n, "n_events": events, "rate_condition": events / n if n else np.nan}
    if n < min_n or events < min_events or n - events < min_events or table is None:
        why = f"too few moves in the condition ({n} moves, {events} predicted; need {min_n} and {min_events})"
        return not_estimable(why, **extra)
    for _, r in table.iterrows():
        extra[f"or_{r['factor']}"] = r["odds_ratio"]
    unnamed = table[~table["named"]]
    flagged = unnamed[
        ((unnamed["ci_low"] > 1) | (unnamed["ci_high"] < 1)) & (np.abs(unnamed["log_or"]) >= np.log(OR_MIN))
    ]
    discriminant = (
        "ok"
        if flagged.empty
        else "; ".join(
            f"unnamed {r['factor']} OR {r['odds_ratio']:.2f} [{r['ci_low']:.2f}, {r['ci_high']:.2f}]"
            for _, r in flagged.iterrows()
        )
    )
    trends = {f: trend_test(data, clause, f, bins) for f in clause.named}
    weakest, side, p, meets, contra, ci = moderated_criteria(table, trends, clause.threshold, alpha)
    for f in FACTOR_KEYS:
        extra[f"trend_z_{f}"] = trends[f][0] if f in trends else np.nan
    weak_trend = min(trends, key=lambda f: trends[f][0] if np.isfinite(trends[f][0]) else -np.inf)
    notes = [f"weakest named moderator: {weakest['factor']}"]
    disagree = [
        f for f in clause.named if not (np.isfinite(trends[f][0]) and trends[f][0] > 0 and trends[f][1] < alpha)
    ]
    if side == "support" and disagree:
        notes.append(f"binned trend not rising significantly for {', '.join(disagree)}")
    return {
        "effect": float(weakest["odds_ratio"]),
        "ci_low": ci[0],
        "ci_high": ci[1],
        "p_value": p,
        "side": side,
        "meets": meets,
        "meets_contra": contra,
        "testable": True,
        "note": "; ".join(notes),
        "named": ",".join(clause.named),
        "discriminant": discriminant,
        "trend_z": trends[weak_trend][0],
        "trend_p": trends[weak_trend][1],
        **extra,
    }
