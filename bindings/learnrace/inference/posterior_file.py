"""Posterior files (``filetype = "learnrace-posterior"``, version [1, 0]): one HDF5 file per inference.

Layout (docs/inference.md, "The posterior file"):

- root attributes: ``filetype``, ``version`` [major, minor], ``learnrace_version``, ``git_describe``, ``method``,
  ``backend``, ``base_toml`` (the experiment every simulation starts from), ``prior`` (JSON: key -> {low, high}),
  ``statistics`` (JSON: the statistics' specs, null for a user-defined one), ``options`` (JSON: the method's
  settings), ``seed``, ``dyads_per_simulation``, ``periods``, ``simulations``, ``dyad_periods`` and ``seconds``
  (wall time, the only attribute that differs between two runs of the same inference).
- ``/samples/keys`` [K] strings, ``/samples/theta`` [N, K] float64, ``/samples/weight`` [N] float64.
- ``/observed/columns`` [M] strings, ``/observed/values`` [M] float64: the observed statistics.
- ``/diagnostics``: attribute ``scalars`` (JSON: the method's numbers); ABC-SMC adds ``/diagnostics/generations/*``
  (generation, epsilon, simulations, acceptance_rate, ess) [G].
- ``/data/records/*``, ``/data/sequences/*``: the observed data (validated), when the posterior was fitted to data.

Readers refuse anything else with :class:`learnrace.FileFormatError` naming the item.
"""

from __future__ import annotations

import io
import json
import os
from typing import Any, Dict, Mapping

import numpy as np
import pandas as pd

from .._errors import FileFormatError
from .._sources import _text
from ..study_file import _Reader, _strings

FILETYPE = "learnrace-posterior"
VERSION = (1, 0)
MAX_DRAWS = 100_000_000
MAX_KEYS = 4096
MAX_COLUMNS = 100_000
MAX_ROWS = 10_000_000
ROOT_TEXT = ("learnrace_version", "git_describe", "method", "backend", "base_toml", "prior", "statistics", "options")
ROOT_INTEGERS = ("seed", "dyads_per_simulation", "periods", "simulations", "dyad_periods")
WALL_TIME_ATTRIBUTES = ("seconds",)
GENERATION_COLUMNS = {"generation": "i", "epsilon": "f", "simulations": "i", "acceptance_rate": "f", "ess": "f"}
DATA_COLUMNS = {
    "records": {"id": "text", "duration": "i", "censored": "b", "cause": "text", "power_gain": "text"},
    "sequences": {"id": "text", "period": "i", "strategy_A": "text", "strategy_B": "text"},
}


def _plain(value: Any) -> Any:
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    return value


def scalars(diagnostics: Mapping[str, Any]) -> Dict[str, Any]:
    """The diagnostics that are numbers, strings or lists of numbers (what the file's JSON holds)."""
    out = {}
    for k, v in diagnostics.items():
        v = _plain(v)
        if isinstance(v, (int, float, str, bool)) or (
            isinstance(v, list) and all(isinstance(_plain(x), (int, float)) for x in v)
        ):
            out[k] = [_plain(x) for x in v] if isinstance(v, list) else v
    return out


def to_bytes(data: Mapping[str, Any]) -> bytes:
    import h5py

    buffer = io.BytesIO()
    a = data["attrs"]
    with h5py.File(buffer, "w", libver=("earliest", "v110"), track_order=True) as f:
        f.attrs["filetype"] = FILETYPE
        f.attrs["version"] = np.array(VERSION, dtype=np.int64)
        for key in ROOT_TEXT:
            f.attrs[key] = str(a[key])
        for key in ROOT_INTEGERS:
            f.attrs[key] = np.int64(a[key])
        f.attrs["seconds"] = np.float64(a["seconds"])
        s = f.create_group("samples", track_order=True)
        s.create_dataset("keys", data=_strings(data["keys"]))
        s.create_dataset("theta", data=np.asarray(data["theta"], dtype=np.float64), compression="gzip", shuffle=True)
        s.create_dataset("weight", data=np.asarray(data["weights"], dtype=np.float64), compression="gzip")
        o = f.create_group("observed", track_order=True)
        o.create_dataset("columns", data=_strings(data["columns"]))
        o.create_dataset("values", data=np.asarray(data["observed"], dtype=np.float64))
        d = f.create_group("diagnostics", track_order=True)
        d.attrs["scalars"] = json.dumps(scalars(data["diagnostics"]), sort_keys=True)
        generations = data.get("generations")
        if generations is not None:
            g = d.create_group("generations", track_order=True)
            for column, kind in GENERATION_COLUMNS.items():
                g.create_dataset(column, data=generations[column].to_numpy(np.int64 if kind == "i" else np.float64))
        for level, columns in DATA_COLUMNS.items():
            frame = data.get(level)
            if frame is None:
                continue
            g = f.create_group(f"data/{level}", track_order=True)
            for column, kind in columns.items():
                if column not in frame.columns:
                    continue
                values = frame[column]
                if kind == "text":
                    g.create_dataset(column, data=_strings(values), compression="gzip")
                else:
                    g.create_dataset(column, data=values.to_numpy(bool if kind == "b" else np.int64))
    return buffer.getvalue()


def _json(r: _Reader, name: str, text: str):
    try:
        return json.loads(text)
    except ValueError as e:
        raise r.fail(name, f"not JSON ({e})") from None


def read(path: str | os.PathLike[str]) -> Dict[str, Any]:
    """Everything a posterior file holds, checked (FileFormatError naming the item otherwise)."""
    import h5py

    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileFormatError(f"{path}: not a regular file (expected a learnrace posterior file)")
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise FileFormatError(f"{path}: not a readable HDF5 file ({e})") from None
    with f:
        r = _Reader(path, f)
        filetype = r.attr("filetype", "text")
        if filetype != FILETYPE:
            raise r.fail("filetype", f"is {filetype!r}, not {FILETYPE!r}")
        version = np.asarray(f.attrs.get("version"))
        if version.shape != (2,) or version.dtype.kind not in "iu":
            raise r.fail("version", f"expected two integers [major, minor], got {version!r}")
        if int(version[0]) != VERSION[0]:
            raise r.fail(
                "version", f"{version.tolist()}: this learnrace reads posterior files of major version {VERSION[0]}"
            )
        attrs: Dict[str, Any] = {k: r.attr(k, "text") for k in ROOT_TEXT}
        attrs.update({k: r.attr(k, "int") for k in ROOT_INTEGERS})
        attrs["seconds"] = r.attr("seconds", "float")
        attrs["version"] = tuple(int(v) for v in version)
        prior = _json(r, "prior", attrs["prior"])
        if not isinstance(prior, dict) or not prior:
            raise r.fail("prior", "expected a JSON object of key -> {low, high}")
        statistics = _json(r, "statistics", attrs["statistics"])
        if not isinstance(statistics, list):
            raise r.fail("statistics", "expected a JSON list of statistic specs")
        _json(r, "options", attrs["options"])
        keys_ds = f.get("samples/keys")
        K = keys_ds.shape[0] if isinstance(keys_ds, h5py.Dataset) and keys_ds.ndim == 1 else -1
        if not 0 < K <= MAX_KEYS:
            raise r.fail("samples/keys", f"missing, or not a list of 1 to {MAX_KEYS} keys")
        keys = [str(k) for k in r.dataset("samples/keys", (K,), "text")]
        if sorted(keys) != sorted(prior):
            raise r.fail("samples/keys", f"{keys} are not the prior's keys {sorted(prior)}")
        theta_ds = f.get("samples/theta")
        N = theta_ds.shape[0] if isinstance(theta_ds, h5py.Dataset) and theta_ds.ndim == 2 else -1
        if not 0 < N <= MAX_DRAWS:
            raise r.fail("samples/theta", f"missing, or not a [draws, keys] array of 1 to {MAX_DRAWS} draws")
        theta = r.dataset("samples/theta", (N, K), "f").astype(np.float64)
        weights = r.dataset("samples/weight", (N,), "f").astype(np.float64)
        if not (np.isfinite(weights).all() and (weights >= 0).all() and weights.sum() > 0):
            raise r.fail("samples/weight", "weights must be finite, non-negative and not all 0")
        columns_ds = f.get("observed/columns")
        M = columns_ds.shape[0] if isinstance(columns_ds, h5py.Dataset) and columns_ds.ndim == 1 else -1
        if not 0 < M <= MAX_COLUMNS:
            raise r.fail("observed/columns", f"missing, or not a list of 1 to {MAX_COLUMNS} statistics")
        columns = [str(c) for c in r.dataset("observed/columns", (M,), "text")]
        observed = r.dataset("observed/values", (M,), "f").astype(np.float64)
        diag = f.get("diagnostics")
        if not isinstance(diag, h5py.Group) or "scalars" not in diag.attrs:
            raise r.fail("diagnostics", "missing group with attribute 'scalars'")
        diagnostics = _json(r, "diagnostics/scalars", _text(diag.attrs["scalars"]))
        generations = None
        if "generations" in diag:
            g = diag["generations"]
            first = g.get("generation")
            G = first.shape[0] if isinstance(first, h5py.Dataset) and first.ndim == 1 else -1
            if not 0 < G <= 100_000:
                raise r.fail("diagnostics/generations/generation", "missing, or not 1 to 100000 generations")
            generations = pd.DataFrame(
                {
                    c: r.dataset(f"diagnostics/generations/{c}", (G,), "iu" if k == "i" else "f")
                    for c, k in GENERATION_COLUMNS.items()
                }
            )
        frames: Dict[str, pd.DataFrame | None] = {}
        for level, columns_spec in DATA_COLUMNS.items():
            frames[level] = None
            g = f.get(f"data/{level}")
            if g is None:
                continue
            ids = g.get("id")
            R = ids.shape[0] if isinstance(ids, h5py.Dataset) and ids.ndim == 1 else -1
            if not 0 < R <= MAX_ROWS:
                raise r.fail(f"data/{level}/id", f"missing, or not 1 to {MAX_ROWS} rows")
            frame = {}
            for column, kind in columns_spec.items():
                if column not in g:
                    if column == "power_gain":
                        continue
                    raise r.fail(f"data/{level}/{column}", "missing dataset")
                frame[column] = r.dataset(f"data/{level}/{column}", (R,), "text" if kind == "text" else kind)
            frames[level] = pd.DataFrame(frame)
    attrs["prior"] = json.dumps(prior)
    return {
        "attrs": attrs,
        "keys": keys,
        "theta": theta,
        "weights": weights,
        "columns": columns,
        "observed": observed,
        "prior": prior,
        "statistics": statistics,
        "diagnostics": diagnostics,
        "generations": generations,
        **frames,
    }


def filetype_of(path) -> str | None:
    from ..study_file import filetype_of as study_filetype

    return study_filetype(path)
