"""Figures of an inference: the pairs plot of a posterior and its predictive check (matplotlib,
``pip install ".[plots]"``)."""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from .._optional import require
from .posterior import Posterior


def pairs(posterior: Posterior, truth: Mapping[str, float] | None = None, bins: int = 30, label: str | None = None):
    """A pairs plot: each key's weighted marginal histogram on the diagonal, the draws of each pair below it, the
    prior range as the axes' limits; ``truth`` (key -> value) marks known values."""
    plt = require("matplotlib.pyplot", "learnrace.inference.plots")
    s = posterior.samples
    w = s.pop("weight").to_numpy()
    keys = posterior.keys
    prior = posterior.prior
    k = len(keys)
    fig, axes = plt.subplots(k, k, figsize=(2.4 * k + 0.6, 2.4 * k + 0.6), squeeze=False)
    for i, yi in enumerate(keys):
        for j, xj in enumerate(keys):
            ax = axes[i, j]
            if j > i:
                ax.axis("off")
                continue
            ax.set_xlim(prior.low[j], prior.high[j])
            if i == j:
                ax.hist(s[xj], bins=bins, range=(prior.low[j], prior.high[j]), weights=w, density=True, color="C0")
                ax.set_yticks([])
                if truth and xj in truth:
                    ax.axvline(truth[xj], color="C3", lw=1.5)
            else:
                ax.scatter(s[xj], s[yi], s=4, alpha=0.4, c="C0", linewidths=0)
                ax.set_ylim(prior.low[i], prior.high[i])
                if truth and xj in truth and yi in truth:
                    ax.plot(truth[xj], truth[yi], marker="+", color="C3", ms=12, mew=2)
            if i == k - 1:
                ax.set_xlabel(xj, fontsize=8)
            if j == 0 and i > 0:
                ax.set_ylabel(yi, fontsize=8)
            ax.tick_params(labelsize=7)
    title = label or f"{posterior.method} posterior ({len(s)} draws, {posterior.attrs['simulations']} simulations)"
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return fig


def predictive(check: pd.DataFrame, predictive_frame: pd.DataFrame):
    """One panel per statistic: the posterior predictive distribution and the observed value."""
    plt = require("matplotlib.pyplot", "learnrace.inference.plots")
    names = list(check.index)
    cols = min(4, len(names))
    rows = int(np.ceil(len(names) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(3.0 * cols, 2.4 * rows), squeeze=False)
    for ax, name in zip(axes.flat, names):
        x = predictive_frame[name].to_numpy(dtype=np.float64)
        ax.hist(x[np.isfinite(x)], bins=30, color="C0", alpha=0.8)
        ax.axvline(check.loc[name, "observed"], color="C3", lw=2)
        ax.set_title(f"{name}\np = {check.loc[name, 'p_value']:.2f}", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.set_yticks([])
    for ax in list(axes.flat)[len(names) :]:
        ax.axis("off")
    fig.suptitle("posterior predictive (blue) and observed (red)", fontsize=10)
    fig.tight_layout()
    return fig
