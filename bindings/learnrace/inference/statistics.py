"""Summary statistics for inference: computed by the same code for simulated and observed data.

Every statistic maps a :class:`~learnrace.inference.counts.Counts` (P data sets: the engine's points, or one
observed data set turned into the same arrays) to an array [P, columns]. A statistic is made from a spec, a dict
``{"stat": FAMILY, ...parameters}`` (also a TOML table of ``[[infer.statistics]]``), or is user-defined
(:class:`Statistic` with any function of the counts). The families (docs/inference.md, "Summary statistics"):

=================  ===============================  ===========================================================
family             parameters                       columns
=================  ===============================  ===========================================================
survival           at = [t, ...] (quarters)         Kaplan-Meier survival S(t): share of alliances alive after t
cause_share        causes = [...], by = t           share of the alliances ended by t (default: the horizon)
                                                    whose known end cause is one of ``causes``
cause_incidence    causes = [...], at = [t, ...]    cumulative incidence (Aalen-Johansen) of ``causes`` by t
power_share        firms = [...]                    share of alliances (power gain known) in which one of
                                                    ``firms`` (A, B, neither) gained bargaining power
state_share        states = [...], periods = [a, b] share of the (coded) alliance-periods in ``states``, periods
                                                    a..b-1 (default all)
transition         from = [...], to = [...]         P(next period's state in ``to`` | state in ``from``)
persistence        states = [...]                   per state (group): P(next period in the same state (group))
outcome            names = [...]                    outcomes of :mod:`learnrace.outcomes`, from the same arrays
=================  ===============================  ===========================================================

Causes: the engine's causes (``learnrace.CAUSES[1:]``) or the groups ``race_won`` (by A or B), ``exploited_withdraws``
(A or B) and ``any``. States: Larsson's state names (``integration``, ``moderation``, ``deadlock``, ``symbolic``,
``asymmetric exploitation``, ``partial exploitation``, ``friendly exploitation``, ``disintegration``), pair codes
(``COL/CPT``: A's strategy / B's) or ``any``; a state in a list may itself be a list (a group).

Kaplan-Meier and Aalen-Johansen handle censored records (:func:`learnrace.survival.curves`), so data with
different follow-up times estimate the same quantities as the engine's dyads, which are censored only at the horizon.
"""

from __future__ import annotations

import dataclasses
import math
import threading
from typing import Any, Callable, Dict, List, Mapping, Sequence, Tuple

import numpy as np

from .. import labels
from .. import outcomes as registry
from .._errors import ConfigError
from ..survival import curves
from .counts import DURATION_ROWS, Counts

CAUSE_GROUPS = {
    "race_won": ("race_won_by_A", "race_won_by_B"),
    "exploited_withdraws": ("exploited_A_withdraws", "exploited_B_withdraws"),
    "any": tuple(labels.CAUSES[1:]),
}
LEVELS = {
    "durations": "alliance records (duration and end cause)",
    "transitions": "coded strategy sequences",
    "occupancy": "coded strategy sequences",
    "power": "records with a power_gain column",
}


@dataclasses.dataclass(frozen=True)
class Statistic:
    """One summary statistic: ``columns`` names its values; ``compute(counts)`` returns [P, len(columns)];
    ``needs`` lists the fields of :class:`Counts` it reads; ``spec`` is the dict it was made from (None for a
    user-defined statistic, which cannot be stored in a posterior file as a spec)."""

    columns: Tuple[str, ...]
    compute: Callable[[Counts], np.ndarray]
    needs: Tuple[str, ...] = ()
    spec: Dict[str, Any] | None = None

    def __call__(self, counts: Counts) -> np.ndarray:
        for field in self.needs:
            if getattr(counts, field) is None:
                raise ConfigError(
                    f"statistics: {', '.join(self.columns)} needs {LEVELS.get(field, field)}, which the data lack",
                    f"statistics.{self.columns[0]}",
                )
        out = np.asarray(self.compute(counts), dtype=np.float64)
        if out.shape != (counts.points, len(self.columns)):
            raise ValueError(
                f"statistic {self.columns}: returned shape {out.shape}, expected {(counts.points, len(self.columns))}"
            )
        return out


def _fail(family: str, message: str) -> ConfigError:
    return ConfigError(f"statistics: {family}: {message}", f"statistics.{family}")


def _list(family: str, name: str, value: Any) -> list:
    if isinstance(value, (str, int, float)):
        return [value]
    if not isinstance(value, Sequence) or not value:
        raise _fail(family, f"{name} must be a non-empty list, not {value!r}")
    return list(value)


def _times(family: str, value: Any) -> List[int]:
    out = []
    for t in _list(family, "at", value):
        if isinstance(t, bool) or not isinstance(t, (int, np.integer)) or t < 1:
            raise _fail(family, f"times must be whole quarters >= 1, not {t!r}")
        out.append(int(t))
    return out


def _causes(family: str, value: Any) -> Tuple[List[int], str]:
    rows, names = [], []
    for c in _list(family, "causes", value):
        members = CAUSE_GROUPS.get(c, (c,))
        for m in members:
            if m not in labels.CAUSES[1:]:
                allowed = ", ".join((*labels.CAUSES[1:], *CAUSE_GROUPS))
                raise _fail(family, f"unknown cause {c!r} (allowed: {allowed})")
            rows.append(DURATION_ROWS.index(m))
        names.append(str(c))
    return sorted(set(rows)), "+".join(names)


_LARSSON_NAMES = sorted({s.larsson for s in labels.PAIR_STATES if s.larsson})


def _state(family: str, value: Any) -> Tuple[List[int], str]:
    """Pair-state indices of one state selector (a name, a pair code, ``any``, or a list of them)."""
    if isinstance(value, (list, tuple)):
        parts = [_state(family, v) for v in value]
        return sorted({i for p in parts for i in p[0]}), "+".join(p[1] for p in parts)
    if not isinstance(value, str):
        raise _fail(family, f"a state is a name or pair code, not {value!r}")
    key = value.strip()
    if key == "any":
        return list(range(25)), "any"
    if key.lower() in _LARSSON_NAMES:
        return [s.index for s in labels.PAIR_STATES if s.larsson == key.lower()], key.lower().replace(" ", "_")
    for s in labels.PAIR_STATES:
        if key.upper() == s.code or key.lower() == s.name.lower():
            return [s.index], s.code
    raise _fail(
        family, f"unknown state {value!r} (Larsson's names: {', '.join(_LARSSON_NAMES)}; pair codes such as COL/CPT)"
    )


_cache = threading.local()


def _curves(c: Counts):
    """:func:`learnrace.survival.curves` of ``c.durations``, computed once for all the statistics that read it (the
    last counts seen on this thread)."""
    last = getattr(_cache, "last", None)
    if last is None or last[0] is not c.durations:
        last = (c.durations, curves(c.durations))
        _cache.last = last
    return last[1]


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def _horizon_index(durations: np.ndarray, t: int, family: str) -> int:
    T = durations.shape[-1] - 1
    if t > T:
        raise _fail(family, f"time {t} is beyond the horizon run.periods = {T}")
    return t - 1


# ------------------------------------------------------------------------------------------------------ families


def survival(at: Sequence[int], name: str | None = None) -> Statistic:
    """Kaplan-Meier survival S(t) at each quarter t of ``at``: the share of alliances still alive after t quarters."""
    times = _times("survival", at)

    def compute(c: Counts) -> np.ndarray:
        idx = [_horizon_index(c.durations, t, "survival") for t in times]
        return _curves(c)[2][:, idx]

    columns = (name,) if name and len(times) == 1 else tuple(f"{name or 'survival'}_{t}" for t in times)
    return Statistic(columns, compute, ("durations",), {"stat": "survival", "at": times, **_named(name)})


def cause_share(causes: Any, by: int | None = None, name: str | None = None) -> Statistic:
    """Among the alliances that ended by quarter ``by`` (default: the horizon) with a known cause, the share ended by
    one of ``causes`` (Aalen-Johansen incidences, so censored records count as at risk until they are censored)."""
    rows, label = _causes("cause_share", causes)
    by = None if by is None else _times("cause_share", by)[0]
    known = [DURATION_ROWS.index(c) for c in labels.CAUSES[1:]]

    def compute(c: Counts) -> np.ndarray:
        t = c.durations.shape[-1] - 2 if by is None else _horizon_index(c.durations, by, "cause_share")
        cif = _curves(c)[3][:, :, t]  # [P, 7]: rows 1.. of DURATION_ROWS
        return _ratio(cif[:, [r - 1 for r in rows]].sum(axis=1), cif[:, [r - 1 for r in known]].sum(axis=1))[:, None]

    spec = {"stat": "cause_share", "causes": _list("cause_share", "causes", causes), **_named(name)}
    if by is not None:
        spec["by"] = by
    return Statistic((name or f"cause_share_{label}" + (f"_by_{by}" if by else ""),), compute, ("durations",), spec)


def cause_incidence(causes: Any, at: Sequence[int], name: str | None = None) -> Statistic:
    """Cumulative incidence of ``causes`` by each quarter of ``at``: the share of alliances ended by them by then."""
    rows, label = _causes("cause_incidence", causes)
    times = _times("cause_incidence", at)

    def compute(c: Counts) -> np.ndarray:
        idx = [_horizon_index(c.durations, t, "cause_incidence") for t in times]
        return _curves(c)[3][:, [r - 1 for r in rows], :].sum(axis=1)[:, idx]

    base = name or f"cause_incidence_{label}"
    columns = (name,) if name and len(times) == 1 else tuple(f"{base}_{t}" for t in times)
    spec = {"stat": "cause_incidence", "causes": _list("cause_incidence", "causes", causes), "at": times}
    return Statistic(columns, compute, ("durations",), {**spec, **_named(name)})


def power_share(firms: Any, name: str | None = None) -> Statistic:
    """Share of alliances (those whose power gain is known) in which one of ``firms`` (A, B, neither) gained power."""
    chosen = _list("power_share", "firms", firms)
    bad = [f for f in chosen if f not in ("A", "B", "neither")]
    if bad:
        raise _fail("power_share", f"unknown firm {bad[0]!r} (A, B or neither)")
    idx = [("A", "B", "neither").index(f) for f in chosen]

    def compute(c: Counts) -> np.ndarray:
        p = c.power.astype(np.float64)
        return _ratio(p[:, idx].sum(axis=1), p.sum(axis=1))[:, None]

    spec = {"stat": "power_share", "firms": chosen, **_named(name)}
    return Statistic((name or f"power_share_{'+'.join(chosen)}",), compute, ("power",), spec)


def state_share(states: Any, periods: Sequence[int] | None = None, name: str | None = None) -> Statistic:
    """Share of the alliance-periods (periods ``periods[0]`` to ``periods[1] - 1``, default all) spent in each state
    (group) of ``states``: one column per entry."""
    groups = [_state("state_share", s) for s in _list("state_share", "states", states)]
    window = None
    if periods is not None:
        if (
            not isinstance(periods, Sequence)
            or len(periods) != 2
            or not all(isinstance(p, (int, np.integer)) and not isinstance(p, bool) for p in periods)
            or not 0 <= periods[0] < periods[1]
        ):
            raise _fail("state_share", f"periods must be [first, end) with 0 <= first < end, not {periods!r}")
        window = (int(periods[0]), int(periods[1]))

    def compute(c: Counts) -> np.ndarray:
        occ = c.occupancy if window is None else c.occupancy[:, window[0] : window[1], :]
        if window is not None and window[1] > c.occupancy.shape[1]:
            raise _fail("state_share", f"periods {list(window)} reach beyond run.periods = {c.occupancy.shape[1]}")
        per_state = occ.sum(axis=1, dtype=np.float64)  # [P, 25]
        total = per_state.sum(axis=1)
        return np.stack([_ratio(per_state[:, g].sum(axis=1), total) for g, _ in groups], axis=1)

    suffix = "" if window is None else f"_{window[0]}_{window[1]}"
    columns = (name,) if name and len(groups) == 1 else tuple(f"{name or 'state_share'}_{g}{suffix}" for _, g in groups)
    spec = {"stat": "state_share", "states": list(_list("state_share", "states", states)), **_named(name)}
    if window is not None:
        spec["periods"] = list(window)
    return Statistic(columns, compute, ("occupancy",), spec)


def transition(from_states: Any, to_states: Any, name: str | None = None) -> Statistic:
    """P(the next period's state is in ``to_states`` | the state is in ``from_states``), from the transition counts.

    The engine also counts each dyad's last drawn transition, whose destination is never played (docs/model.md
    section 13), and coded data cannot: conditional on the state in t both are draws of the same kernel, so the
    row frequencies estimate the same probabilities."""
    src, a = _state("transition", from_states)
    dst, b = _state("transition", to_states)

    def compute(c: Counts) -> np.ndarray:
        rows = c.transitions[:, src, :].astype(np.float64)
        return _ratio(rows[:, :, dst].sum(axis=(1, 2)), rows.sum(axis=(1, 2)))[:, None]

    spec = {"stat": "transition", "from": from_states, "to": to_states, **_named(name)}
    return Statistic((name or f"transition_{a}_to_{b}",), compute, ("transitions",), spec)


def persistence(states: Any, name: str | None = None) -> Statistic:
    """For each state (group) of ``states``: P(the next period is in the same state (group) | in it now)."""
    groups = [_state("persistence", s) for s in _list("persistence", "states", states)]

    def compute(c: Counts) -> np.ndarray:
        tr = c.transitions.astype(np.float64)
        cols = []
        for g, _ in groups:
            rows = tr[:, g, :]
            cols.append(_ratio(rows[:, :, g].sum(axis=(1, 2)), rows.sum(axis=(1, 2))))
        return np.stack(cols, axis=1)

    columns = (name,) if name and len(groups) == 1 else tuple(f"{name or 'persistence'}_{g}" for _, g in groups)
    return Statistic(columns, compute, ("transitions",), {"stat": "persistence", "states": states, **_named(name)})


_OBSERVABLE: Tuple[str, ...] | None = None


def observable_outcomes() -> Tuple[str, ...]:
    """The outcomes of :mod:`learnrace.outcomes` that observed data can give: those computed from the duration
    histogram and the occupancy alone (not the moments or the power outcomes, which records do not have)."""
    global _OBSERVABLE
    if _OBSERVABLE is None:
        probe = registry.Counts(
            {
                "duration_by_cause": np.ones((1, len(labels.CAUSES), 3), np.uint64),
                "occupancy": np.ones((1, 2, 25), np.uint64),
                "dyads_simulated": np.full(1, 3 * len(labels.CAUSES), np.uint64),
            }
        )
        usable = []
        for o in registry.OUTCOMES:
            try:
                o.compute(probe)
            except KeyError:
                continue
            usable.append(o.name)
        _OBSERVABLE = tuple(usable)
    return _OBSERVABLE


def outcome(names: Any) -> Statistic:
    """Outcomes of the outcome registry :mod:`learnrace.outcomes` (``learnrace.outcomes.table()``), computed from the
    same arrays by the registry's own code. Only outcomes of durations, end causes and time in Larsson's states
    qualify (:func:`observable_outcomes`), and on observed records only when every record was followed to the horizon
    with a known cause (the registry counts every dyad to the horizon)."""
    chosen = [str(n) for n in _list("outcome", "names", names)]
    usable = observable_outcomes()
    for n in chosen:
        if n not in usable:
            raise _fail("outcome", f"{n!r} is not an outcome computable from observed data (one of {list(usable)})")
    entries = [registry.BY_NAME[n] for n in chosen]
    needs_durations = any(not n.startswith("period_share_") for n in chosen)
    needs_occupancy = any(n.startswith("period_share_") for n in chosen)

    def compute(c: Counts) -> np.ndarray:
        arrays: Dict[str, np.ndarray] = {"dyads_simulated": c.alliances}
        if c.durations is not None:
            d = c.durations
            T = d.shape[-1] - 1
            unknown = d[:, DURATION_ROWS.index("unknown"), :].sum()
            early = d[:, 0, :T].sum()
            if needs_durations and (unknown or early):
                raise _fail(
                    "outcome",
                    "the registry's outcomes assume every alliance followed to the horizon with a known end cause; "
                    "these data have censored records before it or unknown causes: use survival / cause_share",
                )
            arrays["duration_by_cause"] = d[:, : len(labels.CAUSES), :]
        if c.occupancy is not None:
            arrays["occupancy"] = c.occupancy
        counts = registry.Counts(arrays)
        return np.stack([o.compute(counts).estimate for o in entries], axis=1)

    needs = (("durations",) if needs_durations else ()) + (("occupancy",) if needs_occupancy else ())
    return Statistic(tuple(chosen), compute, needs, {"stat": "outcome", "names": chosen})


def _named(name: str | None) -> dict:
    return {} if name is None else {"name": name}


FAMILIES: Dict[str, Callable[..., Statistic]] = {
    "survival": survival,
    "cause_share": cause_share,
    "cause_incidence": cause_incidence,
    "power_share": power_share,
    "state_share": state_share,
    "transition": transition,
    "persistence": persistence,
    "outcome": outcome,
}
_ARGUMENTS = {"transition": {"from": "from_states", "to": "to_states"}}


def make(spec: Any) -> Statistic:
    """A statistic from a spec dict ``{"stat": family, ...}`` (or a :class:`Statistic`, returned as it is)."""
    if isinstance(spec, Statistic):
        return spec
    if not isinstance(spec, Mapping) or "stat" not in spec:
        raise ConfigError(
            f"statistics: {spec!r} is not a statistic: a dict {{stat = FAMILY, ...}} (families: {', '.join(FAMILIES)})"
            " or a learnrace.inference.Statistic",
            "statistics",
        )
    family = spec["stat"]
    if family not in FAMILIES:
        raise ConfigError(f"statistics: unknown family {family!r} (families: {', '.join(FAMILIES)})", "statistics")
    kwargs = {_ARGUMENTS.get(family, {}).get(k, k): v for k, v in spec.items() if k != "stat"}
    try:
        return FAMILIES[family](**kwargs)
    except TypeError as e:
        raise _fail(family, f"wrong parameters {sorted(k for k in spec if k != 'stat')} ({e})") from None


class StatisticSet:
    """The chosen statistics, in order, as one function of the counts: [P, total columns]."""

    def __init__(self, statistics: Any):
        if isinstance(statistics, (Mapping, Statistic)):
            statistics = [statistics]
        if not isinstance(statistics, Sequence) or isinstance(statistics, str) or not statistics:
            raise ConfigError("statistics: give a non-empty list of statistics", "statistics")
        self.items = [make(s) for s in statistics]
        self.columns = [c for s in self.items for c in s.columns]
        seen = set()
        for c in self.columns:
            if c in seen:
                raise ConfigError(f"statistics: column {c!r} appears twice; give one of them a name", "statistics")
            seen.add(c)

    def __call__(self, counts: Counts) -> np.ndarray:
        try:
            return np.concatenate([s(counts) for s in self.items], axis=1)
        finally:
            _cache.last = None  # the curves are not kept past the counts they were computed from

    @property
    def specs(self) -> List[Dict[str, Any] | None]:
        return [s.spec for s in self.items]

    @property
    def needs(self) -> Tuple[str, ...]:
        return tuple(sorted({n for s in self.items for n in s.needs}))

    def __len__(self) -> int:
        return len(self.columns)


def finite_or_fail(values: np.ndarray, columns: Sequence[str], what: str) -> None:
    """ConfigError naming the first statistic that is not finite (e.g. a transition from a state never seen)."""
    bad = ~np.isfinite(values)
    if bad.any():
        j = int(np.argmax(bad.any(axis=0)))
        raise ConfigError(
            f"statistics: {columns[j]} is undefined for {what} (no alliance, period or transition it is a share of)",
            f"statistics.{columns[j]}",
        )


def describe(columns: Sequence[str], values: np.ndarray) -> str:
    return ", ".join(f"{c} = {v:.4g}" if math.isfinite(v) else f"{c} = nan" for c, v in zip(columns, values))
