"""Holm adjustment across clauses and the verdict rule (docs/statistics.md, "Verdicts").

Each clause test returns its verdict inputs: the effect with its interval and p-value, the side of the null the
estimate lies on (``"support"`` or ``"contradict"``), whether the clause's support criteria hold (``meets``: the
effect-size threshold, the interval beyond the null, and any extra condition such as the trend test) and whether the
symmetric contradiction criteria hold (``meets_contra``: the effect beyond the reciprocal threshold, the interval
beyond the null on the other side). A clause with too few events to be tested says so (``testable`` False).
"""

from __future__ import annotations

from typing import Dict

import numpy as np

SUPPORTED = "supported"
NOT_SUPPORTED = "not supported"
CONTRADICTED = "contradicted"
UNTESTABLE = "untestable"
VERDICTS = (SUPPORTED, NOT_SUPPORTED, CONTRADICTED, UNTESTABLE)


def not_estimable(note: str, **extra) -> Dict:
    """Verdict inputs of a clause that could not be tested (too few moves or events, or no variation): its verdict
    is ``untestable`` and ``note`` says why."""
    return {
        "effect": np.nan,
        "ci_low": np.nan,
        "ci_high": np.nan,
        "p_value": np.nan,
        "side": None,
        "meets": False,
        "meets_contra": False,
        "testable": False,
        "note": note,
        **extra,
    }


def ratio_criteria(effect: float, ci_low: float, ci_high: float, threshold: float, null: float = 1.0):
    """(meets, meets_contra) of a ratio clause: support needs effect >= threshold and the interval above ``null``;
    contradiction needs effect <= 1 / threshold and the interval below ``null`` (symmetric on the log scale)."""
    meets = bool(effect >= threshold and ci_low > null)
    contra = bool(effect <= 1.0 / threshold and ci_high < null)
    return meets, contra


def directional_estimate(
    effect, ci_low, ci_high, p_value, *, null: float, meets: bool, meets_contra: bool, note: str = "", **extra
) -> Dict:
    """Verdict inputs of a clause whose effect predicts a direction: the side of ``null`` (1 for a ratio, 0 for a
    correlation) the effect lies on, ``meets`` (support criteria) and ``meets_contra`` (contradiction criteria),
    both decided by the caller."""
    return {
        "effect": effect,
        "ci_low": ci_low,
        "ci_high": ci_high,
        "p_value": p_value,
        "side": "support" if effect > null else "contradict",
        "meets": bool(meets),
        "meets_contra": bool(meets_contra),
        "testable": True,
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


def decide(side, meets: bool, meets_contra: bool, p_holm: float, alpha: float, testable: bool = True) -> str:
    """``untestable``: the clause could not be tested (too few moves or events in its condition, or no variation).
    ``supported``: the estimate lies on the predicted side, the support criteria hold (threshold, interval, extra
    conditions) and the Holm-adjusted p < alpha. ``contradicted``: the estimate lies on the opposite side, the
    symmetric contradiction criteria hold, and the Holm-adjusted p < alpha. Otherwise ``not supported``."""
    if not testable:
        return UNTESTABLE
    if not np.isfinite(p_holm) or p_holm >= alpha:
        return NOT_SUPPORTED
    if side == "support" and meets:
        return SUPPORTED
    if side == "contradict" and meets_contra:
        return CONTRADICTED
    return NOT_SUPPORTED
