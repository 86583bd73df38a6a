"""The per-point outcomes of a study: THE registry of the scalar outcomes ``learnrace.study`` stores per point.

Each outcome is computed from one point's integer count arrays (docs/output_schema.md), vectorised over the points
of a block, so a study keeps per point only these numbers and not the arrays (about 130 kB per point at the default
output settings). Every outcome has a kind and the count its interval needs (docs/sensitivity.md, "Per-point
outcomes"):

- ``share``: ``estimate = successes / n``; ``successes`` and ``n`` are integers (Wilson or Clopper-Pearson interval).
- ``mean``: ``estimate`` is a mean over ``n`` dyads with standard deviation ``sd`` (normal interval).
- ``median``: the sample median of ``n`` dyads' durations; no interval (NaN when it lies beyond the horizon).

``n`` counts what the outcome is a share or mean of: ``dyads`` (every dyad of the point), ``dissolved dyads`` (those
that ended before the horizon) or ``dyad-periods`` (every period a dyad lived). The dyad-periods of one dyad are not
independent, so the intervals of the ``period_share_*`` outcomes are too narrow; rank points by them, but do not read
their intervals as sampling error.

>>> from learnrace import outcomes
>>> [o.name for o in outcomes.OUTCOMES][:3]
['share_censored', 'share_disintegration', 'share_race_won_by_A']
>>> table = outcomes.compute(learnrace.run("experiments/smoke.toml", dyads=2000))   # arrays [points x outcomes]
"""

from __future__ import annotations

from typing import Any, Callable, Dict, Mapping, NamedTuple, Tuple

import numpy as np
import pandas as pd

from . import labels

KINDS = ("share", "mean", "median")
# The count sections the outcomes are computed from (a block's Results must provide them).
SECTIONS = ("duration_by_cause", "moments", "power_outcomes", "occupancy", "dyads_simulated")
# Larsson et al.'s (1998) named states, in the order of their period_share_* outcomes (docs/model.md section 3).
LARSSON_STATES = (
    "integration",
    "moderation",
    "deadlock",
    "symbolic",
    "asymmetric exploitation",
    "partial exploitation",
    "friendly exploitation",
    "disintegration",
)

Arrays = Dict[str, np.ndarray]
# (estimate, successes or None, sd or None, n), each [points]
Columns = Tuple[np.ndarray, Any, Any, np.ndarray]


class Outcome(NamedTuple):
    """One scalar outcome: ``name`` (a column of the outcomes table), ``kind`` (share, mean or median), ``unit``
    (what ``n`` counts), ``doc`` and the function that computes it from a block's count arrays."""

    name: str
    kind: str
    unit: str
    doc: str
    compute: Callable[[Arrays, float], Columns]


# ------------------------------------------------------------------------------------------------ building blocks


def _dyads(a: Arrays) -> np.ndarray:
    return a["dyads_simulated"].astype(np.uint64)


def _ended(a: Arrays, causes) -> np.ndarray:
    """Dyads that ended by any of ``causes`` (cause names), [points]."""
    idx = [labels.CAUSES.index(c) for c in causes]
    return a["duration_by_cause"][:, idx, :].sum(axis=(1, 2), dtype=np.uint64)


def _ratio(successes: np.ndarray, n: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, successes.astype(np.float64) / np.maximum(n, 1).astype(np.float64), np.nan)


def _share(successes: Callable[[Arrays], np.ndarray], n: Callable[[Arrays], np.ndarray]):
    def compute(a: Arrays, scale: float) -> Columns:
        k, m = successes(a).astype(np.uint64), n(a).astype(np.uint64)
        return _ratio(k, m), k, None, m

    return compute


def _mean_sd(total: np.ndarray, total_sq: np.ndarray, n: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Mean and sample standard deviation from a sum and a sum of squares over n values (NaN where n < 1 / n < 2)."""
    n = n.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, total / np.maximum(n, 1.0), np.nan)
        var = np.maximum(total_sq / np.maximum(n, 1.0) - mean**2, 0.0) * n / (n - 1.0)
        sd = np.where(n > 1, np.sqrt(var), np.nan)
    return mean, sd


def _moment(name: str):
    k = labels.MOMENTS.index(name)

    def compute(a: Arrays, scale: float) -> Columns:
        m = a["moments"][:, k, :].astype(np.float64) / scale  # sum and sum of squares, each stored times 2^20
        n = _dyads(a)
        mean, sd = _mean_sd(m[:, 0], m[:, 1], n)
        return mean, None, sd, n

    return compute


def _duration_moments(a: Arrays, causes) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    idx = [labels.CAUSES.index(c) for c in causes]
    h = a["duration_by_cause"][:, idx, :].sum(axis=1).astype(np.float64)  # [points, duration 0..T]
    d = np.arange(h.shape[1], dtype=np.float64)
    return (h * d).sum(axis=1), (h * d * d).sum(axis=1), h.sum(axis=1).astype(np.uint64)


def _rmst(a: Arrays, scale: float) -> Columns:
    # Every dyad lives 1..T periods and the only censoring is the horizon T, so min(duration, T) is each dyad's
    # duration and its mean is the restricted mean survival time to T (the area under the Kaplan-Meier curve).
    s, s2, n = _duration_moments(a, labels.CAUSES)
    mean, sd = _mean_sd(s, s2, n)
    return mean, None, sd, n


def _dissolved_duration(a: Arrays, scale: float) -> Columns:
    s, s2, n = _duration_moments(a, labels.CAUSES[1:])
    mean, sd = _mean_sd(s, s2, n)
    return mean, None, sd, n


def _median(a: Arrays, scale: float) -> Columns:
    # The sample median as learnrace info prints it (host/summary.cpp): durations are integers, so the histogram holds
    # every dyad's value; at equal durations the dissolved dyads sort before the censored ones. NaN when an order
    # statistic the median uses is censored (the median lies beyond the horizon) or there are no dyads.
    h = a["duration_by_cause"]
    ended = h[:, 1:, :].sum(axis=1, dtype=np.uint64)  # [points, duration]
    censored = h[:, 0, :].astype(np.uint64)
    order = np.stack([ended, censored], axis=2).reshape(h.shape[0], -1)  # (d, ended), (d, censored), ...
    cum = np.cumsum(order, axis=1, dtype=np.uint64)
    n = cum[:, -1]
    out = np.full(h.shape[0], np.nan)
    for i in np.flatnonzero(n > 0):
        lo = int(np.searchsorted(cum[i], (n[i] + 1) // 2))
        hi = int(np.searchsorted(cum[i], n[i] // 2 + 1))
        if lo % 2 == 0 and hi % 2 == 0:  # even positions: ended dyads
            out[i] = 0.5 * (lo // 2 + hi // 2)
    return out, None, None, n


def _power(row: str, columns) -> Callable[[Arrays], np.ndarray]:
    r = 0 if row == "gained" else 1
    idx = [("A", "B", "neither").index(c) for c in columns]
    return lambda a: a["power_outcomes"][:, r, idx].sum(axis=1, dtype=np.uint64)


def _period_share(state: str):
    idx = [s.index for s in labels.PAIR_STATES if s.larsson == state]

    def successes(a: Arrays) -> np.ndarray:
        return a["occupancy"][:, :, idx].sum(axis=(1, 2), dtype=np.uint64)

    def n(a: Arrays) -> np.ndarray:
        return a["occupancy"].sum(axis=(1, 2), dtype=np.uint64)

    return _share(successes, n)


# -------------------------------------------------------------------------------------------------------- registry


def _registry() -> Tuple[Outcome, ...]:
    out = []
    for cause in labels.CAUSES:
        what = "still allied at the horizon" if cause == "censored" else f"ended by {cause}"
        out.append(
            Outcome(
                f"share_{cause}",
                "share",
                "dyads",
                f"share of dyads {what}",
                _share(lambda a, c=cause: _ended(a, [c]), _dyads),
            )
        )
    out += [
        Outcome(
            "dissolved",
            "share",
            "dyads",
            "share of dyads that ended before the horizon (any cause)",
            _share(lambda a: _ended(a, labels.CAUSES[1:]), _dyads),
        ),
        Outcome(
            "race_won",
            "share",
            "dyads",
            "share of dyads ended by a won learning race (by A or by B)",
            _share(lambda a: _ended(a, ["race_won_by_A", "race_won_by_B"]), _dyads),
        ),
        Outcome(
            "exploited_withdraws",
            "share",
            "dyads",
            "share of dyads ended by an exploited firm's withdrawal (A or B)",
            _share(lambda a: _ended(a, ["exploited_A_withdraws", "exploited_B_withdraws"]), _dyads),
        ),
        Outcome(
            "duration_rmst",
            "mean",
            "dyads",
            "restricted mean survival time to the horizon T: mean periods lived, min(duration, T)",
            _rmst,
        ),
        Outcome(
            "duration_mean_dissolved",
            "mean",
            "dissolved dyads",
            "mean periods lived by the dyads that ended before the horizon",
            _dissolved_duration,
        ),
        Outcome(
            "duration_median", "median", "dyads", "median periods lived (NaN when it lies beyond the horizon)", _median
        ),
    ]
    for m in labels.MOMENTS:
        out.append(
            Outcome(f"mean_{m}", "mean", "dyads", f"mean of the moment {m} over dyads (docs/model.md)", _moment(m))
        )
    for firm in ("A", "B"):
        out.append(
            Outcome(
                f"power_gained_{firm}",
                "share",
                "dyads",
                f"share of dyads in which {firm} gained bargaining power over the alliance's life (Hamel 2a)",
                _share(_power("gained", [firm]), _dyads),
            )
        )
    for firm in ("A", "B"):
        out.append(
            Outcome(
                f"reversal_to_{firm}",
                "share",
                "dyads",
                f"share of dyads whose dependence reversed in favour of {firm} (P_A crossed 1/2)",
                _share(_power("reversal", [firm]), _dyads),
            )
        )
    out.append(
        Outcome(
            "reversal",
            "share",
            "dyads",
            "share of dyads whose dependence reversed (either way)",
            _share(_power("reversal", ["A", "B"]), _dyads),
        )
    )
    for state in LARSSON_STATES:
        out.append(
            Outcome(
                f"period_share_{state.replace(' ', '_')}",
                "share",
                "dyad-periods",
                f"share of the live dyad-periods spent in Larsson's {state} states",
                _period_share(state),
            )
        )
    return tuple(out)


OUTCOMES: Tuple[Outcome, ...] = _registry()
NAMES: Tuple[str, ...] = tuple(o.name for o in OUTCOMES)
BY_NAME: Dict[str, Outcome] = {o.name: o for o in OUTCOMES}
# Bytes per point and outcome in memory and (before compression) in a study file: estimate (float64), n (uint64),
# successes (uint64) and sd (float64).
BYTES_PER_VALUE = 32


class OutcomeArrays(NamedTuple):
    """The outcomes of some points: ``estimate``, ``n``, ``successes`` (0 where the kind is not a share) and ``sd``
    (NaN where the kind is not a mean), each [points x outcomes] in the order of :data:`OUTCOMES`."""

    estimate: np.ndarray  # float64
    n: np.ndarray  # uint64
    successes: np.ndarray  # uint64
    sd: np.ndarray  # float64

    @classmethod
    def empty(cls, points: int) -> OutcomeArrays:
        k = len(OUTCOMES)
        return cls(
            np.full((points, k), np.nan),
            np.zeros((points, k), np.uint64),
            np.zeros((points, k), np.uint64),
            np.full((points, k), np.nan),
        )

    def put(self, rows: slice, other: OutcomeArrays) -> None:
        for mine, theirs in zip(self, other):
            mine[rows] = theirs


def _arrays(source: Any) -> Tuple[Arrays, float]:
    """The count sections of a Results (or a mapping of them) and the fixed-point scale of the moments."""
    if isinstance(source, Mapping):
        from ._sources import schema

        return {s: np.asarray(source[s]) for s in SECTIONS}, float(schema()["fixed_point_scale"])
    return {s: getattr(source, s) for s in SECTIONS}, float(source._source.fixed_point_scale)


def compute(source: Any) -> OutcomeArrays:
    """Every registered outcome of every point of ``source``: a :class:`learnrace.Results` (a run in memory or a run
    file) or a mapping of the count sections in :data:`SECTIONS` (arrays with a leading point axis)."""
    arrays, scale = _arrays(source)
    points = len(arrays["dyads_simulated"])
    out = OutcomeArrays.empty(points)
    for j, o in enumerate(OUTCOMES):
        estimate, successes, sd, n = o.compute(arrays, scale)
        out.estimate[:, j] = estimate
        out.n[:, j] = n
        if successes is not None:
            out.successes[:, j] = successes
        if sd is not None:
            out.sd[:, j] = sd
    return out


def frames(values: OutcomeArrays, point_names) -> Tuple[pd.DataFrame, pd.DataFrame]:
    """``(outcomes, counts)`` in the shapes :mod:`learnrace.sensitivity` takes: one row per point with a ``point``
    column and one column per outcome; and the counts in long form (point, outcome, n, successes for shares, sd for
    means; medians have neither, so no interval)."""
    names = np.asarray(point_names, dtype=object)
    wide = pd.DataFrame(values.estimate, columns=list(NAMES))
    wide.insert(0, "point", names)
    kinds = np.array([o.kind for o in OUTCOMES])
    P, K = values.estimate.shape
    long = pd.DataFrame(
        {
            "point": np.repeat(names, K),
            "outcome": np.tile(np.array(NAMES, dtype=object), P),
            "n": values.n.ravel().astype(np.int64),
            "successes": np.where(np.tile(kinds == "share", P), values.successes.ravel().astype(np.float64), np.nan),
            "sd": np.where(np.tile(kinds == "mean", P), values.sd.ravel(), np.nan),
        }
    )
    return wide, long


def table() -> pd.DataFrame:
    """The registry as a table: name, kind, unit (what n counts), doc."""
    return pd.DataFrame([(o.name, o.kind, o.unit, o.doc) for o in OUTCOMES], columns=["name", "kind", "unit", "doc"])
