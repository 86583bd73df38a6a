"""Tidy pandas frames, the xarray Dataset and the summary table of a ``Results``."""

from __future__ import annotations

from typing import Callable, Dict

import numpy as np
import pandas as pd

from . import labels
from ._optional import require

_CODES = pd.CategoricalDtype(list(labels.PAIR_CODES), ordered=True)


def _pair_codes(index: np.ndarray) -> pd.Categorical:
    return pd.Categorical.from_codes(np.asarray(index, dtype=np.int64), dtype=_CODES)


def _point_names(res, idx: np.ndarray) -> pd.Categorical:
    return pd.Categorical.from_codes(idx, categories=pd.Index(res.point_names))


def _long(res, array: np.ndarray, dims: Dict[str, np.ndarray], value: str = "count") -> pd.DataFrame:
    """Flatten array [P, *dims] into columns point, <dims...>, value (C order)."""
    grids = np.meshgrid(np.arange(array.shape[0]), *[np.arange(n) for n in array.shape[1:]], indexing="ij")
    frame = {"point": _point_names(res, grids[0].ravel())}
    for (name, labels_), grid in zip(dims.items(), grids[1:]):
        frame[name] = labels_[grid.ravel()] if labels_ is not None else grid.ravel()
    frame[value] = array.ravel()
    return pd.DataFrame(frame)


def transitions_frame(res) -> pd.DataFrame:
    """point, from_state, to_state (pair codes, e.g. "COL/CPT"), from_index, to_index, count."""
    df = _long(res, res.transitions, {"from_index": None, "to_index": None})
    df.insert(1, "from_state", _pair_codes(df["from_index"]))
    df.insert(2, "to_state", _pair_codes(df["to_index"]))
    return df


def transitions_by_bin_frame(res) -> pd.DataFrame:
    """point, factor, bin, from_state, to_state, from_index, to_index, count."""
    df = _long(
        res,
        res.transitions_by_bin,
        {"factor": np.array(labels.FACTORS), "bin": None, "from_index": None, "to_index": None},
    )
    df.insert(3, "from_state", _pair_codes(df["from_index"]))
    df.insert(4, "to_state", _pair_codes(df["to_index"]))
    return df


def occupancy_frame(res) -> pd.DataFrame:
    """point, period, pair_state, pair_index, count."""
    df = _long(res, res.occupancy, {"period": None, "pair_index": None})
    df.insert(2, "pair_state", _pair_codes(df["pair_index"]))
    return df


def duration_by_cause_frame(res) -> pd.DataFrame:
    """point, cause, duration (periods lived, 1..T), count."""
    df = _long(res, res.duration_by_cause, {"cause": np.array(labels.CAUSES), "duration": None})
    return df[df["duration"] > 0].reset_index(drop=True)


def histograms_frame(res) -> pd.DataFrame:
    """point, histogram, bin, lo, hi, count for the asymmetry, power-shift and joint-learning histograms."""
    frames = []
    for name, edges in res.histogram_edges.items():
        df = _long(res, getattr(res, name), {"bin": None})
        df.insert(1, "histogram", name[: -len("_hist")])
        df.insert(3, "lo", edges[df["bin"].to_numpy()])
        df.insert(4, "hi", edges[df["bin"].to_numpy() + 1])
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def moments_frame(res) -> pd.DataFrame:
    """point, moment, mean, sd, dyads_simulated."""
    df = _long(res, res.moment_mean, {"moment": np.array(labels.MOMENTS)}, value="mean")
    df["sd"] = res.moment_sd.ravel()
    df["dyads_simulated"] = np.repeat(res.dyads_simulated, len(labels.MOMENTS))
    return df


def trajectories_frame(res) -> pd.DataFrame:
    """One row per sampled dyad and period it lived: point, slot, dyad, period, pair_index, pair_state, strategy_A,
    strategy_B (codes), x_A, x_B, trust, stakes, orientation, relation, power_A."""
    tr = res.trajectories
    pair = tr["pair"]
    p_idx, k_idx, t_idx = np.nonzero(pair != labels.UNREACHED)
    pair_live = pair[p_idx, k_idx, t_idx].astype(np.int64)
    frame = {
        "point": _point_names(res, p_idx),
        "slot": k_idx,
        "dyad": tr["dyad"][p_idx, k_idx],
        "period": t_idx,
        "pair_index": pair_live,
        "pair_state": _pair_codes(pair_live),
        "strategy_A": pd.Categorical.from_codes(pair_live // 5, categories=list(labels.STRATEGY_CODES)),
        "strategy_B": pd.Categorical.from_codes(pair_live % 5, categories=list(labels.STRATEGY_CODES)),
    }
    for name in tr.per_period[1:]:
        frame[name] = tr[name][p_idx, k_idx, t_idx]
    return pd.DataFrame(frame)


def sampled_dyads_frame(res) -> pd.DataFrame:
    """One row per sampled dyad that was simulated: point, slot, dyad, intents, knowledge, equity, cause, duration,
    gains."""
    tr = res.trajectories
    p_idx, k_idx = np.nonzero(tr["cause"] != labels.UNREACHED)
    frame = {"point": _point_names(res, p_idx), "slot": k_idx}
    for name in tr.per_dyad:
        frame[name] = tr[name][p_idx, k_idx]
    df = pd.DataFrame(frame)
    for name in ("intent_A", "intent_B"):
        df[name] = pd.Categorical.from_codes(df[name].astype(np.int64), categories=list(labels.INTENTS))
    df["cause"] = pd.Categorical.from_codes(df["cause"].astype(np.int64), categories=list(labels.CAUSES))
    return df


def points_frame(res) -> pd.DataFrame:
    return res.points


FRAMES: Dict[str, Callable] = {
    "transitions": transitions_frame,
    "transitions_by_bin": transitions_by_bin_frame,
    "occupancy": occupancy_frame,
    "duration_by_cause": duration_by_cause_frame,
    "histograms": histograms_frame,
    "moments": moments_frame,
    "trajectories": trajectories_frame,
    "sampled_dyads": sampled_dyads_frame,
    "points": points_frame,
}


def varying_parameters(res) -> list:
    """The parameter columns of the points table (``res.points``) whose values differ between the points
    (``kernel.type`` only as the ``kernel`` column, by name)."""
    points = res.points
    return [c for c in points.columns[2:] if c != "kernel.type" and points[c].nunique(dropna=False) > 1]


def summary_frame(res) -> pd.DataFrame:
    """Headline table, one row per point: the kernel and the parameters that differ between the points, the dyads
    simulated, then every outcome of the registry (:mod:`learnrace.outcomes`) by its name."""
    from . import outcomes

    out = pd.DataFrame(index=pd.Index(res.point_names, name="point"))
    out["kernel"] = res.kernels
    points = res.points
    for column in varying_parameters(res):
        out[column] = points[column].to_numpy()
    out["dyads_simulated"] = res.dyads_simulated.astype(np.int64)
    values = outcomes.compute(res)
    for j, name in enumerate(outcomes.REGISTRY.names):
        out[name] = values.estimate[:, j]
    return out


def to_xarray(res):
    """All arrays as an ``xarray.Dataset`` with labelled dimensions (needs the ``xarray`` extra)."""
    xr = require("xarray", "Results.to_xarray")

    T = res.periods
    edges = res.histogram_edges
    coords = {
        "point": list(res.point_names),
        "from_state": list(labels.PAIR_CODES),
        "to_state": list(labels.PAIR_CODES),
        "pair_state": list(labels.PAIR_CODES),
        "factor": list(labels.FACTORS),
        "bin": np.arange(res.transitions_by_bin.shape[2]),
        "period": np.arange(T),
        "cause": list(labels.CAUSES),
        "duration": np.arange(T + 1),
        "moment": list(labels.MOMENTS),
        "slot": np.arange(res.trajectories["pair"].shape[1]),
    }
    data = {
        "transitions": (("point", "from_state", "to_state"), res.transitions),
        "transitions_by_bin": (("point", "factor", "bin", "from_state", "to_state"), res.transitions_by_bin),
        "occupancy": (("point", "period", "pair_state"), res.occupancy),
        "duration_by_cause": (("point", "cause", "duration"), res.duration_by_cause),
        "moment_mean": (("point", "moment"), res.moment_mean),
        "moment_sd": (("point", "moment"), res.moment_sd),
        "dyads_simulated": (("point",), res.dyads_simulated),
    }
    for name, e in edges.items():
        dim = name.replace("_hist", "_bin")
        coords[dim] = 0.5 * (e[:-1] + e[1:])
        data[name] = (("point", dim), getattr(res, name))
    tr = res.trajectories
    for name in tr.per_period:
        data[f"trajectory_{name}"] = (("point", "slot", "period"), tr[name])
    for name in tr.per_dyad:
        data[f"trajectory_{name}"] = (("point", "slot"), tr[name])
    ds = xr.Dataset(data, coords=coords)
    for column in res.points.columns:
        if column != "name":
            ds.coords[column] = ("point", res.points[column].to_numpy())
    ds.attrs.update(
        seed=res.seed,
        backend=res.backend,
        dyads_per_point=res.dyads_per_point,
        periods=T,
        config_toml=res.config_toml,
        larsson_states=[s.larsson or "" for s in labels.PAIR_STATES],
    )
    return ds
