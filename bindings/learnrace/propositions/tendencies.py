"""P1-P5: barrier tendencies (lift of the predicted move) and persistence (mean-sojourn ratios).

Unit: a move of a live sampled dyad from its pair state at t to t+1, seen from the mover ("the other
organization": the firm facing the partner strategy the clause names). Judged in a regime (default: all four
moderators in their bottom tercile, where the empowering moves of P6-P9 are rare). Formulas: docs/statistics.md.
"""

from __future__ import annotations

from typing import Dict

import numpy as np

from ..labels import AVO, STRATEGY_CODES
from ._data import PointData
from ._ratios import RatioEstimate, proportion, rate_ratio
from .clauses import (
    LEARNING_STATES,
    MODERATION,
    NEAR_ABSORBING,
    REFERENCES,
    Clause,
    neutral_partners,
    reference_rows,
    state_label,
)
from .sojourn import longest_sojourn
from .verdicts import directional_estimate, not_estimable, ratio_criteria


def _unordered_key(a, b) -> np.ndarray:
    """Code 5 * min + max of the unordered pair state (x, y) = (y, x)."""
    return 5 * np.minimum(a, b).astype(np.int64) + np.maximum(a, b).astype(np.int64)


def _ratio_result(fit: RatioEstimate | None, clause: Clause, extra: Dict, what: str) -> Dict:
    """Verdict inputs of a ratio clause from ``rate_ratio`` (None: nothing left to estimate it from)."""
    checks = extra.pop("_checks", True)
    if fit is None:
        return not_estimable(f"{what} not estimable: no event in the strata that hold both groups", **extra)
    meets, contra = ratio_criteria(fit.effect, fit.ci_low, fit.ci_high, clause.threshold)
    return directional_estimate(
        fit.effect,
        fit.ci_low,
        fit.ci_high,
        fit.p_value,
        null=1.0,
        meets=meets and checks,
        meets_contra=contra,
        **fit.columns(),
        **extra,
    )


def _lift(m, y, cond, reference: str, clause: Clause, alpha: float, min_n: int, min_events: int) -> Dict:
    """The lift of ``clause`` against one reference (``clauses.REFERENCES``): the rows of the mover strategies
    that have a reference group, the counts of both groups, and the fit (None when a count falls short, with
    ``why``)."""
    ref = reference_rows(m.own, m.partner, clause, reference)
    own = m.own.astype(np.int64)
    strata = [s for s in clause.movers if (ref & (own == s)).any()]
    keep = np.isin(own, strata) & (cond | ref)
    n_c, n_r = int((keep & cond).sum()), int((keep & ref).sum())
    e_c, e_r = int((keep & cond & y).sum()), int((keep & ref & y).sum())
    out = {"rows": keep, "strata": strata, "n_c": n_c, "n_r": n_r, "e_c": e_c, "e_r": e_r, "fit": None, "why": ""}
    left_out = [STRATEGY_CODES[s] for s in clause.movers if s not in strata]
    if not strata:
        out["why"] = (
            f"no neutral reference: P1-P5 predict a move or persistence for the {'/'.join(left_out)} firm facing every "
            "partner strategy (docs/statistics.md, 'Estimands')"
            if reference == "neutral"
            else "no reference rows"
        )
        return out
    out["left_out"] = left_out
    short = []
    if n_c < min_n or e_c < min_events:
        short.append(f"condition {n_c} moves, {e_c} predicted")
    if n_r < min_n or e_r < min_events:
        short.append(f"reference {n_r} moves, {e_r} to {STRATEGY_CODES[clause.destination]}")
    if short:
        out["why"] = f"too few moves ({'; '.join(short)}; need {min_n} moves and {min_events} predicted in each)"
        return out
    out["fit"] = rate_ratio(y[keep], cond[keep], own[keep], m.dyad[keep], alpha)
    return out


def tendency(data: PointData, clause: Clause, regime: str, alpha: float, min_n: int, min_events: int) -> Dict:
    """Lift of ``mover -> destination`` facing ``partner`` over the same mover strategies facing the partner
    strategies where P1-P5 predict nothing for the mover (the neutral reference; docs/statistics.md, "Estimands"),
    plus the modal-change check (and for P5 the highest-adoption and near-absorbing checks). The lifts against the
    alternative references (``no_same_move``, ``all_other``) are reported as ``lift_<reference>`` with their
    intervals and the inputs of their verdicts (``_alt``)."""
    mv = data.movers(regime)
    m = mv.subset(np.isin(mv.own, clause.movers))
    y = m.own_next == clause.destination
    cond = m.partner == clause.partner
    lifts = {r: _lift(m, y, cond, r, clause, alpha, min_n, min_events) for r in REFERENCES}
    main = lifts[REFERENCES[0]]
    tested = np.isin(m.own, main["strata"]) if main["strata"] else np.ones(len(m.own), dtype=bool)
    changed = cond & tested & (m.own_next != m.own)
    counts = np.bincount(m.own_next[changed].astype(np.int64), minlength=5)
    modal = int(np.argmax(counts)) if counts.sum() else -1
    is_modal = bool(counts.sum() and counts[clause.destination] == counts.max())
    extra = {
        "n": main["n_c"] + main["n_r"],
        "n_condition": main["n_c"],
        "n_events": main["e_c"],
        "n_reference": main["n_r"],
        "n_reference_events": main["e_r"],
        "rate_condition": main["e_c"] / main["n_c"] if main["n_c"] else np.nan,
        "rate_other": main["e_r"] / main["n_r"] if main["n_r"] else np.nan,
        "reference": REFERENCES[0],
        "reference_partners": "; ".join(
            f"{STRATEGY_CODES[s]}: {', '.join(STRATEGY_CODES[q] for q in neutral_partners(s))}" for s in main["strata"]
        )
        or "none",
        "modal_destination": STRATEGY_CODES[modal] if modal >= 0 else None,
        "modal_share": counts[modal] / counts.sum() if modal >= 0 else np.nan,
    }
    checks = [is_modal]
    predicted = STRATEGY_CODES[clause.destination]
    notes = [] if is_modal else [f"modal change is {extra['modal_destination']}, not {predicted}"]
    if main["strata"] and main.get("left_out"):
        notes.append(f"{'/'.join(main['left_out'])} movers left out: no neutral reference")
    if clause.name == "P5":
        highest, lowest_bound, stay, stay_lo, stay_hi, n_avo = _p5_checks(data, m, y, regime, alpha)
        extra.update(
            highest_facing_avo=highest,
            avo_vs_other_ci_low=lowest_bound,
            avo_stay=stay,
            avo_stay_ci_low=stay_lo,
            avo_stay_ci_high=stay_hi,
            n_avo=n_avo,
        )
        if not highest:
            notes.append("avoidance adoption is not shown highest facing AVO (a ratio's CI reaches 1)")
        absorbing = n_avo >= min_n and stay_lo >= NEAR_ABSORBING
        if not absorbing:
            notes.append(
                f"(AVO, AVO) not shown near absorbing (P(stay) = {stay:.3g}, CI low {stay_lo:.3g}, n = {n_avo})"
            )
        checks += [highest, absorbing]
    # The alternative references (sensitivity): estimate, interval and the inputs of their verdicts.
    alt = {}
    for r in REFERENCES[1:]:
        f = lifts[r]["fit"]
        extra[f"lift_{r}"] = f.effect if f is not None else np.nan
        extra[f"lift_{r}_ci_low"] = f.ci_low if f is not None else np.nan
        extra[f"lift_{r}_ci_high"] = f.ci_high if f is not None else np.nan
        if f is None:
            alt[r] = {"testable": False, "p_value": np.nan, "side": None, "meets": False, "meets_contra": False}
        else:
            meets, contra = ratio_criteria(f.effect, f.ci_low, f.ci_high, clause.threshold)
            alt[r] = {
                "testable": True,
                "p_value": f.p_value,
                "side": "support" if f.effect > 1.0 else "contradict",
                "meets": meets and all(checks),
                "meets_contra": contra,
            }
    extra["_alt"] = alt
    if main["fit"] is None:
        left_out = [n for n in notes if n.endswith("no neutral reference")]
        return not_estimable("; ".join([main["why"], *left_out]), **extra)
    extra["note"] = "; ".join(notes)
    extra["_checks"] = all(checks)
    return _ratio_result(main["fit"], clause, extra, "lift")


def _p5_checks(data: PointData, m, y, regime: str, alpha: float):
    """Avoidance adoption is highest facing AVO: for every other partner state q, the ratio of the adoption rate
    facing AVO to that facing q (common across the mover's strategies) has its (1 - alpha) interval above 1. And
    (AVO, AVO) persists: the lower end of the (1 - alpha) interval of P(stay) is >= 0.9. Returns (highest, the
    smallest lower end of the AVO-vs-q ratios, P(stay), its interval, n of (AVO, AVO) moves)."""
    partners = m.partner.astype(np.int64)
    own = m.own.astype(np.int64)
    bounds = []
    for q in range(5):
        if q == AVO or not (partners == q).any():
            continue
        rows = (partners == AVO) | (partners == q)
        fit = rate_ratio(y[rows], partners[rows] == AVO, own[rows], m.dyad[rows], alpha)
        bounds.append(fit.ci_low if fit is not None else np.nan)
    lowest = float(np.min(bounds)) if bounds else np.nan  # NaN propagates: not shown
    highest = bool((partners == AVO).any() and bounds and np.all(np.asarray(bounds) > 1.0))
    tr = data.transitions
    avo = data.regime_mask(regime) & (tr.a == AVO) & (tr.b == AVO)
    n_avo = int(avo.sum())
    if n_avo == 0:
        return highest, lowest, np.nan, np.nan, np.nan, 0
    stay, lo, hi = proportion(tr.pair_next[avo] == tr.pair[avo], tr.dyad[avo], alpha)
    return highest, lowest, stay, lo, hi, n_avo


def moderation_sojourn(data: PointData, clause: Clause, regime: str, alpha: float, min_n: int, min_events: int):
    """P3a: mean sojourn of (CPR, CPR) against every other learning state with at least ``min_n`` moves (one-period
    exit hazards h; sojourn 1/h under the Markov reading; ratio = h_other / h_moderation), with simultaneous
    intervals over the comparisons (``sojourn.longest_sojourn``)."""
    tr = data.transitions
    reg = data.regime_mask(regime)
    key = _unordered_key(tr.a, tr.b)[reg]
    # Leaving the unordered state is an exit; a swap such as (CPR, COL) -> (COL, CPR) is not.
    exits = (_unordered_key(tr.a_next, tr.b_next)[reg]) != key
    codes = [5 * s[0] + s[1] for s in LEARNING_STATES]
    target = 5 * MODERATION[0] + MODERATION[1]
    res = longest_sojourn(key, exits, tr.dyad[reg], target, [c for c in codes if c != target], alpha, min_n, min_events)
    extra = {
        "n": res.n_target + res.n_reference,
        "n_condition": res.n_target,
        "n_events": res.exits_target,
        "rate_condition": res.exits_target / res.n_target if res.n_target else np.nan,
        "sojourn_condition": res.n_target / res.exits_target if res.exits_target else np.inf,
        "comparisons": res.comparisons,
    }
    if res.reference is not None:
        ref = (res.reference // 5, res.reference % 5)
        extra.update(
            reference_state=state_label(ref),
            rate_other=res.exits_reference / res.n_reference,
            sojourn_reference=res.n_reference / res.exits_reference if res.exits_reference else np.inf,
        )
    if res.untestable:
        return not_estimable(res.untestable, **extra)
    meets, contra = ratio_criteria(res.effect, res.ci_low, res.ci_high, clause.threshold)
    extra["note"] = f"{res.comparisons} comparisons; simultaneous (Bonferroni) interval of the smallest ratio"
    return directional_estimate(
        res.effect, res.ci_low, res.ci_high, res.p_value, null=1.0, meets=meets, meets_contra=contra, **extra
    )


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
    if e_cond < min_events or e_other < min_events:
        return not_estimable(
            f"too few exits ({e_cond} in the condition, {e_other} outside; need {min_events} each)", **extra
        )
    fit = rate_ratio(exits, cond, m.own.astype(np.int64), m.dyad, alpha)
    return _ratio_result(None if fit is None else fit.inverted(), clause, extra, "sojourn ratio")
