"""Tidy CSV tables of a run or study file for spreadsheet users (``learnrace export FILE.h5 --csv DIR``).

One file per table, one row per observation, plain column names, no index column. A run file gives:

* ``summary.csv``: :meth:`Results.summary`, one row per point: the kernel, the parameters that differ between the
  points, the dyads simulated and one column per outcome of the registry (:mod:`learnrace.outcomes`);
* ``points.csv``: the /points parameter table (point name, kernel, one column per configurable scalar);
* ``transitions.csv``: point, from_state, to_state, count (pair states as codes, e.g. ``COL/CPT``);
* ``durations.csv``: point, cause, duration (periods lived), count of dyads.

A study file gives:

* ``points.csv``: the design, one row per point: ``point`` and one column per parameter;
* ``outcomes.csv``: :meth:`StudyResults.summary`, one row per point and outcome: the point, its parameters, the
  outcome, its estimate and interval, and the counts behind it (n, successes or sd);
* ``indices.csv`` (Sobol' and Morris designs): the sensitivity indices with their intervals.

Spreadsheet formulas: a text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (a point
name such as ``=HYPERLINK(...)``) is written with a leading single quote, so that Excel, LibreOffice and Google
Sheets show it as text instead of running it (OWASP, "CSV Injection"); numbers are written as they are. Text cells
are quoted, so that one with a line break stays one cell.
"""

from __future__ import annotations

import csv
import os
from typing import Dict, List

import pandas as pd

from ._save import atomic_write

# OWASP "CSV Injection": characters that make a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell that a spreadsheet would read as a formula prefixed by a single quote; numeric
    columns are left alone (a negative number stays a number)."""
    out = frame.copy()
    for column in out.columns:
        values = out[column]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        text = values.astype(object)
        risky = text.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_STARTS))
        if risky.any():
            out[column] = text.where(~risky, "'" + text.astype(str))
    return out


def _run_tables(res) -> Dict[str, pd.DataFrame]:
    transitions = res.to_pandas("transitions")[["point", "from_state", "to_state", "count"]]
    durations = res.to_pandas("duration_by_cause")
    return {
        "summary": res.summary().reset_index(),
        "points": res.points.rename(columns={"name": "point"}),
        "transitions": transitions,
        "durations": durations[["point", "cause", "duration", "count"]],
    }


def _study_tables(study) -> Dict[str, pd.DataFrame]:
    tables = {"points": study.points, "outcomes": study.summary()}
    if study.analysis is not None:
        tables["indices"] = study.analysis
    return tables


def tables(source) -> Dict[str, pd.DataFrame]:
    """The tables :func:`write_csv` writes, by file name (without ``.csv``), of a Results or a StudyResults."""
    from ._study import StudyResults

    return _study_tables(source) if isinstance(source, StudyResults) else _run_tables(source)


def write_csv(source, directory: str | os.PathLike[str]) -> List[str]:
    """Writes the tables of a run (:class:`learnrace.Results`) or a study (:class:`learnrace.StudyResults`) into
    ``directory`` (created if missing; each file replaced atomically), text cells that would start a formula
    neutralised. Returns the paths written."""
    directory = os.fspath(directory)
    os.makedirs(directory, exist_ok=True)
    written = []
    for name, frame in tables(source).items():
        path = os.path.join(directory, f"{name}.csv")
        frame = neutralise_formulas(pd.DataFrame(frame))
        # text quoted: a cell with a line break (or a carriage return) stays one cell
        text = frame.to_csv(index=False, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC).encode("utf-8")
        atomic_write(path, lambda out, data=text: out.write(data))
        written.append(path)
    return written
