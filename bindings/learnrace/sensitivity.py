"""Analysis of a study: Sobol' and Morris indices with bootstrap CIs, grids as xarray, outcomes joined with their CIs.

Every function takes the study's design (a :class:`learnrace.design.Design`, or its points frame) and an outcomes
frame: one row per point, identified by a ``point`` column (or an index of point names), and one numeric column per
scalar outcome. Rows may come in any order; every design point must be there once. See docs/sensitivity.md.

>>> from learnrace import design, sensitivity
>>> d = design.make({"a.x": {"low": 0, "high": 1}, "a.y": {"low": 0, "high": 1}}, kind="sobol", n=256)
>>> outcomes = d.points.assign(out=d.points["a.x"] + 0.1 * d.points["a.y"])[["point", "out"]]
>>> sensitivity.sobol(d, outcomes)    # tidy: outcome, parameter, index (S1, ST), estimate, ci_low, ci_high, confidence
"""

from __future__ import annotations

import warnings
from typing import Any, Sequence

import numpy as np
import pandas as pd

from ._optional import require
from .design import POINT_COLUMN, Design, as_design

TIDY_COLUMNS = ["outcome", "parameter", "index", "estimate", "ci_low", "ci_high", "confidence"]
SUMMARY_COLUMNS = ["outcome", "estimate", "ci_low", "ci_high", "confidence", "ci_method", "n", "successes", "sd"]
SHARE_METHODS = {"wilson": "wilson", "clopper-pearson": "beta"}
# The bootstrap holds a few [samples x resamples] arrays at once (SALib's Sobol': the resample indices and four
# arrays of outputs, 8 bytes each): samples x resamples is capped so that stays under about 2 GB.
MAX_BOOTSTRAP = 50_000_000


# -------------------------------------------------------------------------------------------------------- outcomes


def outcome_matrix(
    design: Any, outcomes: pd.DataFrame, columns: Sequence[str] | None = None, allow_missing: bool = False
):
    """``(design, names, Y)``: the outcome columns as a float array [points x outcomes] in the design's point order.

    columns: the outcomes to use (default: every column except ``point`` and the design's parameters). Raises
    ValueError for a missing or repeated point, a point the design does not have, a non-numeric outcome or, unless
    ``allow_missing``, a missing or infinite value (naming the outcome and the point).
    """
    d = as_design(design)
    if not isinstance(outcomes, pd.DataFrame):
        raise TypeError(f"outcomes must be a pandas DataFrame, not {type(outcomes).__name__}")
    frame = _indexed_by_point(outcomes, "outcomes")
    if columns is None:
        columns = [c for c in frame.columns if c not in d.keys]
    else:
        columns = [columns] if isinstance(columns, str) else list(columns)
        absent = [c for c in columns if c not in frame.columns]
        if absent:
            raise ValueError(f"outcomes has no column(s) {absent}; it has {list(frame.columns)}")
    if not columns:
        raise ValueError("outcomes has no outcome columns (only point names and parameters)")
    names = d.points[POINT_COLUMN]
    missing = names[~names.isin(frame.index)]
    if len(missing):
        raise ValueError(f"outcomes lacks {len(missing)} of the design's {len(names)} points, e.g. {missing.iloc[0]!r}")
    extra = frame.index[~frame.index.isin(names)]
    if len(extra):
        raise ValueError(f"outcomes has {len(extra)} point(s) the design does not have, e.g. {extra[0]!r}")
    frame = frame.loc[names.to_numpy(), columns]
    for c in columns:
        if not pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_bool_dtype(frame[c]):
            raise ValueError(f"outcome {c!r} is not numeric ({frame[c].dtype})")
        bad = ~np.isfinite(frame[c].to_numpy(dtype=np.float64))
        if allow_missing:
            bad &= frame[c].notna().to_numpy()
        if bad.any():
            i = int(np.argmax(bad))
            raise ValueError(
                f"outcome {c!r} is {frame[c].iloc[i]} at point {names.iloc[i]!r}; the indices need a value at every "
                "point (leave the outcome out with columns=[...])"
            )
    return d, [str(c) for c in columns], frame.to_numpy(dtype=np.float64)


def _indexed_by_point(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    if POINT_COLUMN in frame.columns:
        frame = frame.set_index(POINT_COLUMN)
    elif frame.index.name != POINT_COLUMN:
        raise ValueError(f"{what} needs a {POINT_COLUMN!r} column (or an index named {POINT_COLUMN!r}) of point names")
    if frame.index.has_duplicates:
        raise ValueError(f"{what} repeats point {frame.index[frame.index.duplicated()][0]!r}")
    return frame


def _settings(d: Design, confidence, resamples, seed):
    confidence = d.confidence if confidence is None else confidence
    resamples = d.resamples if resamples is None else resamples
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), not {confidence!r}")
    if int(resamples) != resamples or resamples < 2:
        raise ValueError(f"resamples must be an integer >= 2, not {resamples!r}")
    samples = d.n  # Sobol': base samples; Morris: trajectories
    if samples * resamples > MAX_BOOTSTRAP:
        raise ValueError(
            f"the bootstrap of {samples} samples x {resamples} resamples exceeds {MAX_BOOTSTRAP:,} numbers per array; "
            f"use resamples <= {MAX_BOOTSTRAP // samples}"
        )
    return float(confidence), int(resamples), d.seed if seed is None else int(seed)


def _z(confidence: float) -> float:
    return float(require("scipy.stats", "learnrace.sensitivity").norm.ppf(0.5 + confidence / 2))


def _rows(outcome, parameter, index, estimate, half_width, confidence, **extra):
    estimate = np.asarray(estimate, dtype=np.float64)
    half_width = np.asarray(half_width, dtype=np.float64)
    return pd.DataFrame(
        {
            "outcome": outcome,
            "parameter": parameter,
            "index": index,
            "estimate": estimate,
            "ci_low": estimate - half_width,
            "ci_high": estimate + half_width,
            "confidence": confidence,
            **extra,
        }
    )


def _constant(name: str, y: np.ndarray) -> bool:
    if np.ptp(y) > 0:
        return False
    warnings.warn(f"outcome {name!r} is the same at every point: its indices are undefined (NaN)", stacklevel=3)
    return True


# ----------------------------------------------------------------------------------------------------------- sobol


def sobol(
    design: Any,
    outcomes: pd.DataFrame,
    columns: Sequence[str] | None = None,
    second_order: bool | None = None,
    confidence: float | None = None,
    resamples: int | None = None,
    seed: int | None = None,
) -> pd.DataFrame:
    """Sobol' first-order (S1) and total (ST) indices, and S2 with ``second_order``, of each outcome (SALib).

    design: a ``sobol`` design (its point order is Saltelli's). second_order: default the design's; needs a design
    sampled with ``second_order``. confidence, resamples, seed: of the bootstrap (defaults: the design's settings and
    seed). The interval is SALib's: estimate +- z * (bootstrap standard deviation).

    Returns a tidy frame: outcome, parameter, index ("S1", "ST", "S2"), estimate, ci_low, ci_high, confidence; with
    S2 also ``parameter_2`` (the second parameter of the pair; empty for S1 and ST).
    """
    salib_sobol = require("SALib.analyze.sobol", "learnrace.sensitivity.sobol")
    d, names, Y = outcome_matrix(design, outcomes, columns)
    if d.kind != "sobol":
        raise ValueError(f"Sobol' indices need a sobol design, not {d.kind}")
    second_order = d.second_order if second_order is None else bool(second_order)
    if second_order and not d.second_order:
        raise ValueError("second_order: this design was sampled without second_order = true")
    confidence, resamples, seed = _settings(d, confidence, resamples, seed)
    k = len(d.parameters)
    frames = []
    for j, name in enumerate(names):
        y = Y[:, j]
        if _constant(name, y):
            S = {s: np.full(k, np.nan) for s in ("S1", "S1_conf", "ST", "ST_conf")}
            S["S2"] = S["S2_conf"] = np.full((k, k), np.nan)
        else:
            # a Generator, not the int: SALib treats seed 0 as "no seed"
            S = salib_sobol.analyze(
                d.problem(),
                y,
                calc_second_order=d.second_order,
                num_resamples=resamples,
                conf_level=confidence,
                seed=np.random.default_rng(seed),
            )
        for index in ("S1", "ST"):
            frames.append(_rows(name, d.keys, index, S[index], S[f"{index}_conf"], confidence))
        if second_order:
            a, b = np.triu_indices(k, 1)
            frames.append(
                _rows(
                    name,
                    [d.keys[i] for i in a],
                    "S2",
                    S["S2"][a, b],
                    S["S2_conf"][a, b],
                    confidence,
                    parameter_2=[d.keys[i] for i in b],
                )
            )
    out = pd.concat(frames, ignore_index=True)
    if second_order:
        out["parameter_2"] = out["parameter_2"].fillna("")
        return out[TIDY_COLUMNS[:2] + ["parameter_2"] + TIDY_COLUMNS[2:]]
    return out[TIDY_COLUMNS]


# ---------------------------------------------------------------------------------------------------------- morris


def elementary_effects(design: Any, outcomes: pd.DataFrame, columns: Sequence[str] | None = None) -> np.ndarray:
    """Morris elementary effects [trajectories x parameters x outcomes] in SALib's units (outcome change per unit
    change of the parameter's [0, 1] coordinate). Their mean, mean absolute value and standard deviation over the
    trajectories are SALib's mu, mu_star and sigma (a test checks that)."""
    d, _, Y = outcome_matrix(design, outcomes, columns)
    if d.kind != "morris":
        raise ValueError(f"elementary effects need a morris design, not {d.kind}")
    return _effects(d, Y)


def _effects(d: Design, Y: np.ndarray) -> np.ndarray:
    k = len(d.parameters)
    r = d.n_points // (k + 1)
    X = d.unit_sample().reshape(r, k + 1, k)
    dX = np.diff(X, axis=1)  # [r, step, parameter]
    moved = np.abs(dX) > 1e-12
    if not (moved.sum(axis=2) == 1).all():
        raise ValueError("not a Morris design: a trajectory step changes more or less than one parameter")
    which = np.argmax(moved, axis=2)  # [r, step]: the parameter each step moves
    step = np.take_along_axis(dX, which[..., None], axis=2)[..., 0]
    dY = np.diff(Y.reshape(r, k + 1, -1), axis=1)  # [r, step, outcome]
    ee = np.empty((r, k, Y.shape[1]))
    ee[np.arange(r)[:, None], which] = dY / step[..., None]
    return ee


def morris(
    design: Any,
    outcomes: pd.DataFrame,
    columns: Sequence[str] | None = None,
    confidence: float | None = None,
    resamples: int | None = None,
    seed: int | None = None,
) -> pd.DataFrame:
    """Morris screening of each outcome: mu_star (mean |elementary effect|), sigma (their standard deviation) and mu
    (their mean), per parameter, with bootstrap CIs.

    design: a ``morris`` design. mu_star and its interval are SALib's (estimate +- z * bootstrap sd of mu_star over
    resampled elementary effects); sigma and mu get the same kind of interval from resampled trajectories.
    Returns a tidy frame: outcome, parameter, index ("mu_star", "sigma", "mu"), estimate, ci_low, ci_high, confidence.
    """
    salib_morris = require("SALib.analyze.morris", "learnrace.sensitivity.morris")
    d, names, Y = outcome_matrix(design, outcomes, columns)
    if d.kind != "morris":
        raise ValueError(f"Morris indices need a morris design, not {d.kind}")
    confidence, resamples, seed = _settings(d, confidence, resamples, seed)
    ee = _effects(d, Y)
    r, k = ee.shape[:2]
    X = d.unit_sample()
    z = _z(confidence)
    take = np.random.default_rng(seed).integers(r, size=(resamples, r))
    frames = []
    for j, name in enumerate(names):
        if _constant(name, Y[:, j]):
            nan = np.full(k, np.nan)
            S = {"mu_star": nan, "mu_star_conf": nan, "sigma": nan, "mu": nan}
            sigma_half = mu_half = nan
        else:
            S = salib_morris.analyze(
                d.problem(),
                X,
                Y[:, j],
                num_resamples=resamples,
                conf_level=confidence,
                num_levels=d.levels,
                seed=np.random.default_rng(seed),
            )
            boot = ee[take, :, j]  # [resample, trajectory, parameter]
            sigma_half = z * boot.std(axis=1, ddof=1).std(axis=0, ddof=1)
            mu_half = z * boot.mean(axis=1).std(axis=0, ddof=1)
        frames.append(_rows(name, d.keys, "mu_star", S["mu_star"], S["mu_star_conf"], confidence))
        frames.append(_rows(name, d.keys, "sigma", S["sigma"], sigma_half, confidence))
        frames.append(_rows(name, d.keys, "mu", S["mu"], mu_half, confidence))
    return pd.concat(frames, ignore_index=True)[TIDY_COLUMNS]


def analyse(design: Any, outcomes: pd.DataFrame, **options) -> pd.DataFrame:
    """The analysis the design was made for: :func:`sobol` for a sobol design, :func:`morris` for a morris design."""
    d = as_design(design)
    if d.kind == "sobol":
        return sobol(d, outcomes, **options)
    if d.kind == "morris":
        return morris(d, outcomes, **options)
    raise ValueError(
        f"a {d.kind} design has no Sobol' or Morris analysis (those need a sobol or morris design); "
        "use summarise(), to_xarray() (grids) or learnrace.plots_study.sweep()"
    )


# ------------------------------------------------------------------------------------------------ confidence bounds


def share_ci(successes, n, confidence: float = 0.95, method: str = "wilson"):
    """``(low, high)`` of a share ``successes / n``: Wilson score (default) or Clopper-Pearson ("clopper-pearson")
    interval (statsmodels' proportion_confint). Array-like inputs; NaN where n == 0."""
    proportion_confint = require("statsmodels.stats.proportion", "learnrace.sensitivity.share_ci").proportion_confint
    if method not in SHARE_METHODS:
        raise ValueError(f"method must be one of {sorted(SHARE_METHODS)}, not {method!r}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), not {confidence!r}")
    k = np.asarray(successes, dtype=np.float64)
    n = np.asarray(n, dtype=np.float64)
    k, n = np.broadcast_arrays(k, n)
    bad = ~(np.isfinite(k) & np.isfinite(n)) | (n < 0) | (k < 0) | (k > n) | (k != np.round(k)) | (n != np.round(n))
    if bad.any():
        i = np.flatnonzero(bad.ravel())[0]
        raise ValueError(f"share counts need integers 0 <= successes <= n, not successes={k.flat[i]}, n={n.flat[i]}")
    empty = n == 0
    with np.errstate(divide="ignore", invalid="ignore"):
        low, high = proportion_confint(k, np.where(empty, 1, n), alpha=1 - confidence, method=SHARE_METHODS[method])
    low = np.where(empty, np.nan, low)
    high = np.where(empty, np.nan, high)
    return low, high


def mean_ci(mean, sd, n, confidence: float = 0.95):
    """``(low, high)`` of a mean from its standard deviation and count: mean +- z sd / sqrt(n) (normal). Array-like
    inputs; NaN where n < 2 or sd is missing."""
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), not {confidence!r}")
    mean, sd, n = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in (mean, sd, n)))
    if (n < 0).any() or (sd < 0).any():
        raise ValueError("mean CI needs n >= 0 and sd >= 0")
    with np.errstate(divide="ignore", invalid="ignore"):
        half = _z(confidence) * sd / np.sqrt(n)
    half = np.where(n >= 2, half, np.nan)
    return mean - half, mean + half


# ---------------------------------------------------------------------------------------------------- joined views


def summarise(
    design: Any,
    outcomes: pd.DataFrame,
    counts: pd.DataFrame | None = None,
    confidence: float | None = None,
    share_method: str = "wilson",
) -> pd.DataFrame:
    """One row per (point, outcome): the point's name and parameters, the outcome's estimate and its CI. A missing
    estimate (NaN, e.g. a share of no dyads) stays missing, with no interval.

    counts: one row per (point, outcome) with columns ``point``, ``outcome``, ``n`` and ``successes`` (a share:
    estimate = successes / n; Wilson or Clopper-Pearson interval, ``share_method``) or ``sd`` (a mean: normal
    interval); a row with neither, and outcomes without a row, get no interval. A share whose estimate is not
    successes / n raises ValueError (the counts belong to another outcome or point).

    Returns: point, the parameters, outcome, estimate, ci_low, ci_high, confidence, ci_method, n, successes, sd.
    """
    d, names, Y = outcome_matrix(design, outcomes, allow_missing=True)
    confidence = d.confidence if confidence is None else float(confidence)
    long = pd.DataFrame(
        {
            POINT_COLUMN: np.repeat(d.points[POINT_COLUMN].to_numpy(), len(names)),
            "outcome": np.tile(np.array(names, dtype=object), d.n_points),
            "estimate": Y.ravel(),
        }
    )
    long = with_intervals(long, counts, confidence, share_method)
    out = d.points.merge(long, on=POINT_COLUMN, how="right", validate="one_to_many")
    out.attrs = {}
    return out[[POINT_COLUMN, *d.keys, *SUMMARY_COLUMNS]]


def with_intervals(
    long: pd.DataFrame, counts: pd.DataFrame | None, confidence: float = 0.95, share_method: str = "wilson"
) -> pd.DataFrame:
    """``long`` (columns point, outcome, estimate) with each estimate's counts and interval: the columns of
    :func:`summarise` after the parameters (outcome, estimate, ci_low, ci_high, confidence, ci_method, n, successes,
    sd). ``counts`` as in :func:`summarise`."""
    long = long.copy()
    for c in ("n", "successes", "sd"):
        long[c] = np.nan
    long["method"] = None
    if counts is not None:
        long = _join_counts(long, counts)
    long["ci_low"] = np.nan
    long["ci_high"] = np.nan
    long["ci_method"] = ""
    share = long["successes"].notna()
    if share.any():
        rows = long[share]
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = rows["successes"] / rows["n"]
        off = ~np.isclose(ratio, rows["estimate"], rtol=1e-9, atol=1e-12) & (rows["n"] > 0)
        if off.any():
            row = rows[off].iloc[0]
            raise ValueError(
                f"outcome {row['outcome']!r} at point {row[POINT_COLUMN]!r} is {row['estimate']} but its counts give "
                f"{row['successes']:g} / {row['n']:g}"
            )
        low, high = share_ci(rows["successes"], rows["n"], confidence, share_method)
        long.loc[share, "ci_low"], long.loc[share, "ci_high"] = low, high
        long.loc[share, "ci_method"] = share_method
    mean = ~share & long["sd"].notna()
    if mean.any():
        rows = long[mean]
        low, high = mean_ci(rows["estimate"], rows["sd"], rows["n"], confidence)
        # a period share (method "dyad-clustered", learnrace.outcomes): the normal interval of a ratio, within [0, 1]
        clustered = (rows["method"] == "dyad-clustered").to_numpy()
        low, high = np.where(clustered, np.clip(low, 0, 1), low), np.where(clustered, np.clip(high, 0, 1), high)
        long.loc[mean, "ci_low"], long.loc[mean, "ci_high"] = low, high
        long.loc[mean, "ci_method"] = np.where(clustered, "dyad-clustered", "normal")
    long["confidence"] = confidence
    return long[[POINT_COLUMN, *SUMMARY_COLUMNS]]


def _join_counts(long: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(counts, pd.DataFrame):
        raise TypeError(f"counts must be a pandas DataFrame, not {type(counts).__name__}")
    need = {POINT_COLUMN, "outcome", "n"}
    if not need <= set(counts.columns) or not ({"successes", "sd"} & set(counts.columns)):
        raise ValueError(
            f"counts needs columns point, outcome, n and successes and/or sd; it has {list(counts.columns)}"
        )
    counts = counts.copy()
    for c in ("successes", "sd"):
        if c not in counts.columns:
            counts[c] = np.nan
    if "method" not in counts.columns:
        counts["method"] = None
    if counts.duplicated([POINT_COLUMN, "outcome"]).any():
        row = counts[counts.duplicated([POINT_COLUMN, "outcome"])].iloc[0]
        raise ValueError(f"counts repeats outcome {row['outcome']!r} at point {row[POINT_COLUMN]!r}")
    known = set(zip(long[POINT_COLUMN], long["outcome"]))
    unknown = [(p, o) for p, o in zip(counts[POINT_COLUMN], counts["outcome"]) if (p, o) not in known]
    if unknown:
        raise ValueError(f"counts has {len(unknown)} (point, outcome) pair(s) without an outcome, e.g. {unknown[0]}")
    both = counts["successes"].notna() & counts["sd"].notna()
    if both.any():
        row = counts[both].iloc[0]
        raise ValueError(f"counts of outcome {row['outcome']!r} give both successes (a share) and sd (a mean)")
    long = long.drop(columns=["n", "successes", "sd", "method"])
    cols = [POINT_COLUMN, "outcome", "n", "successes", "sd", "method"]
    return long.merge(counts[cols].astype({"n": np.float64}), on=[POINT_COLUMN, "outcome"], how="left")


def to_xarray(design: Any, outcomes: pd.DataFrame, counts: pd.DataFrame | None = None, **summary_options):
    """A grid study as an ``xarray.Dataset`` with one dimension per parameter (coordinates: the grid values in the
    design's order) and one variable per outcome; with ``counts`` also ``<outcome>.ci_low`` and ``<outcome>.ci_high``.
    Raises ValueError for a design that is not a grid."""
    xr = require("xarray", "learnrace.sensitivity.to_xarray")
    d = as_design(design)
    if d.kind != "grid":
        raise ValueError(
            f"to_xarray needs a grid design (one dimension per parameter); a {d.kind} design's points are scattered, "
            "use summarise() for a table"
        )
    from .design import _grid_frame

    expected = _grid_frame(d)
    for key in d.keys:
        if not (d.points[key].reset_index(drop=True) == expected[key]).all():
            raise ValueError(f"the grid's points are not in the grid's order (first parameter slowest) at {key!r}")
    summary = summarise(d, outcomes, counts, **summary_options)
    coords = {p.key: list(p.values) for p in d.parameters}
    shape = [len(v) for v in coords.values()]
    variables = {}
    for name, rows in summary.groupby("outcome", sort=False):
        # rows are in the design's order, which is the grid's C order (first parameter slowest)
        variables[name] = (d.keys, rows["estimate"].to_numpy().reshape(shape))
        if counts is not None:
            variables[f"{name}.ci_low"] = (d.keys, rows["ci_low"].to_numpy().reshape(shape))
            variables[f"{name}.ci_high"] = (d.keys, rows["ci_high"].to_numpy().reshape(shape))
    ds = xr.Dataset(variables, coords=coords)
    ds.attrs["design"] = d.to_json()
    return ds
