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
  - ``period_share``: a share of dyad-periods (every period a dyad lived); the dyad-periods of one dyad are not
    independent, so its Wilson interval is too narrow: rank points by it, but do not read the interval as sampling
    error (and the scenario checks refuse it);
  - ``mean``: a mean over ``n`` dyads with standard deviation ``sd``; normal interval, mean +- z sd / sqrt(n);
  - ``quantile``: an order statistic (the median); no interval; NaN when it lies beyond the horizon;
  - ``value``: any other number (no interval); for outcomes registered later;

- ``unit``: what ``n`` counts (``dyads``, ``dissolved dyads`` or ``dyad-periods``); ``scale``: what one value is
  measured in (``share``: a fraction in [0, 1], shown as a percentage; ``periods``; or the model quantity's own
  scale, e.g. ``knowledge``);
- ``label`` (for figures and tables), ``short`` (a column header of at most 10 characters) and ``doc`` (the
  definition in words, with the source).

A later outcome (a user's "reporter") is an :class:`Outcome` like the built-in ones: a function of a :class:`Counts`
(the count arrays of every point, by section name) returning :class:`Columns`; :meth:`Registry.add` checks it.

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
    "period_share": "wilson",  # too narrow: dyad-periods of one dyad are not independent
    "mean": "normal",
    "quantile": "none",
    "value": "none",
}
UNITS = ("dyads", "dissolved dyads", "dyad-periods")
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

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._cache:
            if name not in self._names:
                raise KeyError(f"no count section {name!r} (sections: {', '.join(self._names)})")
            src = self._source
            self._cache[name] = np.asarray(src[name] if isinstance(src, Mapping) else getattr(src, name))
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
        for o in outcomes:
            self.add(o)

    def add(self, outcome: Outcome) -> Outcome:
        if not isinstance(outcome, Outcome):
            raise TypeError(f"expected a learnrace.outcomes.Outcome, not {type(outcome).__name__}")
        if outcome.name in self._by_name:
            raise ValueError(f"an outcome named {outcome.name!r} is already registered")
        self._outcomes.append(outcome)
        self._by_name[outcome.name] = outcome
        return outcome

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
        :class:`Counts`, or a mapping of count sections (arrays with a leading point axis)."""
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


def _period_share(state: str) -> Callable[[Counts], Columns]:
    idx = [s.index for s in labels.PAIR_STATES if s.larsson == state]

    def compute(c: Counts) -> Columns:
        occ = c["occupancy"]
        return Columns.share(occ[:, :, idx].sum(axis=(1, 2), dtype=np.uint64), occ.sum(axis=(1, 2), dtype=np.uint64))

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
    for cause in labels.CAUSES:
        label, short = _CAUSES[cause]
        out.append(
            Outcome(
                f"share_{cause}",
                "share",
                "dyads",
                "share",
                f"share {label}",
                short,
                f"share of the dyads {label}",
                _cause_share([cause]),
                _cause_cells([cause]),
            )
        )
    for name, causes, label, short in (
        ("share_dissolved", labels.CAUSES[1:], "ended before the horizon (any cause)", "dissolved"),
        ("share_race_won", ["race_won_by_A", "race_won_by_B"], "ended by a won learning race (A or B)", "race won"),
        (
            "share_exploited_withdraws",
            ["exploited_A_withdraws", "exploited_B_withdraws"],
            "ended by an exploited firm's withdrawal (A or B)",
            "exploited",
        ),
    ):
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
                "dyad-periods",
                "share",
                f"share of the dyad-periods in {state}",
                _PERIOD_SHORT[state],
                f"share of the live dyad-periods spent in Larsson's {state} states (docs/model.md section 3)",
                _period_share(state),
            )
        )
    return tuple(out)


REGISTRY = Registry(_builtins())
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
    names = list(NAMES if names is None else names)
    kinds = np.array([BY_NAME[n].kind for n in names] if kinds is None else list(kinds))
    point_names = np.asarray(point_names, dtype=object)
    wide = pd.DataFrame(values.estimate, columns=names)
    wide.insert(0, "point", point_names)
    P, K = values.estimate.shape
    share = np.isin(kinds, ("share", "period_share"))
    long = pd.DataFrame(
        {
            "point": np.repeat(point_names, K),
            "outcome": np.tile(np.array(names, dtype=object), P),
            "n": values.n.ravel().astype(np.int64),
            "successes": np.where(np.tile(share, P), values.successes.ravel().astype(np.float64), np.nan),
            "sd": np.where(np.tile(kinds == "mean", P), values.sd.ravel(), np.nan),
        }
    )
    return wide, long
