"""Scenario checks: the expected direction of a scenario, tested with confidence intervals.

A scenario file (``experiments/scenarios/*.toml``) is an ordinary experiment whose comments state what the sources
lead one to expect, one line per comparison::

    # expect: one_sided.share.race_won_by_A > giver_learns.share.race_won_by_A

Each side is ``POINT.METRIC``. Metrics are per-dyad quantities of one point, so dyads are the independent units:

* ``share.<cause>``: share of the dyads ended by a termination cause (``learnrace.CAUSES``);
* ``power.gained_A`` / ``_B`` / ``_neither`` and ``power.reversal_A`` / ``_B`` / ``_neither``: share of the dyads
  in which A (B, neither) gained bargaining power, or towards which the dependence reversed (``power_outcomes``);
* ``mean.<moment>``: the mean of a summary moment (``learnrace.MOMENTS``), and ``mean.duration``.

A comparison holds when the (1 - alpha) interval of the difference ``left - right`` lies above 0. Points are
treated as independent samples (conservative under common random numbers, whose positive correlation narrows the
true interval); two shares of one point in the same row (e.g. ``power.gained_B`` vs ``power.gained_A``) use their
multinomial covariance, any other pair from one point the Cauchy-Schwarz bound on theirs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import List, Sequence, Tuple

import numpy as np
import pandas as pd

from . import labels

_EXPECT = re.compile(r"^#\s*expect:\s*(\S+)\s*>\s*(\S+)\s*$")
_POWER_ROWS = ("gained", "reversal")
_POWER_COLUMNS = ("A", "B", "neither")


@dataclass(frozen=True)
class Estimate:
    """A metric of one point: its value, the variance of that value, and what a covariance needs."""

    point: int
    value: float
    variance: float
    n: int
    group: Tuple = ()  # categorical metrics: (section, row); shares in one group are one multinomial


def expectations(path: str | os.PathLike[str]) -> List[Tuple[str, str]]:
    """The ``# expect: LEFT > RIGHT`` lines of a scenario file, as (left, right) pairs."""
    found = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = _EXPECT.match(line.strip())
            if m:
                found.append((m.group(1), m.group(2)))
    if not found:
        raise ValueError(f"{path}: no '# expect: POINT.METRIC > POINT.METRIC' line")
    return found


def _split(side: str, res) -> Tuple[int, str]:
    names = list(res.point_names)
    for name in sorted(names, key=len, reverse=True):  # point names may contain dots
        if side.startswith(name + "."):
            return res.point_index(name), side[len(name) + 1 :]
    raise ValueError(f"'{side}': no point of this run starts it (points: {', '.join(names)})")


def _share(point: int, k: float, n: int, group: Tuple) -> Estimate:
    p = k / n if n else np.nan
    return Estimate(point, p, p * (1.0 - p) / n if n else np.nan, n, group)


def metric(res, side: str) -> Estimate:
    """The metric ``POINT.KIND.NAME`` of a run (see the module docstring)."""
    p, what = _split(side, res)
    n = int(res.dyads_simulated[p])
    kind, _, name = what.partition(".")
    if kind == "share":
        if name not in labels.CAUSES:
            raise ValueError(f"'{side}': share of an unknown cause '{name}'; causes: {', '.join(labels.CAUSES)}")
        c = labels.CAUSES.index(name)
        return _share(p, float(res.duration_by_cause[p, c].sum()), n, ("cause",))
    if kind == "power":
        row, _, column = name.rpartition("_")
        if row not in _POWER_ROWS or column not in _POWER_COLUMNS:
            raise ValueError(f"'{side}': power metrics are power.<gained|reversal>_<A|B|neither>")
        r, c = _POWER_ROWS.index(row), _POWER_COLUMNS.index(column)
        return _share(p, float(res.power_outcomes[p, r, c]), n, ("power", r))
    if kind == "mean":
        if name == "duration":
            dur = res.duration_by_cause[p].astype(np.float64).sum(axis=0)
            d = np.arange(len(dur), dtype=np.float64)
            mean = float((dur * d).sum() / n)
            var = float((dur * (d - mean) ** 2).sum() / n)
            return Estimate(p, mean, var / n, n)
        if name not in labels.MOMENTS:
            raise ValueError(f"'{side}': mean of an unknown moment '{name}'; moments: {', '.join(labels.MOMENTS)}")
        k = labels.MOMENTS.index(name)
        sd = float(res.moment_sd[p, k])
        return Estimate(p, float(res.moment_mean[p, k]), sd * sd / n, n)
    raise ValueError(f"'{side}': unknown metric kind '{kind}'; use share., power. or mean.")


def _difference_variance(a: Estimate, b: Estimate) -> float:
    if a.point != b.point:
        return a.variance + b.variance
    if a.group and a.group == b.group:  # one multinomial: cov = -p_a p_b / n
        return a.variance + b.variance + 2.0 * a.value * b.value / a.n
    return (np.sqrt(a.variance) + np.sqrt(b.variance)) ** 2


def check(res, expected: Sequence[Tuple[str, str]], alpha: float = 0.01) -> pd.DataFrame:
    """One row per expected comparison ``left > right``: both values, their difference with its (1 - alpha)
    interval, and whether it holds (the interval above 0)."""
    from scipy.stats import norm

    z = float(norm.ppf(1.0 - alpha / 2.0))
    rows = []
    for left, right in expected:
        a, b = metric(res, left), metric(res, right)
        diff = a.value - b.value
        se = float(np.sqrt(_difference_variance(a, b)))
        low, high = diff - z * se, diff + z * se
        rows.append(
            {
                "expectation": f"{left} > {right}",
                "left": a.value,
                "right": b.value,
                "difference": diff,
                "ci_low": low,
                "ci_high": high,
                "z": diff / se if se > 0 else np.inf * np.sign(diff),
                "holds": bool(low > 0),
            }
        )
    out = pd.DataFrame(rows)
    out.attrs["confidence"] = 1.0 - alpha
    return out


def run(path: str | os.PathLike[str], alpha: float = 0.01, **run_options):
    """Run a scenario file with ``learnrace.run(path, **run_options)`` and check its expectations: returns
    (Results, the check table)."""
    from .api import run as run_experiment

    res = run_experiment(str(path), **run_options)
    return res, check(res, expectations(path), alpha)
