"""Where a Results object gets its arrays: the C++ run in memory, or a run file read with h5py.

Both expose the datasets of the output schema registry (``_core.output_schema()``, docs/output_schema.md) under
the same names, so ``Results`` does not care which one it has. A run file is checked against the registry when it
is opened, before any array is read: every dataset's type, shape and storage (the same rules as the C++ reader).
"""

from __future__ import annotations

import functools
import os
import re
from typing import Any, Dict, List, Tuple

import numpy as np
import pandas as pd

from ._errors import FileFormatError


@functools.cache
def schema() -> Dict[str, Any]:
    """The output schema registry of the C++ engine (host/output_schema.cpp) as plain Python data."""
    from . import _core

    return _core.output_schema()


def section_groups() -> Dict[str, str]:
    """Count section name -> HDF5 group ("counts" or "outcomes")."""
    return {s["name"]: s["group"] for s in schema()["count_sections"]}


def trajectory_names(kind: str | None = None) -> Tuple[str, ...]:
    """Trajectory dataset names, all or of one kind ("per sampled dyad-period" / "per sampled dyad")."""
    return tuple(t["name"] for t in schema()["trajectory_fields"] if kind is None or t["kind"] == kind)


PER_PERIOD = "per sampled dyad-period"
PER_DYAD = "per sampled dyad"


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray) and value.shape == ():
        return _text(value[()])
    return str(value)


def _read_only(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


class CoreSource:
    """A run held by the C++ extension (``_core.RunHandle``); arrays are views of its memory."""

    path: str | None = None

    def __init__(self, handle):
        self.handle = handle
        h = handle
        self.attrs: Dict[str, Any] = {
            "seed": int(h.seed),
            "backend": h.backend,
            "dyads_per_point": int(h.dyads_per_point),
            "periods": int(h.periods),
            "config_toml": h.config_toml,
            "seconds": float(h.seconds),
        }
        self.edges = {
            "asymmetry_hist": (-1.0, 1.0),
            "power_shift_hist": (-1.0, 1.0),
            "joint_learning_hist": (0.0, float(h.joint_max)),
        }
        self.relation_bin_max = float(h.relation_bin_max)
        self.fixed_point_scale = float(h.fixed_point_scale)
        table = {"name": list(h.point_names), "kernel": list(h.kernels)}
        params = h.parameters
        table.update({k: np.asarray(params[k], dtype=np.float64) for k in sorted(params)})
        self.points = pd.DataFrame(table)

    def section(self, name: str) -> np.ndarray:
        return self.handle.section(name)

    def trajectory(self, name: str) -> np.ndarray:
        return self.handle.trajectory(name)


def _allowed_filters():
    from h5py import h5z

    return {h5z.FILTER_SHUFFLE, h5z.FILTER_DEFLATE, h5z.FILTER_FLETCHER32}


class H5Source:
    """A run file read with h5py through ONE open handle: metadata when opened, arrays on first use, so a file
    replaced on disk afterwards cannot mix with what was read (the handle keeps the original file). The file is
    checked against the registry before anything is read; changing it in place while open raises."""

    def __init__(self, path: str | os.PathLike[str]):
        import h5py

        self.path = os.fspath(path)
        if not os.path.exists(self.path):
            raise FileNotFoundError(f"no such file: {self.path}")
        if not os.path.isfile(self.path):
            raise FileFormatError(f"{self.path}: not a regular file (expected a learnrace run file)")
        if not h5py.is_hdf5(self.path):
            raise FileFormatError(f"{self.path}: not an HDF5 file (expected a learnrace run file)")
        try:
            self._file = h5py.File(self.path, "r")
        except OSError as e:
            raise FileFormatError(f"{self.path}: not a readable HDF5 file ({e})") from None
        try:
            self._fd = self._file.id.get_vfd_handle()
            self._stamp = self._fingerprint()
            self._check(self._file)
        except BaseException:
            self._file.close()
            raise

    # ------------------------------------------------------------------ one handle
    def _fingerprint(self) -> Tuple[int, int, int, int]:
        st = os.fstat(self._fd)
        return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)

    def _unchanged(self) -> None:
        if self._fingerprint() != self._stamp:
            raise FileFormatError(
                f"{self.path}: the file was changed in place since it was opened; open it again with learnrace.open"
            )

    def close(self) -> None:
        self._file.close()

    def identity(self) -> Tuple[int, int]:
        """(device, inode) of the opened file."""
        return self._stamp[0], self._stamp[1]

    def copy_to(self, out) -> None:
        """Writes the bytes of the opened file (not of whatever the path names now) to the binary file `out`."""
        self._unchanged()
        offset, size = 0, self._stamp[2]
        while offset < size:
            chunk = os.pread(self._fd, min(1 << 22, size - offset), offset)
            if not chunk:
                raise FileFormatError(f"{self.path}: the file shrank while it was copied")
            out.write(chunk)
            offset += len(chunk)

    # ------------------------------------------------------------------ checks
    def _fail(self, item: str, problem: str):
        raise FileFormatError(f"{self.path}: {problem}", item)

    def _attribute(self, f, name: str, dtype: str, dims: List[int]):
        from h5py import h5a

        if name not in f.attrs:
            prefix = "not a learnrace run file: " if name == "filetype" else ""
            self._fail(name, f"{prefix}root attribute {name!r} is missing")
        aid = h5a.open(f.id, name.encode())
        kind = _kind_of(aid.dtype)
        want = {"str": "string", "int64": "integer", "float64": "float"}[dtype]
        if kind != want:
            self._fail(name, f"root attribute {name!r} is {kind}, expected {'an' if want == 'integer' else 'a'} {want}")
        size = int(np.prod(aid.shape)) if aid.shape else 1
        if dims == [] and size != 1:
            self._fail(name, f"root attribute {name!r} has shape {list(aid.shape)}, expected a single value")
        value = f.attrs[name]
        if dtype == "str":
            return _text(value)
        if dims == []:
            return (
                int(np.asarray(value).reshape(-1)[0]) if want == "integer" else float(np.asarray(value).reshape(-1)[0])
            )
        return value

    def _check_version(self, f) -> None:
        from h5py import h5a

        major, minor = schema()["version"]
        expected = f"this build reads major version {major} (version = [{major}, {minor}])"
        if "version" not in f.attrs:
            self._fail("version", "root attribute 'version' is missing")
        aid = h5a.open(f.id, b"version")
        kind = _kind_of(aid.dtype)
        if kind != "integer":
            self._fail("version", f"root attribute 'version' is {kind}, expected [major, minor] integers; {expected}")
        value = np.asarray(f.attrs["version"])
        if value.size == 1 and value.ndim <= 1:
            self._fail(
                "version",
                f"unsupported schema version {int(value.reshape(-1)[0])} (a single number: written before versions "
                f"were [major, minor]); {expected}",
            )
        if value.shape != (2,):
            self._fail(
                "version", f"root attribute 'version' has shape {list(value.shape)}, expected [2] ([major, minor])"
            )
        if int(value[0]) != major:
            self._fail("version", f"unsupported schema version [{int(value[0])}, {int(value[1])}]; {expected}")
        self.version = (int(value[0]), int(value[1]))

    def _dataset(self, f, path: str, dtype: str | None, shape: Tuple[int, ...] | None):
        import h5py

        item = "/" + path
        group, _, name = path.rpartition("/")
        if group and not isinstance(f.get(group), h5py.Group):
            self._fail("/" + group, f"missing group '/{group}'")
        d = f.get(path)
        if not isinstance(d, h5py.Dataset):
            self._fail(item, f"missing dataset '{item}'")
        stored = _kind_of(d.dtype) if dtype == "str" else d.dtype.name
        if dtype is not None and stored != (_kind_of_name(dtype)):
            self._fail(item, f"dataset '{item}' is {_describe(d.dtype)}, expected {_describe_name(dtype)}")
        if shape is not None and tuple(d.shape) != tuple(shape):
            self._fail(item, f"dataset '{item}' has shape {_dims(d.shape)}, expected {_dims(shape)}")
        self._check_storage(d, item)
        return d

    def _check_storage(self, d, item: str) -> None:
        from h5py import h5d

        plist = d.id.get_create_plist()
        what = f"dataset '{item}' "
        if plist.get_external_count() > 0:
            self._fail(item, what + "keeps its data in external files")
        if plist.get_layout() not in (h5d.CONTIGUOUS, h5d.CHUNKED, h5d.COMPACT):
            self._fail(item, what + "has a virtual or unknown storage layout")
        for i in range(plist.get_nfilters()):
            code = plist.get_filter(i)[0]
            if code not in _allowed_filters():
                self._fail(
                    item, what + f"uses HDF5 filter {code}, not one learnrace writes (shuffle, deflate, fletcher32)"
                )
        nbytes = int(np.prod(d.shape, dtype=object)) * d.id.get_type().get_size() if d.shape else 0
        stored = d.id.get_storage_size()
        s = schema()
        if nbytes > stored * s["max_expansion"] + s["expansion_slack_bytes"]:
            self._fail(
                item,
                what + f"declares shape {_dims(d.shape)} ({nbytes} bytes) but the file stores {stored} bytes for it "
                "(truncated or crafted)",
            )

    def _axis_size(self, f, axis: str) -> int:
        """Size of a run-dependent axis (B, H, K) from the first registry dataset that has it."""
        import h5py

        s = schema()
        for spec in s["count_sections"] + s["trajectory_fields"]:
            if axis not in spec["axes"]:
                continue
            group = spec["group"]
            if not isinstance(f.get(group), h5py.Group):
                self._fail("/" + group, f"missing group '/{group}'")
            d = f.get(spec["path"][1:])
            if not isinstance(d, h5py.Dataset):
                self._fail(spec["path"], f"missing dataset '{spec['path']}'")
            if len(d.shape) != len(spec["axes"]):
                self._fail(
                    spec["path"],
                    f"dataset '{spec['path']}' has shape {_dims(d.shape)}, expected rank {len(spec['axes'])}",
                )
            n = int(d.shape[spec["axes"].index(axis)])
            if n > 2**31 - 1:
                self._fail(
                    spec["path"], f"dataset '{spec['path']}' has shape {_dims(d.shape)}: axis {axis!r} is too large"
                )
            return n
        return 0

    def _check(self, f) -> None:
        s = schema()
        filetype = self._attribute(f, "filetype", "str", [])
        if filetype != s["filetype"]:
            self._fail(
                "filetype",
                f"not a learnrace run file: root attribute 'filetype' is {filetype!r}, expected {s['filetype']!r}",
            )
        self._check_version(f)
        values = {}
        for a in s["root_attributes"]:
            if a["name"] not in ("filetype", "version"):
                values[a["name"]] = self._attribute(f, a["name"], a["dtype"], list(a["dims"]))
        T = values["periods"]
        if not 1 <= T <= 2**31 - 1:
            self._fail("periods", f"root attribute 'periods' is {T}, expected 1 to {2**31 - 1}")
        if values["dyads_per_point"] < 0:
            self._fail("dyads_per_point", f"root attribute 'dyads_per_point' is negative ({values['dyads_per_point']})")
        self.attrs = values

        for m in s["meta"]:
            d = self._dataset(f, f"meta/{m['name']}", "str", (len(m["values"]),))
            stored = [_text(v) for v in self._read_dataset(d)]
            for i, (got, want) in enumerate(zip(stored, m["values"])):
                if got != want:
                    self._fail(
                        f"/meta/{m['name']}", f"dataset '/meta/{m['name']}' entry {i} is {got!r}, expected {want!r}"
                    )

        names = self._dataset(f, "points/name", None, None)
        if names.ndim != 1:
            self._fail("/points/name", f"dataset '/points/name' has shape {_dims(names.shape)}, expected rank 1")
        P = names.shape[0]
        if P == 0:
            self._fail("/points/name", "dataset '/points/name' is empty: the file holds no points")
        if P > 2**31 - 1:
            self._fail("/points/name", "dataset '/points/name' has too many points")
        sizes = {"P": P, "T": T}
        sizes["B"] = self._axis_size(f, "bin")
        sizes["H"] = self._axis_size(f, "asymmetry_bin")
        sizes["K"] = self._axis_size(f, "slot")
        self._shapes = {}
        for spec in s["count_sections"] + s["trajectory_fields"]:
            shape = _shape_of(spec["shape"], sizes)
            self._dataset(f, spec["path"][1:], spec["dtype"], shape)
            self._shapes[spec["path"]] = shape

        self.points = self._read_points(f, P)
        self.edges = {}
        for name in ("asymmetry_hist", "power_shift_hist", "joint_learning_hist"):
            rng = f[f"outcomes/{name}"].attrs.get("range")
            self.edges[name] = (float(rng[0]), float(rng[1])) if rng is not None else (np.nan, np.nan)
        self.relation_bin_max = float(f["counts/transitions_by_bin"].attrs.get("relation_bin_max", np.nan))
        self.fixed_point_scale = float(f["outcomes/moments"].attrs.get("scale", s["fixed_point_scale"]))

    def _read_points(self, f, P: int) -> pd.DataFrame:
        table: Dict[str, Any] = {}
        for key in ("name", "kernel"):
            table[key] = [_text(v) for v in self._read_dataset(self._dataset(f, f"points/{key}", "str", (P,)))]
        for key in sorted(f["points"].keys()):
            if key not in table:
                table[key] = self._read_dataset(self._dataset(f, f"points/{key}", "float64", (P,)))
        return pd.DataFrame(table)

    def _read_dataset(self, d) -> np.ndarray:
        try:
            return np.asarray(d[()])
        except OSError as e:
            item = d.name
            raise FileFormatError(f"{self.path}: cannot read dataset '{item}' (corrupted: {e})", item) from None

    # ------------------------------------------------------------------ arrays
    def _read(self, path: str) -> np.ndarray:
        self._unchanged()
        return _read_only(self._read_dataset(self._file[path]))

    def section(self, name: str) -> np.ndarray:
        groups = section_groups()
        if name not in groups:
            raise KeyError(f"no count section {name!r}")
        return self._read(f"{groups[name]}/{name}")

    def trajectory(self, name: str) -> np.ndarray:
        if name not in trajectory_names():
            raise KeyError(f"no trajectory dataset {name!r}")
        return self._read(f"trajectories/{name}")


def _kind_of(dtype) -> str:
    import h5py

    if h5py.check_string_dtype(dtype) is not None or dtype.kind in ("S", "U"):
        return "string"
    if dtype.kind in ("i", "u"):
        return "integer"
    if dtype.kind == "f":
        return "float"
    return dtype.name


def _kind_of_name(name: str) -> str:
    return "string" if name == "str" else name


def _describe(dtype) -> str:
    return "string" if _kind_of(dtype) == "string" else dtype.name


def _describe_name(name: str) -> str:
    return "string" if name == "str" else name


def _dims(shape) -> str:
    return "[" + ",".join(str(int(n)) for n in shape) + "]"


_TOKEN = re.compile(r"^([A-Z])(?:\+(\d+))?$")


def _shape_of(text: str, sizes: Dict[str, int]) -> Tuple[int, ...]:
    """The registry's shape text ("[P,7,T+1]") with the run's axis sizes."""
    out = []
    for token in text.strip("[]").split(","):
        if not token:
            continue
        if token.isdigit():
            out.append(int(token))
            continue
        m = _TOKEN.match(token)
        out.append(sizes[m.group(1)] + int(m.group(2) or 0))
    return tuple(out)
