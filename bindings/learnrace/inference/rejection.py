"""Rejection ABC, the simple baseline (Pritchard et al. 1999; Beaumont et al. 2002 without the regression step).

Draw ``simulations`` parameter points from the prior, simulate one data set at each, and keep the ``accept`` points
whose statistics are nearest to the observed ones: the Euclidean distance of the statistics, each divided by its
median absolute deviation over the prior simulations (its standard deviation where that is 0). The kept points are
an equally weighted sample of the ABC posterior at the tolerance ``epsilon`` = the largest kept distance.

The reference table (the prior draws and their statistics) does not depend on the observed data, so simulation-based
calibration reuses one table for every synthetic data set (:func:`from_table`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .._errors import ConfigError


class Table(NamedTuple):
    """Prior draws ``theta`` [n, keys] and the statistics ``x`` [n, columns] of their simulated data sets."""

    theta: np.ndarray
    x: np.ndarray


def scales(x: np.ndarray, columns) -> np.ndarray:
    """Per statistic: the median absolute deviation (scaled to a standard deviation under normality) over the finite
    rows, else the standard deviation; ConfigError for a statistic that is the same in every simulation."""
    ok = np.isfinite(x).all(axis=1)
    if not ok.any():
        raise ConfigError("statistics: no simulation gave finite values of every statistic", "statistics")
    y = x[ok]
    mad = 1.4826 * np.median(np.abs(y - np.median(y, axis=0)), axis=0)
    sd = y.std(axis=0)
    scale = np.where(mad > 0, mad, sd)
    constant = np.flatnonzero(scale == 0)
    if len(constant):
        names = ", ".join(columns[j] for j in constant)
        raise ConfigError(
            f"statistics: {names} is the same in every one of {len(y)} simulations from the prior (value "
            f"{y[0, constant[0]]:.6g}): it cannot tell parameter values apart; remove it or widen the prior",
            f"statistics.{columns[constant[0]]}",
        )
    return scale


def distances(x: np.ndarray, observed: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Scaled Euclidean distances of the rows of ``x`` to ``observed`` (inf where a statistic is not finite)."""
    d = np.sqrt((((x - observed) / scale) ** 2).sum(axis=1))
    return np.where(np.isfinite(d), d, np.inf)


def accepted_count(accept, simulations: int) -> int:
    if accept is None:
        return max(1, round(0.01 * simulations))
    if isinstance(accept, float) and 0 < accept < 1:
        return max(1, round(accept * simulations))
    if isinstance(accept, (int, np.integer)) and not isinstance(accept, bool) and 1 <= accept <= simulations:
        return int(accept)
    raise ConfigError(
        f"accept: {accept!r} is not a count in [1, simulations = {simulations}] or a fraction in (0, 1)", "accept"
    )


def from_table(table: Table, observed: np.ndarray, accept: int, scale: np.ndarray) -> tuple:
    """(kept theta, diagnostics) for one observed data set."""
    d = distances(table.x, observed, scale)
    keep = np.argsort(d, kind="stable")[:accept]
    eps = float(d[keep[-1]])
    if not np.isfinite(eps):
        raise ConfigError(
            f"accept = {accept}: fewer simulations than that have finite statistics; accept fewer", "accept"
        )
    return table.theta[keep], {"epsilon": eps, "accepted": int(accept), "acceptance_rate": accept / len(d)}


def run(simulator, observed: np.ndarray, simulations: int, accept=None, rng=None) -> tuple:
    """Rejection ABC with a new reference table: (theta [accept, keys], weights, diagnostics, table)."""
    rng = rng if rng is not None else np.random.default_rng()
    n = accepted_count(accept, simulations)
    theta = simulator.prior.sample(simulations, rng)
    table = Table(theta, simulator(theta))
    scale = scales(table.x, simulator.statistics.columns)
    kept, diagnostics = from_table(table, observed, n, scale)
    diagnostics["invalid_simulations"] = int((~np.isfinite(table.x).all(axis=1)).sum())
    diagnostics["scale"] = scale.tolist()
    return kept, np.full(len(kept), 1.0 / len(kept)), diagnostics, table
