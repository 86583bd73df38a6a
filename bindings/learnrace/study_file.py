"""Study files (``filetype = "learnrace-study"``, version [1, 0]): one HDF5 file per sensitivity study.

Layout (docs/sensitivity.md, "The study file"):

- root attributes: ``filetype``, ``version`` [major, minor], ``learnrace_version``, ``git_describe``, ``backend``,
  ``seed``, ``dyads_per_point``, ``periods``, ``n_points``, ``base_toml`` (the experiment every point starts from),
  ``design`` (the design's JSON, :meth:`learnrace.design.Design.to_json`), ``fingerprint`` (what a resumed study must
  match) and ``seconds`` (wall time; the only attribute that differs between two runs of the same study).
- ``/design/point`` [P] names, ``/design/parameters/<dotted key>`` [P] the design's values (float64, int64, bool or
  strings).
- ``/outcomes/name``, ``kind``, ``unit``, ``doc`` [O]: the outcome registry (:mod:`learnrace.outcomes`);
  ``/outcomes/estimate`` [P, O] float64, ``n`` [P, O] uint64, ``successes`` [P, O] uint64 (shares), ``sd`` [P, O]
  float64 (means).
- ``/analysis`` (sobol and morris designs): the tidy indices of :func:`learnrace.sensitivity.analyse`, one dataset
  per column, and the attribute ``skipped`` (JSON: outcome -> why it was left out).

Readers refuse anything else with :class:`learnrace.FileFormatError` naming the item.
"""

from __future__ import annotations

import io
import json
import os
from typing import Any, Dict, Mapping

import numpy as np
import pandas as pd

from . import outcomes as registry
from ._errors import FileFormatError
from ._sources import _text  # an HDF5 attribute or scalar dataset as str

FILETYPE = "learnrace-study"
VERSION = (1, 0)
# Largest sizes a reader accepts (a crafted file cannot make it allocate by its declared sizes beyond these).
MAX_POINTS = 10_000_000
MAX_OUTCOMES = 4096
MAX_ANALYSIS_ROWS = 50_000_000
OUTCOME_ARRAYS = {"estimate": np.float64, "n": np.uint64, "successes": np.uint64, "sd": np.float64}
REGISTRY_COLUMNS = ("name", "kind", "unit", "doc")
ANALYSIS_TEXT = ("outcome", "parameter", "parameter_2", "index")
ANALYSIS_NUMBERS = ("estimate", "ci_low", "ci_high", "confidence")
ROOT_TEXT = ("learnrace_version", "git_describe", "backend", "base_toml", "design", "fingerprint")
ROOT_INTEGERS = ("seed", "dyads_per_point", "periods", "n_points")
# Root attributes that hold wall time: the only ones two runs of the same study may differ in.
WALL_TIME_ATTRIBUTES = ("seconds",)


def _strings(values) -> np.ndarray:
    import h5py

    return np.array([str(v) for v in values], dtype=h5py.string_dtype("utf-8"))


def _column(values: pd.Series) -> np.ndarray:
    if pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=bool)
    if pd.api.types.is_integer_dtype(values):
        return values.to_numpy(dtype=np.int64)
    if pd.api.types.is_float_dtype(values):
        return values.to_numpy(dtype=np.float64)
    return _strings(values)


def to_bytes(data: Mapping[str, Any]) -> bytes:
    """The study file's bytes. ``data``: ``design`` (a Design), ``values`` (OutcomeArrays), ``analysis`` (a tidy
    frame or None), ``skipped`` (dict), and the root attributes (``attrs``)."""
    import h5py

    design = data["design"]
    values: registry.OutcomeArrays = data["values"]
    buffer = io.BytesIO()
    with h5py.File(buffer, "w", libver=("earliest", "v110"), track_order=True) as f:
        a = f.attrs
        a["filetype"] = FILETYPE
        a["version"] = np.array(VERSION, dtype=np.int64)
        for key in ROOT_TEXT:
            a[key] = str(data["attrs"][key])
        for key in ROOT_INTEGERS:
            a[key] = np.int64(data["attrs"][key])
        a["seconds"] = np.float64(data["attrs"]["seconds"])
        g = f.create_group("design")
        g.create_dataset("point", data=_strings(design.points["point"]))
        params = g.create_group("parameters", track_order=True)
        for key in design.keys:
            params.create_dataset(key, data=_column(design.points[key]))
        o = f.create_group("outcomes", track_order=True)
        table = registry.table()
        for column in REGISTRY_COLUMNS:
            o.create_dataset(column, data=_strings(table[column]))
        P = values.estimate.shape[0]
        for name, dtype in OUTCOME_ARRAYS.items():
            array = np.ascontiguousarray(getattr(values, name), dtype=dtype)
            chunks = (max(1, min(P, 4096)), array.shape[1]) if P else None
            o.create_dataset(
                name, data=array, chunks=chunks, compression="gzip", compression_opts=4, shuffle=True, fletcher32=True
            )
        analysis = data.get("analysis")
        if analysis is not None:
            an = f.create_group("analysis", track_order=True)
            an.attrs["skipped"] = json.dumps(data.get("skipped", {}), sort_keys=True)
            for column in ANALYSIS_TEXT:
                if column in analysis.columns:
                    an.create_dataset(column, data=_strings(analysis[column]))
            for column in ANALYSIS_NUMBERS:
                an.create_dataset(column, data=analysis[column].to_numpy(dtype=np.float64))
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------------------- reading


class _Reader:
    """Checks while reading: every item named in the error."""

    def __init__(self, path: str, f):
        self.path, self.f = path, f

    def fail(self, item: str, why: str) -> FileFormatError:
        return FileFormatError(f"{self.path}: {item}: {why}", item)

    def attr(self, name: str, kind: str):
        if name not in self.f.attrs:
            raise self.fail(name, "missing root attribute")
        value = self.f.attrs[name]
        if kind == "text":
            if not isinstance(value, (str, bytes)):
                raise self.fail(name, f"expected a string attribute, got {type(value).__name__}")
            return _text(value)
        array = np.asarray(value)
        if array.shape != () or array.dtype.kind not in ("i", "u", "f"):
            raise self.fail(name, f"expected a scalar number, got {array.dtype} {array.shape}")
        if kind == "int":
            if array.dtype.kind == "f":
                raise self.fail(name, "expected an integer")
            return int(array)
        return float(array)

    def dataset(self, path: str, shape: tuple, kinds: str):
        import h5py

        d = self.f.get(path)
        if not isinstance(d, h5py.Dataset):
            raise self.fail(path, "missing dataset")
        if d.shape != shape:
            raise self.fail(path, f"shape {d.shape}, expected {shape}")
        if kinds == "text":
            if h5py.check_string_dtype(d.dtype) is None:
                raise self.fail(path, f"expected strings, got {d.dtype}")
        elif d.dtype.kind not in kinds:
            raise self.fail(path, f"type {d.dtype} is not one of the kinds {kinds!r}")
        try:
            if kinds == "text":
                return np.array(d.asstr()[()], dtype=object)
            return np.asarray(d[()])
        except (OSError, ValueError) as e:
            raise self.fail(path, f"cannot be read (corrupted: {e})") from None


def read(path: str | os.PathLike[str]) -> Dict[str, Any]:
    """Everything a study file holds, checked (FileFormatError naming the item otherwise): ``attrs``, ``points``
    (frame: point, parameters), ``registry`` (frame: name, kind, unit, doc), ``values`` (OutcomeArrays),
    ``analysis`` (tidy frame or None) and ``skipped``."""
    import h5py

    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileFormatError(f"{path}: not a regular file (expected a learnrace study file)")
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
                "version", f"{version.tolist()}: this learnrace reads study files of major version {VERSION[0]}"
            )
        attrs: Dict[str, Any] = {k: r.attr(k, "text") for k in ROOT_TEXT}
        attrs.update({k: r.attr(k, "int") for k in ROOT_INTEGERS})
        attrs["seconds"] = r.attr("seconds", "float")
        attrs["version"] = tuple(int(v) for v in version)
        P = attrs["n_points"]
        if not 0 < P <= MAX_POINTS:
            raise r.fail("n_points", f"{P} is not in [1, {MAX_POINTS}]")
        try:
            spec = json.loads(attrs["design"])
            keys = [p["key"] for p in spec["parameters"]]
        except (ValueError, KeyError, TypeError) as e:
            raise r.fail("design", f"not a learnrace design description ({e})") from None
        points = pd.DataFrame({"point": r.dataset("design/point", (P,), "text")})
        for key in keys:
            if not isinstance(key, str) or "/" in key:
                raise r.fail("design", f"parameter key {key!r} is not a dotted configuration key")
            points[key] = r.dataset(f"design/parameters/{key}", (P,), "text" if _is_text(f, key) else "biuf")
        found = f.get("outcomes/name")
        n_outcomes = found.shape[0] if isinstance(found, h5py.Dataset) and found.ndim == 1 else -1
        if not 0 < n_outcomes <= MAX_OUTCOMES:
            raise r.fail("outcomes/name", f"missing, or not a list of 1 to {MAX_OUTCOMES} outcome names")
        table = pd.DataFrame({c: r.dataset(f"outcomes/{c}", (n_outcomes,), "text") for c in REGISTRY_COLUMNS})
        bad = sorted(set(table["kind"]) - set(registry.KINDS))
        if bad:
            raise r.fail("outcomes/kind", f"unknown kind {bad[0]!r} (known: {', '.join(registry.KINDS)})")
        if table["name"].duplicated().any():
            raise r.fail("outcomes/name", f"repeats {table['name'][table['name'].duplicated()].iloc[0]!r}")
        kinds = {"estimate": "f", "n": "u", "successes": "u", "sd": "f"}
        arrays = {name: r.dataset(f"outcomes/{name}", (P, n_outcomes), kinds[name]) for name in OUTCOME_ARRAYS}
        values = registry.OutcomeArrays(**{k: v.astype(OUTCOME_ARRAYS[k], copy=False) for k, v in arrays.items()})
        analysis, skipped = None, {}
        if "analysis" in f:
            an = f["analysis"]
            rows = an["estimate"].shape[0] if "estimate" in an and an["estimate"].ndim == 1 else -1
            if not 0 <= rows <= MAX_ANALYSIS_ROWS:
                raise r.fail("analysis/estimate", f"missing, or not a 1-D dataset of at most {MAX_ANALYSIS_ROWS} rows")
            frame = {}
            for c in ANALYSIS_TEXT:
                if c in an or c != "parameter_2":
                    frame[c] = r.dataset(f"analysis/{c}", (rows,), "text")
            for c in ANALYSIS_NUMBERS:
                frame[c] = r.dataset(f"analysis/{c}", (rows,), "f")
            analysis = pd.DataFrame(frame)
            try:
                skipped = json.loads(_text(an.attrs.get("skipped", "{}")))
            except ValueError as e:
                raise r.fail("analysis/skipped", f"not JSON ({e})") from None
    return {
        "attrs": attrs,
        "points": points,
        "registry": table,
        "values": values,
        "analysis": analysis,
        "skipped": skipped,
    }


def _is_text(f, key: str) -> bool:
    import h5py

    d = f.get(f"design/parameters/{key}")
    return isinstance(d, h5py.Dataset) and h5py.check_string_dtype(d.dtype) is not None


def filetype_of(path: str | os.PathLike[str]) -> str | None:
    """The root attribute ``filetype`` of an HDF5 file, or None when it has none or is not HDF5 (nothing else read)."""
    import h5py

    try:
        with h5py.File(os.fspath(path), "r") as f:
            value = f.attrs.get("filetype")
    except OSError:
        return None
    return _text(value) if isinstance(value, (str, bytes)) else None
