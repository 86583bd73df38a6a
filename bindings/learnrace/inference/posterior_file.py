"""Posterior files (``filetype = "learnrace-posterior"``, version [2, 0]): one HDF5 file per inference.

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

Written and checked as study files are (:mod:`learnrace.study_file`; docs/output_schema.md, "Checksums"): the HDF5
1.10 format, fixed-length UTF-8 strings, a Fletcher32 checksum on every non-empty dataset and the attributes'
CRC-32, every item checked before it is read. Readers refuse anything else with :class:`learnrace.FileFormatError`
naming the item.
"""

from __future__ import annotations

import io
import json
import os
from typing import Any, Dict, Mapping

import numpy as np
import pandas as pd

from .. import _checksum
from ..study_file import (
    LIBVER,
    _dataset,
    _Reader,
    _strings,
    _text_attribute,
    check_attributes,
    check_type_and_version,
    read_file,
)

FILETYPE = "learnrace-posterior"
VERSION = (2, 0)  # 2: fixed-length strings, checksummed datasets and attributes (1: before 2026-12-07)
MAX_DRAWS = 100_000_000
MAX_KEYS = 4096
MAX_COLUMNS = 100_000
MAX_ROWS = 10_000_000
ROOT_TEXT = ("learnrace_version", "git_describe", "method", "backend", "base_toml", "prior", "statistics", "options")
ROOT_INTEGERS = ("seed", "dyads_per_simulation", "periods", "simulations", "dyad_periods")
# Root attributes that hold wall time, and the checksum that covers it: the only ones two runs may differ in.
WALL_TIME_ATTRIBUTES = ("seconds", _checksum.ATTRIBUTE)
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


def checksummed_attributes() -> list:
    """The attributes ``attributes_crc32`` covers, in order."""
    specs = [("/", "filetype", "str"), ("/", "version", "int64")]
    specs += [("/", k, "str") for k in ROOT_TEXT] + [("/", k, "int64") for k in ROOT_INTEGERS]
    return specs + [("/", "seconds", "float64"), ("/diagnostics", "scalars", "str")]


def to_bytes(data: Mapping[str, Any]) -> bytes:
    import h5py

    buffer = io.BytesIO()
    a = data["attrs"]
    with h5py.File(buffer, "w", libver=LIBVER, track_order=True) as f:
        _text_attribute(f.attrs, "filetype", FILETYPE)
        f.attrs["version"] = np.array(VERSION, dtype=np.int64)
        for key in ROOT_TEXT:
            _text_attribute(f.attrs, key, str(a[key]))
        for key in ROOT_INTEGERS:
            f.attrs[key] = np.int64(a[key])
        f.attrs["seconds"] = np.float64(a["seconds"])
        s = f.create_group("samples", track_order=True)
        _dataset(s, "keys", _strings(data["keys"], "samples/keys"))
        _dataset(s, "theta", np.asarray(data["theta"], dtype=np.float64), compress=True)
        _dataset(s, "weight", np.asarray(data["weights"], dtype=np.float64), compress=True)
        o = f.create_group("observed", track_order=True)
        _dataset(o, "columns", _strings(data["columns"], "observed/columns"))
        _dataset(o, "values", np.asarray(data["observed"], dtype=np.float64))
        d = f.create_group("diagnostics", track_order=True)
        _text_attribute(d.attrs, "scalars", json.dumps(scalars(data["diagnostics"]), sort_keys=True))
        generations = data.get("generations")
        if generations is not None:
            g = d.create_group("generations", track_order=True)
            for column, kind in GENERATION_COLUMNS.items():
                _dataset(g, column, generations[column].to_numpy(np.int64 if kind == "i" else np.float64))
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
                    _dataset(g, column, _strings(values, f"data/{level}/{column}"), compress=True)
                else:
                    _dataset(g, column, values.to_numpy(bool if kind == "b" else np.int64))
        _checksum.seal(f, checksummed_attributes())
    return buffer.getvalue()


def _json(r: _Reader, name: str, text: str):
    try:
        return json.loads(text)
    except ValueError as e:
        raise r.fail(name, f"not JSON ({e})") from None


def read(path: str | os.PathLike[str]) -> Dict[str, Any]:
    """Everything a posterior file holds, checked (FileFormatError naming the item otherwise)."""
    return read_file(path, "posterior", _read)


def _read(r: _Reader) -> Dict[str, Any]:
    import h5py

    f = r.f
    version = check_type_and_version(r, FILETYPE, VERSION)
    if not isinstance(f.get("diagnostics"), h5py.Group):
        raise r.fail("diagnostics", "missing group with attribute 'scalars'")
    check_attributes(r, checksummed_attributes())
    attrs: Dict[str, Any] = {k: r.text_attribute("/", k) for k in ROOT_TEXT}
    attrs.update({k: int(r.number_attribute(k)) for k in ROOT_INTEGERS})
    attrs["seconds"] = float(r.number_attribute("seconds"))
    attrs["version"] = version
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
    diag = f["diagnostics"]
    diagnostics = _json(r, "diagnostics/scalars", r.text_attribute("/diagnostics", "scalars"))
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
    # A group that is there but cannot be opened (damaged) raises (a FileFormatError), never reads as absent.
    data_group = f["data"] if "data" in f else None
    for level, columns_spec in DATA_COLUMNS.items():
        frames[level] = None
        if data_group is None or level not in data_group:
            continue
        g = data_group[level]
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
