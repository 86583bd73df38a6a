"""Simulation-based calibration (Talts et al. 2018) and parameter recovery of an inference method.

SBC: draw theta* from the prior, simulate one synthetic data set at theta* (as many dyads as the real data would
have), fit it with the method, and record the rank of theta* among L posterior draws (0..L) and whether the central
50% and 90% posterior intervals cover it. For a calibrated method the ranks are uniform on 0..L and the coverage of a
level-a interval is Binomial(N, a) / N over N synthetic data sets; :func:`coverage_table` gives the empirical
coverage with the central 95% range of that binomial (the range a calibrated method falls in 95% of the time) and
:func:`rank_table` a chi-square test of uniform ranks.

Rejection ABC reuses one reference table and NPE one trained network for every synthetic data set (both amortise);
ABC-SMC fits every data set anew. The synthetic data sets are simulations of their own (new point keys).
"""

from __future__ import annotations

import time
from typing import Any, Dict, List

import numpy as np
import pandas as pd

from .api import method_options
from .posterior import weighted_quantile
from .simulator import Simulator


def _resample(theta: np.ndarray, weights: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    if np.allclose(weights, weights[0]) and len(theta) == n:
        return theta
    return theta[rng.choice(len(theta), size=n, p=weights / weights.sum())]


def run(
    simulator: Simulator,
    method: str,
    datasets: int = 100,
    simulations: int = 10_000,
    draws: int = 100,
    seed: int = 1,
    **options: Any,
) -> Dict[str, Any]:
    """SBC of ``method`` on ``datasets`` synthetic data sets. ``simulations``: the reference table (rejection), the
    training set (npe) or the budget per data set (abc-smc); ``draws``: posterior draws L per data set (rejection
    keeps exactly L draws: ``accept = draws``). Returns ``ranks`` (frame: dataset, key, theta, rank, covered_50,
    covered_90), ``truth``, ``cost`` (simulations, dyad-periods, seconds, per posterior) and ``draws``; for the
    amortised methods also the reference ``table`` (and rejection's ``scale``, NPE's trained ``estimator``), which fit
    any further data set at no simulation cost."""
    from . import abc_smc, npe, rejection

    method, settings = method_options(method, options)
    rng = np.random.default_rng(seed)
    start = time.monotonic()
    before = simulator.cost()
    truth = simulator.prior.sample(datasets, rng)
    observed = simulator(truth)
    ok = np.isfinite(observed).all(axis=1)
    setup = simulator.cost()
    fits: List[np.ndarray] = []
    per_fit_sims: List[int] = []
    amortised: Dict[str, Any] = {}
    if method == "rejection":
        theta = simulator.prior.sample(simulations, rng)
        table = rejection.Table(theta, simulator(theta))
        scale = rejection.scales(table.x, simulator.statistics.columns)
        amortised = {"table": table, "scale": scale}
        for x in observed:
            fits.append(rejection.from_table(table, x, draws, scale)[0])
    elif method == "npe":
        theta = simulator.prior.sample(simulations, rng)
        table = rejection.Table(theta, simulator(theta))
        rejection.scales(table.x, simulator.statistics.columns)
        training = settings["training"] or {}
        estimator = npe.train(table.theta, table.x, simulator.prior, seed, settings["device"], **training)
        amortised = {"table": table, "estimator": estimator}
        for i, x in enumerate(observed):
            fits.append(estimator.sample(x, draws, seed + 1 + i) if ok[i] else np.full((draws, len(truth[0])), np.nan))
    else:
        smc = {k: v for k, v in settings.items()}
        for i, x in enumerate(observed):
            n0 = simulator.simulations
            theta, w, _, _ = abc_smc.run(simulator, x, simulations, seed=seed + 1 + i, **smc)
            per_fit_sims.append(simulator.simulations - n0)
            fits.append(_resample(theta, w, draws, rng))
    end = simulator.cost()
    rows = []
    keys = simulator.prior.keys
    for i, (t, sample) in enumerate(zip(truth, fits)):
        for j, key in enumerate(keys):
            s = sample[:, j]
            if not np.isfinite(s).all():
                continue
            ones = np.ones(len(s))
            lo50, hi50 = weighted_quantile(s, ones, 0.25), weighted_quantile(s, ones, 0.75)
            lo90, hi90 = weighted_quantile(s, ones, 0.05), weighted_quantile(s, ones, 0.95)
            rows.append(
                {
                    "dataset": i,
                    "key": key,
                    "theta": t[j],
                    "rank": int((s < t[j]).sum()),
                    "covered_50": bool(lo50 <= t[j] <= hi50),
                    "covered_90": bool(lo90 <= t[j] <= hi90),
                    "posterior_mean": float(s.mean()),
                    "posterior_sd": float(s.std()),
                }
            )
    fitting = end["simulations"] - setup["simulations"]
    periods = end["dyad_periods"] - setup["dyad_periods"]
    seconds = time.monotonic() - start
    cost = {
        "method": method,
        "datasets": int(datasets),
        "draws": int(draws),
        "synthetic_simulations": setup["simulations"] - before["simulations"],
        "fitting_simulations": fitting,
        "fitting_dyad_periods": periods,
        "seconds": seconds,
        "amortised": method != "abc-smc",
        "simulations_per_posterior": float(np.mean(per_fit_sims)) if per_fit_sims else float(fitting),
        "dyad_periods_per_posterior": periods / datasets if per_fit_sims else float(periods),
    }
    return {"ranks": pd.DataFrame(rows), "truth": truth, "cost": cost, "draws": draws, "fits": fits, **amortised}


def binomial_range(n: int, p: float, level: float = 0.95) -> tuple:
    """The central ``level`` range of Binomial(n, p) / n: where a calibrated coverage falls with that probability."""
    from scipy import stats

    lo = stats.binom.ppf((1 - level) / 2, n, p)
    hi = stats.binom.ppf(1 - (1 - level) / 2, n, p)
    return lo / n, hi / n


def coverage_table(ranks: pd.DataFrame, method: str) -> pd.DataFrame:
    """Per key: coverage of the central 50% and 90% intervals and the binomial 95% range of each, and whether the
    coverage lies in it."""
    rows = []
    for key, g in ranks.groupby("key", sort=False):
        n = len(g)
        row = {"method": method, "key": key, "datasets": n}
        for level in (50, 90):
            c = float(g[f"covered_{level}"].mean())
            lo, hi = binomial_range(n, level / 100)
            row[f"coverage_{level}"] = c
            row[f"range_{level}"] = f"[{lo:.2f}, {hi:.2f}]"
            row[f"ok_{level}"] = bool(lo <= c <= hi)
        rows.append(row)
    return pd.DataFrame(rows)


def rank_table(ranks: pd.DataFrame, draws: int, method: str, bins: int = 10) -> pd.DataFrame:
    """Per key: chi-square test that the SBC ranks (0..draws) are uniform, in ``bins`` equal bins."""
    from scipy import stats

    rows = []
    for key, g in ranks.groupby("key", sort=False):
        r = g["rank"].to_numpy()
        counts = np.histogram(r, bins=bins, range=(0, draws + 1))[0]
        expected = len(r) / bins
        chi2 = float(((counts - expected) ** 2 / expected).sum())
        rows.append(
            {
                "method": method,
                "key": key,
                "chi2": chi2,
                "p_value": float(stats.chi2.sf(chi2, bins - 1)),
                "mean_rank": float(r.mean() / draws),
            }
        )
    return pd.DataFrame(rows)
