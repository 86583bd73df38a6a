"""The one representation both simulated and observed alliances are turned into before any statistic is computed.

A simulated data set is one point of the engine: its count arrays (docs/output_schema.md). An observed data set is
turned into the same arrays (:func:`from_observed`): records into the duration-by-cause histogram (a censored record
counts in row ``censored`` at the duration it was seen), their ``power_gain`` into the ``gained`` row of
``power_outcomes``, coded sequences into ``occupancy`` (alliances by period and pair state) and ``transitions``
(pair state in period t -> pair state in t + 1, for consecutive coded periods). :mod:`.statistics` then computes
every statistic from these arrays by the same code, whichever the source.

Every array has a leading axis of data sets (points): [P, ...].
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from .. import labels
from .data import POWER_VALUES, UNKNOWN, Observed, pair_codes

# Rows of ``durations``: the engine's causes (row 0 censored), then records whose end cause is not known.
DURATION_ROWS = (*labels.CAUSES, UNKNOWN)


class Counts(NamedTuple):
    """Count arrays of P data sets. ``None`` where the data have no such level (records without ``power_gain``, data
    without coded sequences)."""

    durations: np.ndarray | None  # [P, 8, T+1]: alliances by DURATION_ROWS and periods lived
    transitions: np.ndarray | None  # [P, 25, 25]: coded periods by pair state at t and t + 1
    occupancy: np.ndarray | None  # [P, T, 25]: alliances by period and pair state
    power: np.ndarray | None  # [P, 3]: alliances whose power gain is known, by who gained: A, B, neither
    alliances: np.ndarray  # [P]: alliances (dyads) in the data set

    @property
    def points(self) -> int:
        return len(self.alliances)

    def select(self, rows) -> Counts:
        """The data sets ``rows`` (an index array or slice)."""
        return Counts(*(None if a is None else a[rows] for a in self))


SECTIONS = ("duration_by_cause", "transitions", "occupancy", "power_outcomes", "dyads_simulated")


def from_results(res) -> Counts:
    """The count arrays of every point of a :class:`learnrace.Results` (or a mapping of its sections)."""
    get = (lambda s: np.asarray(res[s])) if isinstance(res, dict) else (lambda s: getattr(res, s))
    d = get("duration_by_cause")
    durations = np.concatenate([d, np.zeros((d.shape[0], 1, d.shape[2]), d.dtype)], axis=1)
    return Counts(
        durations=durations,
        transitions=get("transitions"),
        occupancy=get("occupancy"),
        power=get("power_outcomes")[:, 0, :],
        alliances=get("dyads_simulated"),
    )


def from_observed(data: Observed, periods: int) -> Counts:
    """One data set (P = 1) of observed alliances as the engine's count arrays for a horizon of ``periods``."""
    data.check_horizon(periods)
    durations = transitions = occupancy = power = None
    if data.records is not None:
        r = data.records
        durations = np.zeros((1, len(DURATION_ROWS), periods + 1), np.uint64)
        rows = r["cause"].map({c: k for k, c in enumerate(DURATION_ROWS)}).to_numpy(np.int64)
        np.add.at(durations[0], (rows, r["duration"].to_numpy(np.int64)), 1)
        if "power_gain" in r.columns:
            power = np.zeros((1, 3), np.uint64)
            for k, who in enumerate(POWER_VALUES):
                power[0, k] = int((r["power_gain"] == who).sum())
    if data.sequences is not None:
        s = data.sequences
        pair = pair_codes(s)
        t = s["period"].to_numpy(np.int64)
        occupancy = np.zeros((1, periods, 25), np.uint64)
        np.add.at(occupancy[0], (t, pair), 1)
        ids = s["id"].to_numpy()
        same = (ids[1:] == ids[:-1]) & (t[1:] == t[:-1] + 1)  # sorted by id, period (validate_sequences)
        transitions = np.zeros((1, 25, 25), np.uint64)
        np.add.at(transitions[0], (pair[:-1][same], pair[1:][same]), 1)
    alliances = np.array([data.alliances], np.uint64)
    return Counts(durations, transitions, occupancy, power, alliances)
