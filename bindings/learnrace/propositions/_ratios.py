"""Rate ratios and proportions that hold with few events and with repeated moves of one dyad (docs/statistics.md,
"Rate ratios").

Two intervals are computed and the reported one is their union (the p-value the larger of the two):

* the exact conditional interval (``_exact``), which holds however few the events but treats moves as independent;
* the Wald interval of a log-link (modified Poisson) GLM with a dyad-clustered sandwich, which allows any dependence
  among the moves of a dyad but is too narrow when events are few (the sandwich is then too small).

Each is valid in its own regime; the union is valid in both, and the calibration in docs/statistics.md shows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Tuple

import numpy as np

from . import _stats as st
from ._exact import exact_rate_ratio, median_unbiased


@dataclass(frozen=True)
class RatioEstimate:
    """A rate ratio (condition / reference) with the union interval and its two parts."""

    effect: float
    ci_low: float
    ci_high: float
    p_value: float
    wald: Tuple[float, float, float] | None  # (lo, hi, p) of the clustered GLM; None with no event in a group
    exact: Tuple[float, float, float]  # (lo, hi, p) of the exact conditional test
    events_condition: int
    events_reference: int
    n_used: int
    estimator: str = "mle"  # "median-unbiased" when a group has no event (the MLE would be 0 or inf)

    def inverted(self) -> RatioEstimate:
        """The ratio reference / condition."""

        def inv(v):
            with np.errstate(divide="ignore"):
                return float(np.float64(1.0) / np.float64(v))

        def flip(t):
            return None if t is None else (inv(t[1]), inv(t[0]), t[2])

        return RatioEstimate(
            inv(self.effect),
            inv(self.ci_high),
            inv(self.ci_low),
            self.p_value,
            flip(self.wald),
            flip(self.exact),
            self.events_reference,
            self.events_condition,
            self.n_used,
            self.estimator,
        )

    def columns(self) -> dict:
        """Diagnostic columns: the clustered Wald and the exact conditional parts of the interval."""
        wald = self.wald if self.wald is not None else (np.nan, np.nan, np.nan)
        return {
            "wald_ci_low": wald[0],
            "wald_ci_high": wald[1],
            "wald_p": wald[2],
            "exact_ci_low": self.exact[0],
            "exact_ci_high": self.exact[1],
            "exact_p": self.exact[2],
            "estimator": self.estimator,
        }


def rate_ratio(y, indicator, strata, groups, alpha: float) -> RatioEstimate | None:
    """Ratio of P(y = 1) in the ``indicator`` rows to the other rows, common across ``strata`` (one intercept per
    stratum), with the union of the exact conditional and the dyad-clustered Wald interval. Strata without both
    groups or without any event carry no information on a common ratio and are dropped; None when nothing is left.
    The estimate is the Poisson maximum likelihood one (the same conditionally and unconditionally). With no event
    in one group that would be 0 or inf: the estimate is then the exact conditional median-unbiased one (finite),
    and only the exact interval exists, one-sided ([lo, inf) or [0, hi])."""
    y = np.asarray(y, dtype=bool)
    indicator = np.asarray(indicator, dtype=bool)
    strata = np.asarray(strata)
    groups = np.asarray(groups)
    levels, code = np.unique(strata, return_inverse=True)
    code = code.reshape(-1)
    k = len(levels)
    n_c = np.bincount(code, weights=indicator, minlength=k)
    n_r = np.bincount(code, weights=~indicator, minlength=k)
    k_c = np.bincount(code, weights=y & indicator, minlength=k)
    k_r = np.bincount(code, weights=y & ~indicator, minlength=k)
    informative = (n_c > 0) & (n_r > 0) & (k_c + k_r > 0)
    if not informative.any():
        return None
    keep = informative[code]
    exact = exact_rate_ratio(k_c[informative], n_c[informative], k_r[informative], n_r[informative], alpha)
    e_c, e_r = int(k_c[informative].sum()), int(k_r[informative].sum())
    ex = (exact.ci_low, exact.ci_high, exact.p_value)
    if e_c == 0 or e_r == 0:
        effect = median_unbiased(k_c[informative], n_c[informative], k_r[informative], n_r[informative])
        return RatioEstimate(effect, ex[0], ex[1], ex[2], None, ex, e_c, e_r, int(keep.sum()), "median-unbiased")
    # The design holds only indicators, so the rows can be aggregated to (dyad, group, stratum) cells of counts
    # with log-exposure offsets: the Poisson estimate and the dyad-clustered sandwich are unchanged (each cell's
    # score is the sum of its rows'); only the N of statsmodels' small-sample factor (N - 1) / (N - p) becomes the
    # number of cells.
    _, dyad = np.unique(groups[keep], return_inverse=True)
    key = (dyad.reshape(-1).astype(np.int64) * 2 + indicator[keep]) * k + code[keep]  # < rows * 2 * strata
    cell_keys, inverse = np.unique(key, return_inverse=True)
    inverse = inverse.reshape(-1)
    cells = np.column_stack([cell_keys // (2 * k), (cell_keys // k) % 2, cell_keys % k])
    events = np.bincount(inverse, weights=y[keep].astype(np.float64))
    exposure = np.bincount(inverse).astype(np.float64)
    X = st.design(cells[:, 1].astype(np.float64), st.dummies(cells[:, 2]))
    c = st.coef(st.fit_glm(events, X, cells[:, 0], "poisson", offset=np.log(exposure)), 1)
    effect, lo, hi = c.exp(alpha)
    wald = (lo, hi, c.p_value)
    return RatioEstimate(
        effect, min(lo, ex[0]), max(hi, ex[1]), max(wald[2], ex[2]), wald, ex, e_c, e_r, int(keep.sum())
    )


def proportion(y, groups, alpha: float) -> Tuple[float, float, float]:
    """Share of ``y`` with the union of the Clopper-Pearson interval and the dyad-clustered Wald interval on the
    logit scale (intercept-only binomial GLM). Returns (share, lo, hi); NaNs when there is no row."""
    from statsmodels.stats.proportion import proportion_confint

    y = np.asarray(y, dtype=bool)
    n, k = len(y), int(y.sum())
    if n == 0:
        return np.nan, np.nan, np.nan
    lo, hi = (float(v) for v in proportion_confint(k, n, alpha=alpha, method="beta"))
    if 0 < k < n:
        c = st.coef(st.fit_glm(y, np.ones((n, 1)), groups, "binomial"), 0)
        z_lo, z_hi = c.ci(alpha)
        lo, hi = min(lo, float(1 / (1 + np.exp(-z_lo)))), max(hi, float(1 / (1 + np.exp(-z_hi))))
    return k / n, lo, hi
