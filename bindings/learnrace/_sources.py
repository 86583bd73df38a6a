"""Where a Results object gets its arrays: the C++ run in memory, or a run file read with h5py.

Both expose the datasets of the output schema registry (``_core.output_schema()``, docs/output_schema.md) under
the same names, so ``Results`` does not care which one it has. A run file is checked against the registry when it
is opened, before any array is read: every dataset's type, shape and storage (the same rules as the C++ reader).
"""

from __future__ import annotations

import functools
import os
from typing import Any, Dict, Tuple

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
    """An HDF5 string (a fixed-length string reads as bytes) as str; UnicodeDecodeError (a ValueError) if not
    UTF-8."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, np.ndarray) and value.shape == ():
        return _text(value[()])
    return str(value)


# What h5py raises for a damaged file: OSError (a failed read), KeyError (an object that cannot be opened, e.g. an
# object header failing its checksum), RuntimeError (a failed iteration), ValueError (UnicodeDecodeError too).
H5PY_FAILURES = (OSError, KeyError, RuntimeError, ValueError, TypeError, IndexError)


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
    replaced on disk afterwards cannot mix with what was read (the handle keeps the original file); changing it in
    place while it is open raises. Before anything is read the file is checked against the output schema registry
    by the C++ reader's checks (``_core.check_file``: every dataset's type, shape and storage against the sizes the
    file declares and stores), so a crafted file cannot make this reader allocate by its declared sizes."""

    def __init__(self, path: str | os.PathLike[str]):
        import h5py

        from . import _core

        self.path = os.fspath(path)
        if not os.path.exists(self.path):
            raise FileNotFoundError(f"no such file: {self.path}")
        if not os.path.isfile(self.path):
            raise FileFormatError(f"{self.path}: not a regular file (expected a learnrace run file)")
        checked = os.stat(self.path)
        _core.check_file(self.path)  # FileFormatError naming the item
        try:
            self._file = h5py.File(self.path, "r")
        except H5PY_FAILURES as e:
            raise FileFormatError(f"{self.path}: not a readable HDF5 file ({e})") from None
        try:
            self._fd = self._file.id.get_vfd_handle()
            self._stamp = self._fingerprint()
            if self._stamp != (checked.st_dev, checked.st_ino, checked.st_size, checked.st_mtime_ns):
                raise FileFormatError(f"{self.path}: the file changed while it was being opened; open it again")
            self._read_metadata(self._file)
        except FileFormatError:
            self._file.close()
            raise
        except H5PY_FAILURES as e:  # what the C++ checks did not reach (HDF5's own checksums, in h5py's library)
            self._file.close()
            raise FileFormatError(f"{self.path}: not a readable learnrace run file ({type(e).__name__}: {e})") from None
        except BaseException:
            self._file.close()
            raise

    # ------------------------------------------------------------------ one handle
    def _fingerprint(self) -> Tuple[int, int, int, int]:
        st = os.fstat(self._fd)
        return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)

    def _unchanged(self) -> None:
        if not self._file:
            raise ValueError(f"{self.path}: the run file was closed (Results.close); open it again with learnrace.open")
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

    # ------------------------------------------------------------------ metadata (checked by _core.check_file)
    def _read_metadata(self, f) -> None:
        s = schema()
        a = f.attrs
        self.version = tuple(int(v) for v in a["version"])
        self.attrs: Dict[str, Any] = {
            "seed": int(a["seed"]),
            "backend": _text(a["backend"]),
            "dyads_per_point": int(a["dyads_per_point"]),
            "periods": int(a["periods"]),
            "config_toml": _text(a["config_toml"]),
            "seconds": float(a["seconds"]),
            "learnrace_version": _text(a["learnrace_version"]),
            "git_describe": _text(a["git_describe"]),
        }
        self.edges = {}
        for name in ("asymmetry_hist", "power_shift_hist", "joint_learning_hist"):
            rng = f[f"outcomes/{name}"].attrs.get("range")
            self.edges[name] = (float(rng[0]), float(rng[1])) if rng is not None else (np.nan, np.nan)
        self.relation_bin_max = float(f["counts/transitions_by_bin"].attrs.get("relation_bin_max", np.nan))
        self.fixed_point_scale = float(f["outcomes/moments"].attrs.get("scale", s["fixed_point_scale"]))
        table: Dict[str, Any] = {}
        for key in ("name", "kernel"):
            table[key] = [_text(v) for v in self._read_dataset(f["points"][key])]
        for key in sorted(f["points"].keys()):
            if key not in table:
                table[key] = self._read_dataset(f["points"][key]).astype(np.float64)
        self.points = pd.DataFrame(table)

    def _read_dataset(self, d) -> np.ndarray:
        try:
            return np.asarray(d[()])
        except H5PY_FAILURES as e:
            item = d.name
            raise FileFormatError(f"{self.path}: cannot read dataset '{item}' (corrupted: {e})", item) from None

    # ------------------------------------------------------------------ arrays
    def _read(self, path: str) -> np.ndarray:
        self._unchanged()
        try:
            d = self._file[path]
        except H5PY_FAILURES as e:
            item = "/" + path
            raise FileFormatError(f"{self.path}: cannot open dataset '{item}' (corrupted: {e})", item) from None
        return _read_only(self._read_dataset(d))

    def section(self, name: str) -> np.ndarray:
        groups = section_groups()
        if name not in groups:
            raise KeyError(f"no count section {name!r}")
        return self._read(f"{groups[name]}/{name}")

    def trajectory(self, name: str) -> np.ndarray:
        if name not in trajectory_names():
            raise KeyError(f"no trajectory dataset {name!r}")
        return self._read(f"trajectories/{name}")
