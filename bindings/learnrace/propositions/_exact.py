"""Exact conditional inference on a common rate ratio across strata (docs/statistics.md, "Rate ratios").

Two groups (condition, reference) with event counts k and exposures n (rows) per stratum. Under a Poisson model
with one rate per stratum and a common ratio theta of condition to reference rate, the events in the condition
group of stratum s, given that stratum's total E_s, are Binomial(E_s, pi_s) with
pi_s = n_cs theta / (n_cs theta + n_rs), and their sum T over the strata is sufficient for theta (Gart 1970; the
conditional test of two Poisson rates, Przyborowski & Wilenski 1940, is the one-stratum case). The (1 - alpha)
interval inverts the two one-sided tests of T, each at alpha / 2 (Clopper-Pearson-type), so it holds with any number
of events; the two-sided p-value is twice the smaller tail. With 0/1 rows (risk ratios) the Poisson reading is
conservative (a binomial count varies less than a Poisson one).

With no event in one group (T = 0 or T = E) the maximum likelihood estimate is 0 or infinite and the interval is
one-sided: [lower end, inf) or [0, upper end], each end the same exact alpha / 2 bound as in the two-sided interval.
The point estimate is then the conditional median-unbiased estimate (Birnbaum 1964; Hirji, Tsiatis & Mehta 1989):
the theta at which the observed T is the median, P(T >= t; theta) = 1/2 for T = E and P(T <= t; theta) = 1/2 for
T = 0, which is finite (``median_unbiased``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._optional import require

optimize = require("scipy.optimize", "learnrace.propositions")
special = require("scipy.special", "learnrace.propositions")
stats = require("scipy.stats", "learnrace.propositions")

# The pmf of a binomial is kept where it exceeds this fraction of its mode; the mass dropped is negligible and
# the convolution of the strata stays short for large counts.
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


class _Strata:
    """Per-stratum totals E_s, exposures and log binomial coefficients (computed once per test)."""

    def __init__(self, totals, n_cond, n_ref):
        self.totals, self.n_cond, self.n_ref = totals, n_cond, n_ref
        self.k = [np.arange(e + 1, dtype=np.float64) for e in totals]
        self.log_coef = [special.gammaln(e + 1.0) - special.gammaln(k + 1.0) - special.gammaln(e - k + 1.0)
                         for e, k in zip(totals, self.k)]  # fmt: skip

    def sum_distribution(self, theta: float):
        """(offset, pmf) of T = sum of Binomial(E_s, pi_s(theta)), each pmf truncated where it is below
        _PMF_FLOOR times its mode (the mass dropped is negligible)."""
        offset, pmf = 0, np.ones(1)
        for e, nc, nr, k, lc in zip(self.totals, self.n_cond, self.n_ref, self.k, self.log_coef):
            log_p = np.log(nc * theta) - np.log(nc * theta + nr)
            log_q = np.log(nr) - np.log(nc * theta + nr)
            logf = lc + k * log_p + (e - k) * log_q
            f = np.exp(logf - logf.max())
            keep = np.nonzero(f > _PMF_FLOOR)[0]
            offset += int(keep[0])
            pmf = np.convolve(pmf, f[keep[0] : keep[-1] + 1])
        return offset, pmf / pmf.sum()

    def tails(self, t: int, theta: float):
        """(P(T >= t), P(T <= t)) at ratio theta."""
        offset, pmf = self.sum_distribution(theta)
        i = t - offset
        upper = float(pmf[max(i, 0) :].sum()) if i < len(pmf) else 0.0
        lower = float(pmf[: i + 1].sum()) if i >= 0 else 0.0
        return min(upper, 1.0), min(lower, 1.0)


def _one_stratum(t: int, e: int, n_cond: float, n_ref: float, alpha: float):
    """Closed form with one stratum: the Clopper-Pearson interval of pi mapped to theta = pi / (1 - pi) * n_r / n_c
    (beta quantiles), and twice the smaller binomial tail at theta = 1."""
    to_theta = n_ref / n_cond
    lo = 0.0 if t == 0 else float(stats.beta.ppf(alpha / 2, t, e - t + 1))
    hi = 1.0 if t == e else float(stats.beta.ppf(1 - alpha / 2, t + 1, e - t))
    lo = lo / (1 - lo) * to_theta
    hi = np.inf if hi >= 1.0 else hi / (1 - hi) * to_theta
    pi0 = n_cond / (n_cond + n_ref)
    p = min(1.0, 2.0 * min(float(stats.binom.sf(t - 1, e, pi0)), float(stats.binom.cdf(t, e, pi0))))
    return lo, hi, p


def _prepare(k_cond, n_cond, k_ref, n_ref):
    """Informative strata (events and both groups) as (totals E_s, condition events, n_cond, n_ref)."""
    k_cond, n_cond, k_ref, n_ref = (
        np.atleast_1d(np.asarray(v, dtype=np.float64)) for v in (k_cond, n_cond, k_ref, n_ref)
    )
    if np.any(k_cond < 0) or np.any(k_ref < 0) or np.any(k_cond > n_cond) or np.any(k_ref > n_ref):
        raise ValueError("event counts must lie between 0 and their exposures")
    totals = k_cond + k_ref
    use = (totals > 0) & (n_cond > 0) & (n_ref > 0)
    return totals[use].astype(np.int64), k_cond[use].astype(np.int64), n_cond[use], n_ref[use]


def _solve_tail(strata: _Strata, t: int, which: int, level: float) -> float:
    """theta at which the tail ``which`` (0: P(T >= t), rising with theta; 1: P(T <= t), falling) equals ``level``,
    within the bracket |log theta| <= _LOG_THETA_BRACKET (0 or inf where the level lies beyond it on the open
    side, the bracket's end on the other)."""
    b = _LOG_THETA_BRACKET

    def tail_at(log_theta: float) -> float:
        return strata.tails(t, float(np.exp(log_theta)))[which]

    if which == 0:  # rises with theta: already above the level at the bracket's low end -> 0
        if tail_at(-b) >= level:
            return 0.0
        if tail_at(b) <= level:
            return float(np.exp(b))
    else:  # falls with theta: still above the level at the bracket's high end -> inf
        if tail_at(b) >= level:
            return np.inf
        if tail_at(-b) <= level:
            return float(np.exp(-b))
    return float(np.exp(optimize.brentq(lambda x: tail_at(x) - level, -b, b, xtol=1e-9)))


def median_unbiased(k_cond, n_cond, k_ref, n_ref) -> float:
    """Conditional median-unbiased estimate of the common ratio when one group has no event (T = 0 or T = E): the
    theta with P(T <= 0; theta) = 1/2, resp. P(T >= E; theta) = 1/2 (finite). NaN without an informative stratum;
    for 0 < T < E the estimate is the midpoint on the log scale of the two half-tail solutions."""
    totals, kc, nc, nr = _prepare(k_cond, n_cond, k_ref, n_ref)
    t, t_max = int(kc.sum()), int(totals.sum())
    if t_max == 0:
        return np.nan
    if len(totals) == 1:
        e, to_theta = t_max, float(nr[0]) / float(nc[0])
        if t == 0:  # (1 - pi)^E = 1/2
            pi = -np.expm1(np.log(0.5) / e)
            return float(pi / (1 - pi) * to_theta)
        if t == e:  # pi^E = 1/2
            pi = float(np.exp(np.log(0.5) / e))
            return float(pi / (1 - pi) * to_theta)
    strata = _Strata(totals, nc, nr)
    if t == 0:
        return _solve_tail(strata, t, 1, 0.5)
    if t == t_max:
        return _solve_tail(strata, t, 0, 0.5)
    lo, hi = _solve_tail(strata, t, 0, 0.5), _solve_tail(strata, t, 1, 0.5)
    return float(np.sqrt(lo * hi))


def exact_rate_ratio(k_cond, n_cond, k_ref, n_ref, alpha: float) -> ExactRatio:
    """Exact conditional (1 - alpha) interval and two-sided p-value (theta = 1) of the common ratio of the
    condition group's rate to the reference group's, per-stratum arrays of event counts ``k_*`` and exposures
    ``n_*``. Strata without events or without one of the groups carry no information and are ignored; with no
    informative stratum the interval is (0, inf) and p = 1. With T = 0 (T = E) the interval is one-sided, [0, hi]
    ([lo, inf)), its finite end the exact alpha / 2 bound."""
    totals, kc, nc, nr = _prepare(k_cond, n_cond, k_ref, n_ref)
    t, t_max = int(kc.sum()), int(totals.sum())
    if t_max == 0:
        return ExactRatio(0.0, np.inf, 1.0, t, t_max)
    if len(totals) == 1:
        return ExactRatio(*_one_stratum(t, t_max, float(nc[0]), float(nr[0]), alpha), t, t_max)
    strata = _Strata(totals, nc, nr)
    half = alpha / 2.0
    # P(T >= t) rises with theta: the lower end solves P(T >= t; theta) = alpha / 2 (0 when t = 0).
    lo = 0.0 if t == 0 else _solve_tail(strata, t, 0, half)
    # P(T <= t) falls with theta: the upper end solves P(T <= t; theta) = alpha / 2 (inf when t = t_max).
    hi = np.inf if t == t_max else _solve_tail(strata, t, 1, half)
    upper, lower = strata.tails(t, 1.0)
    p = min(1.0, 2.0 * min(upper, lower))
    return ExactRatio(lo, hi, p, t, t_max)
