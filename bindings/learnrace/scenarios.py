"""Scenario checks: the expected direction of a scenario, tested with confidence intervals.

A scenario file (``experiments/scenarios/*.toml``) is an ordinary experiment whose comments state what the sources
lead one to expect, one line per comparison::

    # expect: one_sided.share_race_won_by_A > giver_learns.share_race_won_by_A

Each side is ``POINT.OUTCOME``: a point of the run and an outcome of the registry :mod:`learnrace.outcomes` (the
names of ``Results.summary()``'s columns). Outcomes are per-dyad quantities of one point, so dyads are the
independent units: a comparison may use the shares of dyads (``share_*``: a termination cause, ``share_race_won``,
``share_power_gained_A``, ...), the means over dyads (``mean_*``: a summary moment, ``mean_duration``, ...) and the
shares of dyad-periods (``period_share_*``) with their dyad-clustered variance (learnrace.outcomes; it needs at least
30 sampled dyads, ``output.trajectory_*``). Quantiles (the median) have no interval, so they cannot be checked.

A comparison holds when the (1 - alpha) interval of the difference ``left - right`` lies above 0. Points are
treated as independent samples (conservative under common random numbers, whose positive correlation narrows the
true interval); two shares of one point that are disjoint cells of one multinomial count (e.g.
``share_power_gained_B`` vs ``share_power_gained_A``, or two termination causes) use their multinomial covariance
-p q / n, any other pair from one point the Cauchy-Schwarz bound on theirs.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import List, Sequence, Tuple

import numpy as np
import pandas as pd

from . import outcomes as registry

_EXPECT = re.compile(r"^#\s*expect:\s*(\S+)\s*>\s*(\S+)\s*$")
CHECKABLE_KINDS = ("share", "mean", "period_share")


@dataclass(frozen=True)
class Estimate:
    """An outcome of one point: its value, the variance of that value, and what a covariance needs."""

    point: int
    value: float
    variance: float
    n: int
    group: Tuple = ()  # shares of one multinomial count: (group name, cells)


def expectations(path: str | os.PathLike[str]) -> List[Tuple[str, str]]:
    """The ``# expect: LEFT > RIGHT`` lines of a scenario file, as (left, right) pairs."""
    found = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = _EXPECT.match(line.strip())
            if m:
                found.append((m.group(1), m.group(2)))
    if not found:
        raise ValueError(f"{path}: no '# expect: POINT.OUTCOME > POINT.OUTCOME' line")
    return found


def _split(side: str, res) -> Tuple[int, registry.Outcome]:
    point, dot, name = side.rpartition(".")  # point names may contain dots, outcome names do not
    if not dot or not point:
        raise ValueError(f"'{side}': expected POINT.OUTCOME (e.g. control.share_disintegration)")
    names = list(res.point_names)
    if point not in names:
        raise ValueError(f"'{side}': no point {point!r} in this run (points: {', '.join(names)})")
    try:
        outcome = registry.REGISTRY[name]
    except KeyError as e:
        raise ValueError(f"'{side}': {e.args[0]}") from None
    if outcome.kind not in CHECKABLE_KINDS:
        raise ValueError(
            f"'{side}': {name} cannot be checked (a {outcome.kind} has no interval); use a share_*, mean_* or "
            "period_share_* outcome"
        )
    return res.point_index(point), outcome


def metric(res, side: str, values: registry.OutcomeArrays | None = None) -> Estimate:
    """The outcome ``POINT.OUTCOME`` of a run with the variance of its estimate (see the module docstring).
    ``values``: the run's :func:`learnrace.outcomes.compute`, when already computed."""
    p, outcome = _split(side, res)
    values = registry.compute(res) if values is None else values
    j = registry.REGISTRY.names.index(outcome.name)
    value, n = float(values.estimate[p, j]), int(values.n[p, j])
    if outcome.kind == "share":
        variance = value * (1.0 - value) / n if n else np.nan
        return Estimate(p, value, variance, n, outcome.multinomial or ())
    sd = float(values.sd[p, j])
    if outcome.kind == "period_share" and not np.isfinite(sd):
        raise ValueError(
            f"'{side}': {outcome.name} has no interval: fewer than {registry.MIN_CLUSTERS} sampled dyads; lower "
            "output.trajectory_stride or raise output.trajectory_max"
        )
    return Estimate(p, value, sd * sd / n if n else np.nan, n)


def _disjoint_cells(a: Estimate, b: Estimate) -> bool:
    return bool(a.group) and bool(b.group) and a.group[0] == b.group[0] and not (a.group[1] & b.group[1])


def _difference_variance(a: Estimate, b: Estimate) -> float:
    if a.point != b.point:
        return a.variance + b.variance
    if _disjoint_cells(a, b):  # one multinomial: cov = -p_a p_b / n
        return a.variance + b.variance + 2.0 * a.value * b.value / a.n
    return (np.sqrt(a.variance) + np.sqrt(b.variance)) ** 2


def check(res, expected: Sequence[Tuple[str, str]], alpha: float = 0.01) -> pd.DataFrame:
    """One row per expected comparison ``left > right``: both values, their difference with its (1 - alpha)
    interval, and whether it holds (the interval above 0)."""
    from scipy.stats import norm

    z = float(norm.ppf(1.0 - alpha / 2.0))
    rows = []
    values = registry.compute(res)
    for left, right in expected:
        a, b = metric(res, left, values), metric(res, right, values)
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
