"""Matplotlib figures of a study: an outcome against a parameter with CI bands (:func:`sweep`), several outcomes
against a parameter as a grid that wraps (:func:`outcome_grid`) and sensitivity indices with their CIs
(:func:`sensitivity`). Each returns the Axes or Figure it drew on; none calls ``plt.show()``. Names become labels with
units through :mod:`learnrace.labels`; shares are drawn in percent."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

import numpy as np
import pandas as pd

from . import labels
from ._optional import require
from .design import POINT_COLUMN

plt = require("matplotlib.pyplot", "learnrace.plots_study")

INDEX_STYLE = {
    "S1": ("o", "#1f77b4", "first order S1"),
    "ST": ("s", "#d62728", "total ST"),
    "S2": ("^", "#2ca02c", "second order S2"),
    "mu_star": ("o", "#1f77b4", "mu* (mean |effect|)"),
    "sigma": ("s", "#ff7f0e", "sigma (sd of effects)"),
    "mu": ("D", "#7f7f7f", "mu (mean effect)"),
}
NOT_PARAMETERS = {
    POINT_COLUMN,
    "outcome",
    "estimate",
    "ci_low",
    "ci_high",
    "confidence",
    "ci_method",
    "n",
    "successes",
    "sd",
}


def _select(summary: pd.DataFrame, outcome: str, where: Mapping[str, Any] | None) -> pd.DataFrame:
    need = {"outcome", "estimate", "ci_low", "ci_high"}
    if not isinstance(summary, pd.DataFrame) or not need <= set(summary.columns):
        raise ValueError("sweep needs a frame from learnrace.sensitivity.summarise (outcome, estimate, ci_low, ...)")
    rows = summary[summary["outcome"] == outcome]
    if rows.empty:
        raise ValueError(f"no outcome {outcome!r}; the summary has {sorted(summary['outcome'].unique())}")
    for key, value in (where or {}).items():
        if key not in rows.columns:
            raise ValueError(f"where: {key!r} is not a parameter of this study")
        rows = rows[rows[key] == value]
        if rows.empty:
            raise ValueError(f"where: no point has {key} = {value!r}")
    return rows


def _percent(outcome: str) -> float:
    """100 for a share of the outcome registry (drawn in percent), else 1."""
    from . import outcomes

    return 100.0 if outcome in outcomes.REGISTRY and outcomes.REGISTRY[outcome].scale == "share" else 1.0


def sweep(
    summary: pd.DataFrame,
    outcome: str,
    x: str,
    by: str | None = None,
    where: Mapping[str, Any] | None = None,
    ax=None,
    title: bool = True,
):
    """``outcome`` against parameter ``x``: a line with its CI band, one per value of parameter ``by``.

    summary: a frame from :func:`learnrace.sensitivity.summarise` (one row per point and outcome).
    where: fix other parameters, e.g. ``{"initial.intent_A": "substitution"}``. When parameters other than ``x`` and
    ``by`` still vary (a random, Latin or Sobol' design), each point is drawn as a dot with its CI as an error bar.
    """
    rows = _select(summary, outcome, where)
    if x not in rows.columns:
        raise ValueError(f"x: {x!r} is not a parameter of this study")
    if by is not None and (by not in rows.columns or by == x):
        raise ValueError(f"by: {by!r} is not another parameter of this study")
    parameters = [c for c in rows.columns if c not in NOT_PARAMETERS]
    others = [c for c in parameters if c not in (x, by) and rows[c].nunique() > 1]
    scattered = bool(others)
    if ax is None:
        _, ax = plt.subplots(figsize=(6.4, 4.2))
    categorical = not pd.api.types.is_numeric_dtype(rows[x])
    ticks = list(dict.fromkeys(rows[x])) if categorical else None
    groups = [(None, rows)] if by is None else list(rows.groupby(by, sort=True))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    scale = _percent(outcome)
    for i, (level, g) in enumerate(groups):
        g = g.sort_values(x, key=(lambda s: s.map(ticks.index)) if categorical else None)
        xs = g[x].map(ticks.index).to_numpy(dtype=float) if categorical else g[x].to_numpy(dtype=float)
        y = g["estimate"].to_numpy(dtype=float) * scale
        lo, hi = g["ci_low"].to_numpy(dtype=float) * scale, g["ci_high"].to_numpy(dtype=float) * scale
        color = colors[i % len(colors)]
        label = None if by is None else f"{labels.label(by).text} = {level}"
        yerr = np.vstack([y - lo, hi - y])
        yerr = np.where(np.isfinite(yerr), yerr, 0)
        if scattered:
            ax.errorbar(xs, y, yerr=yerr, fmt="o", ms=3, lw=0.8, color=color, alpha=0.6, label=label)
        elif categorical:  # names have no order to draw a band along: dots with error bars, side by side
            dodge = (i - (len(groups) - 1) / 2) * 0.5 / len(groups)
            ax.errorbar(xs + dodge, y, yerr=yerr, fmt="o", ms=5, capsize=3, color=color, label=label)
        else:
            ax.plot(xs, y, marker="o", ms=4, color=color, label=label)
            if np.isfinite(lo).any():
                ax.fill_between(xs, lo, hi, color=color, alpha=0.2, lw=0)
    if categorical:
        ax.set_xticks(range(len(ticks)), [str(t) for t in ticks])
    ax.set_xlabel(labels.label(x).axis)
    y_label = labels.label(outcome)
    ax.set_ylabel(y_label.unit or y_label.text)
    conf = rows["confidence"].iloc[0] if "confidence" in rows.columns else np.nan
    band = f"{conf:.0%} CI" if np.isfinite(conf) else "CI"
    if title:
        ax.set_title(f"{y_label.text}\n({band}{'; other parameters vary' if scattered else ''})", fontsize=10)
    if by is not None:
        ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    return ax


def outcome_grid(
    summary: pd.DataFrame,
    outcomes: Sequence[str],
    x: str,
    by: str | None = None,
    where: Mapping[str, Any] | None = None,
    ncols: int = 3,
):
    """Several outcomes against parameter ``x``, one :func:`sweep` panel each, in a grid of ``ncols`` columns that
    wraps onto new rows (so a figure of many outcomes stays page-wide). Each panel is titled with its outcome's label
    and unit; one legend for ``by``. Returns the Figure."""
    outcomes = [outcomes] if isinstance(outcomes, str) else list(outcomes)
    if not outcomes:
        raise ValueError("outcome_grid needs at least one outcome")
    cols = max(1, min(int(ncols), len(outcomes)))
    rows = -(-len(outcomes) // cols)
    fig, axes = plt.subplots(rows, cols, figsize=(3.8 * cols + 0.6, 3.1 * rows + 0.6), squeeze=False)
    for ax, outcome in zip(axes.flat, outcomes):
        sweep(summary, outcome, x, by=by, where=where, ax=ax, title=False)
        lab = labels.label(outcome)
        ax.set_title(_wrap(lab.text, 38), fontsize=9)
        ax.set_xlabel(labels.label(x).axis, fontsize=8)
        if ax.get_legend() is not None:
            ax.get_legend().remove()
    for ax in list(axes.flat)[len(outcomes) :]:
        ax.set_visible(False)
    handles, names = axes.flat[0].get_legend_handles_labels()
    conf = summary["confidence"].iloc[0] if "confidence" in summary.columns else np.nan
    fig.suptitle(f"Outcomes against {labels.label(x).text}" + (f" ({conf:.0%} CI)" if np.isfinite(conf) else ""),
                 fontsize=10)  # fmt: skip
    fig.tight_layout()
    if handles:
        fig.legend(handles, names, loc="lower center", ncol=min(4, len(handles)), fontsize=8, frameon=False)
        fig.subplots_adjust(bottom=0.1 + 0.08 / rows)
    return fig


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width=width, break_on_hyphens=False)) or text


def sensitivity(
    indices: pd.DataFrame,
    outcomes: Sequence[str] | str | None = None,
    index: Sequence[str] | str | None = None,
    axes=None,
    ncols: int = 3,
):
    """Sensitivity indices with their CIs, one panel per outcome in a grid of ``ncols`` columns that wraps onto new
    rows: a dot per parameter and index with a horizontal error bar, parameters (by their labels) sorted by their
    largest index (ST for Sobol', mu_star for Morris) in the first panel.

    indices: a frame from :func:`learnrace.sensitivity.sobol` or :func:`~learnrace.sensitivity.morris`.
    outcomes, index: restrict to these outcomes / indices (default: all; S2 is left out unless asked for).
    """
    need = {"outcome", "parameter", "index", "estimate", "ci_low", "ci_high"}
    if not isinstance(indices, pd.DataFrame) or not need <= set(indices.columns):
        raise ValueError("sensitivity needs a frame from learnrace.sensitivity.sobol or .morris")
    outcomes = list(dict.fromkeys(indices["outcome"])) if outcomes is None else _as_list(outcomes)
    wanted = _as_list(index) if index is not None else [i for i in dict.fromkeys(indices["index"]) if i != "S2"]
    frame = indices[indices["outcome"].isin(outcomes) & indices["index"].isin(wanted)].copy()
    missing = [o for o in outcomes if o not in set(frame["outcome"])]
    if missing:
        raise ValueError(f"no indices {wanted} for outcome(s) {missing}")
    if "parameter_2" in frame.columns:
        pair = frame["parameter_2"].fillna("") != ""
        frame.loc[pair, "parameter"] = frame.loc[pair, "parameter"] + " x " + frame.loc[pair, "parameter_2"]
    if axes is None:
        n = len(outcomes)
        cols = max(1, min(int(ncols), n))
        rows = -(-n // cols)
        height = 1.0 + 0.32 * frame["parameter"].nunique() * max(1, len(wanted) / 2)
        fig, grid = plt.subplots(rows, cols, figsize=(3.6 * cols + 2.6, height * rows + 0.4), sharey=True,
                                 squeeze=False)  # fmt: skip
        axes = list(grid.flat)
        for ax in axes[n:]:
            ax.set_visible(False)
        axes = np.array(axes[:n])
        firsts = [grid[r][0] for r in range(rows)]
    else:
        axes = np.atleast_1d(axes)
        fig = axes[0].figure
        firsts = [axes[0]]
    if len(axes) != len(outcomes):
        raise ValueError(f"{len(outcomes)} outcome(s) need as many axes, not {len(axes)}")
    first = frame[frame["outcome"] == outcomes[0]]
    lead = "ST" if "ST" in wanted else "mu_star" if "mu_star" in wanted else wanted[0]
    order = first[first["index"] == lead].sort_values("estimate")["parameter"].tolist()
    order += [p for p in dict.fromkeys(frame["parameter"]) if p not in order]
    pos = {p: i for i, p in enumerate(order)}
    width = 0.7 / len(wanted)
    for ax, outcome in zip(axes, outcomes):
        rows = frame[frame["outcome"] == outcome]
        for j, name in enumerate(wanted):
            g = rows[rows["index"] == name]
            marker, color, label = INDEX_STYLE.get(name, ("o", "black", name))
            y = g["parameter"].map(pos).to_numpy(dtype=float) + (j - (len(wanted) - 1) / 2) * width
            est = g["estimate"].to_numpy(dtype=float)
            xerr = np.vstack([est - g["ci_low"].to_numpy(dtype=float), g["ci_high"].to_numpy(dtype=float) - est])
            ax.errorbar(est, y, xerr=np.where(np.isfinite(xerr), xerr, 0), fmt=marker, color=color, ms=5, lw=1.2,
                        capsize=2, label=label)  # fmt: skip
        ax.axvline(0, color="black", lw=0.6)
        ax.set_title(_wrap(labels.label(outcome).text, 36), fontsize=9)
        ax.grid(axis="x", alpha=0.3)
        conf = rows["confidence"].iloc[0] if "confidence" in rows.columns and len(rows) else np.nan
        ax.set_xlabel(f"index ({conf:.0%} CI)" if np.isfinite(conf) else "index", fontsize=8)
    tick_labels = [" x ".join(labels.label(p).text for p in name.split(" x ")) for name in order]
    for ax in firsts:
        ax.set_yticks(range(len(order)), [_wrap(t, 34) for t in tick_labels], fontsize=8)
        ax.set_ylim(-0.6, len(order) - 0.4)
    handles, names = axes[0].get_legend_handles_labels()
    # the legend in a strip of its own above the panels, never on a title
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.35 / fig.get_figheight()))
    fig.legend(handles, names, loc="upper center", fontsize=8, frameon=False, ncol=len(handles))
    return fig


def _as_list(value) -> list:
    return [value] if isinstance(value, str) else list(value)
