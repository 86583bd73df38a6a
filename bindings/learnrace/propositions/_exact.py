"""Exact conditional inference on a common rate ratio across strata (docs/statistics.md, "Rate ratios").

Two groups (condition, reference) with event counts k and exposures n (rows) per stratum. Under a Poisson model
with one rate per stratum and a common ratio theta of condition to reference rate, the events in the condition
group of stratum s, given that stratum's total E_s, are Binomial(E_s, pi_s) with
pi_s = n_cs theta / (n_cs theta + n_rs), and their sum T over the strata is sufficient for theta (Gart 1970; the
conditional test of two Poisson rates, Przyborowski & Wilenski 1940, is the one-stratum case). The (1 - alpha)
interval inverts the two one-sided tests of T, each at alpha / 2 (Clopper-Pearson-type), so it holds with any number
of events; the two-sided p-value is twice the smaller tail. With 0/1 rows (risk ratios) the Poisson reading is
conservative (a binomial count varies less than a Poisson one).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import optimize, stats

# The pmf of a binomial is kept where it exceeds this fraction of its mode; the mass dropped is below 1e-300 and
# the convolution of the strata stays small for large counts.
_PMF_FLOOR = 1e-300
_LOG_THETA_BRACKET = 60.0  # |log theta| searched for the interval ends (e^60 ~ 1e26)


@dataclass(frozen=True)
class ExactRatio:
    """Conditional MLE-free summary: the interval and p-value of theta = 1 from the exact conditional test."""

    ci_low: float
    ci_high: float
    p_value: float
    events_condition: int
    events_total: int


def _binom_pmf(total: int, prob: float):
    """(offset, pmf) of Binomial(total, prob), truncated to where the pmf is above _PMF_FLOOR."""
    if prob <= 0.0:
        return 0, np.ones(1)
    if prob >= 1.0:
        return total, np.ones(1)
    k = np.arange(total + 1)
    pmf = stats.binom.pmf(k, total, prob)
    keep = np.nonzero(pmf > _PMF_FLOOR)[0]
    if len(keep) == 0:  # numerically degenerate: all the mass on the mode
        mode = int(np.floor((total + 1) * prob))
        return min(mode, total), np.ones(1)
    return int(keep[0]), pmf[keep[0] : keep[-1] + 1]


def _sum_distribution(totals, probs):
    """(offset, pmf) of the sum of independent Binomial(totals[s], probs[s])."""
    offset, pmf = 0, np.ones(1)
    for e, p in zip(totals, probs):
        o, f = _binom_pmf(int(e), float(p))
        offset += o
        pmf = np.convolve(pmf, f)
    return offset, pmf / pmf.sum()


def _tails(t: int, theta: float, totals, n_cond, n_ref):
    """(P(T >= t), P(T <= t)) at ratio theta."""
    probs = n_cond * theta / (n_cond * theta + n_ref)
    offset, pmf = _sum_distribution(totals, probs)
    i = t - offset
    upper = float(pmf[max(i, 0) :].sum()) if i < len(pmf) else 0.0
    lower = float(pmf[: i + 1].sum()) if i >= 0 else 0.0
    return min(upper, 1.0), min(lower, 1.0)


def exact_rate_ratio(k_cond, n_cond, k_ref, n_ref, alpha: float) -> ExactRatio:
    """Exact conditional (1 - alpha) interval and two-sided p-value (theta = 1) of the common ratio of the
    condition group's rate to the reference group's, per-stratum arrays of event counts ``k_*`` and exposures
    ``n_*``. Strata without events or without one of the groups carry no information and are ignored; with no
    informative stratum the interval is (0, inf) and p = 1."""
    k_cond, n_cond, k_ref, n_ref = (
        np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in (k_cond, n_cond, k_ref, n_ref)
    )
    if np.any(k_cond < 0) or np.any(k_ref < 0) or np.any(k_cond > n_cond) or np.any(k_ref > n_ref):
        raise ValueError("event counts must lie between 0 and their exposures")
    totals = k_cond + k_ref
    use = (totals > 0) & (n_cond > 0) & (n_ref > 0)
    totals, kc, nc, nr = totals[use].astype(np.int64), k_cond[use].astype(np.int64), n_cond[use], n_ref[use]
    t, t_max = int(kc.sum()), int(totals.sum())
    if t_max == 0:
        return ExactRatio(0.0, np.inf, 1.0, t, t_max)

    def tail_at(log_theta: float, which: int) -> float:
        return _tails(t, float(np.exp(log_theta)), totals, nc, nr)[which]

    half = alpha / 2.0
    b = _LOG_THETA_BRACKET
    # P(T >= t) rises with theta: the lower end solves P(T >= t; theta) = alpha / 2 (0 when t = 0).
    if t == 0 or tail_at(-b, 0) >= half:
        lo = 0.0
    elif tail_at(b, 0) <= half:
        lo = float(np.exp(b))
    else:
        lo = float(np.exp(optimize.brentq(lambda x: tail_at(x, 0) - half, -b, b, xtol=1e-10)))
    # P(T <= t) falls with theta: the upper end solves P(T <= t; theta) = alpha / 2 (inf when t = t_max).
    if t == t_max or tail_at(b, 1) >= half:
        hi = np.inf
    elif tail_at(-b, 1) <= half:
        hi = float(np.exp(-b))
    else:
        hi = float(np.exp(optimize.brentq(lambda x: tail_at(x, 1) - half, -b, b, xtol=1e-10)))
    upper, lower = _tails(t, 1.0, totals, nc, nr)
    p = min(1.0, 2.0 * min(upper, lower))
    return ExactRatio(lo, hi, p, t, t_max)
