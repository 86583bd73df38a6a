"""ABC-SMC with pyabc (Klinger, Rickert & Hasenauer 2018): populations of weighted particles under falling
tolerances, with an adaptive distance that rescales the statistics in every generation (Prangle 2017).

pyabc's ``ABCSMC`` runs the algorithm: its transition kernel (a multivariate normal fitted to the last population),
its importance weights, its ``AdaptivePNormDistance`` (p = 2, each statistic divided by its median absolute deviation
over the generation's simulations) and ``QuantileEpsilon`` (the next tolerance is the median of the accepted
distances). learnrace gives it the engine as a *batched* model through :class:`BatchSampler`, a pyabc ``Sampler``:
pyabc's ``simulate_one`` (draw a proposal, simulate, compute the distance, accept or reject) runs for many particles
at once, each on its own thread that stops where the model is called, so the engine runs all of their parameter
points in one call (:class:`~learnrace.inference.simulator.Simulator`); then the threads finish one after the other
in the order they started. Particles are taken in that order until the generation has its ``population`` accepted,
as pyabc's single-core sampler takes them, so the result is the single-core sampler's for the same random numbers;
simulations after the last accepted particle of a batch are counted (``nr_evaluations``) and dropped.

pyabc draws its proposals from numpy's global random state: ``run`` seeds it and puts the caller's state back.
"""

from __future__ import annotations

import logging
import math
import os
import tempfile
import threading
from typing import Any, Callable, List

import numpy as np
import pandas as pd

from .._optional import require


class _Slot:
    """One particle's thread: its parameters at the model call, the statistics it gets back, its Particle."""

    __slots__ = ("theta", "x", "particle", "error", "at_model", "resume", "done")

    def __init__(self):
        self.theta = self.x = self.particle = self.error = None
        self.at_model = threading.Event()
        self.resume = threading.Event()
        self.done = threading.Event()


class BatchModel:
    """The engine as pyabc's model: ``model(parameters)`` is called on a particle's thread and waits until the batch
    it belongs to was simulated (:meth:`run_batch`)."""

    def __init__(self, simulator, names: List[str], columns: List[str]):
        self.simulator = simulator
        self.names = names
        self.columns = columns
        self._local = threading.local()

    def __call__(self, parameters) -> dict:
        slot: _Slot = self._local.slot
        slot.theta = np.array([float(parameters[n]) for n in self.names])
        slot.at_model.set()
        slot.resume.wait()
        return dict(zip(self.columns, slot.x))

    def _thread(self, simulate_one: Callable, slot: _Slot) -> None:
        self._local.slot = slot
        try:
            slot.particle = simulate_one()
        except BaseException as e:  # noqa: BLE001 - handed to the sampler's thread, which raises it
            slot.error = e
        finally:
            slot.at_model.set()
            slot.done.set()

    def run_batch(self, simulate_one: Callable, size: int) -> list:
        """``size`` particles of ``simulate_one``: proposals drawn one after the other, simulated in one engine
        batch, evaluated one after the other."""
        slots, threads = [], []
        try:
            for _ in range(size):
                slot = _Slot()
                thread = threading.Thread(target=self._thread, args=(simulate_one, slot), daemon=True)
                thread.start()
                slot.at_model.wait()  # the proposal is drawn before the next thread starts: the random order is fixed
                if slot.error is not None:
                    raise slot.error
                slots.append(slot)
                threads.append(thread)
            x = self.simulator(np.array([s.theta for s in slots]))
            for slot, row in zip(slots, x):
                slot.x = row
        finally:
            for slot in slots:  # in order; on an error each thread finishes with x None (and fails)
                slot.resume.set()
                slot.done.wait()
            for thread in threads:
                thread.join()
        for slot in slots:
            if slot.error is not None:
                raise slot.error
        return [s.particle for s in slots]


def make_sampler(model: BatchModel, max_batch: int):
    sampler_module = require("pyabc.sampler", "ABC-SMC (method='abc-smc')")

    class BatchSampler(sampler_module.Sampler):
        """pyabc Sampler running particles in batches through :class:`BatchModel` (see the module docstring)."""

        def __init__(self):
            super().__init__()
            self.batches: List[int] = []

        def sample_until_n_accepted(self, n, simulate_one, t, *, max_eval=np.inf, all_accepted=False, ana_vars=None):
            sample = self._create_empty_sample()
            evaluations = accepted = 0
            rate = 1.0
            while accepted < n and evaluations < max_eval:
                # all_accepted (pyabc's calibration sample from the prior): exactly what is missing
                want = n - accepted if all_accepted else math.ceil((n - accepted) / max(rate, 1e-3) * 1.1) + 1
                size = int(max(1, min(want, max_batch, max_eval - evaluations)))
                particles = model.run_batch(simulate_one, size)
                self.batches.append(size)
                evaluations += size
                hits = 0
                for p in particles:
                    hits += bool(p.accepted)
                    if accepted < n:
                        sample.append(p)
                        accepted += bool(p.accepted)
                rate = max(hits / size, 0.5 / size)
            self.nr_evaluations_ = evaluations
            if accepted < n:
                sample.ok = False
            return sample

    return BatchSampler()


def run(
    simulator,
    observed: np.ndarray,
    simulations: int,
    population: int = 500,
    generations: int = 8,
    min_epsilon: float = 0.0,
    min_acceptance_rate: float = 0.01,
    max_batch: int = 1024,
    seed: int = 1,
    verbose: bool = False,
) -> tuple:
    """ABC-SMC: (theta [population, keys], weights, diagnostics with ``generations`` (a frame), None)."""
    pyabc = require("pyabc", "ABC-SMC (method='abc-smc')")
    prior = simulator.prior
    names = [f"p{j}" for j in range(len(prior))]
    columns = [f"s{j}" for j in range(len(simulator.statistics))]
    model = BatchModel(simulator, names, columns)
    parameter_prior = pyabc.Distribution(
        **{n: pyabc.RV("uniform", lo, hi - lo) for n, lo, hi in zip(names, prior.low, prior.high)}
    )
    sampler = make_sampler(model, max_batch)
    distance = pyabc.AdaptivePNormDistance(p=2, scale_function=pyabc.distance.mad)
    abc = pyabc.ABCSMC(
        model,
        parameter_prior,
        distance,
        population_size=population,
        sampler=sampler,
        eps=pyabc.QuantileEpsilon(alpha=0.5),
    )
    state = np.random.get_state()  # noqa: NPY002 - pyabc draws from numpy's global state
    np.random.seed(seed)  # noqa: NPY002
    log = logging.getLogger("ABC")  # pyabc's loggers: its progress lines only with progress shown
    level = log.level
    log.setLevel(logging.INFO if verbose else logging.WARNING)
    folder = tempfile.mkdtemp(prefix="learnrace-abc-smc-")
    db = os.path.join(folder, "history.db")
    try:
        abc.new("sqlite:///" + db, dict(zip(columns, observed)))
        history = abc.run(
            minimum_epsilon=min_epsilon,
            max_nr_populations=generations,
            min_acceptance_rate=min_acceptance_rate,
            max_total_nr_simulations=simulations,
        )
        frame, weights = history.get_distribution(m=0, t=history.max_t)
        theta = frame[names].to_numpy(dtype=np.float64)
        weights = np.asarray(weights, dtype=np.float64)
        table = history.get_all_populations()
        table = table[table["t"] >= 0].reset_index(drop=True)
        ess = [_ess(history.get_distribution(m=0, t=int(t))[1]) for t in table["t"]]
        generations_frame = pd.DataFrame(
            {
                "generation": table["t"].astype(np.int64),
                "epsilon": table["epsilon"].astype(np.float64),
                "simulations": table["samples"].astype(np.int64),
                "acceptance_rate": population / table["samples"].astype(np.float64),
                "ess": np.array(ess, dtype=np.float64),
            }
        )
    finally:
        np.random.set_state(state)  # noqa: NPY002
        log.setLevel(level)
        for name in os.listdir(folder):
            os.unlink(os.path.join(folder, name))
        os.rmdir(folder)
    diagnostics: dict[str, Any] = {
        "epsilon": float(generations_frame["epsilon"].iloc[-1]),
        "generations": generations_frame,
        "ess": float(_ess(weights)),
        "population": int(population),
        "batches": int(len(sampler.batches)),
    }
    return theta, weights / weights.sum(), diagnostics, None


def _ess(weights) -> float:
    w = np.asarray(weights, dtype=np.float64)
    return float(w.sum() ** 2 / (w**2).sum())
