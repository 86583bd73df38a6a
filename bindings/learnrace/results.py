"""``Results``: every output of a run (docs/output_schema.md) as numpy arrays, the same whether the run is in memory or
was read from a file."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Dict, Iterator, Union

import numpy as np
import pandas as pd

from . import labels
from ._save import save_results
from ._sources import PER_DYAD, PER_PERIOD, CoreSource, H5Source, schema, trajectory_names

PointKey = Union[int, str]


def unknown_trajectory(name: object) -> str:
    """The message for a trajectory name that does not exist: the closest names (``trust`` -> ``trust_A, trust_B``)
    and every name of each kind."""
    import difflib

    names = trajectory_names()
    text = str(name)
    close = [n for n in names if text and (n.startswith(text + "_") or n.split("_")[0] == text)]
    close = close or difflib.get_close_matches(text, names, n=3, cutoff=0.6)
    hint = f"; did you mean {' or '.join(close)}?" if close else ""
    return (
        f"no trajectory variable {name!r}{hint} Per period: {', '.join(trajectory_names(PER_PERIOD))}; "
        f"per sampled dyad: {', '.join(trajectory_names(PER_DYAD))}"
    )


class Trajectories(Mapping):
    """Read-only mapping of the trajectory datasets of the sampled dyads (docs/output_schema.md, /trajectories; the
    names come from the output schema registry). ``per_period`` names the [P, K, T] arrays (``pair``: uint8, 255
    after termination; floats: NaN after termination), ``per_dyad`` the [P, K] arrays."""

    def __init__(self, source):
        self._source = source
        self._cache: Dict[str, np.ndarray] = {}
        self.per_period = trajectory_names(PER_PERIOD)
        self.per_dyad = trajectory_names(PER_DYAD)

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._cache:
            if name not in trajectory_names():
                raise KeyError(unknown_trajectory(name))
            self._cache[name] = self._source.trajectory(name)
        return self._cache[name]

    def __iter__(self) -> Iterator[str]:
        return iter(trajectory_names())

    def __len__(self) -> int:
        return len(trajectory_names())

    def __repr__(self) -> str:
        return f"<Trajectories {', '.join(trajectory_names())}>"


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

    # One property per count section of the registry (transitions, ..., dyads_simulated): added below the class.

    @property
    def moment_mean(self) -> np.ndarray:
        """float64 [P, 9]: mean of each moment over dyads (decoded from fixed point)."""
        n = np.maximum(self.dyads_simulated.astype(np.float64), 1.0)[:, None]
        return self.moments[:, :, 0].astype(np.float64) / self._source.fixed_point_scale / n

    @property
    def moment_sd(self) -> np.ndarray:
        """float64 [P, 9]: sample standard deviation of each moment over dyads (NaN with fewer than 2 dyads)."""
        n = self.dyads_simulated.astype(np.float64)[:, None]
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
    def to_pandas(self, what: str) -> pd.DataFrame:
        """One tidy (long) DataFrame. ``what`` is one of ``transitions``, ``transitions_by_bin``, ``occupancy``,
        ``duration_by_cause``, ``histograms``, ``moments``, ``trajectories`` (one row per point, sampled dyad and
        period it lived), ``sampled_dyads`` (one row per sampled dyad), ``points``. :meth:`frames` gives them all."""
        from .tidy import FRAMES

        if what not in FRAMES:
            raise ValueError(f"to_pandas: unknown frame {what!r} (one of {', '.join(FRAMES)})")
        return FRAMES[what](self)

    def frames(self) -> Dict[str, pd.DataFrame]:
        """Every frame of :meth:`to_pandas`, by name."""
        from .tidy import FRAMES

        return {name: make(self) for name, make in FRAMES.items()}

    def to_xarray(self):
        """All arrays as an ``xarray.Dataset`` with labelled dimensions (point, from_state, to_state, ...)."""
        from .tidy import to_xarray

        return to_xarray(self)

    def summary(self) -> pd.DataFrame:
        """One row per point: the kernel and the parameters that differ between the points (so no join with
        ``points`` is needed), ``dyads_simulated`` (the count behind every share), then one column per outcome of the
        registry :mod:`learnrace.outcomes`, by its name (``share_<cause>``, ``share_race_won``, ``mean_duration``,
        ``median_duration``, ``mean_abs_asymmetry``, ``period_share_<state>``, ...; docs/python.md lists them). The
        same outcomes with their counts and confidence intervals, one row per point and outcome: :meth:`outcomes`."""
        from .tidy import summary_frame

        return summary_frame(self)

    def outcomes(self, confidence: float = 0.95, share_method: str = "wilson") -> pd.DataFrame:
        """One row per point and outcome of the registry :mod:`learnrace.outcomes` (the per-point outcomes a study
        keeps): the point's name (``point``), ``kernel`` and the parameter columns that differ between the points,
        then outcome, estimate, ci_low, ci_high, confidence, ci_method and the counts n, successes (shares) or sd
        (means), as :meth:`learnrace.StudyResults.summary`. Each outcome's interval is its kind's
        (``learnrace.outcomes.CI_METHODS``): shares get the Wilson (or ``share_method="clopper-pearson"``) interval,
        means the normal one, the median none. Needs the ``stats`` extra (statsmodels)."""
        from . import outcomes as registry
        from .sensitivity import with_intervals

        wide, counts = registry.frames(registry.compute(self), self.point_names)
        long = wide.melt(id_vars="point", var_name="outcome", value_name="estimate")
        long = long.sort_values("point", kind="stable", key=lambda p: p.map(self.point_index))
        long = with_intervals(long.reset_index(drop=True), counts, confidence, share_method)
        from .tidy import varying_parameters

        points = self.points.rename(columns={"name": "point"})
        varying = varying_parameters(self)
        return points[["point", "kernel", *varying]].merge(long, on="point", how="right", validate="one_to_many")

    def save(self, path: str | os.PathLike[str]) -> str:
        """Write the run file and return its path. The file is written to a new temporary file in the target's
        directory, synced and renamed over ``path`` in one step: a failure (a full disk) leaves no partial file and
        an existing ``path`` untouched. In-memory runs go through the C++ writer; a run read from a file is copied
        from the file it was opened from. ``path`` must not be a directory, FIFO, device or other non-regular
        file (``ValueError``)."""
        return save_results(self._source, os.fspath(path))

    def close(self) -> None:
        """Close the run file a result read from a file holds open (no-op for in-memory runs)."""
        if isinstance(self._source, H5Source):
            self._source.close()

    def __enter__(self) -> Results:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        where = f"file {self.path!r}" if self.path else "in memory"
        names = ", ".join(self.point_names[:4]) + (", ..." if self.n_points > 4 else "")
        return (
            f"<learnrace.Results {where}: {self.n_points} point(s) [{names}], {self.dyads_per_point} dyads/point, "
            f"T={self.periods}, seed={self.seed}, backend={self.backend}>"
        )


def _section_property(name: str, doc: str):
    def get(self: Results) -> np.ndarray:
        return self._section(name)

    get.__doc__ = doc
    return property(get)


def _add_section_properties() -> None:
    """``Results.<name>`` for every count section of the output schema registry, documented from it."""
    for s in schema()["count_sections"]:
        doc = f"{s['dtype']} {s['shape']} ({', '.join(s['axes'])}): {s['doc']}"
        setattr(Results, s["name"], _section_property(s["name"], doc))


_add_section_properties()
