"""Where a Results object gets its arrays: the C++ run in memory, or a run file read with h5py.

Both sources expose the same names (docs/output_schema.md) so that ``Results`` does not care which one it has.
"""

from __future__ import annotations

import os
from typing import Any, Dict

import numpy as np
import pandas as pd

from ._errors import FileFormatError

FILETYPE = "learnrace-run"
SUPPORTED_VERSIONS = (1,)

# Schema group of each count section.
SECTION_GROUPS = {
    "transitions": "counts",
    "transitions_by_bin": "counts",
    "occupancy": "counts",
    "duration": "outcomes",
    "asymmetry_hist": "outcomes",
    "power_shift_hist": "outcomes",
    "joint_learning_hist": "outcomes",
    "moments": "outcomes",
    "dyads": "outcomes",
}
PER_PERIOD_TRAJECTORIES = ("pair", "x_A", "x_B", "trust", "stakes", "orientation", "relation", "power_A")
PER_DYAD_TRAJECTORIES = (
    "dyad",
    "intent_A",
    "intent_B",
    "knowledge_A",
    "knowledge_B",
    "equity_A",
    "cause",
    "duration",
    "gain_A",
    "gain_B",
)
TRAJECTORY_NAMES = PER_PERIOD_TRAJECTORIES + PER_DYAD_TRAJECTORIES
FIXED_POINT_SCALE = 1048576.0  # 2^20


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


class H5Source:
    """A run file read with h5py. Metadata are read at once, arrays on first use."""

    def __init__(self, path: str | os.PathLike[str]):
        import h5py

        self.path = os.fspath(path)
        if not os.path.exists(self.path):
            raise FileNotFoundError(f"no such file: {self.path}")
        if not h5py.is_hdf5(self.path):
            raise FileFormatError(f"{self.path}: not an HDF5 file (expected a learnrace run file)")
        with h5py.File(self.path, "r") as f:
            filetype = _text(f.attrs["filetype"]) if "filetype" in f.attrs else None
            if filetype != FILETYPE:
                raise FileFormatError(
                    f"{self.path}: not a learnrace run file (attribute filetype is {filetype!r}, expected {FILETYPE!r})"
                )
            version = int(f.attrs["version"]) if "version" in f.attrs else None
            if version not in SUPPORTED_VERSIONS:
                raise FileFormatError(
                    f"{self.path}: run file format version {version} is not supported by this learnrace "
                    f"(reads version {', '.join(map(str, SUPPORTED_VERSIONS))})",
                    "version",
                )
            missing = [f"{g}/{n}" for n, g in SECTION_GROUPS.items() if f"{g}/{n}" not in f]
            if missing or "points" not in f:
                items = missing or ["points"]
                raise FileFormatError(f"{self.path}: incomplete run file, missing {', '.join(items)}", "/" + items[0])
            self.attrs = {
                "seed": int(f.attrs["seed"]),
                "backend": _text(f.attrs["backend"]),
                "dyads_per_point": int(f.attrs["dyads_per_point"]),
                "periods": int(f.attrs["periods"]),
                "config_toml": _text(f.attrs["config_toml"]),
                "seconds": float(f.attrs.get("seconds", np.nan)),
                "learnrace_version": _text(f.attrs.get("learnrace_version", "")),
                "git_describe": _text(f.attrs.get("git_describe", "")),
            }
            self.edges = {}
            for name in ("asymmetry_hist", "power_shift_hist", "joint_learning_hist"):
                rng = f[f"outcomes/{name}"].attrs.get("range")
                self.edges[name] = (float(rng[0]), float(rng[1])) if rng is not None else (np.nan, np.nan)
            self.relation_bin_max = float(f["counts/transitions_by_bin"].attrs.get("relation_bin_max", np.nan))
            self.fixed_point_scale = float(f["outcomes/moments"].attrs.get("scale", FIXED_POINT_SCALE))
            self.points = self._read_points(f["points"])

    @staticmethod
    def _read_points(group) -> pd.DataFrame:
        table: Dict[str, Any] = {}
        for key in ("name", "kernel"):
            if key in group:
                table[key] = [_text(v) for v in group[key][()]]
        for key in sorted(group.keys()):
            if key not in table:
                table[key] = np.asarray(group[key][()], dtype=np.float64)
        return pd.DataFrame(table)

    def _read(self, dataset: str) -> np.ndarray:
        import h5py

        with h5py.File(self.path, "r") as f:
            if dataset not in f:
                raise FileFormatError(f"{self.path}: missing dataset /{dataset}", "/" + dataset)
            return _read_only(np.asarray(f[dataset][()]))

    def section(self, name: str) -> np.ndarray:
        if name not in SECTION_GROUPS:
            raise KeyError(f"no count section {name!r}")
        return self._read(f"{SECTION_GROUPS[name]}/{name}")

    def trajectory(self, name: str) -> np.ndarray:
        if name not in TRAJECTORY_NAMES:
            raise KeyError(f"no trajectory dataset {name!r}")
        return self._read(f"trajectories/{name}")
