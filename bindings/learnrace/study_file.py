"""Study files (``filetype = "learnrace-study"``, version [2, 0]): one HDF5 file per sensitivity study.

Layout (docs/sensitivity.md, "The study file"):

- root attributes: ``filetype``, ``version`` [major, minor], ``learnrace_version``, ``git_describe``, ``backend``,
  ``seed``, ``dyads_per_point``, ``periods``, ``n_points``, ``base_toml`` (the experiment every point starts from),
  ``design`` (the design's JSON, :meth:`learnrace.design.Design.to_json`), ``fingerprint`` (what a resumed study must
  match), ``seconds`` (wall time; with the checksum that covers it, the only attributes that differ between two runs
  of the same study) and ``attributes_crc32`` (the checksum of every other attribute, :mod:`learnrace._checksum`).
- ``/design/point`` [P] names, ``/design/parameters/<dotted key>`` [P] the design's values (float64, int64, bool or
  strings).
- ``/outcomes/name``, ``kind``, ``unit``, ``doc`` [O]: the outcome registry (:mod:`learnrace.outcomes`), which must
  be this learnrace's (names and kinds in its order); ``/outcomes/estimate`` [P, O] float64, ``n`` [P, O] uint64,
  ``successes`` [P, O] uint64 (shares), ``sd`` [P, O] float64 (means).
- ``/analysis`` (sobol and morris designs): the tidy indices of :func:`learnrace.sensitivity.analyse`, one dataset
  per column, and the attribute ``skipped`` (JSON: outcome -> why it was left out).

As in run files (docs/output_schema.md, "Checksums"): the HDF5 1.10 file format (checksummed metadata), every string
fixed-length UTF-8 (never the global heap), every non-empty dataset chunked with a Fletcher32 checksum, and the
attributes' CRC-32. Readers check everything against this layout before they allocate anything and refuse anything
else with :class:`learnrace.FileFormatError` naming the item.
"""

from __future__ import annotations

import io
import json
import os
from typing import Any, Dict, List, Mapping

import numpy as np
import pandas as pd

from . import _checksum
from . import outcomes as registry
from ._errors import FileFormatError
from ._sources import H5PY_FAILURES, _text  # what h5py raises for damaged files; an HDF5 string as str

FILETYPE = "learnrace-study"
VERSION = (2, 0)  # 2: fixed-length strings, checksummed datasets and attributes (1: before 2026-12-07)
LIBVER = ("v110", "v110")  # HDF5 1.10 file format: checksummed metadata
# Largest sizes a reader accepts (a crafted file cannot make it allocate by its declared sizes beyond these).
MAX_OUTCOMES = 4096  # outcomes a study file may declare: the built-in ones and user-defined ones
MAX_POINTS = 10_000_000
MAX_ANALYSIS_ROWS = 50_000_000
# A dataset may not declare more bytes than this many times what the file stores for it, plus the slack: deflate
# expands at most 1032:1 (the run files' rule, host/output_schema.hpp kMaxExpansion).
MAX_EXPANSION = 1100
EXPANSION_SLACK = 1 << 20
CHUNK_BYTES = 1 << 20
OUTCOME_ARRAYS = {"estimate": np.float64, "n": np.uint64, "successes": np.uint64, "sd": np.float64}
REGISTRY_COLUMNS = ("name", "kind", "unit", "doc")
ANALYSIS_TEXT = ("outcome", "parameter", "parameter_2", "index")
ANALYSIS_NUMBERS = ("estimate", "ci_low", "ci_high", "confidence")
ROOT_TEXT = ("learnrace_version", "git_describe", "backend", "base_toml", "design", "fingerprint")
ROOT_INTEGERS = ("seed", "dyads_per_point", "periods", "n_points")
# Root attributes that hold wall time, and the checksum that covers it: the only ones two runs of the same study may
# differ in.
WALL_TIME_ATTRIBUTES = ("seconds", _checksum.ATTRIBUTE)


def checksummed_attributes(analysis: bool) -> List[_checksum.Spec]:
    """The attributes ``attributes_crc32`` covers, in order (``/analysis`` ``skipped`` when there is an analysis)."""
    specs = [("/", "filetype", "str"), ("/", "version", "int64")]
    specs += [("/", k, "str") for k in ROOT_TEXT] + [("/", k, "int64") for k in ROOT_INTEGERS]
    specs += [("/", "seconds", "float64")]
    return specs + ([("/analysis", "skipped", "str")] if analysis else [])


def _utf8(text: str, what: str) -> bytes:
    raw = str(text).encode("utf-8")
    if b"\0" in raw:
        raise ValueError(f"{what}: {text!r} holds a NUL character, which a stored string cannot")
    return raw


def _strings(values, what: str = "strings") -> np.ndarray:
    """Fixed-length UTF-8 strings (the longest value's bytes, at least 1), null padded."""
    import h5py

    raw = [_utf8(v, what) for v in values]
    width = max([1, *map(len, raw)])
    return np.array(raw, dtype=h5py.string_dtype("utf-8", width))


def _text_attribute(attrs, name: str, text: str) -> None:
    import h5py

    raw = _utf8(text, name)
    attrs.create(name, np.bytes_(raw), dtype=h5py.string_dtype("utf-8", max(1, len(raw))))


def _column(values: pd.Series, what: str) -> np.ndarray:
    if pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=bool)
    if pd.api.types.is_integer_dtype(values):
        return values.to_numpy(dtype=np.int64)
    if pd.api.types.is_float_dtype(values):
        return values.to_numpy(dtype=np.float64)
    return _strings(values, what)


def _dataset(group, name: str, data: np.ndarray, compress: bool = False) -> None:
    """A dataset as learnrace writes them: chunked (at most CHUNK_BYTES, whole rows) with a Fletcher32 checksum,
    compressed when asked; an empty one contiguous (nothing to check)."""
    data = np.ascontiguousarray(data)
    if data.size == 0:
        group.create_dataset(name, data=data)
        return
    row = data.itemsize * int(np.prod(data.shape[1:], dtype=np.int64))
    chunks = (max(1, min(data.shape[0], CHUNK_BYTES // max(row, 1))), *data.shape[1:])
    options = {"compression": "gzip", "compression_opts": 4, "shuffle": True} if compress else {}
    group.create_dataset(name, data=data, chunks=chunks, fletcher32=True, **options)


def to_bytes(data: Mapping[str, Any]) -> bytes:
    """The study file's bytes. ``data``: ``design`` (a Design), ``values`` (OutcomeArrays), ``analysis`` (a tidy
    frame or None), ``skipped`` (dict), and the root attributes (``attrs``)."""
    import h5py

    design = data["design"]
    values: registry.OutcomeArrays = data["values"]
    analysis = data.get("analysis")
    buffer = io.BytesIO()
    with h5py.File(buffer, "w", libver=LIBVER, track_order=True) as f:
        a = f.attrs
        _text_attribute(a, "filetype", FILETYPE)
        a["version"] = np.array(VERSION, dtype=np.int64)
        for key in ROOT_TEXT:
            _text_attribute(a, key, data["attrs"][key])
        for key in ROOT_INTEGERS:
            a[key] = np.int64(data["attrs"][key])
        a["seconds"] = np.float64(data["attrs"]["seconds"])
        g = f.create_group("design")
        _dataset(g, "point", _strings(design.points["point"], "design/point"))
        params = g.create_group("parameters", track_order=True)
        for key in design.keys:
            _dataset(params, key, _column(design.points[key], f"design/parameters/{key}"))
        o = f.create_group("outcomes", track_order=True)
        table = registry.table()
        for column in REGISTRY_COLUMNS:
            _dataset(o, column, _strings(table[column], f"outcomes/{column}"))
        for name, dtype in OUTCOME_ARRAYS.items():
            _dataset(o, name, np.asarray(getattr(values, name), dtype=dtype), compress=True)
        if analysis is not None:
            an = f.create_group("analysis", track_order=True)
            _text_attribute(an.attrs, "skipped", json.dumps(data.get("skipped", {}), sort_keys=True))
            for column in ANALYSIS_TEXT:
                if column in analysis.columns:
                    _dataset(an, column, _strings(analysis[column], f"analysis/{column}"))
            for column in ANALYSIS_NUMBERS:
                _dataset(an, column, analysis[column].to_numpy(dtype=np.float64))
        _checksum.seal(f, checksummed_attributes(analysis is not None))
    return buffer.getvalue()


# ------------------------------------------------------------------------------------------------------- reading


class _Reader:
    """Checks while reading: every item named in the error, nothing allocated by a size the file declares before
    it is checked against what the file stores."""

    def __init__(self, path: str, f):
        self.path, self.f = path, f
        self.file_bytes = os.path.getsize(path)

    def fail(self, item: str, why: str) -> FileFormatError:
        return FileFormatError(f"{self.path}: {item}: {why}", item)

    # ------------------------------------------------------------------ attributes
    def check_attribute(self, obj: str, name: str, dtype: str, shape: tuple = ()) -> None:
        """Present, of the expected type and shape, and not declaring more bytes than the file has."""
        import h5py

        item = name if obj == "/" else f"{obj.strip('/')}/{name}"
        node = self.f[obj]
        if name not in node.attrs:
            raise self.fail(item, "missing attribute")
        info = node.attrs.get_id(name)
        dt = info.dtype
        if dtype == "str":
            string = h5py.check_string_dtype(dt)
            if string is None or string.length is None:
                what = "a variable-length string" if string is not None else f"{dt}"
                raise self.fail(item, f"is {what}, expected a fixed-length UTF-8 string")
        elif dt.kind not in ("iu" if dtype == "int64" else "f"):
            raise self.fail(item, f"is {dt}, expected {'an integer' if dtype == 'int64' else 'a float'}")
        if info.shape != shape:
            raise self.fail(item, f"has shape {info.shape}, expected {shape or 'a single value'}")
        if dt.itemsize * int(np.prod(info.shape, dtype=np.int64)) > self.file_bytes:
            raise self.fail(item, f"declares {dt.itemsize} bytes, more than the file's {self.file_bytes}")

    def text_attribute(self, obj: str, name: str) -> str:
        item = name if obj == "/" else f"{obj.strip('/')}/{name}"
        try:
            return _text(self.f[obj].attrs[name]).split("\0", 1)[0]
        except UnicodeDecodeError as e:
            raise self.fail(item, f"is not UTF-8 text ({e})") from None

    def number_attribute(self, name: str):
        return np.asarray(self.f.attrs[name])[()]

    # ------------------------------------------------------------------ datasets
    def dataset(self, path: str, shape: tuple, kinds: str) -> np.ndarray:
        """The dataset `path` of `shape` whose dtype kind is one of `kinds` ("text": fixed-length strings), checked
        for its storage before it is read; strings as an object array of str."""
        import h5py

        d = self.f.get(path)
        if not isinstance(d, h5py.Dataset):
            raise self.fail(path, "missing dataset")
        if d.shape != shape:
            raise self.fail(path, f"shape {d.shape}, expected {shape}")
        if kinds == "text":
            string = h5py.check_string_dtype(d.dtype)
            if string is None or string.length is None:
                what = "variable-length strings" if string is not None else f"type {d.dtype}"
                raise self.fail(path, f"{what}, expected fixed-length UTF-8 strings")
        elif d.dtype.kind not in kinds:
            raise self.fail(path, f"type {d.dtype} is not one of the kinds {kinds!r}")
        self._check_storage(d, path)
        try:
            data = d[()]
        except H5PY_FAILURES as e:
            raise self.fail(path, f"cannot be read (corrupted: {e})") from None
        if kinds != "text":
            return np.asarray(data)
        out = np.empty(len(data), dtype=object)
        for i, raw in enumerate(data):
            try:
                out[i] = bytes(raw).split(b"\0", 1)[0].decode("utf-8")
            except UnicodeDecodeError as e:
                raise self.fail(path, f"entry {i} is not UTF-8 text ({e})") from None
        return out

    def _check_storage(self, d, path: str) -> None:
        """The run files' rules (host/hdf5/h5_run_reader.cpp check_storage): no external or virtual storage, only
        the filters learnrace writes, a Fletcher32 checksum unless empty, and no more element bytes than
        MAX_EXPANSION times what the file stores for the dataset (plus slack)."""
        import h5py

        if d.is_virtual or d.external:
            raise self.fail(path, "keeps its data outside the file (virtual or external storage)")
        plist = d.id.get_create_plist()
        filters = {plist.get_filter(i)[0] for i in range(plist.get_nfilters())}
        allowed = {h5py.h5z.FILTER_SHUFFLE, h5py.h5z.FILTER_DEFLATE, h5py.h5z.FILTER_FLETCHER32}
        if filters - allowed:
            raise self.fail(path, f"uses HDF5 filter {min(filters - allowed)}, not one learnrace writes")
        declared = d.dtype.itemsize * int(np.prod(d.shape, dtype=np.int64))
        if declared and h5py.h5z.FILTER_FLETCHER32 not in filters:
            raise self.fail(path, "has no Fletcher32 checksum: learnrace checksums every dataset it writes")
        stored = d.id.get_storage_size()
        if declared > stored * MAX_EXPANSION + EXPANSION_SLACK:
            raise self.fail(
                path, f"declares shape {d.shape} ({declared} bytes) but the file stores {stored} bytes for it"
            )


def check_type_and_version(r: _Reader, filetype: str = FILETYPE, version: tuple = VERSION) -> tuple:
    """The root attributes ``filetype`` and ``version`` of a file of type `filetype` whose major version this
    learnrace reads is version[0]; returns the file's version. A variable-length string is never read (the files
    before the checksums held them: their bytes come from the global heap, which HDF5 reads without a checksum)."""
    f = r.f
    stored = None
    if "version" in f.attrs:
        stored = np.asarray(f.attrs["version"])
    if "filetype" not in f.attrs:
        raise r.fail("filetype", f"missing root attribute (not a {filetype} file)")
    kind = filetype.replace("learnrace-", "")
    try:
        r.check_attribute("/", "filetype", "str")
    except FileFormatError:
        if stored is not None and stored.shape == (2,) and stored.dtype.kind in "iu" and stored[0] < version[0]:
            why = f"{stored.tolist()}: written by an older learnrace; {_reads(kind, version)}"
            raise r.fail("version", why) from None
        raise
    found = r.text_attribute("/", "filetype")
    if found != filetype:
        raise r.fail("filetype", f"is {found!r}, not {filetype!r}")
    if stored is None or stored.shape != (2,) or stored.dtype.kind not in "iu":
        raise r.fail("version", f"expected two integers [major, minor], got {stored!r}")
    if int(stored[0]) != version[0]:
        older = " (written by an older learnrace)" if stored[0] < version[0] else ""
        raise r.fail("version", f"{stored.tolist()}{older}: {_reads(kind, version)}")
    return tuple(int(v) for v in stored)


def _reads(kind: str, version: tuple) -> str:
    return (
        f"this learnrace reads {kind} files of major version {version[0]}: read it with the learnrace that wrote it "
        f"(its attribute learnrace_version), or make it again"
    )


def check_attributes(r: _Reader, specs: List[_checksum.Spec]) -> None:
    """Every attribute of `specs` present with its type and shape, then all of them against their checksum
    (``attributes_crc32``)."""
    for obj, name, dtype in specs:
        r.check_attribute(obj, name, dtype, (2,) if name == "version" else ())
    r.check_attribute("/", _checksum.ATTRIBUTE, "int64")
    stored = int(r.number_attribute(_checksum.ATTRIBUTE))
    computed = _checksum.compute(r.f, specs)
    if stored != computed:
        raise r.fail(
            _checksum.ATTRIBUTE,
            f"the attributes do not match their checksum ({stored}, computed {computed}): the file is damaged",
        )


def read_file(path: str | os.PathLike[str], kind: str, read_checked) -> Dict[str, Any]:
    """Opens `path` with h5py and returns read_checked(_Reader): an HDF5 failure (a damaged object that libhdf5's
    checksums refuse, say) is a FileFormatError naming the file."""
    import h5py

    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileFormatError(f"{path}: not a regular file (expected a learnrace {kind} file)")
    try:
        f = h5py.File(path, "r")
    except H5PY_FAILURES as e:
        raise FileFormatError(f"{path}: not a readable HDF5 file ({e})") from None
    with f:
        try:
            return read_checked(_Reader(path, f))
        except FileFormatError:
            raise
        except H5PY_FAILURES as e:
            raise FileFormatError(f"{path}: not a readable learnrace {kind} file ({type(e).__name__}: {e})") from None


def _check_registry(r: _Reader, table: pd.DataFrame) -> None:
    """The stored outcome list must begin with this learnrace's built-in outcomes, in its order (the columns of the
    arrays are read by it); user-defined outcomes (:func:`learnrace.outcomes.register`) may follow, with unique names
    and known kinds."""
    builtin = registry.OUTCOMES
    if len(table) < len(builtin):
        raise r.fail(
            "outcomes/name", f"{len(table)} outcomes, fewer than this learnrace's {len(builtin)} built-in ones"
        )
    for column in ("name", "kind"):
        stored, expected = list(table[column]), [getattr(o, column) for o in builtin]
        for i, (a, b) in enumerate(zip(stored, expected)):
            if a != b:
                raise r.fail(
                    f"outcomes/{column}",
                    f"entry {i} is {a!r}, expected {b!r}: the outcomes of this learnrace, in its order (a study file "
                    "of another learnrace version: read it with that version)",
                )
    bad = sorted(set(table["kind"]) - set(registry.KINDS))
    if bad:
        raise r.fail("outcomes/kind", f"unknown kind {bad[0]!r} (known: {', '.join(registry.KINDS)})")
    if table["name"].duplicated().any():
        raise r.fail("outcomes/name", f"repeats {table['name'][table['name'].duplicated()].iloc[0]!r}")


def read(path: str | os.PathLike[str]) -> Dict[str, Any]:
    """Everything a study file holds, checked (FileFormatError naming the item otherwise): ``attrs``, ``points``
    (frame: point, parameters), ``registry`` (frame: name, kind, unit, doc), ``values`` (OutcomeArrays),
    ``analysis`` (tidy frame or None) and ``skipped``."""
    return read_file(path, "study", _read)


def _read(r: _Reader) -> Dict[str, Any]:
    import h5py

    f = r.f
    version = check_type_and_version(r)
    has_analysis = "analysis" in f
    if has_analysis and not isinstance(f["analysis"], h5py.Group):
        raise r.fail("analysis", "not a group")
    check_attributes(r, checksummed_attributes(has_analysis))
    attrs: Dict[str, Any] = {k: r.text_attribute("/", k) for k in ROOT_TEXT}
    attrs.update({k: int(r.number_attribute(k)) for k in ROOT_INTEGERS})
    attrs["seconds"] = float(r.number_attribute("seconds"))
    attrs["version"] = version
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
        if not isinstance(key, str) or "/" in key or not key:
            raise r.fail("design", f"parameter key {key!r} is not a dotted configuration key")
        points[key] = r.dataset(f"design/parameters/{key}", (P,), "text" if _is_text(f, key) else "biuf")
    found = f.get("outcomes/name")
    n_outcomes = found.shape[0] if isinstance(found, h5py.Dataset) and found.ndim == 1 else -1
    if not 0 < n_outcomes <= MAX_OUTCOMES:
        raise r.fail("outcomes/name", f"missing, or not a list of 1 to {MAX_OUTCOMES} outcome names")
    table = pd.DataFrame({c: r.dataset(f"outcomes/{c}", (n_outcomes,), "text") for c in REGISTRY_COLUMNS})
    _check_registry(r, table)
    kinds = {"estimate": "f", "n": "u", "successes": "u", "sd": "f"}
    arrays = {name: r.dataset(f"outcomes/{name}", (P, n_outcomes), kinds[name]) for name in OUTCOME_ARRAYS}
    values = registry.OutcomeArrays(**{k: v.astype(OUTCOME_ARRAYS[k], copy=False) for k, v in arrays.items()})
    analysis, skipped = None, {}
    if has_analysis:
        an = f["analysis"]
        found = an.get("estimate")
        rows = found.shape[0] if isinstance(found, h5py.Dataset) and found.ndim == 1 else -1
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
            skipped = json.loads(r.text_attribute("/analysis", "skipped"))
        except ValueError as e:
            raise r.fail("analysis/skipped", f"not JSON ({e})") from None
        if not isinstance(skipped, dict):
            raise r.fail("analysis/skipped", f"not a JSON object ({type(skipped).__name__})")
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
    """The root attribute ``filetype`` of an HDF5 file, or None when it has none, is not a fixed-length UTF-8 string,
    or the file is not HDF5 or cannot be read (nothing else is read; the reader of the file's type says what is
    wrong). A variable-length string is never read: its bytes would come from the global heap, which HDF5 reads
    without a checksum."""
    import h5py

    try:
        with h5py.File(os.fspath(path), "r") as f:
            if "filetype" not in f.attrs:
                return None
            info = h5py.check_string_dtype(f.attrs.get_id("filetype").dtype)
            if info is None or info.length is None:
                return None
            return _text(f.attrs["filetype"])
    except H5PY_FAILURES:
        return None
