"""Posterior predictive checks: simulate new data sets at posterior draws and compare their statistics with the
observed ones (Gelman, Meng & Stern 1996)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from .posterior import Posterior
from .simulator import Simulator
from .statistics import StatisticSet


def simulate(
    posterior: Posterior,
    draws: int = 200,
    seed: int | None = None,
    statistics: Any = None,
    backend: str = "auto",
    threads: int | None = None,
) -> pd.DataFrame:
    """The statistics of one new simulated data set (as many dyads as the inference used) at each of ``draws``
    posterior draws (resampled by weight): one row per draw, its parameters and its statistics. ``seed``: of the
    resampling and the engine (default: the inference's seed + 1, so the data sets are new). ``statistics``:
    needed only when the inference used a user-defined statistic (a posterior stores specs, not functions)."""
    specs = posterior._data["statistics"]
    if statistics is None:
        if any(s is None for s in specs):
            raise ValueError("the posterior used a user-defined statistic: pass statistics=")
        statistics = specs
    stats = StatisticSet(statistics)
    # simulations of their own: by default the engine seed after the inference's (run.seed + 1)
    seed = posterior.attrs["seed"] + 1 if seed is None else seed
    theta = posterior.draws(draws, seed=seed)
    base = posterior._data["attrs"]["base_toml"]
    dyads = posterior.attrs["dyads_per_simulation"]
    with Simulator(base, posterior.prior, stats, dyads, seed % 2**32, backend, threads) as sim:
        x = sim(theta[posterior.keys].to_numpy())
    return pd.concat([theta.reset_index(drop=True), pd.DataFrame(x, columns=stats.columns)], axis=1)


def check(posterior: Posterior, predictive: pd.DataFrame) -> pd.DataFrame:
    """Per statistic: the observed value, the predictive median and central 90% range, and the two-sided predictive
    p-value 2 min(P(x >= observed), P(x <= observed)) (small: the fitted model rarely gives data like these)."""
    rows = []
    for column, obs in posterior.observed.items():
        x = predictive[column].to_numpy(dtype=np.float64)
        x = x[np.isfinite(x)]
        upper, lower = float((x >= obs).mean()), float((x <= obs).mean())
        rows.append(
            {
                "statistic": column,
                "observed": float(obs),
                "predictive_median": float(np.median(x)),
                "predictive_5%": float(np.quantile(x, 0.05)),
                "predictive_95%": float(np.quantile(x, 0.95)),
                "p_value": min(1.0, 2 * min(upper, lower)),
            }
        )
    return pd.DataFrame(rows).set_index("statistic")
