"""P1-P5: barrier tendencies (lift of the predicted move) and persistence (mean-sojourn ratios).

Unit: a move of a live sampled dyad from its pair state at t to t+1, seen from the mover ("the other
organization": the firm facing the partner strategy the clause names). Judged in a regime (default: all four
moderators in their bottom tercile, where the empowering moves of P6-P9 are rare). Formulas: docs/statistics.md.
"""

from __future__ import annotations

from typing import Dict

import numpy as np

from ..labels import AVO, STRATEGY_CODES
from . import _stats as st
from ._data import PointData
from .clauses import LEARNING_STATES, MODERATION, NEAR_ABSORBING, Clause, state_label
from .verdicts import directional_estimate, not_estimable


def _ratio_fit(y, indicator, strata, groups, alpha, invert=False):
    """Risk ratio of ``indicator`` (1 vs 0) on a 0/1 outcome, common across strata (modified Poisson GLM with
    stratum intercepts, dyad-clustered SE). Strata without both groups or without any event carry no information
    about a common ratio and are dropped. ``invert``: report 1 / ratio. Returns (ratio, lo, hi, p, n_used) or None
    when the ratio is not estimable (no event in one of the two groups)."""
    y = np.asarray(y, dtype=bool)
    indicator = np.asarray(indicator, dtype=bool)
    keep = np.zeros(len(y), dtype=bool)
    for s in np.unique(strata):
        m = strata == s
        if indicator[m].any() and (~indicator[m]).any() and y[m].any():
            keep |= m
    y, indicator, strata, groups = y[keep], indicator[keep], strata[keep], groups[keep]
    if not (y[indicator].any() and y[~indicator].any()):
        return None
    X = st.design(indicator.astype(float), st.dummies(strata))
    fit = st.fit_glm(y, X, groups, "poisson")
    c = st.coef(fit, 1)
    ratio, lo, hi = c.exp(alpha)
    if invert:
        ratio, lo, hi = 1.0 / ratio, 1.0 / hi, 1.0 / lo
    return ratio, lo, hi, c.p_value, int(keep.sum())


def _unordered_key(a, b) -> np.ndarray:
    """Code 5 * min + max of the unordered pair state (x, y) = (y, x)."""
    return 5 * np.minimum(a, b).astype(np.int64) + np.maximum(a, b).astype(np.int64)


def _sojourn_result(fit, clause: Clause, extra: Dict) -> Dict:
    """Verdict inputs of a sojourn ratio from ``_ratio_fit`` (None: no exit left in one group once the strata
    without both groups are dropped)."""
    if fit is None:
        return not_estimable("sojourn ratio not estimable: no exit in one group within the shared strata", **extra)
    ratio, lo, hi, p, _ = fit
    return directional_estimate(ratio, lo, hi, p, null=1.0, meets=ratio >= clause.threshold, **extra)


def tendency(data: PointData, clause: Clause, regime: str, alpha: float, min_n: int, min_events: int) -> Dict:
    """Lift of ``mover -> destination`` facing ``partner`` over the same mover strategies facing any other partner
    state, plus the modal-change check (and for P5 the highest-adoption and near-absorbing checks)."""
    mv = data.movers(regime)
    m = mv.subset(np.isin(mv.own, clause.movers))
    y = m.own_next == clause.destination
    cond = m.partner == clause.partner
    n_cond, n_other = int(cond.sum()), int((~cond).sum())
    ev_cond, ev_other = int(y[cond].sum()), int(y[~cond].sum())
    changed = cond & (m.own_next != m.own)
    counts = np.bincount(m.own_next[changed].astype(np.int64), minlength=5)
    modal = int(np.argmax(counts)) if counts.sum() else -1
    is_modal = bool(counts.sum() and counts[clause.destination] == counts.max())
    extra = {
        "n": n_cond + n_other,
        "n_condition": n_cond,
        "n_events": ev_cond,
        "rate_condition": ev_cond / n_cond if n_cond else np.nan,
        "rate_other": ev_other / n_other if n_other else np.nan,
        "modal_destination": STRATEGY_CODES[modal] if modal >= 0 else None,
        "modal_share": counts[modal] / counts.sum() if modal >= 0 else np.nan,
    }
    if n_cond < min_n or ev_cond < min_events:
        return not_estimable(
            f"too few moves in the condition ({n_cond} moves, {ev_cond} predicted; need {min_n} and {min_events})",
            **extra,
        )
    fit = _ratio_fit(y, cond, m.own.astype(np.int64), m.dyad, alpha)
    if fit is None:
        return not_estimable("lift not estimable: no predicted move outside the condition", **extra)
    lift, lo, hi, p, _ = fit
    checks = [is_modal]
    predicted = STRATEGY_CODES[clause.destination]
    notes = [] if is_modal else [f"modal change is {extra['modal_destination']}, not {predicted}"]
    if clause.name == "P5":
        highest, stay, stay_lo, stay_hi, n_avo = _p5_checks(data, clause, m, y, regime, alpha)
        extra.update(
            highest_facing_avo=highest, avo_stay=stay, avo_stay_ci_low=stay_lo, avo_stay_ci_high=stay_hi, n_avo=n_avo
        )
        if not highest:
            notes.append("avoidance adoption is not highest facing AVO")
        if not (n_avo >= min_n and stay >= NEAR_ABSORBING):
            notes.append(f"(AVO, AVO) not near absorbing (P(stay) = {stay:.3g}, n = {n_avo})")
        checks += [highest, n_avo >= min_n and stay >= NEAR_ABSORBING]
    meets = lift >= clause.threshold and all(checks)
    return directional_estimate(lift, lo, hi, p, null=1.0, meets=meets, note="; ".join(notes), **extra)


def _p5_checks(data: PointData, clause: Clause, m, y, regime: str, alpha: float):
    """Avoidance adoption is highest facing AVO (risk ratios by partner state, adjusted for the mover's strategy:
    every other partner state's ratio to AVO is < 1), and (AVO, AVO) persists with P(stay) >= 0.9."""
    from statsmodels.stats.proportion import proportion_confint

    partners = m.partner.astype(np.int64)
    levels = [q for q in range(5) if y[partners == q].any()]
    highest = False
    if AVO in levels and len(levels) > 1:
        keep = np.isin(partners, levels)
        X = st.design(st.dummies(partners[keep], levels), st.dummies(m.own[keep].astype(np.int64)))
        fit = st.fit_glm(y[keep], X, m.dyad[keep], "poisson")
        highest = bool(np.all(np.asarray(fit.params)[1 : len(levels)] < 0))  # AVO (code 0) is the reference
    elif levels == [AVO]:
        highest = True
    tr = data.transitions
    avo = data.regime_mask(regime) & (tr.a == AVO) & (tr.b == AVO)
    n_avo = int(avo.sum())
    stays = int((tr.pair_next[avo] == tr.pair[avo]).sum())
    if n_avo == 0:
        return highest, np.nan, np.nan, np.nan, 0
    lo, hi = proportion_confint(stays, n_avo, alpha=alpha, method="wilson")
    return highest, stays / n_avo, float(lo), float(hi), n_avo


def moderation_sojourn(data: PointData, clause: Clause, regime: str, alpha: float, min_n: int, min_events: int):
    """P3a: mean sojourn of (CPR, CPR) over that of the longest-lived other learning state (one-period exit
    hazards h; sojourn 1/h under the Markov reading; ratio = h_runner_up / h_moderation)."""
    tr = data.transitions
    reg = data.regime_mask(regime)
    key = _unordered_key(tr.a, tr.b)
    key_next = _unordered_key(tr.a_next, tr.b_next)
    # Leaving the unordered state is an exit; a swap such as (CPR, COL) -> (COL, CPR) is not.
    exits = key_next != key
    table = {}
    for s in LEARNING_STATES:
        mask = reg & (key == 5 * s[0] + s[1])
        n = int(mask.sum())
        table[s] = (n, int(exits[mask].sum()), mask)
    n_mod, e_mod, m_mod = table[MODERATION]
    others = [(e / n, s) for s, (n, e, _) in table.items() if s != MODERATION and n >= min_n]
    extra = {
        "n_condition": n_mod,
        "n_events": e_mod,
        "rate_condition": e_mod / n_mod if n_mod else np.nan,
        "sojourn_condition": n_mod / e_mod if e_mod else np.inf,
    }
    if n_mod < min_n or not others:
        extra["n"] = n_mod
        return not_estimable(f"too few moves from (CPR, CPR) or from other learning states (n = {n_mod})", **extra)
    h_ref, ref = min(others)
    n_ref, e_ref, m_ref = table[ref]
    extra.update(
        n=n_mod + n_ref,
        reference_state=state_label(ref),
        rate_other=h_ref,
        sojourn_reference=n_ref / e_ref if e_ref else np.inf,
    )
    if e_mod < min_events:
        return not_estimable(f"too few exits from (CPR, CPR) ({e_mod} < {min_events}): ratio not estimable", **extra)
    if e_ref == 0:
        return not_estimable(f"no exit from the runner-up {state_label(ref)}: ratio not estimable", **extra)
    rows = m_mod | m_ref
    is_ref = m_ref[rows]
    fit = _ratio_fit(exits[rows], is_ref, np.zeros(int(rows.sum()), dtype=np.int64), tr.dyad[rows], alpha)
    return _sojourn_result(fit, clause, extra)


def mover_sojourn(data: PointData, clause: Clause, regime: str, alpha: float, min_n: int, min_events: int):
    """P4: mean sojourn of an ACC firm facing ACC over that of ACC firms facing other partner states (ratio of the
    one-period exit hazards, other / condition)."""
    mv = data.movers(regime)
    m = mv.subset(np.isin(mv.own, clause.movers))
    exits = m.own_next != m.own
    cond = m.partner == clause.partner
    n_cond, n_other = int(cond.sum()), int((~cond).sum())
    e_cond, e_other = int(exits[cond].sum()), int(exits[~cond].sum())
    extra = {
        "n": n_cond + n_other,
        "n_condition": n_cond,
        "n_events": e_cond,
        "rate_condition": e_cond / n_cond if n_cond else np.nan,
        "rate_other": e_other / n_other if n_other else np.nan,
        "sojourn_condition": n_cond / e_cond if e_cond else np.inf,
        "sojourn_reference": n_other / e_other if e_other else np.inf,
    }
    if n_cond < min_n or n_other < min_n:
        return not_estimable(f"too few moves ({n_cond} in the condition, {n_other} outside; need {min_n})", **extra)
    if e_cond < min_events or e_other == 0:
        return not_estimable(f"too few exits ({e_cond} in the condition, {e_other} outside)", **extra)
    fit = _ratio_fit(exits, cond, m.own.astype(np.int64), m.dyad, alpha, invert=True)
    return _sojourn_result(fit, clause, extra)
