"""Tidy CSV tables of a run for spreadsheet users (``learnrace export RUN.h5 --csv DIR``).

One file per table, one row per observation, plain column names, no index column:

* ``summary.csv``: the headline table of :meth:`Results.summary`, one row per point;
* ``points.csv``: the /points parameter table (point name, kernel, one column per configurable scalar);
* ``transitions.csv``: point, from_state, to_state, count (pair states as codes, e.g. ``COL/CPT``);
* ``durations.csv``: point, cause, duration (periods lived), count of dyads.
"""

from __future__ import annotations

import os
from typing import List

import pandas as pd

from ._save import atomic_write


def _tables(res) -> dict:
    transitions = res.to_pandas("transitions")[["point", "from_state", "to_state", "count"]]
    durations = res.to_pandas("duration_by_cause")
    return {
        "summary": res.summary().reset_index(),
        "points": res.points.rename(columns={"name": "point"}),
        "transitions": transitions,
        "durations": durations[["point", "cause", "duration", "count"]],
    }


def write_csv(res, directory: str | os.PathLike[str]) -> List[str]:
    """Writes summary.csv, points.csv, transitions.csv and durations.csv into `directory` (created if missing;
    each file replaced atomically). Returns the paths written."""
    directory = os.fspath(directory)
    os.makedirs(directory, exist_ok=True)
    written = []
    for name, frame in _tables(res).items():
        path = os.path.join(directory, f"{name}.csv")
        text = pd.DataFrame(frame).to_csv(index=False, lineterminator="\n").encode("utf-8")
        atomic_write(path, lambda out, data=text: out.write(data))
        written.append(path)
    return written
