"""THE outcome registry: every scalar per-point outcome of a run, with its one name, definition, label and interval.

Every place that shows an outcome takes it from here: ``Results.summary()`` (its columns), ``Results.outcomes()``
(one row per point and outcome, with the interval), a study's per-point outcomes (``learnrace.study``, the study
file, the Sobol' and Morris analysis), the scenario checks (``# expect: POINT.NAME > POINT.NAME``), the headline table
that ``learnrace run`` and ``learnrace info`` print, and the CSV export. docs/python.md lists the registry (a test
checks that list against this module).

Each :class:`Outcome` is computed from one point's integer count arrays (docs/output_schema.md), vectorised over the
points of a run, and has:

- ``name``: the stable identifier (a column name; shares start with ``share_``, means with ``mean_``, the shares of
  dyad-periods with ``period_share_``);
- ``kind``, which says what the numbers are and how the interval is computed (:data:`KINDS`, :data:`CI_METHODS`):

  - ``share``: ``estimate = successes / n`` of independent dyads; Wilson (default) or Clopper-Pearson interval;
  - ``period_share``: a share of dyad-periods (every period a dyad lived), a ratio estimate sum(y_i) / sum(n_i) over
    the dyads i (n_i periods lived, y_i of them in the state). The periods of one dyad are not independent, so the
    interval is dyad-clustered: the linearised (ratio-estimator) variance Var = s_e^2 / (N nbar^2), with s_e the sd of
    e_i = y_i - p n_i over the sampled dyads of the trajectories (``output.trajectory_*``; a study samples 200 per
    point) and N, nbar = sum(n_i) / N from the full counts; ``n`` is N (dyads), ``sd`` is s_e / nbar, and the interval
    is the normal one, p +- z sd / sqrt(N), clipped to [0, 1]. With fewer than :data:`MIN_CLUSTERS` sampled dyads,
    or fewer than :data:`MIN_VISITS` of them ever in the state, there is no interval (``sd`` NaN).
    docs/statistics.md has its coverage;
  - ``mean``: a mean over ``n`` dyads with standard deviation ``sd``; normal interval, mean +- z sd / sqrt(n);
  - ``quantile``: an order statistic (the median); no interval; NaN when it lies beyond the horizon;
  - ``value``: any other number (no interval); for outcomes registered later;

- ``unit``: what ``n`` counts (``dyads`` or ``dissolved dyads``); ``scale``: what one value is measured in
  (``share``: a fraction in [0, 1], shown as a percentage; ``periods``; or the model quantity's own scale, e.g.
  ``knowledge``);
- ``label`` (for figures and tables), ``short`` (a column header of at most 10 characters) and ``doc`` (the
  definition in words, with the source).

A user's outcome (a Mesa or EMA Workbench "reporter") is registered once with :func:`register`: a function of a
:class:`Counts` (the count arrays of every point, by section name) returning :class:`Columns` (``Columns.share``
gets a Wilson interval, ``Columns.mean`` a normal one, ``Columns.value`` none) or an array of values. From then on
``Results.summary()``, ``Results.outcomes()``, :func:`learnrace.study` (per point, with the Sobol' or Morris
analysis) and the CSV export show it like the built-in ones.

>>> from learnrace import outcomes
>>> outcomes.NAMES[:3]
('share_censored', 'share_disintegration', 'share_race_won_by_A')
>>> values = outcomes.compute(learnrace.run("experiments/smoke.toml", dyads=2000))   # arrays [points x outcomes]
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, FrozenSet, Iterator, NamedTuple, Sequence, Tuple

import numpy as np
import pandas as pd

from . import labels

KINDS = ("share", "period_share", "mean", "quantile", "value")
# How the interval of each kind is computed (learnrace.sensitivity.with_intervals; scenarios.check for differences).
CI_METHODS = {
    "share": "wilson",  # or clopper-pearson (share_method=)
    "period_share": "dyad-clustered",  # normal interval of the ratio estimate, variance from the sampled dyads
    "mean": "normal",
    "quantile": "none",
    "value": "none",
}
UNITS = ("dyads", "dissolved dyads", "dyad-periods")
# Sampled dyads (trajectories) a period share's interval needs at the least, and of them the dyads that spent a period
# in the state: with fewer the variance, carried by those few dyads, is underestimated too often (bench/
# period_share_coverage.py: coverage 0.72 for a state of 1.4% of the periods at 100 sampled dyads).
MIN_CLUSTERS = 30
MIN_VISITS = 10
# The pseudo count section of the trajectories' pair codes [P, K, T] (255 after termination) that the period shares'
# intervals read (Counts of a Results; a mapping may give it under this name).
TRAJECTORY_PAIR = "trajectory_pair"
# The count sections the built-in outcomes are computed from.
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
_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
SHORT_MAX = 10


# ------------------------------------------------------------------------------------------------------ data types


class Counts(Mapping):
    """The count arrays of every point of a run, by count section name (``duration_by_cause``, ``moments``, ...,
    each with a leading point axis), read on first use; ``fixed_point_scale`` decodes the moments."""

    def __init__(self, source: Any):
        if isinstance(source, Counts):
            source = source._source
        self._source = source
        self._cache: Dict[str, np.ndarray] = {}
        from ._sources import schema, section_groups

        scale = schema()["fixed_point_scale"]
        if isinstance(source, Mapping):
            self.fixed_point_scale = float(source.get("fixed_point_scale", scale))
            self._names = [k for k in source if k != "fixed_point_scale"]
        else:  # a learnrace.Results (or any object with the count sections as attributes)
            self.fixed_point_scale = float(getattr(getattr(source, "_source", None), "fixed_point_scale", scale))
            self._names = list(section_groups())
            if hasattr(source, "trajectories"):
                self._names.append(TRAJECTORY_PAIR)

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._cache:
            if name not in self._names:
                raise KeyError(f"no count section {name!r} (sections: {', '.join(self._names)})")
            src = self._source
            if isinstance(src, Mapping):
                value = src[name]
            elif name == TRAJECTORY_PAIR:
                value = src.trajectories["pair"]
            else:
                value = getattr(src, name)
            self._cache[name] = np.asarray(value)
        return self._cache[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)

    @property
    def n_points(self) -> int:
        return len(self["dyads_simulated"])


class Columns(NamedTuple):
    """One outcome of every point: ``estimate``, ``n`` (what it is a share or mean of), ``successes`` (shares) and
    ``sd`` (means), each [points] (None where the kind has none)."""

    estimate: np.ndarray
    n: np.ndarray
    successes: np.ndarray | None = None
    sd: np.ndarray | None = None

    @classmethod
    def share(cls, successes, n) -> Columns:
        k, m = np.asarray(successes).astype(np.uint64), np.asarray(n).astype(np.uint64)
        return cls(_ratio(k, m), m, successes=k)

    @classmethod
    def mean(cls, mean, sd, n) -> Columns:
        return cls(np.asarray(mean, dtype=np.float64), np.asarray(n).astype(np.uint64), sd=np.asarray(sd, np.float64))

    @classmethod
    def value(cls, value, n) -> Columns:
        return cls(np.asarray(value, dtype=np.float64), np.asarray(n).astype(np.uint64))

    @classmethod
    def ratio(cls, estimate, sd, n, successes) -> Columns:
        """A period share: the ratio estimate, its dyad-clustered sd (NaN: no interval), n dyads and the dyad-periods
        in the state (``successes``, for the record)."""
        return cls(
            np.asarray(estimate, dtype=np.float64),
            np.asarray(n).astype(np.uint64),
            successes=np.asarray(successes).astype(np.uint64),
            sd=np.asarray(sd, dtype=np.float64),
        )


@dataclass(frozen=True)
class Outcome:
    """One scalar outcome per point (see the module docstring for the fields)."""

    name: str
    kind: str
    unit: str
    scale: str
    label: str
    short: str
    doc: str
    compute: Callable[[Counts], Columns] = field(repr=False, compare=False)
    # Shares of one multinomial count (every dyad in exactly one cell): (group, cells), so that two shares of the same
    # point and group with no cell in common have the exact covariance -p q / n (scenarios.check).
    multinomial: Tuple[str, FrozenSet[int]] | None = None

    def __post_init__(self):
        if not isinstance(self.name, str) or not _NAME.match(self.name):
            raise ValueError(f"outcome name {self.name!r}: letters, digits and _ only, starting with a letter")
        if self.kind not in KINDS:
            raise ValueError(f"outcome {self.name!r}: kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if not self.short or len(self.short) > SHORT_MAX:
            raise ValueError(f"outcome {self.name!r}: short label {self.short!r} must have 1 to {SHORT_MAX} characters")
        if not callable(self.compute):
            raise ValueError(f"outcome {self.name!r}: compute must be a function of the count arrays")

    @property
    def ci_method(self) -> str:
        """How the interval is computed: ``wilson`` (shares; or Clopper-Pearson), ``normal`` (means), ``none``."""
        return CI_METHODS[self.kind]


class Registry:
    """An ordered set of outcomes with unique names. :data:`REGISTRY` holds the built-in ones."""

    def __init__(self, outcomes: Sequence[Outcome] = ()):
        self._outcomes: list = []
        self._by_name: Dict[str, Outcome] = {}
        self._fixed: FrozenSet[str] = frozenset()
        for o in outcomes:
            self.add(o)

    def add(self, outcome: Outcome, replace: bool = False) -> Outcome:
        """Add ``outcome``; with ``replace`` an outcome added earlier under its name is replaced in place (so that a
        notebook cell that registers can run again), never a built-in one."""
        if not isinstance(outcome, Outcome):
            raise TypeError(f"expected a learnrace.outcomes.Outcome, not {type(outcome).__name__}")
        if outcome.name in self._by_name:
            if not replace or outcome.name in self._fixed:
                what = "a built-in outcome" if outcome.name in self._fixed else "an outcome"
                raise ValueError(f"{what} named {outcome.name!r} is already registered")
            old = self._by_name[outcome.name]
            self._outcomes = [outcome if o is old else o for o in self._outcomes]
        else:
            self._outcomes.append(outcome)
        self._by_name[outcome.name] = outcome
        return outcome

    def remove(self, name: str) -> None:
        """Remove an outcome added after the built-in ones (KeyError for an unknown name, ValueError for a built-in)."""
        if name in self._fixed:
            raise ValueError(f"{name!r} is a built-in outcome and cannot be removed")
        outcome = self[name]
        self._outcomes = [o for o in self._outcomes if o is not outcome]
        del self._by_name[name]

    def freeze(self) -> None:
        """Mark the outcomes registered so far as built-in: they can be neither replaced nor removed."""
        self._fixed = frozenset(self._by_name)

    def __iter__(self) -> Iterator[Outcome]:
        return iter(self._outcomes)

    def __len__(self) -> int:
        return len(self._outcomes)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __getitem__(self, name: str) -> Outcome:
        try:
            return self._by_name[name]
        except KeyError:
            close = [n for n in self._by_name if name.lower() in n.lower() or n.lower() in name.lower()][:4]
            hint = f"; did you mean {', '.join(close)}?" if close else " (learnrace.outcomes.table() lists them)"
            raise KeyError(f"no outcome named {name!r}{hint}") from None

    @property
    def names(self) -> Tuple[str, ...]:
        return tuple(self._by_name)

    def table(self) -> pd.DataFrame:
        """One row per outcome: name, kind, unit, doc (the columns a study file stores), label, short, scale,
        ci_method."""
        columns = ["name", "kind", "unit", "doc", "label", "short", "scale", "ci_method"]
        return pd.DataFrame([[getattr(o, c) for c in columns] for o in self._outcomes], columns=columns)

    def compute(self, source: Any) -> OutcomeArrays:
        """Every outcome of every point of ``source``: a :class:`learnrace.Results` (a run in memory or a run file), a
        :class:`Counts`, or a mapping of count sections (arrays with a leading point axis; ``trajectory_pair`` for the
        period shares' intervals)."""
        counts = Counts(source)
        out = OutcomeArrays.empty(counts.n_points, len(self))
        for j, o in enumerate(self._outcomes):
            c = o.compute(counts)
            out.estimate[:, j] = c.estimate
            out.n[:, j] = c.n
            if c.successes is not None:
                out.successes[:, j] = c.successes
            if c.sd is not None:
                out.sd[:, j] = c.sd
        return out


class OutcomeArrays(NamedTuple):
    """The outcomes of some points: ``estimate``, ``n``, ``successes`` (0 where the kind is not a share) and ``sd``
    (NaN where the kind is not a mean), each [points x outcomes] in the order of the registry."""

    estimate: np.ndarray  # float64
    n: np.ndarray  # uint64
    successes: np.ndarray  # uint64
    sd: np.ndarray  # float64

    @classmethod
    def empty(cls, points: int, outcomes: int | None = None) -> OutcomeArrays:
        k = len(REGISTRY) if outcomes is None else outcomes
        return cls(
            np.full((points, k), np.nan),
            np.zeros((points, k), np.uint64),
            np.zeros((points, k), np.uint64),
            np.full((points, k), np.nan),
        )

    def put(self, rows: slice, other: OutcomeArrays) -> None:
        for mine, theirs in zip(self, other):
            mine[rows] = theirs


# ------------------------------------------------------------------------------------------------ building blocks


def _ratio(successes: np.ndarray, n: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, successes.astype(np.float64) / np.maximum(n, 1).astype(np.float64), np.nan)


def _dyads(c: Counts) -> np.ndarray:
    return c["dyads_simulated"].astype(np.uint64)


def _ended(c: Counts, causes) -> np.ndarray:
    """Dyads that ended by any of ``causes`` (cause names), [points]."""
    idx = [labels.CAUSES.index(x) for x in causes]
    return c["duration_by_cause"][:, idx, :].sum(axis=(1, 2), dtype=np.uint64)


def _mean_sd(total: np.ndarray, total_sq: np.ndarray, n: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """Mean and sample standard deviation from a sum and a sum of squares over n values (NaN where n < 1 / n < 2)."""
    n = n.astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, total / np.maximum(n, 1.0), np.nan)
        var = np.maximum(total_sq / np.maximum(n, 1.0) - mean**2, 0.0) * n / (n - 1.0)
        sd = np.where(n > 1, np.sqrt(var), np.nan)
    return mean, sd


def _cause_share(causes) -> Callable[[Counts], Columns]:
    return lambda c: Columns.share(_ended(c, causes), _dyads(c))


def _moment(name: str) -> Callable[[Counts], Columns]:
    k = labels.MOMENTS.index(name)

    def compute(c: Counts) -> Columns:
        m = c["moments"][:, k, :].astype(np.float64) / c.fixed_point_scale  # sum and sum of squares, times 2^20
        n = _dyads(c)
        mean, sd = _mean_sd(m[:, 0], m[:, 1], n)
        return Columns.mean(mean, sd, n)

    return compute


def _duration_moments(c: Counts, causes) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    idx = [labels.CAUSES.index(x) for x in causes]
    h = c["duration_by_cause"][:, idx, :].sum(axis=1).astype(np.float64)  # [points, duration 0..T]
    d = np.arange(h.shape[1], dtype=np.float64)
    return (h * d).sum(axis=1), (h * d * d).sum(axis=1), h.sum(axis=1).astype(np.uint64)


def _mean_duration(c: Counts) -> Columns:
    # Every dyad lives 1..T periods and the only censoring is the horizon T, so min(duration, T) is each dyad's
    # duration and its mean is the restricted mean survival time to T (the area under the Kaplan-Meier curve).
    s, s2, n = _duration_moments(c, labels.CAUSES)
    return Columns.mean(*_mean_sd(s, s2, n), n)


def _mean_duration_dissolved(c: Counts) -> Columns:
    s, s2, n = _duration_moments(c, labels.CAUSES[1:])
    return Columns.mean(*_mean_sd(s, s2, n), n)


def median_duration(c: Any) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(value, censored, n)`` per point: the sample median of the dyads' durations, read off the duration histogram.

    Durations are integers, so the histogram holds every dyad's value: with N dyads sorted by duration the median is
    x_((N+1)/2) for odd N and (x_(N/2) + x_(N/2+1)) / 2 for even N. Censored dyads enter with the duration they were
    seen for (always T, the only censoring) and sort after the dyads that ended at the same duration. Where an order
    statistic the median uses is censored, the true median is larger than ``value`` (``censored`` True: ``value`` is
    a strict lower bound). ``value`` is NaN where there are no dyads. An uncensored median equals the Kaplan-Meier
    median, since all censoring is at T."""
    h = Counts(c)["duration_by_cause"]
    ended = h[:, 1:, :].sum(axis=1, dtype=np.uint64)  # [points, duration]
    censored_at = h[:, 0, :].astype(np.uint64)
    order = np.stack([ended, censored_at], axis=2).reshape(h.shape[0], -1)  # (d, ended), (d, censored), ...
    cum = np.cumsum(order, axis=1, dtype=np.uint64)
    n = cum[:, -1] if cum.shape[1] else np.zeros(h.shape[0], np.uint64)
    value = np.full(h.shape[0], np.nan)
    censored = np.zeros(h.shape[0], bool)
    for i in np.flatnonzero(n > 0):
        lo = int(np.searchsorted(cum[i], (n[i] + 1) // 2))
        hi = int(np.searchsorted(cum[i], n[i] // 2 + 1))
        value[i] = 0.5 * (lo // 2 + hi // 2)
        censored[i] = lo % 2 == 1 or hi % 2 == 1  # odd positions: censored dyads
    return value, censored, n


def _median_duration(c: Counts) -> Columns:
    value, censored, n = median_duration(c)
    return Columns.value(np.where(censored, np.nan, value), n)


def _power(row: str, columns) -> Callable[[Counts], Columns]:
    r = ("gained", "reversal").index(row)
    idx = [("A", "B", "neither").index(x) for x in columns]
    return lambda c: Columns.share(c["power_outcomes"][:, r, idx].sum(axis=1, dtype=np.uint64), _dyads(c))


def _sampled_periods(c: Counts) -> Tuple[np.ndarray, np.ndarray] | None:
    """(pair codes [P, K, T], periods lived [P, K]) of the sampled dyads, or None without trajectories."""
    if TRAJECTORY_PAIR not in c:
        return None
    key = "_sampled_periods"
    if key not in c._cache:
        pair = c[TRAJECTORY_PAIR]
        c._cache[key] = (pair, (pair != labels.UNREACHED).sum(axis=2))
    return c._cache[key]


def cluster_sd(c: Counts, cells, estimate: np.ndarray, periods: np.ndarray) -> np.ndarray:
    """Per point, the sd s_e / nbar of a period share's linearised values (module docstring): ``cells`` the pair
    states counted, ``estimate`` the share from the full counts, ``periods`` the dyad-periods lived (full counts).
    NaN where fewer than MIN_CLUSTERS dyads are sampled or fewer than MIN_VISITS of them were ever in the state."""
    out = np.full(len(estimate), np.nan)
    sampled = _sampled_periods(c)
    if sampled is None:
        return out
    pair, lived = sampled
    inside = np.isin(pair, np.asarray(list(cells), dtype=pair.dtype)).sum(axis=2)  # [P, K]
    dyads = _dyads(c).astype(np.float64)
    for i in range(len(estimate)):
        alive = lived[i] > 0
        if alive.sum() < MIN_CLUSTERS or (inside[i, alive] > 0).sum() < MIN_VISITS:
            continue
        if not np.isfinite(estimate[i]) or dyads[i] <= 0 or periods[i] <= 0:
            continue
        e = inside[i, alive] - estimate[i] * lived[i, alive]
        out[i] = np.std(e, ddof=1) / (periods[i] / dyads[i])
    return out


def _period_share(state: str) -> Callable[[Counts], Columns]:
    idx = [s.index for s in labels.PAIR_STATES if s.larsson == state]

    def compute(c: Counts) -> Columns:
        occ = c["occupancy"]
        inside = occ[:, :, idx].sum(axis=(1, 2), dtype=np.uint64)
        periods = occ.sum(axis=(1, 2), dtype=np.uint64)
        estimate = _ratio(inside, periods)
        sd = cluster_sd(c, idx, estimate, periods.astype(np.float64))
        return Columns.ratio(estimate, sd, _dyads(c), inside)

    return compute


# -------------------------------------------------------------------------------------------------------- registry

# Termination causes (docs/model.md section 15): (label, short header).
_CAUSES = {
    "censored": ("still allied at the horizon", "censored"),
    "disintegration": ("ended by mutual avoidance (disintegration)", "disintegr"),
    "race_won_by_A": ("ended by a learning race won by A", "won A"),
    "race_won_by_B": ("ended by a learning race won by B", "won B"),
    "exploited_A_withdraws": ("ended by A's withdrawal as an exploited giver", "exploit A"),
    "exploited_B_withdraws": ("ended by B's withdrawal as an exploited giver", "exploit B"),
    "exogenous_hazard": ("ended by the outside hazard", "hazard"),
}
# Moments (docs/model.md section 16): (label, definition, short header, scale).
_MOMENTS = {
    "asymmetry": ("learning asymmetry", "a = (G_A - G_B) / (G_A + G_B)", "asym", "asymmetry"),
    "abs_asymmetry": ("|learning asymmetry|", "|a|", "|asym|", "asymmetry"),
    "power_shift": ("power shift", "P_A(end) - P_A(0)", "dP_A", "power"),
    "joint_learning": ("joint learning", "J = G_A + G_B", "joint", "knowledge"),
    "gain_A": ("learning gain of A", "G_A = x_A U_B + y_A", "G_A", "knowledge"),
    "gain_B": ("learning gain of B", "G_B = x_B U_A + y_B", "G_B", "knowledge"),
    "x_A": ("internalised knowledge of A", "x_A, the fraction of B's unique knowledge A took in", "x_A", "fraction"),
    "x_B": ("internalised knowledge of B", "x_B, the fraction of A's unique knowledge B took in", "x_B", "fraction"),
    "final_trust_A": ("final trust of A", "after the last period's update", "trust A", "trust"),
    "final_trust_B": ("final trust of B", "after the last period's update", "trust B", "trust"),
}
_PERIOD_SHORT = {
    "integration": "in integr",
    "moderation": "in moder",
    "deadlock": "in deadl",
    "symbolic": "in symbol",
    "asymmetric exploitation": "in asym ex",
    "partial exploitation": "in part ex",
    "friendly exploitation": "in frnd ex",
    "disintegration": "in disint",
}


def _cause_cells(causes) -> Tuple[str, FrozenSet[int]]:
    return ("cause", frozenset(labels.CAUSES.index(c) for c in causes))


def _builtins() -> Tuple[Outcome, ...]:
    if set(_CAUSES) != set(labels.CAUSES) or set(_MOMENTS) != set(labels.MOMENTS):
        raise RuntimeError("learnrace.outcomes: the causes or moments of the output schema changed; update _CAUSES")
    out = []
    shares = [(f"share_{cause}", [cause], *_CAUSES[cause]) for cause in labels.CAUSES] + [
        ("share_dissolved", labels.CAUSES[1:], "ended before the horizon (any cause)", "dissolved"),
        ("share_race_won", ["race_won_by_A", "race_won_by_B"], "ended by a won learning race (A or B)", "race won"),
        (
            "share_exploited_withdraws",
            ["exploited_A_withdraws", "exploited_B_withdraws"],
            "ended by an exploited firm's withdrawal (A or B)",
            "exploited",
        ),
    ]
    for name, causes, label, short in shares:
        out.append(
            Outcome(
                name,
                "share",
                "dyads",
                "share",
                f"share {label}",
                short,
                f"share of the dyads {label}",
                _cause_share(causes),
                _cause_cells(causes),
            )
        )
    gained = {"A": "> 0", "B": "< 0", "neither": "= 0"}
    for j, firm in enumerate(("A", "B", "neither")):
        who = "neither firm" if firm == "neither" else firm
        out.append(
            Outcome(
                f"share_power_gained_{firm}",
                "share",
                "dyads",
                "share",
                f"share in which {who} gained bargaining power",
                f"gained {firm}" if firm != "neither" else "gained no",
                f"share of the dyads in which {who} gained bargaining power over the alliance's life "
                f"(P_A(end) - P_A(0) {gained[firm]}; Hamel 2a)",
                _power("gained", [firm]),
                ("power_gained", frozenset([j])),
            )
        )
    for j, firm in enumerate(("A", "B")):
        out.append(
            Outcome(
                f"share_reversal_to_{firm}",
                "share",
                "dyads",
                "share",
                f"share whose dependence reversed in favour of {firm}",
                f"revers {firm}",
                f"share of the dyads whose dependence reversed in favour of {firm} (P_A crossed 1/2; Hamel 2a)",
                _power("reversal", [firm]),
                ("reversal", frozenset([j])),
            )
        )
    out.append(
        Outcome(
            "share_reversal",
            "share",
            "dyads",
            "share",
            "share whose dependence reversed",
            "reversal",
            "share of the dyads whose dependence reversed, either way (P_A crossed 1/2; Hamel 2a)",
            _power("reversal", ["A", "B"]),
            ("reversal", frozenset([0, 1])),
        )
    )
    out += [
        Outcome(
            "mean_duration",
            "mean",
            "dyads",
            "periods",
            "mean duration (periods, to the horizon)",
            "mean dur",
            "restricted mean survival time to the horizon T: the mean of min(duration, T) over every dyad, in periods",
            _mean_duration,
        ),
        Outcome(
            "mean_duration_dissolved",
            "mean",
            "dissolved dyads",
            "periods",
            "mean duration of the dissolved alliances (periods)",
            "dur ended",
            "mean periods lived by the dyads that ended before the horizon",
            _mean_duration_dissolved,
        ),
        Outcome(
            "median_duration",
            "quantile",
            "dyads",
            "periods",
            "median duration (periods)",
            "median dur",
            "sample median of the periods lived (NaN when it lies beyond the horizon); "
            "learnrace.outcomes.median_duration gives its lower bound there",
            _median_duration,
        ),
    ]
    for m in labels.MOMENTS:
        label, definition, short, scale = _MOMENTS[m]
        out.append(
            Outcome(
                f"mean_{m}",
                "mean",
                "dyads",
                scale,
                f"mean {label}",
                short,
                f"mean over the dyads of the {label} ({definition}) at the end of the alliance (docs/model.md "
                "section 16)",
                _moment(m),
            )
        )
    for state in LARSSON_STATES:
        out.append(
            Outcome(
                f"period_share_{state.replace(' ', '_')}",
                "period_share",
                "dyads",
                "share",
                f"share of the dyad-periods in {state}",
                _PERIOD_SHORT[state],
                f"share of the live dyad-periods spent in Larsson's {state} states (docs/model.md section 3)",
                _period_share(state),
            )
        )
    return tuple(out)


REGISTRY = Registry(_builtins())
REGISTRY.freeze()
# The built-in outcomes (docs/python.md lists them); REGISTRY also holds the ones registered later (register()).
OUTCOMES: Tuple[Outcome, ...] = tuple(REGISTRY)
NAMES: Tuple[str, ...] = REGISTRY.names
BY_NAME: Dict[str, Outcome] = {o.name: o for o in OUTCOMES}
# Bytes per point and outcome in memory and (before compression) in a study file: estimate (float64), n (uint64),
# successes (uint64) and sd (float64).
BYTES_PER_VALUE = 32
# The outcomes of the headline table (learnrace run / info, learnrace.headlines).
HEADLINES = (
    *(f"share_{c}" for c in labels.CAUSES),
    "mean_duration",
    "median_duration",
    "mean_abs_asymmetry",
    "mean_power_shift",
)


def register(
    name: str,
    compute: Callable[[Counts], Any],
    kind: str = "value",
    label: str | None = None,
    short: str | None = None,
    doc: str = "",
    unit: str = "dyads",
    scale: str = "",
) -> Outcome:
    """Register a user-defined outcome (a "reporter"), computed per point from the count arrays wherever outcomes are
    shown: ``Results.summary()`` and ``outcomes()``, :func:`learnrace.study` (and its analysis), the CSV export.

    compute: ``f(counts)`` with ``counts`` a :class:`Counts` (``counts["duration_by_cause"]``, ``counts["occupancy"]``,
        ... each with a leading point axis; docs/output_schema.md lists the sections) returning, for every point,
        ``Columns.share(successes, n)`` (kind ``share``: Wilson interval), ``Columns.mean(mean, sd, n)`` (kind
        ``mean``: normal interval) or values (kind ``value``: an array or ``Columns.value``; no interval).
    kind: ``share``, ``mean`` or ``value``; label, short (at most 10 characters), doc: what tables and figures show
        (default: the name). unit: what ``n`` counts; scale: what a value is measured in (``share``: a fraction).

    Registering a name again replaces the earlier outcome (a notebook cell can run twice); built-in names are refused.
    Returns the :class:`Outcome`. :func:`unregister` removes it.
    """
    if kind not in ("share", "mean", "value"):
        raise ValueError(f"kind {kind!r}: a registered outcome is a 'share', a 'mean' or a 'value'")
    if not callable(compute):
        raise ValueError(f"outcome {name!r}: compute must be a function of the count arrays")
    user = compute

    def checked(c: Counts) -> Columns:
        got = user(c)
        if not isinstance(got, Columns):
            if kind != "value":
                raise ValueError(
                    f"outcome {name!r}: compute returned {type(got).__name__}; a {kind} needs Columns.{kind}"
                )
            got = Columns.value(got, _dyads(c))
        if np.shape(got.estimate) != (c.n_points,):
            raise ValueError(f"outcome {name!r}: {np.shape(got.estimate)} values for {c.n_points} point(s)")
        if kind == "share" and got.successes is None:
            raise ValueError(f"outcome {name!r}: a share needs Columns.share(successes, n)")
        if kind == "mean" and got.sd is None:
            raise ValueError(f"outcome {name!r}: a mean needs Columns.mean(mean, sd, n)")
        return got

    short = short or name[:SHORT_MAX]
    outcome = Outcome(name, kind, unit, scale or ("share" if kind == "share" else ""), label or name, short,
                      doc or label or name, checked)  # fmt: skip
    return REGISTRY.add(outcome, replace=True)


def unregister(name: str) -> None:
    """Remove an outcome added with :func:`register`."""
    REGISTRY.remove(name)


def compute(source: Any) -> OutcomeArrays:
    """Every registered outcome of every point of ``source`` (:meth:`Registry.compute` of :data:`REGISTRY`)."""
    return REGISTRY.compute(source)


def table() -> pd.DataFrame:
    """The registry as a table: name, kind, unit (what n counts), doc, label, short, scale, ci_method."""
    return REGISTRY.table()


def frames(
    values: OutcomeArrays, point_names, names: Sequence[str] | None = None, kinds: Sequence[str] | None = None
) -> Tuple[pd.DataFrame, pd.DataFrame]:
    """``(outcomes, counts)`` in the shapes :mod:`learnrace.sensitivity` takes: one row per point with a ``point``
    column and one column per outcome; and the counts in long form (point, outcome, n, successes for shares, sd for
    means; quantiles and values have neither, so no interval). ``names`` and ``kinds`` of the columns of ``values``:
    default the registry's (a study file passes the ones it stores)."""
    names = list(REGISTRY.names if names is None else names)
    kinds = np.array([REGISTRY[n].kind for n in names] if kinds is None else list(kinds))
    point_names = np.asarray(point_names, dtype=object)
    wide = pd.DataFrame(values.estimate, columns=names)
    wide.insert(0, "point", point_names)
    P, K = values.estimate.shape
    share = kinds == "share"
    spread = np.isin(kinds, ("mean", "period_share"))  # a period share's interval is the normal one of its sd
    long = pd.DataFrame(
        {
            "point": np.repeat(point_names, K),
            "outcome": np.tile(np.array(names, dtype=object), P),
            "n": values.n.ravel().astype(np.int64),
            "successes": np.where(np.tile(share, P), values.successes.ravel().astype(np.float64), np.nan),
            "sd": np.where(np.tile(spread, P), values.sd.ravel(), np.nan),
            "method": np.tile(np.array([CI_METHODS[k] for k in kinds], dtype=object), P),
        }
    )
    return wide, long
