"""Inference: which parameter values are consistent with observed alliances (docs/inference.md).

>>> import learnrace
>>> from learnrace import inference
>>> data = inference.observed(records="records.csv", sequences="sequences.csv")
>>> post = learnrace.infer("experiments/smoke.toml", {"flows.lambda": {"low": 0.05, "high": 0.3}}, data,
...                        [{"stat": "survival", "at": [8, 20]}], method="rejection", simulations=5000)
>>> post.summary()

- :mod:`.observed`: the two data levels (alliance records, coded strategy sequences) and their validator;
- :mod:`.counts`: both simulated and observed data as the engine's count arrays;
- :mod:`.statistics`: the summary statistics, computed from those arrays by the same code for both;
- :mod:`.prior`, :mod:`.simulator`: uniform priors over model keys, the engine as a batched simulator;
- :mod:`.rejection`, :mod:`.abc_smc` (pyabc), :mod:`.npe` (sbi): the methods;
- :mod:`.posterior`, :mod:`.posterior_file`: the result and its HDF5 file;
- :mod:`.calibration`, :mod:`.predictive`: simulation-based calibration, posterior predictive checks.
"""

from __future__ import annotations

from .api import METHODS, Facts, infer, open_posterior
from .counts import Counts, from_observed, from_results
from .observed import DataError, Observed, observed, validate_records, validate_sequences
from .posterior import Posterior
from .prior import Prior
from .simulator import Simulator
from .statistics import (
    FAMILIES,
    Statistic,
    StatisticSet,
    cause_incidence,
    cause_share,
    outcome,
    persistence,
    power_share,
    state_share,
    survival,
    transition,
)

__all__ = [
    "FAMILIES",
    "METHODS",
    "Counts",
    "DataError",
    "Facts",
    "Observed",
    "Posterior",
    "Prior",
    "Simulator",
    "Statistic",
    "StatisticSet",
    "cause_incidence",
    "cause_share",
    "from_observed",
    "from_results",
    "infer",
    "observed",
    "open_posterior",
    "outcome",
    "persistence",
    "power_share",
    "state_share",
    "survival",
    "transition",
    "validate_records",
    "validate_sequences",
]
