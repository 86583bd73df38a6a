"""Inference: which parameter values are consistent with observed alliances (docs/inference.md).

>>> import learnrace
>>> from learnrace import inference
>>> data = inference.observed(records="records.csv", sequences="sequences.csv")
>>> post = learnrace.infer("experiments/smoke.toml", {"flows.lambda": {"low": 0.05, "high": 0.3}}, data,
...                        [{"stat": "survival", "at": [8, 20]}], method="rejection", simulations=5000)
>>> post.summary()

- :mod:`.data`: the two data levels (alliance records, coded strategy sequences) and their validator;
- :mod:`.counts`: both simulated and observed data as the engine's count arrays;
- :mod:`.statistics`: the summary statistics, computed from those arrays by the same code for both;
- :mod:`.prior`, :mod:`.simulator`: uniform priors over model keys, the engine as a batched simulator;
- :mod:`.rejection`, :mod:`.abc_smc` (pyabc), :mod:`.npe` (sbi): the methods;
- :mod:`.posterior`, :mod:`.posterior_file`: the result and its HDF5 file;
- :mod:`.calibration`, :mod:`.predictive`: simulation-based calibration, posterior predictive checks.
"""

from __future__ import annotations

import importlib

# Public names -> the submodule defining them, imported on first use (the command line builds its parser from
# learnrace.inference.cli without loading the rest).
_NAMES = {
    "METHODS": "api",
    "Facts": "api",
    "infer": "api",
    "open_posterior": "api",
    "Counts": "counts",
    "from_observed": "counts",
    "from_results": "counts",
    "DataError": "data",
    "Observed": "data",
    "observed": "data",
    "validate_records": "data",
    "validate_sequences": "data",
    "Posterior": "posterior",
    "Prior": "prior",
    "Simulator": "simulator",
    "FAMILIES": "statistics",
    "Statistic": "statistics",
    "StatisticSet": "statistics",
    "cause_incidence": "statistics",
    "cause_share": "statistics",
    "outcome": "statistics",
    "persistence": "statistics",
    "power_share": "statistics",
    "state_share": "statistics",
    "survival": "statistics",
    "transition": "statistics",
}

__all__ = sorted(_NAMES)


def __getattr__(name: str):
    if name in _NAMES:
        value = getattr(importlib.import_module(f".{_NAMES[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'learnrace.inference' has no attribute {name!r}")
