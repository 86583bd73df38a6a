"""The engine as a batched simulator: many parameter points per engine call, few dyads each, and per point only the
summary statistics.

``Simulator(base, prior, statistics, dyads)(theta)`` runs one simulated data set per row of ``theta`` (values of the
prior's keys) and returns their statistics [rows, columns]. The rows run in blocks, one engine call per block
(``learnrace.run``'s points machinery, as a study's blocks: docs/sensitivity.md); each block's count arrays are reduced
to the statistics at once and dropped. What makes the path fast at few dyads per point:

- the points' TOML is written directly (no dict per point), parsed and checked once per block by the engine;
- ``output.factor_bins = 1``, ``output.hist_bins = 2``, ``output.trajectory_max = 0``: the count arrays the
  statistics do not read are as small as the engine allows (they are zeroed and merged once per point);
- ``run.chunk_dyads`` per call, as ``learnrace sweep`` on the CPU: every point's dyads in one pass;
- on the CPU, one engine call of one thread per core, each on its share of the block's points, all at once (the
  GIL is released while the engine runs): a multi-threaded call runs each point as one OpenMP region, whose
  barriers cost more than a point of a few hundred dyads when the cores are shared.

Simulation i (counting from 0 over the whole inference) gets Philox point key i (``run.first_point_key``), so every
simulated data set depends only on the seed, its parameters and its index: not on the block size, the thread count
or the backend. ``run.common_random_numbers`` must be false: the simulated data sets are independent.
"""

from __future__ import annotations

import math
import os
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

import numpy as np

from .._arguments import _integer, check_run_arguments
from .._config import dict_to_toml
from .._errors import ConfigError
from ..design import read_experiment
from .counts import Counts, from_results
from .prior import Prior
from .statistics import StatisticSet

# Dyads per block: about 2^22 on the CPU (a few seconds of two cores at 100 periods), 2^24 on CUDA.
BLOCK_DYADS = {"cpu": 1 << 22, "cuda": 1 << 24}
# Count arrays of one block in memory at most (a block's statistics are computed from them, then they are dropped).
MAX_BLOCK_BYTES = {"cpu": 256 << 20, "cuda": 1 << 30}
# The output settings that shrink what the engine counts per point to what the statistics read.
LEAN_OUTPUT = {"factor_bins": 1, "hist_bins": 2, "trajectory_max": 0}
MAX_SIMULATIONS = 2**32 - 1  # Philox point keys


def _toml_number(x: float) -> str:
    text = repr(float(x))
    if not math.isfinite(x):
        raise ValueError(f"{x} is not a finite number")
    return text


class Simulator:
    """Runs simulated data sets at given parameter values and returns their statistics.

    base: the experiment every simulation starts from (path, TOML text or dict; no ``[[points]]``, ``[sweep]``).
    prior: the :class:`Prior` (its keys are the columns of ``theta``).
    statistics: a :class:`StatisticSet` (or what it takes).
    dyads: dyads per simulated data set (``run.dyads`` of the base when None).
    seed: overrides ``run.seed``; backend: as in :func:`learnrace.run`.
    threads: CPU cores to use (None or 0: all): on the CPU that many one-thread engine calls run at once, each on
        its share of a block's points.
    block: points per engine call (default from the dyads, the backend and the count bytes per point).
    progress: called with the number of simulations each block finished.
    """

    def __init__(
        self,
        base: Any,
        prior: Prior,
        statistics: Any,
        dyads: int | None = None,
        seed: int | None = None,
        backend: str = "auto",
        threads: int | None = None,
        block: int | None = None,
        progress: Callable[[int], None] | None = None,
    ):
        from .. import _core

        self.prior = prior if isinstance(prior, Prior) else Prior(prior)
        self.statistics = statistics if isinstance(statistics, StatisticSet) else StatisticSet(statistics)
        config = read_experiment(base)
        for table in ("points", "sweep", "study", "infer"):
            if table in config:
                raise ConfigError(f"base experiment: [{table}]: inference sets the points itself; remove it", table)
        run = dict(config.get("run", {}))
        if run.get("common_random_numbers", False) is True:
            raise ConfigError(
                "run.common_random_numbers = true: the simulated data sets of an inference must be independent; set "
                "it false (the default)",
                "run.common_random_numbers",
            )
        if "first_point_key" in run:
            raise ConfigError("run.first_point_key: inference sets it per simulation; remove it", "run.first_point_key")
        if dyads is not None:
            run["dyads"] = _integer("dyads", dyads, 1, 2**53)
        if seed is not None:
            run["seed"] = _integer("seed", seed, 0, 2**32 - 1)
        run["common_random_numbers"] = False
        self.base = {**config, "run": run, "output": {**config.get("output", {}), **LEAN_OUTPUT}}
        self.options = check_run_arguments(backend, None, None, False, threads, None)
        checked = _core.check_config(dict_to_toml(self.base), "base experiment")
        self.prior.check(self.base)
        self.dyads = int(checked["dyads"])
        self.periods = int(checked["periods"])
        self.seed = int(run.get("seed", 1))
        self.options["chunk_dyads"] = max(int(checked["chunk_dyads"]), self.dyads)
        kind = backend if backend in ("cpu", "cuda") else _resolved_backend()
        self.backend = kind
        self.workers = 1
        if kind == "cpu":
            self.workers = self.options["threads"] or _cores()
            self.options["threads"] = 1
        self._pool = ThreadPoolExecutor(self.workers) if self.workers > 1 else None
        if block is None:
            by_dyads = math.ceil(BLOCK_DYADS[kind] / self.dyads)
            by_bytes = MAX_BLOCK_BYTES[kind] // max(int(checked["count_bytes_per_point"]), 1)
            block = max(1, min(by_dyads, by_bytes))
        self.block = _integer("block", block, 1, 10_000_000)
        self._names = [f'"{k}"' for k in self.prior.keys]
        self.progress = progress
        # what the simulations cost
        self.simulations = 0
        self.dyad_periods = 0
        self.engine_seconds = 0.0
        self.wall_seconds = 0.0

    def _config(self, theta: np.ndarray, first_key: int) -> str:
        parts = [dict_to_toml({**self.base, "run": {**self.base["run"], "first_point_key": first_key}})]
        for i, row in enumerate(theta):
            lines = [f'\n[[points]]\nname = "s{first_key + i}"']
            lines += [f"{n} = {_toml_number(v)}" for n, v in zip(self._names, row)]
            parts.append("\n".join(lines) + "\n")
        return "".join(parts)

    def counts(self, theta: np.ndarray, first_key: int) -> Counts:
        """The count arrays of simulations ``first_key``, ``first_key + 1``, ... at the rows of ``theta`` (one engine
        call; nothing counted in :attr:`simulations`)."""
        from ..api import run_checked

        res = run_checked(self._config(theta, first_key), self.options, None)
        self.engine_seconds += float(res.seconds)
        counts = from_results(res)
        return counts

    def _statistics(self, theta: np.ndarray, first_key: int) -> tuple:
        counts = self.counts(theta, first_key)
        values = self.statistics(counts)
        return values, int(counts.occupancy.sum(dtype=np.uint64))

    def __call__(self, theta: np.ndarray) -> np.ndarray:
        """Statistics [rows, columns] of one new simulated data set per row of ``theta`` [rows, keys]."""
        theta = np.atleast_2d(np.asarray(theta, dtype=np.float64))
        if theta.shape[1] != len(self.prior):
            raise ValueError(f"theta has {theta.shape[1]} columns; the prior has {len(self.prior)} keys")
        if self.simulations + len(theta) > MAX_SIMULATIONS:
            raise ConfigError(f"simulations: more than {MAX_SIMULATIONS} in one inference", "simulations")
        start = time.monotonic()
        out = np.empty((len(theta), len(self.statistics)))
        for lo in range(0, len(theta), self.block):
            hi = min(len(theta), lo + self.block)
            # On the CPU the block's points are shared among `workers` engine calls of one thread each, run at once:
            # each point of a multi-threaded call is one OpenMP region whose barriers cost more than a point of a few
            # hundred dyads when the cores are shared (kernels/backend_cpu.cpp); across calls there are none.
            # Four calls per worker and block, taken by the workers as they come free: points of the prior take
            # different times (short-lived alliances are cheap), so equal halves would leave a core idle.
            cuts = np.linspace(lo, hi, min(4 * self.workers if self.workers > 1 else 1, hi - lo) + 1).astype(np.int64)
            jobs = [(int(a), int(b)) for a, b in zip(cuts[:-1], cuts[1:]) if b > a]
            key = self.simulations
            if len(jobs) == 1:
                results = [self._statistics(theta[lo:hi], key)]
            else:
                futures = [self._pool.submit(self._statistics, theta[a:b], key + a - lo) for a, b in jobs]
                results = [f.result() for f in futures]
            for (a, b), (values, periods) in zip(jobs, results):
                out[a:b] = values
                self.dyad_periods += periods
            self.simulations += hi - lo
            if self.progress is not None:
                self.progress(hi - lo)
        self.wall_seconds += time.monotonic() - start
        return out

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
            self._pool = None

    def __enter__(self) -> Simulator:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def cost(self) -> dict:
        """Simulations run so far, their dyads, the dyad-periods simulated (periods alliances were alive), seconds."""
        return {
            "simulations": self.simulations,
            "dyads_per_simulation": self.dyads,
            "dyad_periods": self.dyad_periods,
            "engine_seconds": self.engine_seconds,
            "simulation_seconds": self.wall_seconds,
        }


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _resolved_backend() -> str:
    from ..api import cuda_available

    return "cuda" if cuda_available() else "cpu"
