"""The prior of an inference: independent uniform distributions over named model keys.

``{"flows.lambda": {"low": 0.05, "high": 0.3}, ...}``: the dotted configuration keys and the ``{low, high}`` ranges
of a study's parameters (docs/sensitivity.md), read by the same parser. Both ends of every range are checked by the
engine against the key's valid range (host/config_keys.cpp) before anything runs, so a prior that reaches outside
it is refused with the engine's message naming the key and what it allows.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Mapping

import numpy as np
import pandas as pd

from .._errors import ConfigError
from ..design import Parameter, _parse_parameter


class Prior:
    """Independent uniform priors on ``keys``: ``low`` and ``high`` arrays in the keys' order."""

    def __init__(self, spec: Any):
        if isinstance(spec, Prior):
            spec = spec.to_dict()
        if not isinstance(spec, Mapping) or not spec:
            raise ConfigError("prior: give at least one key with its range {low, high}", "prior")
        params: List[Parameter] = []
        for key, value in spec.items():
            try:
                p = _parse_parameter(key, value, "random", 4)
            except ConfigError as e:
                raise ConfigError(str(e).replace("study.parameters.", "prior: ", 1), e.key) from None
            if not p.is_range:
                raise ConfigError(f"prior: {key}: a prior is a range {{low, high}}, not a list of values", key)
            if key.startswith(("run.", "output.")):
                raise ConfigError(f"prior: {key}: run.* and output.* keys shape the run; they have no prior", key)
            params.append(p)
        self.parameters = tuple(params)
        self.keys = [p.key for p in params]
        self.low = np.array([p.low for p in params], dtype=np.float64)
        self.high = np.array([p.high for p in params], dtype=np.float64)

    def __len__(self) -> int:
        return len(self.keys)

    def sample(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``n`` draws, [n, keys]."""
        return self.low + rng.random((n, len(self))) * (self.high - self.low)

    def contains(self, theta: np.ndarray) -> np.ndarray:
        theta = np.atleast_2d(theta)
        return np.all((theta >= self.low) & (theta <= self.high), axis=1)

    def log_density(self) -> float:
        return float(-np.log(self.high - self.low).sum())

    def frame(self, theta: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(np.atleast_2d(theta), columns=self.keys)

    def to_dict(self) -> Dict[str, Dict[str, float]]:
        return {p.key: {"low": p.low, "high": p.high} for p in self.parameters}

    def to_json(self) -> str:
        return json.dumps(self.to_dict())

    def check(self, base: dict) -> None:
        """Both ends of every range, run by the engine's checks on ``base`` (ConfigError naming the key)."""
        from .. import _core
        from .._config import dict_to_toml
        from ..design import to_engine_points

        for p in self.parameters:
            for end, value in (("low", p.low), ("high", p.high)):
                point = pd.DataFrame({"point": [f"prior {end}"], p.key: [value]})
                config = {**base, "run": {**base.get("run", {}), "dyads": 1}, "points": to_engine_points(point)}
                try:
                    _core.check_config(dict_to_toml(config), "prior")
                except ConfigError as e:
                    message = str(e)
                    where = message.find(f"{p.key}:")
                    detail = message[where + len(p.key) + 1 :].strip() if where >= 0 else message
                    what = (
                        "is outside the key's valid range" if "out of range" in detail else "is not a value of the key"
                    )
                    if "integer" in detail or "one of" in detail:
                        detail += "; a prior is continuous, so integer and choice keys cannot have one"
                    raise ConfigError(f"prior: {p.key}: {end} = {value:g} {what} ({detail})", p.key) from None

    def __repr__(self) -> str:
        ranges = ", ".join(f"{k} ~ U({lo:g}, {hi:g})" for k, lo, hi in zip(self.keys, self.low, self.high))
        return f"<learnrace.inference.Prior {ranges}>"
