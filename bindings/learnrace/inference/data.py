"""Observed alliances: the two tidy data levels :func:`learnrace.infer` fits the model to, and their validator.

Alliance records (one row per alliance; docs/inference.md, "Observed data"):

    id          any label, unique
    duration    how long the alliance lived (or had lived when observation ended): quarters, or years with
                ``unit="years"`` (converted to quarters, a started quarter counting as one: ceil(4 * years))
    censored    true when the alliance was still alive when observation ended (true/false, 1/0, yes/no)
    cause       why it ended: one of the engine's causes (``learnrace.CAUSES[1:]``) or ``unknown``; empty or
                ``censored`` for a censored record
    power_gain  optional: who gained bargaining power over its life, ``A``, ``B``, ``neither``, or empty (not known)

Coded strategy sequences (Larsson et al.'s case survey, coded by period; one row per alliance and period):

    id          the alliance
    period      quarter since the alliance's start (0, 1, 2, ...), consecutive within an alliance
    strategy_A  A's learning strategy in the period: a name or code of ``learnrace.STRATEGIES`` (Collaboration /
                COL, Competition / CPT, Compromise / CPR, Accommodation / ACC, Avoidance / AVO), any case
    strategy_B  B's

One period of the model is one quarter. :func:`validate_records` and :func:`validate_sequences` return the cleaned
frames or raise :class:`DataError` naming the row (counting from 1 after the header, as a spreadsheet shows it) and
the column; :func:`to_counts` turns the data into the same count arrays the engine gives for a simulated data set.
"""

from __future__ import annotations

import math
import os
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from .. import labels
from .._errors import ConfigError

RECORD_COLUMNS = ("id", "duration", "censored", "cause")
OPTIONAL_RECORD_COLUMNS = ("power_gain",)
SEQUENCE_COLUMNS = ("id", "period", "strategy_A", "strategy_B")
UNITS = ("quarters", "years")
UNKNOWN = "unknown"
POWER_VALUES = ("A", "B", "neither")
# The most records / coded periods a data set may have (nothing is allocated by a size the data did not earn).
MAX_ROWS = 10_000_000
_TRUE = {"true", "1", "yes", "y", "t"}
_FALSE = {"false", "0", "no", "n", "f"}


class DataError(ConfigError):
    """Observed data that cannot be used: ``key`` names the data set and column (``records.duration``), the message
    also the row."""


def _row(i: int) -> str:
    return f"row {i + 1}"


def _fail(level: str, column: str, message: str) -> DataError:
    return DataError(f"{level}: {message}", f"{level}.{column}")


def _frame(source: Any, level: str) -> pd.DataFrame:
    if isinstance(source, pd.DataFrame):
        return source.reset_index(drop=True).copy()
    if isinstance(source, (str, os.PathLike)):
        path = os.fspath(source)
        if not os.path.isfile(path):
            raise DataError(f"{level}: {path}: no such file", level)
        try:
            return pd.read_csv(path, dtype=str, keep_default_na=False, skipinitialspace=True)
        except (ValueError, OSError, UnicodeDecodeError) as e:
            raise DataError(f"{level}: {path}: not a readable CSV file ({e})", level) from None
    raise DataError(f"{level}: expected a pandas DataFrame or a CSV path, not {type(source).__name__}", level)


def _columns(frame: pd.DataFrame, level: str, required, optional=()) -> None:
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise _fail(level, missing[0], f"missing column {missing[0]!r} (columns: {', '.join(required)})")
    extra = [c for c in frame.columns if c not in required and c not in optional]
    if extra:
        allowed = ", ".join((*required, *optional))
        raise _fail(level, extra[0], f"unknown column {extra[0]!r} (allowed: {allowed})")
    if len(frame) == 0:
        raise DataError(f"{level}: no rows: the data set is empty", level)
    if len(frame) > MAX_ROWS:
        raise DataError(f"{level}: {len(frame)} rows; at most {MAX_ROWS} are read", level)


def _text(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value).strip()


def _ids(frame: pd.DataFrame, level: str) -> np.ndarray:
    ids = np.array([_text(v) for v in frame["id"]], dtype=object)
    empty = np.flatnonzero(ids == "")
    if len(empty):
        raise _fail(level, "id", f"{_row(int(empty[0]))}: id is empty")
    return ids


def _number(level: str, column: str, i: int, value: Any) -> float:
    text = _text(value)
    try:
        x = float(text)
    except ValueError:
        raise _fail(level, column, f"{_row(i)}: {column} = {text!r} is not a number") from None
    if not math.isfinite(x):
        raise _fail(level, column, f"{_row(i)}: {column} = {text!r} is not a finite number")
    return x


def _flag(level: str, column: str, i: int, value: Any) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    text = _text(value).lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise _fail(level, column, f"{_row(i)}: {column} = {_text(value)!r} is not true or false (true/false, 1/0, yes/no)")


def validate_records(source: Any, unit: str = "quarters") -> pd.DataFrame:
    """Alliance records (a DataFrame or CSV path) checked and cleaned: ``id`` (str), ``duration`` (int, quarters),
    ``censored`` (bool), ``cause`` (a cause name, ``unknown`` or ``censored``), ``power_gain`` (A, B, neither or
    empty). Raises :class:`DataError` naming the row and column."""
    if unit not in UNITS:
        raise DataError(f"records: unit {unit!r} is not one of {', '.join(UNITS)}", "records.unit")
    level = "records"
    frame = _frame(source, level)
    _columns(frame, level, RECORD_COLUMNS, OPTIONAL_RECORD_COLUMNS)
    ids = _ids(frame, level)
    duplicated = pd.Series(ids).duplicated()
    if duplicated.any():
        i = int(np.argmax(duplicated.to_numpy()))
        raise _fail(level, "id", f"{_row(i)}: id {ids[i]!r} repeats (one row per alliance)")
    causes = {c.lower(): c for c in labels.CAUSES[1:]}
    durations, censored, cause_out, power = [], [], [], []
    has_power = "power_gain" in frame.columns
    for i in range(len(frame)):
        x = _number(level, "duration", i, frame["duration"].iat[i])
        if x < 0:
            raise _fail(level, "duration", f"{_row(i)}: duration = {x:g} is negative")
        quarters = math.ceil(4 * x - 1e-9) if unit == "years" else x
        if unit == "quarters" and x != math.floor(x):
            raise _fail(level, "duration", f"{_row(i)}: duration = {x:g} is not a whole number of quarters")
        if quarters < 1:
            raise _fail(level, "duration", f"{_row(i)}: duration = {x:g} {unit}; an alliance lives at least 1 quarter")
        c = _flag(level, "censored", i, frame["censored"].iat[i])
        text = _text(frame["cause"].iat[i]).lower()
        if c:
            if text not in ("", "censored"):
                raise _fail(level, "cause", f"{_row(i)}: a censored record has no end cause, not {text!r}")
            cause = "censored"
        elif text in ("", UNKNOWN):
            cause = UNKNOWN
        elif text in causes:
            cause = causes[text]
        else:
            allowed = ", ".join((*labels.CAUSES[1:], UNKNOWN))
            raise _fail(level, "cause", f"{_row(i)}: unknown end cause {text!r} (allowed: {allowed})")
        p = ""
        if has_power:
            p = _text(frame["power_gain"].iat[i])
            match = [v for v in POWER_VALUES if v.lower() == p.lower()]
            if p and not match:
                raise _fail(level, "power_gain", f"{_row(i)}: power_gain = {p!r} is not A, B, neither or empty")
            p = match[0] if p else ""
        durations.append(int(quarters))
        censored.append(c)
        cause_out.append(cause)
        power.append(p)
    out = pd.DataFrame({"id": ids, "duration": np.array(durations, np.int64), "censored": censored, "cause": cause_out})
    if has_power:
        out["power_gain"] = power
    return out


def _strategy(level: str, column: str, i: int, value: Any) -> int:
    text = _text(value).lower()
    for code, (name, short) in enumerate(zip(labels.STRATEGIES, labels.STRATEGY_CODES)):
        if text in (name.lower(), short.lower()):
            return code
    allowed = ", ".join(f"{n} ({c})" for n, c in zip(labels.STRATEGIES, labels.STRATEGY_CODES))
    raise _fail(level, column, f"{_row(i)}: unknown strategy {_text(value)!r} (allowed: {allowed})")


def validate_sequences(source: Any) -> pd.DataFrame:
    """Coded strategy sequences (a DataFrame or CSV path) checked and cleaned: ``id`` (str), ``period`` (int),
    ``strategy_A`` and ``strategy_B`` (strategy codes, e.g. ``COL``), sorted by id and period. Periods of an
    alliance must be consecutive (no gaps, no repeats). Raises :class:`DataError` naming the row and column."""
    level = "sequences"
    frame = _frame(source, level)
    _columns(frame, level, SEQUENCE_COLUMNS)
    ids = _ids(frame, level)
    periods = np.empty(len(frame), np.int64)
    a = np.empty(len(frame), np.int64)
    b = np.empty(len(frame), np.int64)
    for i in range(len(frame)):
        x = _number(level, "period", i, frame["period"].iat[i])
        if x < 0 or x != math.floor(x):
            raise _fail(level, "period", f"{_row(i)}: period = {x:g} is not a whole number >= 0 (quarters)")
        periods[i] = int(x)
        a[i] = _strategy(level, "strategy_A", i, frame["strategy_A"].iat[i])
        b[i] = _strategy(level, "strategy_B", i, frame["strategy_B"].iat[i])
    order = np.lexsort((periods, ids.astype(str)))
    for j in range(1, len(order)):
        i, prev = order[j], order[j - 1]
        if ids[i] != ids[prev]:
            continue
        if periods[i] == periods[prev]:
            raise _fail(level, "period", f"{_row(int(i))}: alliance {ids[i]!r} has period {periods[i]} twice")
        if periods[i] != periods[prev] + 1:
            raise _fail(
                level,
                "period",
                f"{_row(int(i))}: alliance {ids[i]!r} jumps from period {periods[prev]} to {periods[i]} (a gap: code "
                "every quarter from the first to the last)",
            )
    codes = np.array(labels.STRATEGY_CODES, dtype=object)
    return pd.DataFrame(
        {"id": ids[order], "period": periods[order], "strategy_A": codes[a[order]], "strategy_B": codes[b[order]]}
    ).reset_index(drop=True)


class Observed(NamedTuple):
    """Observed alliances: ``records`` and/or ``sequences`` (validated frames, or None)."""

    records: pd.DataFrame | None = None
    sequences: pd.DataFrame | None = None

    @property
    def alliances(self) -> int:
        """Alliances in the data: the records, else the coded alliances."""
        if self.records is not None:
            return len(self.records)
        return int(self.sequences["id"].nunique())

    @property
    def horizon(self) -> int:
        """The longest time the data cover, in quarters (periods)."""
        h = 0
        if self.records is not None:
            h = int(self.records["duration"].max())
        if self.sequences is not None:
            h = max(h, int(self.sequences["period"].max()) + 1)
        return h

    def check_horizon(self, periods: int) -> None:
        """DataError when the data reach beyond the model's horizon ``run.periods``."""
        if self.records is not None and int(self.records["duration"].max()) > periods:
            i = int(np.argmax(self.records["duration"].to_numpy() > periods))
            raise _fail(
                "records",
                "duration",
                f"{_row(i)}: alliance {self.records['id'].iat[i]!r} lived {self.records['duration'].iat[i]} quarters, "
                f"beyond the model's horizon run.periods = {periods}; raise run.periods",
            )
        if self.sequences is not None and int(self.sequences["period"].max()) >= periods:
            i = int(np.argmax(self.sequences["period"].to_numpy() >= periods))
            raise _fail(
                "sequences",
                "period",
                f"alliance {self.sequences['id'].iat[i]!r} is coded at period {self.sequences['period'].iat[i]}, "
                f"beyond the model's horizon run.periods = {periods} (periods 0..{periods - 1}); raise run.periods",
            )


def observed(records: Any = None, sequences: Any = None, unit: str = "quarters") -> Observed:
    """The observed data from either or both levels (DataFrames or CSV paths), validated."""
    if records is None and sequences is None:
        raise DataError("observed data: give records, sequences or both", "observed")
    return Observed(
        None if records is None else validate_records(records, unit),
        None if sequences is None else validate_sequences(sequences),
    )


def pair_codes(sequences: pd.DataFrame) -> np.ndarray:
    """The pair state index 5 * code_A + code_B of every row."""
    index = {c: k for k, c in enumerate(labels.STRATEGY_CODES)}
    a = sequences["strategy_A"].map(index).to_numpy(np.int64)
    b = sequences["strategy_B"].map(index).to_numpy(np.int64)
    return 5 * a + b
