"""``learnrace.infer``: fit the model's keys to observed alliances."""

from __future__ import annotations

import json
import os
import time
from typing import Any, Dict, Mapping

import numpy as np
import pandas as pd

from .._errors import ConfigError
from .counts import from_observed
from .data import DataError, Observed
from .data import observed as make_observed
from .posterior import Posterior
from .prior import Prior
from .simulator import Simulator
from .statistics import StatisticSet, describe, finite_or_fail

METHODS = ("rejection", "abc-smc", "npe")
ALIASES = {"abc_smc": "abc-smc", "smc": "abc-smc", "pyabc": "abc-smc", "rejection-abc": "rejection", "sbi": "npe"}
OPTIONS = {
    "rejection": {"accept": None},
    "abc-smc": {
        "population": 500,
        "generations": 8,
        "min_epsilon": 0.0,
        "min_acceptance_rate": 0.01,
        "max_batch": 1024,
    },
    "npe": {"samples": 1000, "device": "cpu", "training": None},
}


class Facts:
    """Observed values of the statistics themselves (published stylized facts, say), instead of data: ``values``
    maps every statistic column to its observed value. An inference on facts needs ``dyads``: the number of
    alliances the facts are taken to describe (it sets how noisy a simulated data set's statistics are)."""

    def __init__(self, values: Mapping[str, float]):
        if not isinstance(values, Mapping) or not values:
            raise DataError("facts: give a mapping of statistic column -> observed value", "facts")
        clean = {}
        for k, v in values.items():
            if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)) or not np.isfinite(v):
                raise DataError(f"facts: {k} = {v!r} is not a finite number", f"facts.{k}")
            clean[str(k)] = float(v)
        self.values = clean

    def vector(self, columns) -> np.ndarray:
        missing = [c for c in columns if c not in self.values]
        if missing:
            raise DataError(f"facts: no value for the statistic {missing[0]!r} (statistics: {list(columns)})", "facts")
        extra = [c for c in self.values if c not in columns]
        if extra:
            raise DataError(f"facts: {extra[0]!r} is not a column of the statistics {list(columns)}", "facts")
        return np.array([self.values[c] for c in columns])

    def __repr__(self) -> str:
        return f"<learnrace.inference.Facts {self.values}>"


def as_observed(observed: Any) -> Observed | Facts:
    if isinstance(observed, (Observed, Facts)):
        return observed
    if isinstance(observed, pd.DataFrame):
        return make_observed(records=observed)
    if isinstance(observed, Mapping):
        extra = set(observed) - {"records", "sequences", "unit"}
        if extra:
            raise DataError(
                f"observed: unknown entry {sorted(extra)[0]!r} (records, sequences, unit; or "
                "learnrace.inference.Facts)",
                "observed",
            )
        return make_observed(observed.get("records"), observed.get("sequences"), observed.get("unit", "quarters"))
    raise DataError(
        "observed: expected learnrace.inference.observed(records=..., sequences=...), a records DataFrame, a dict "
        f"{{records, sequences, unit}} or learnrace.inference.Facts, not {type(observed).__name__}",
        "observed",
    )


def method_options(method: Any, options: Mapping[str, Any]) -> tuple:
    if not isinstance(method, str) or ALIASES.get(method, method) not in METHODS:
        raise ConfigError(f"method: {method!r} is not one of {', '.join(METHODS)}", "method")
    method = ALIASES.get(method, method)
    unknown = sorted(set(options) - set(OPTIONS[method]))
    if unknown:
        raise ConfigError(
            f"{unknown[0]}: not an option of method {method!r} (its options: {', '.join(OPTIONS[method])})",
            unknown[0],
        )
    return method, {**OPTIONS[method], **options}


def observed_statistics(data: Observed | Facts, statistics: StatisticSet, periods: int) -> np.ndarray:
    if isinstance(data, Facts):
        return data.vector(statistics.columns)
    x = statistics(from_observed(data, periods))[0]
    finite_or_fail(x[None, :], statistics.columns, "the observed data")
    return x


def infer(
    base: Any,
    prior: Any,
    observed: Any,
    statistics: Any,
    method: str = "rejection",
    simulations: int = 10_000,
    dyads: int | None = None,
    seed: int = 1,
    backend: str = "auto",
    threads: int | None = None,
    block: int | None = None,
    output: str | os.PathLike[str] | None = None,
    progress: Any = False,
    **options: Any,
) -> Posterior:
    """Posterior samples of the ``prior``'s keys given ``observed`` alliances, by likelihood-free inference on the
    engine (docs/inference.md).

    base: the experiment every simulation starts from (path, TOML text or dict; no ``[[points]]`` or ``[sweep]``).
    prior: ``{dotted key: {"low": a, "high": b}}``, independent uniform priors (the ranges are checked against the
        keys' valid ranges).
    observed: ``learnrace.inference.observed(records=..., sequences=...)`` (DataFrames or CSV paths), a records
        DataFrame, or ``learnrace.inference.Facts({column: value})`` (then ``dyads`` is required).
    statistics: a list of statistic specs (``{"stat": "survival", "at": [8, 20]}``, ...) or
        :class:`learnrace.inference.Statistic` objects (learnrace.inference.statistics lists the families).
    method: ``"rejection"`` (rejection ABC), ``"abc-smc"`` (pyabc) or ``"npe"`` (sbi); ``options`` are the method's:
        rejection: ``accept`` (draws kept: a count, or a fraction of the simulations; default 1%);
        abc-smc: ``population`` (500), ``generations`` (8), ``min_epsilon`` (0), ``min_acceptance_rate`` (0.01),
        ``max_batch`` (1024 particles per engine call); npe: ``samples`` (1000 draws), ``device`` ("cpu", "cuda",
        "auto"), ``training`` (a dict of sbi's ``train`` arguments).
    simulations: the budget: simulated data sets (rejection, npe: exactly; abc-smc: at most, besides its first
        calibration population).
    dyads: alliances per simulated data set (default: as many as the observed data have).
    seed: seeds the prior draws, the method and the engine (``run.seed``): the same call gives the same posterior.
    backend, threads: as in :func:`learnrace.run`; block: parameter points per engine call.
    output: a posterior file to write (``learnrace-posterior``; written only when the inference succeeded).
    progress: True for a progress bar over the simulations.
    """
    from .. import _core
    from ..progress import make_progress

    start = time.monotonic()
    method, settings = method_options(method, options)
    if isinstance(simulations, bool) or not isinstance(simulations, (int, np.integer)) or not 2 <= simulations:
        raise ConfigError(f"simulations: {simulations!r} is not an integer >= 2", "simulations")
    if output is not None:
        output = os.fspath(output)
        _core.check_output_path(output, base if isinstance(base, str) and os.path.isfile(base) else "")
    data = as_observed(observed)
    if dyads is None:
        if isinstance(data, Facts):
            raise ConfigError("dyads: an inference on facts needs the number of alliances they describe", "dyads")
        dyads = data.alliances
    stats = StatisticSet(statistics)
    prior = Prior(prior)
    callback, close = make_progress(progress, desc="learnrace infer")
    done = [0]

    def step(n: int) -> None:
        done[0] += n
        if callback is not None:
            callback(done[0], max(simulations, done[0]))

    try:
        with Simulator(base, prior, stats, dyads, seed, backend, threads, block, step) as sim:
            x = observed_statistics(data, stats, sim.periods)
            theta, weights, diagnostics = _run(method, sim, x, int(simulations), seed, settings)
            cost = sim.cost()
    finally:
        close()
    generations = diagnostics.pop("generations", None)
    diagnostics.update(cost)
    diagnostics["seconds"] = time.monotonic() - start
    attrs = {
        "learnrace_version": _core.version,
        "git_describe": _core.git_describe,
        "method": method,
        "backend": sim.backend,
        "base_toml": _base_toml(sim),
        "prior": prior.to_json(),
        "statistics": json.dumps(stats.specs),
        "options": json.dumps({k: v for k, v in settings.items()}, default=str),
        "seed": int(seed),
        "dyads_per_simulation": sim.dyads,
        "periods": sim.periods,
        "simulations": cost["simulations"],
        "dyad_periods": cost["dyad_periods"],
        "seconds": diagnostics["seconds"],
    }
    result: Dict[str, Any] = {
        "attrs": attrs,
        "keys": prior.keys,
        "theta": theta,
        "weights": weights,
        "columns": stats.columns,
        "observed": x,
        "prior": prior.to_dict(),
        "statistics": stats.specs,
        "diagnostics": diagnostics,
        "generations": generations,
        "records": None if isinstance(data, Facts) else data.records,
        "sequences": None if isinstance(data, Facts) else data.sequences,
    }
    posterior = Posterior(result, output)
    if output is not None:
        posterior.save(output)
    return posterior


def _base_toml(sim: Simulator) -> str:
    from .._config import dict_to_toml

    return dict_to_toml(sim.base)


def _run(method: str, sim: Simulator, x: np.ndarray, simulations: int, seed: int, settings: dict) -> tuple:
    if method == "rejection":
        from . import rejection

        theta, w, diagnostics, _ = rejection.run(sim, x, simulations, settings["accept"], np.random.default_rng(seed))
    elif method == "abc-smc":
        from . import abc_smc

        pilot = min(simulations, 200)
        rng = np.random.default_rng(seed)
        from .rejection import scales

        scales(sim(sim.prior.sample(pilot, rng)), sim.statistics.columns)  # constant statistics: ConfigError
        theta, w, diagnostics, _ = abc_smc.run(sim, x, max(simulations - pilot, 1), seed=seed, **settings)
        diagnostics["pilot_simulations"] = pilot
    else:
        from . import npe

        training = settings["training"] or {}
        theta, w, diagnostics, _ = npe.run(
            sim, x, simulations, samples=settings["samples"], seed=seed, device=settings["device"], **training
        )
    return theta, w, diagnostics


def open_posterior(path: str | os.PathLike[str]) -> Posterior:
    """Read a posterior file (:func:`learnrace.infer` with ``output``, ``learnrace infer``), checked."""
    from . import posterior_file

    return Posterior(posterior_file.read(path), os.fspath(path))


def describe_observed(posterior: Posterior) -> str:
    return describe(list(posterior.observed.index), posterior.observed.to_numpy())
