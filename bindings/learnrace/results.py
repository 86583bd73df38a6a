"""``Results``: every output of a run (docs/model.md sections 13 and 16) as numpy arrays, the same whether the run is
in memory or was read from a file."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from typing import Dict, Iterator, Union

import numpy as np
import pandas as pd

from . import labels
from ._sources import PER_DYAD_TRAJECTORIES, PER_PERIOD_TRAJECTORIES, TRAJECTORY_NAMES, CoreSource, H5Source

PointKey = Union[int, str]


class Trajectories(Mapping):
    """Read-only mapping of trajectory datasets (docs/output_schema.md, /trajectories).

    Per period, [P, K, T]: ``pair`` (uint8, 255 after termination), ``x_A``, ``x_B``, ``trust``, ``stakes``,
    ``orientation``, ``relation``, ``power_A`` (float32, NaN after termination). Per dyad, [P, K]: ``dyad``,
    ``intent_A``, ``intent_B``, ``knowledge_A``, ``knowledge_B``, ``equity_A``, ``cause``, ``duration``, ``gain_A``,
    ``gain_B``.
    """

    per_period = PER_PERIOD_TRAJECTORIES
    per_dyad = PER_DYAD_TRAJECTORIES

    def __init__(self, source):
        self._source = source
        self._cache: Dict[str, np.ndarray] = {}

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._cache:
            self._cache[name] = self._source.trajectory(name)
        return self._cache[name]

    def __iter__(self) -> Iterator[str]:
        return iter(TRAJECTORY_NAMES)

    def __len__(self) -> int:
        return len(TRAJECTORY_NAMES)

    def __repr__(self) -> str:
        return f"<Trajectories {', '.join(TRAJECTORY_NAMES)}>"


def _section_property(name: str, doc: str):
    def get(self: Results) -> np.ndarray:
        return self._section(name)

    get.__doc__ = doc
    return property(get)


class Results:
    """The outputs of one run: counts per sweep point, outcome histograms, moments and sampled trajectories.

    Get one with :func:`learnrace.run` (in memory; arrays are read-only views of the engine's memory, never copies)
    or :func:`learnrace.open` (a run file). Arrays have a leading point axis ``P``; ``T`` = periods,
    ``B`` = factor bins, ``H`` = histogram bins, ``K`` = trajectory slots. Pair state index = ``5 * A + B``.
    """

    STRATEGIES = labels.STRATEGIES
    STRATEGY_CODES = labels.STRATEGY_CODES
    PAIR_STATES = labels.PAIR_STATES
    PAIR_CODES = labels.PAIR_CODES
    CAUSES = labels.CAUSES
    FACTORS = labels.FACTORS
    MOMENTS = labels.MOMENTS
    INTENTS = labels.INTENTS

    def __init__(self, source):
        self._source = source
        self._cache: Dict[str, np.ndarray] = {}
        self.trajectories = Trajectories(source)

    @classmethod
    def _from_handle(cls, handle) -> Results:
        return cls(CoreSource(handle))

    @classmethod
    def _from_file(cls, path) -> Results:
        return cls(H5Source(path))

    # ------------------------------------------------------------------ metadata
    @property
    def path(self) -> str | None:
        """The run file this was read from, or None for an in-memory run."""
        return self._source.path

    @property
    def in_memory(self) -> bool:
        return isinstance(self._source, CoreSource)

    @property
    def points(self) -> pd.DataFrame:
        """The /points table: ``name``, ``kernel`` and one column per configurable scalar (dotted TOML key)."""
        return self._source.points.copy()

    @property
    def point_names(self) -> list:
        return list(self._source.points["name"])

    @property
    def n_points(self) -> int:
        return len(self._source.points)

    @property
    def kernels(self) -> list:
        return list(self._source.points["kernel"])

    config_toml = property(lambda self: self._source.attrs["config_toml"], doc="the effective experiment TOML")
    seed = property(lambda self: self._source.attrs["seed"], doc="the run seed")
    backend = property(lambda self: self._source.attrs["backend"], doc="'cpu' or 'cuda'")
    dyads_per_point = property(lambda self: self._source.attrs["dyads_per_point"])
    periods = property(lambda self: self._source.attrs["periods"], doc="T, the horizon")
    seconds = property(lambda self: self._source.attrs["seconds"], doc="wall time of the simulation")
    relation_bin_max = property(lambda self: self._source.relation_bin_max, doc="upper edge of the relation bins")

    @property
    def histogram_edges(self) -> Dict[str, np.ndarray]:
        """Bin edges of ``asymmetry_hist``, ``power_shift_hist`` and ``joint_learning_hist`` (the last bin of the
        joint-learning histogram is open: it also holds values above the top edge)."""
        h = self.asymmetry_hist.shape[-1]
        return {name: np.linspace(lo, hi, h + 1) for name, (lo, hi) in self._source.edges.items()}

    def point_index(self, point: PointKey) -> int:
        """Index of a point given by index or name."""
        if isinstance(point, (int, np.integer)):
            if not -self.n_points <= point < self.n_points:
                raise IndexError(f"point {point} out of range (the run has {self.n_points} points)")
            return int(point) % self.n_points
        names = self.point_names
        if point not in names:
            raise KeyError(f"no point named {point!r} (points: {', '.join(names)})")
        return names.index(point)

    # ------------------------------------------------------------------ arrays
    def _section(self, name: str) -> np.ndarray:
        if name not in self._cache:
            self._cache[name] = self._source.section(name)
        return self._cache[name]

    transitions = _section_property(
        "transitions", "uint64 [P, 25, 25]: live dyad-periods by pair state at t (row) and t+1"
    )
    transitions_by_bin = _section_property(
        "transitions_by_bin",
        "uint64 [P, 4, B, 25, 25]: transitions split by the bin of trust, stakes, orientation, relation at t",
    )
    occupancy = _section_property("occupancy", "uint64 [P, T, 25]: live dyads by period and pair state")
    duration = _section_property(
        "duration", "uint64 [P, 7, T+1]: dyads by termination cause and duration (index 0 unused)"
    )
    asymmetry_hist = _section_property("asymmetry_hist", "uint64 [P, H]: final learning asymmetry on [-1, 1]")
    power_shift_hist = _section_property("power_shift_hist", "uint64 [P, H]: P_A(end) - P_A(0) on [-1, 1]")
    joint_learning_hist = _section_property("joint_learning_hist", "uint64 [P, H]: G_A + G_B on [0, joint_max]")
    moments = _section_property(
        "moments", "int64 [P, 9, 2]: fixed-point sum and sum of squares of each moment (x 2^20)"
    )
    dyads = _section_property("dyads", "uint64 [P]: dyads simulated")

    @property
    def moment_mean(self) -> np.ndarray:
        """float64 [P, 9]: mean of each moment over dyads (decoded from fixed point)."""
        n = np.maximum(self.dyads.astype(np.float64), 1.0)[:, None]
        return self.moments[:, :, 0].astype(np.float64) / self._source.fixed_point_scale / n

    @property
    def moment_sd(self) -> np.ndarray:
        """float64 [P, 9]: sample standard deviation of each moment over dyads (NaN with fewer than 2 dyads)."""
        n = self.dyads.astype(np.float64)[:, None]
        mean = self.moment_mean
        mean_sq = self.moments[:, :, 1].astype(np.float64) / self._source.fixed_point_scale / np.maximum(n, 1.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            var = np.maximum(mean_sq - mean**2, 0.0) * n / (n - 1.0)
            return np.where(n > 1, np.sqrt(var), np.nan)

    def moments_table(self) -> pd.DataFrame:
        """Decoded moments: one row per point and moment with ``mean`` and ``sd``."""
        from .tidy import moments_frame

        return moments_frame(self)

    # ------------------------------------------------------------------ helpers
    def to_pandas(self, what: str | None = None):
        """Tidy (long) DataFrames. ``what`` is one of ``transitions``, ``transitions_by_bin``, ``occupancy``,
        ``duration``, ``histograms``, ``moments``, ``trajectories`` (one row per point, dyad and period while the dyad
        lives), ``dyads`` (per sampled dyad), ``points``; None gives a dict of all of them."""
        from .tidy import FRAMES

        if what is None:
            return {name: make(self) for name, make in FRAMES.items()}
        if what not in FRAMES:
            raise ValueError(f"to_pandas: unknown frame {what!r} (one of {', '.join(FRAMES)})")
        return FRAMES[what](self)

    def to_xarray(self):
        """All arrays as an ``xarray.Dataset`` with labelled dimensions (point, from_state, to_state, ...)."""
        from .tidy import to_xarray

        return to_xarray(self)

    def summary(self) -> pd.DataFrame:
        """Headline table, one row per point: dyads, mean duration, share of each termination cause, and the mean
        (SD) of learning asymmetry, power shift, joint learning and final trust."""
        from .tidy import summary_frame

        return summary_frame(self)

    def save(self, path: str | os.PathLike[str]) -> str:
        """Write the run file. In-memory runs go through the C++ writer (temporary file, then rename); a run read
        from a file is copied. Returns the path."""
        path = os.fspath(path)
        if isinstance(self._source, CoreSource):
            if not hasattr(self._source.handle, "save"):
                raise RuntimeError("this learnrace build has no HDF5 writer (host/hdf5 was not built)")
            self._source.handle.save(path)
        elif os.path.abspath(path) != os.path.abspath(self._source.path):
            shutil.copyfile(self._source.path, path)
        return path

    def __repr__(self) -> str:
        where = f"file {self.path!r}" if self.path else "in memory"
        names = ", ".join(self.point_names[:4]) + (", ..." if self.n_points > 4 else "")
        return (
            f"<learnrace.Results {where}: {self.n_points} point(s) [{names}], {self.dyads_per_point} dyads/point, "
            f"T={self.periods}, seed={self.seed}, backend={self.backend}>"
        )
