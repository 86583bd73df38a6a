"""Holm adjustment across clauses and the verdict rule (docs/statistics.md, "Verdicts")."""

from __future__ import annotations

from typing import Dict

import numpy as np

SUPPORTED = "supported"
NOT_SUPPORTED = "not supported"
CONTRADICTED = "contradicted"
VERDICTS = (SUPPORTED, NOT_SUPPORTED, CONTRADICTED)


def not_estimable(note: str, **extra) -> Dict:
    """Verdict inputs of a clause that could not be estimated (its verdict is ``not supported``); ``note`` says why."""
    return {
        "effect": np.nan,
        "ci_low": np.nan,
        "ci_high": np.nan,
        "p_value": np.nan,
        "side": None,
        "meets": False,
        "note": note,
        **extra,
    }


def directional_estimate(
    effect, ci_low, ci_high, p_value, *, null: float, meets: bool, note: str = "", **extra
) -> Dict:
    """Verdict inputs of a clause whose effect predicts a direction: the side of ``null`` (1 for a ratio, 0 for a
    correlation) the effect lies on, and ``meets`` (its threshold and any extra condition, decided by the caller)."""
    return {
        "effect": effect,
        "ci_low": ci_low,
        "ci_high": ci_high,
        "p_value": p_value,
        "side": "support" if effect > null else "contradict",
        "meets": bool(meets),
        "note": note,
        **extra,
    }


def holm(p_values) -> np.ndarray:
    """Holm (1979) step-down adjusted p-values over the finite entries (statsmodels ``multipletests``); NaN entries
    (clauses that could not be tested) stay NaN and do not count in the family size."""
    from statsmodels.stats.multitest import multipletests

    p = np.asarray(p_values, dtype=np.float64)
    out = np.full(p.shape, np.nan)
    ok = np.isfinite(p)
    if ok.any():
        out[ok] = multipletests(p[ok], method="holm")[1]
    return out


def decide(side, meets: bool, p_holm: float, alpha: float) -> str:
    """``supported``: the estimate lies on the predicted side, its effect size meets the clause's threshold (and any
    extra condition of the clause), and the Holm-adjusted p < alpha. ``contradicted``: the estimate lies on the
    opposite side with Holm-adjusted p < alpha. Otherwise ``not supported``."""
    if not np.isfinite(p_holm) or p_holm >= alpha:
        return NOT_SUPPORTED
    if side == "support" and meets:
        return SUPPORTED
    if side == "contradict":
        return CONTRADICTED
    return NOT_SUPPORTED
