"""learnrace: Monte Carlo engine for learning-race dynamics in two-firm alliances.

>>> import learnrace
>>> res = learnrace.run("experiments/smoke.toml", dyads=2000)
>>> res.summary()
>>> learnrace.survival(res)
"""

from __future__ import annotations

import importlib

from . import _threads  # noqa: F401  (first: loads the engine with OpenMP's passive wait policy)
from ._errors import ConfigError, FileFormatError
from ._study import StudyResults, open_study, study
from .api import cuda_available, open, run
from .labels import CAUSES, FACTORS, INTENTS, MOMENTS, PAIR_CODES, PAIR_STATES, STRATEGIES, STRATEGY_CODES
from .results import Results, Trajectories
from .survival import survival

__version__ = "0.1.0"

__all__ = [
    "CAUSES",
    "FACTORS",
    "INTENTS",
    "MOMENTS",
    "PAIR_CODES",
    "PAIR_STATES",
    "STRATEGIES",
    "STRATEGY_CODES",
    "ConfigError",
    "FileFormatError",
    "Posterior",
    "Results",
    "StudyResults",
    "Trajectories",
    "cuda_available",
    "infer",
    "open",
    "open_posterior",
    "open_study",
    "run",
    "study",
    "survival",
]

# Submodules loaded on first use (matplotlib, scipy, statsmodels and SALib are heavy): learnrace.plots,
# learnrace.propositions, learnrace.scenarios, and the study modules learnrace.design, learnrace.sensitivity,
# learnrace.plots_study.
_LAZY = (
    "plots",
    "propositions",
    "scenarios",
    "tidy",
    "labels",
    "export",
    "design",
    "sensitivity",
    "plots_study",
    "outcomes",
    "headlines",
    "study_file",
    "inference",
)


# learnrace.infer, learnrace.Posterior, learnrace.open_posterior: from learnrace.inference, imported on first use.
_INFERENCE = ("infer", "Posterior", "open_posterior")


def __getattr__(name: str):
    if name in _INFERENCE:
        from . import inference

        return getattr(inference, name)
    if name in _LAZY:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'learnrace' has no attribute {name!r}")
