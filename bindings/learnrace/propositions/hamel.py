"""H1-H5: checks derived from Hamel (1991), one row per sampled dyad (or per firm for H2).

Definitions (docs/statistics.md, "Hamel checks"):

* H1 posture gap g = mean over the periods played of (rho - tau of A's strategy) - (rho - tau of B's strategy),
  nominal Fig. 1 levels; learning asymmetry a = (G_A - G_B) / (G_A + G_B). Spearman rho(g, a) >= 0.3.
* H2 learning gain G of internalization-intent vs substitution-intent firms: ratio of means >= 2.
* H3 Spearman rho(a, P_A(end) - P_A(0)) >= 0.3; unilateral dependence reported.
* H4 Spearman rho(e_A, a) and rho(e_A, power shift) both inside (-0.3, 0.3) (equivalence): the legal share
  (equity) is a minor influence on the pattern of learning and bargaining power.
* H5 Spearman rho(duration, G_A + G_B) inside (-0.3, 0.3) (equivalence): longevity is a weak measure of learning.
"""

from __future__ import annotations

from typing import Dict

import numpy as np

from ..labels import INTENTS
from . import _stats as st
from ._data import PointData
from .clauses import Clause
from .verdicts import directional_estimate, not_estimable, ratio_criteria

# The rank correlations of the checks: name -> (x, y) columns of PointData.dyads (H4 has two).
CORRELATIONS = {
    "H1": ("posture_gap", "asymmetry"),
    "H3": ("asymmetry", "power_shift"),
    "H4 asymmetry": ("equity_A", "asymmetry"),
    "H4 power shift": ("equity_A", "power_shift"),
    "H5": ("duration", "joint_learning"),
}
# Bootstrap stream of each correlation (a fixed one each, so an interval does not depend on the other clauses).
STREAMS = {"H1": 1, "H3": 3, "H4 asymmetry": 41, "H4 power shift": 42, "H5": 5}

INTERNALIZATION = INTENTS.index("internalization")
SUBSTITUTION = INTENTS.index("substitution")


def _boot(bootstrap, name: str):
    """(replicates, seed) for one correlation: a fixed stream per correlation, so that a clause's interval does
    not depend on which other clauses were tested. ``bootstrap`` = (replicates, seed); replicates 0: the
    normal-theory SE (no bootstrap)."""
    reps, seed = bootstrap
    return None if reps == 0 else (reps, [seed, STREAMS[name]])


def _positive_correlation(x, y, clause: Clause, alpha: float, min_n: int, what: str, boot, **extra) -> Dict:
    rho, lo, hi, se, n = st.spearman(x, y, alpha, boot)
    if not np.isfinite(rho) or n < min_n:
        return not_estimable(f"{what}: not estimable (n = {n}, or a variable is constant)", n=n, **extra)
    p = float(2 * st.stats.norm.sf(abs(np.arctanh(rho)) / se))
    meets = rho >= clause.threshold and lo > 0  # symmetric: contradicted at rho <= -threshold, interval below 0
    contra = rho <= -clause.threshold and hi < 0
    return directional_estimate(rho, lo, hi, p, null=0.0, meets=meets, meets_contra=contra, n=n, se_z=se, **extra)


def _weak_correlation(x, y, clause: Clause, alpha: float, min_n: int, what: str, boot, **extra) -> Dict:
    """Equivalence: supported when the (1 - alpha) CI of rho lies inside (-bound, bound). The p-value is the doubled
    TOST p (so p < alpha iff that CI is inside the bounds); when |rho| >= bound it is instead the doubled p of
    H0: |rho| <= bound in the estimate's direction (p < alpha iff the CI lies beyond the bound: contradicted)."""
    rho, lo, hi, se, n = st.spearman(x, y, alpha, boot)
    if not np.isfinite(rho) or n < min_n:
        return not_estimable(f"{what}: not estimable (n = {n}, or a variable is constant)", n=n, **extra)
    b = clause.threshold
    zr, zb = np.arctanh(rho), np.arctanh(b)
    if abs(rho) < b:
        p_one = max(st.p_beyond(zr, zb, se, upper=False), st.p_beyond(zr, -zb, se, upper=True))
        side = "support"
    else:
        p_one = st.p_beyond(zr, zb, se, upper=True) if rho > 0 else st.p_beyond(zr, -zb, se, upper=False)
        side = "contradict"
    return {
        "effect": rho,
        "ci_low": lo,
        "ci_high": hi,
        "p_value": st.two_sided_from_one(p_one),
        "side": side,
        "meets": bool(side == "support" and -b < lo and hi < b),
        "meets_contra": bool(side == "contradict" and (lo > b or hi < -b)),
        "testable": True,
        "n": n,
        "se_z": se,
        "note": "",
        **extra,
    }


def h1(data: PointData, clause: Clause, alpha: float, min_n: int, bootstrap) -> Dict:
    x, y = (data.dyads[k] for k in CORRELATIONS["H1"])
    return _positive_correlation(x, y, clause, alpha, min_n, "H1", _boot(bootstrap, "H1"))


def h2(data: PointData, clause: Clause, alpha: float, min_n: int, bootstrap=None) -> Dict:
    d = data.dyads
    intent = np.concatenate([d["intent_A"], d["intent_B"]])
    gain = np.concatenate([d["gain_A"], d["gain_B"]])
    groups = np.concatenate([d["dyad"], d["dyad"]])
    keep = np.isin(intent, [INTERNALIZATION, SUBSTITUTION])
    intent, gain, groups = intent[keep], gain[keep], groups[keep]
    sub = intent == SUBSTITUTION
    n_int, n_sub = int((~sub).sum()), int(sub.sum())
    extra = {
        "n_condition": n_sub,
        "mean_gain_internalization": float(gain[~sub].mean()) if n_int else np.nan,
        "mean_gain_substitution": float(gain[sub].mean()) if n_sub else np.nan,
    }
    if n_int < min_n or n_sub < min_n:
        why = f"too few firms ({n_int} internalization, {n_sub} substitution; need {min_n})"
        return not_estimable(why, n=n_int + n_sub, **extra)
    if gain[sub].sum() <= 0 or gain[~sub].sum() <= 0:
        return not_estimable("a group has no learning at all: ratio not estimable", n=n_int + n_sub, **extra)
    fit = st.fit_glm(gain, st.design(sub.astype(float)), groups, "poisson")
    c = st.coef(fit, 1)
    ratio, lo, hi = c.exp(alpha)
    ratio, lo, hi = 1.0 / ratio, 1.0 / hi, 1.0 / lo  # internalization / substitution
    meets, contra = ratio_criteria(ratio, lo, hi, clause.threshold)
    return directional_estimate(
        ratio, lo, hi, c.p_value, null=1.0, meets=meets, meets_contra=contra, n=n_int + n_sub, **extra
    )


def h3(data: PointData, clause: Clause, alpha: float, min_n: int, bootstrap) -> Dict:
    d = data.dyads
    a = d["asymmetry"]
    high = np.abs(a) >= 0.5
    unilateral = d["dependence_imbalance"] >= 0.5
    extra = {
        "unilateral_share_high_asymmetry": float(unilateral[high].mean()) if high.any() else np.nan,
        "unilateral_share_low_asymmetry": float(unilateral[~high].mean()) if (~high).any() else np.nan,
    }
    x, y = (d[k] for k in CORRELATIONS["H3"])
    return _positive_correlation(x, y, clause, alpha, min_n, "H3", _boot(bootstrap, "H3"), **extra)


def h4(data: PointData, clause: Clause, alpha: float, min_n: int, bootstrap) -> Dict:
    """Hamel 2b: the legal structure (equity share e_A) has only a minor influence over the *pattern* of learning
    and bargaining power: |rho(e_A, a)| < 0.3 and |rho(e_A, power shift)| < 0.3, both as equivalence tests
    (intersection-union: p = the larger p). If either correlation lies beyond the bound the clause is on the
    contradicting side, p = Bonferroni over the two. rho(e_A, P_A(end)), the legal share of the power *level*
    (mechanical through w_legal), and rho(a, P_A(end)) are reported for comparison."""
    d = data.dyads
    e = d["equity_A"]
    if len(e) and np.ptp(e) == 0:
        return not_estimable(
            "equity_A does not vary in this run (initial.equity_A is fixed): H4 needs equity variation, "
            "e.g. initial.equity_A = {dist = 'uniform', low = 0.2, high = 0.8} (experiments/propositions.toml)",
            n=len(e),
        )
    parts = {
        part: _weak_correlation(
            *(d[k] for k in CORRELATIONS[f"H4 {part}"]), clause, alpha, min_n, "H4", _boot(bootstrap, f"H4 {part}")
        )
        for part in ("asymmetry", "power shift")
    }
    extra = {
        "rho_equity_asymmetry": parts["asymmetry"]["effect"],
        "rho_equity_power_shift": parts["power shift"]["effect"],
        "rho_equity_power_end": st.spearman(e, d["power_A_end"], alpha)[0],
        "rho_asymmetry_power_end": st.spearman(d["asymmetry"], d["power_A_end"], alpha)[0],
    }
    if any(not np.isfinite(r["p_value"]) for r in parts.values()):
        return not_estimable("H4: not estimable (a correlation with equity is undefined)", n=len(e), **extra)
    against = [r for r in parts.values() if r["side"] == "contradict"]
    if against:
        pick = min(against, key=lambda r: r["p_value"])
        p = min(1.0, 2.0 * pick["p_value"])
    else:
        pick = max(parts.values(), key=lambda r: abs(r["effect"]))
        p = max(r["p_value"] for r in parts.values())
    which = "asymmetry" if pick is parts["asymmetry"] else "power shift"
    return {
        **pick,
        "p_value": p,
        "meets": all(r["meets"] for r in parts.values()),  # both correlations inside the bounds
        "note": f"larger |rho| is with the {which}",
        **extra,
    }


def h5(data: PointData, clause: Clause, alpha: float, min_n: int, bootstrap) -> Dict:
    d = data.dyads
    terminated = d["cause"] != 0
    rho_t, *_ = st.spearman(d["duration"][terminated], d["joint_learning"][terminated], alpha)
    x, y = (d[k] for k in CORRELATIONS["H5"])
    return _weak_correlation(x, y, clause, alpha, min_n, "H5", _boot(bootstrap, "H5"), rho_terminated_only=rho_t)


CHECKS = {"H1": h1, "H2": h2, "H3": h3, "H4": h4, "H5": h5}
