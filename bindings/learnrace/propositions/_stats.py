"""Estimators shared by the clause tests: log-link and logit GLMs with dyad-clustered standard errors (statsmodels),
Spearman correlations with Fisher-z intervals, equivalence p-values. Formulas: docs/statistics.md."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .._optional import require

stats = require("scipy.stats", "learnrace.propositions")


def _sm():
    return require("statsmodels.api", "learnrace.propositions")


def z_crit(alpha: float) -> float:
    """Two-sided normal critical value, e.g. 2.576 for alpha = 0.01."""
    return float(stats.norm.ppf(1.0 - alpha / 2.0))


@dataclass
class Coef:
    """One coefficient of a fitted GLM: estimate and its (cluster-robust) standard error on the link scale."""

    estimate: float
    se: float

    @property
    def z(self) -> float:
        return self.estimate / self.se if self.se > 0 else np.nan

    @property
    def p_value(self) -> float:
        """Two-sided Wald p-value of H0: coefficient = 0."""
        return float(2.0 * stats.norm.sf(abs(self.z))) if np.isfinite(self.z) else np.nan

    def ci(self, alpha: float) -> tuple:
        half = z_crit(alpha) * self.se
        return self.estimate - half, self.estimate + half

    def exp(self, alpha: float) -> tuple:
        """(exp(estimate), exp(lower), exp(upper))."""
        lo, hi = self.ci(alpha)
        return float(np.exp(self.estimate)), float(np.exp(lo)), float(np.exp(hi))


def fit_glm(y, X, groups, family: str, cov: str = "cluster", offset=None):
    """Fit ``y ~ X`` (X includes the constant) with statsmodels GLM. ``family``: ``"poisson"`` (log link; with a 0/1
    outcome this is the modified-Poisson risk-ratio regression of Zou 2004) or ``"binomial"`` (logit; ``y`` may be
    a 0/1 vector or a [successes, failures] matrix of aggregated rows). ``cov``: ``"cluster"`` (sandwich clustered
    by ``groups``, with statsmodels' small-sample correction) or ``"naive"`` (model-based)."""
    sm = _sm()
    fam = sm.families.Poisson() if family == "poisson" else sm.families.Binomial()
    model = sm.GLM(
        np.asarray(y, dtype=np.float64), np.asarray(X, dtype=np.float64), family=fam, offset=offset, hasconst=True
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if cov == "cluster":
            return model.fit(cov_type="cluster", cov_kwds={"groups": np.asarray(groups)})
        if cov == "naive":
            return model.fit()
    raise ValueError(f"cov must be 'cluster' or 'naive', not {cov!r}")


def coef(fit, j: int) -> Coef:
    return Coef(float(fit.params[j]), float(fit.bse[j]))


def dummies(codes: np.ndarray, levels: Sequence | None = None) -> np.ndarray:
    """Treatment-coded indicator columns of ``codes``, dropping the first level (empty when one level)."""
    codes = np.asarray(codes)
    levels = np.unique(codes) if levels is None else np.asarray(levels)
    return np.stack([(codes == v).astype(np.float64) for v in levels[1:]], axis=1) if len(levels) > 1 else None


def design(*columns) -> np.ndarray:
    """Constant plus the given columns (1-D arrays or 2-D blocks; None is skipped)."""
    parts = []
    n = None
    for c in columns:
        if c is None:
            continue
        c = np.asarray(c, dtype=np.float64)
        parts.append(c[:, None] if c.ndim == 1 else c)
        n = len(c)
    if n is None:
        raise ValueError("design needs at least one column")
    return np.column_stack([np.ones(n), *parts])


def spearman(x, y, alpha: float, bootstrap=None):
    """Spearman rho with a Fisher-z (1 - alpha) interval. The SE of atanh(rho) is the dyad-bootstrap one when
    ``bootstrap`` = (replicates, seed) is given (``_bootstrap.fisher_z_se``), else the normal-theory
    sqrt(1.06 / (n - 3)) (Fieller, Hartley & Pearson 1957), which is too small at high rho with ties. Returns
    (rho, lo, hi, se_z, n); NaN when a variable is constant or n < 10."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    ok = np.isfinite(x) & np.isfinite(y)
    x, y = x[ok], y[ok]
    n = len(x)
    if n < 10 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return np.nan, np.nan, np.nan, np.nan, n
    rho = float(stats.spearmanr(x, y).statistic)
    if bootstrap is None:
        se = float(np.sqrt(1.06 / (n - 3)))
    else:
        from ._bootstrap import fisher_z_se

        se = fisher_z_se(x, y, *bootstrap)
    zr = np.arctanh(np.clip(rho, -0.999999, 0.999999))
    h = z_crit(alpha) * se
    return rho, float(np.tanh(zr - h)), float(np.tanh(zr + h)), se, n


def p_beyond(estimate_z: float, bound_z: float, se: float, upper: bool) -> float:
    """One-sided p of H0: theta <= bound (upper=True) or theta >= bound (upper=False), on the z (link) scale."""
    if not (np.isfinite(estimate_z) and np.isfinite(se)) or se <= 0:
        return np.nan
    d = (estimate_z - bound_z) / se
    return float(stats.norm.sf(d) if upper else stats.norm.cdf(d))


def two_sided_from_one(p_one: float) -> float:
    """Double a one-sided p (capped at 1): the decision p < alpha then matches a (1 - alpha) two-sided interval
    excluding the bound."""
    return float(min(1.0, 2.0 * p_one)) if np.isfinite(p_one) else np.nan
