"""``Posterior``: the result of :func:`learnrace.infer`: weighted samples of the prior's keys, the observed statistics,
the diagnostics of the method and what the inference cost."""

from __future__ import annotations

import os
from typing import Any, Dict

import numpy as np
import pandas as pd


class Posterior:
    """Posterior samples with their weights (equal for rejection ABC and NPE, importance weights for ABC-SMC).

    ``samples``: one row per draw, one column per key, and ``weight`` (summing to 1). ``observed``: the observed
    statistics (a Series). ``diagnostics``: the method's (tolerance, acceptance rate, effective sample size, training
    loss, ...) and its cost (simulations, dyads per simulation, dyad-periods, seconds); ``generations``: ABC-SMC's
    per-generation table (else None). ``attrs``: what the posterior file stores as root attributes.
    """

    def __init__(self, data: Dict[str, Any], path: str | None = None):
        self._data = data
        self.path = path

    @property
    def attrs(self) -> Dict[str, Any]:
        return dict(self._data["attrs"])

    @property
    def method(self) -> str:
        return self._data["attrs"]["method"]

    @property
    def keys(self) -> list:
        return list(self._data["keys"])

    @property
    def samples(self) -> pd.DataFrame:
        frame = pd.DataFrame(self._data["theta"], columns=self.keys)
        frame["weight"] = self._data["weights"]
        return frame

    @property
    def observed(self) -> pd.Series:
        return pd.Series(self._data["observed"], index=self._data["columns"], name="observed")

    @property
    def prior(self):
        from .prior import Prior

        return Prior(self._data["prior"])

    @property
    def diagnostics(self) -> Dict[str, Any]:
        return dict(self._data["diagnostics"])

    @property
    def generations(self) -> pd.DataFrame | None:
        g = self._data.get("generations")
        return None if g is None else g.copy()

    @property
    def data(self) -> Dict[str, pd.DataFrame | None]:
        """The observed data the posterior was fitted to (records, sequences), or None for observed statistics."""
        return {"records": self._data.get("records"), "sequences": self._data.get("sequences")}

    def draws(self, n: int | None = None, seed: int = 0) -> pd.DataFrame:
        """An equally weighted sample: ``n`` draws resampled by weight (all draws when the weights are equal and n is
        None)."""
        s = self.samples
        w = s.pop("weight").to_numpy()
        if n is None and np.allclose(w, w[0]):
            return s
        n = len(s) if n is None else n
        rng = np.random.default_rng(seed)
        return s.iloc[rng.choice(len(s), size=n, p=w / w.sum())].reset_index(drop=True)

    def summary(self, levels=(0.5, 0.9)) -> pd.DataFrame:
        """Per key: weighted mean, sd, median and central intervals (``levels``), and the prior range."""
        s = self.samples
        w = s.pop("weight").to_numpy()
        rows = []
        for key, lo, hi in zip(self.keys, self.prior.low, self.prior.high):
            x = s[key].to_numpy()
            mean = float(np.sum(w * x))
            row = {"key": key, "mean": mean, "sd": float(np.sqrt(np.sum(w * (x - mean) ** 2))), "median": 0.0}
            row["median"] = weighted_quantile(x, w, 0.5)
            for level in levels:
                row[f"q{50 - 50 * level:g}"] = weighted_quantile(x, w, 0.5 - level / 2)
                row[f"q{50 + 50 * level:g}"] = weighted_quantile(x, w, 0.5 + level / 2)
            row["prior_low"], row["prior_high"] = lo, hi
            rows.append(row)
        return pd.DataFrame(rows).set_index("key")

    def to_xarray(self):
        """An xarray Dataset: one variable per key and ``weight`` over the dimension ``draw``; the diagnostics and
        root attributes as attributes."""
        from .._optional import require

        xr = require("xarray", "Posterior.to_xarray")
        s = self.samples
        ds = xr.Dataset({c: ("draw", s[c].to_numpy()) for c in s.columns}, coords={"draw": np.arange(len(s))})
        ds.attrs.update({k: v for k, v in self.attrs.items() if isinstance(v, (str, int, float))})
        ds.attrs.update(
            {f"diagnostics.{k}": v for k, v in self.diagnostics.items() if isinstance(v, (str, int, float))}
        )
        return ds

    def save(self, path: str | os.PathLike[str]) -> str:
        """Write the posterior file (temporary file, synced, renamed over ``path``)."""
        from .._save import atomic_write, refuse_non_regular
        from . import posterior_file

        path = os.fspath(path)
        refuse_non_regular(path)
        data = posterior_file.to_bytes(self._data)
        atomic_write(path, lambda out: out.write(data))
        return path

    def __repr__(self) -> str:
        a = self._data["attrs"]
        where = f"file {self.path!r}" if self.path else "in memory"
        return (
            f"<learnrace.Posterior {where}: {a['method']} over {len(self.keys)} key(s), {len(self._data['weights'])} "
            f"draws from {a['simulations']} simulations x {a['dyads_per_simulation']} dyads>"
        )


def weighted_quantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    """The q-quantile of the weighted sample (inverse of the weighted empirical distribution)."""
    order = np.argsort(x, kind="stable")
    cw = np.cumsum(w[order]) / np.sum(w)
    i = int(np.searchsorted(cw, q, side="left"))
    return float(x[order][min(i, len(x) - 1)])
