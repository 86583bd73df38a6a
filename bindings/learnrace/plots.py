"""Matplotlib figures of a run. Every function draws on ``ax`` (or a new figure) and returns the Axes or Figure;
none calls ``plt.show()``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import labels
from ._optional import require
from .survival import survival as _survival

plt = require("matplotlib.pyplot", "learnrace.plots")

CAUSE_COLORS = {
    "disintegration": "#7f7f7f",
    "race_won_by_A": "#1f77b4",
    "race_won_by_B": "#aec7e8",
    "exploited_A_withdraws": "#d62728",
    "exploited_B_withdraws": "#ff9896",
    "exogenous_hazard": "#9467bd",
}
STRATEGY_COLORS = {"AVO": "#7f7f7f", "ACC": "#2ca02c", "CPR": "#ff7f0e", "CPT": "#d62728", "COL": "#1f77b4"}
VERDICT_COLORS = {"supported": "#c7e9c0", "not supported": "#f0f0f0", "contradicted": "#fcbba1"}


def _axes(ax, figsize=(6.4, 4.2)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _title(results, point) -> str:
    return results.point_names[results.point_index(point)]


def survival(results, point=0, ax=None, ci: bool = True):
    """Kaplan-Meier survival (black) and the cumulative incidence of each termination cause, with +-1.96 SE bands
    (Greenwood / delta method). ``results`` may also be a frame from :func:`learnrace.survival`."""
    ax = _axes(ax)
    df = results if isinstance(results, pd.DataFrame) else _survival(results, point)
    t = df.index.to_numpy()
    s, se = df["survival"].to_numpy(), df["survival_se"].to_numpy()
    ax.step(t, s, where="post", color="black", lw=2, label="survival (any cause)")
    if ci:
        ax.fill_between(
            t, np.clip(s - 1.96 * se, 0, 1), np.clip(s + 1.96 * se, 0, 1), step="post", color="black", alpha=0.15, lw=0
        )
    for cause in labels.CAUSES[1:]:
        f, fse = df[f"cif_{cause}"].to_numpy(), df[f"cif_{cause}_se"].to_numpy()
        if f[-1] <= 0:
            continue
        color = CAUSE_COLORS[cause]
        ax.step(t, f, where="post", color=color, label=cause.replace("_", " "))
        if ci:
            ax.fill_between(
                t,
                np.clip(f - 1.96 * fse, 0, 1),
                np.clip(f + 1.96 * fse, 0, 1),
                step="post",
                color=color,
                alpha=0.2,
                lw=0,
            )
    ax.set_xlim(0, t[-1])
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("periods")
    ax.set_ylabel("probability")
    title = "Survival and cumulative incidence by cause"
    if not isinstance(results, pd.DataFrame):
        title += f"\n{_title(results, point)}"
    ax.set_title(title)
    ax.legend(fontsize="small", frameon=False)
    return ax


def histogram(results, name: str, point=0, ax=None, density: bool = True, color: str = "#4c72b0"):
    """One outcome histogram: ``asymmetry_hist``, ``power_shift_hist`` or ``joint_learning_hist``."""
    ax = _axes(ax)
    i = results.point_index(point)
    counts = getattr(results, name)[i].astype(np.float64)
    edges = results.histogram_edges[name]
    widths = np.diff(edges)
    heights = counts / max(counts.sum(), 1.0) / widths if density else counts
    ax.bar(edges[:-1], heights, width=widths, align="edge", color=color, edgecolor="white", lw=0.5)
    ax.set_xlabel(name.replace("_hist", "").replace("_", " "))
    ax.set_ylabel("density" if density else "dyads")
    ax.set_title(f"{name.replace('_hist', '').replace('_', ' ')} ({results.point_names[i]})")
    return ax


def asymmetry(results, point=0, ax=None, **kw):
    """Final learning asymmetry a = (G_A - G_B) / (G_A + G_B) across dyads."""
    ax = histogram(results, "asymmetry_hist", point, ax, **kw)
    ax.axvline(0.0, color="black", lw=0.8, ls=":")
    ax.set_xlabel("learning asymmetry (G_A - G_B) / (G_A + G_B)")
    return ax


def power_shift(results, point=0, ax=None, **kw):
    """Power shift P_A(end) - P_A(0) across dyads (Hamel's obsolescing bargain)."""
    ax = histogram(results, "power_shift_hist", point, ax, color="#c44e52", **kw)
    ax.axvline(0.0, color="black", lw=0.8, ls=":")
    ax.set_xlabel("power shift P_A(end) - P_A(0)")
    return ax


def outcome_histograms(results, point=0):
    """Figure with the asymmetry and power-shift histograms side by side."""
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4))
    asymmetry(results, point, ax=a)
    power_shift(results, point, ax=b)
    fig.tight_layout()
    return fig


def transition_heatmap(results, point=0, ax=None, normalize: str = "row", log: bool = False, cmap: str = "viridis"):
    """25 x 25 transition matrix (pair state at t -> t+1). Rows are labelled with strategy codes and Larsson's named
    states; ``normalize``: ``"row"`` (transition probabilities), ``"all"`` (shares) or ``None`` (counts)."""
    ax = _axes(ax, figsize=(10, 9))
    i = results.point_index(point)
    m = results.transitions[i].astype(np.float64)
    if normalize == "row":
        m = m / np.maximum(m.sum(axis=1, keepdims=True), 1.0)
        what = "P(to | from)"
    elif normalize == "all":
        m = m / max(m.sum(), 1.0)
        what = "share of dyad-periods"
    else:
        what = "dyad-periods"
    shown = np.log10(m + (1e-4 if normalize else 1.0)) if log else m
    im = ax.imshow(shown, cmap=cmap, aspect="equal", interpolation="nearest")
    ticks = np.arange(25)
    ax.set_xticks(ticks)
    ax.set_xticklabels(labels.PAIR_CODES, rotation=90, fontsize=7)
    ax.set_yticks(ticks)
    ax.set_yticklabels([s.label for s in labels.PAIR_STATES], fontsize=7)
    for k in range(1, 5):  # separate blocks of firm A's strategy
        ax.axhline(5 * k - 0.5, color="white", lw=0.6)
        ax.axvline(5 * k - 0.5, color="white", lw=0.6)
    ax.set_xlabel("pair state at t+1 (A/B)")
    ax.set_ylabel("pair state at t (A/B)")
    ax.set_title(f"Transitions ({results.point_names[i]})")
    cbar = ax.figure.colorbar(im, ax=ax, fraction=0.046, pad=0.04)
    cbar.set_label(f"log10 {what}" if log else what)
    return ax


def strategy_shares(results, point=0, ax=None, firm: str = "both"):
    """Share of each strategy among live firms per period (from the occupancy counts); ``firm``: "A", "B" or
    "both". A stacked area chart; the dashed line is the fraction of dyads still alive (right axis)."""
    ax = _axes(ax, figsize=(8, 4.2))
    i = results.point_index(point)
    occ = results.occupancy[i].astype(np.float64).reshape(-1, 5, 5)  # [T, A, B]
    if firm == "A":
        counts = occ.sum(axis=2)
    elif firm == "B":
        counts = occ.sum(axis=1)
    elif firm == "both":
        counts = occ.sum(axis=2) + occ.sum(axis=1)
    else:
        raise ValueError("firm must be 'A', 'B' or 'both'")
    alive = occ.sum(axis=(1, 2))
    shares = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1.0)
    t = np.arange(shares.shape[0])
    live = alive > 0
    ax.stackplot(
        t[live],
        shares[live].T,
        labels=labels.STRATEGY_CODES,
        colors=[STRATEGY_COLORS[c] for c in labels.STRATEGY_CODES],
        alpha=0.85,
    )
    ax.set_xlim(0, max(t[-1], 1))
    ax.set_ylim(0, 1)
    ax.set_xlabel("period")
    ax.set_ylabel("share of live firms" + ("" if firm == "both" else f" ({firm})"))
    ax.set_title(f"Strategy shares over time ({results.point_names[i]})")
    twin = ax.twinx()
    twin.plot(t, alive / max(alive[0], 1.0), color="black", ls="--", lw=1, label="dyads alive")
    twin.set_ylim(0, 1.02)
    twin.set_ylabel("fraction of dyads alive")
    handles, names = ax.get_legend_handles_labels()
    h2, n2 = twin.get_legend_handles_labels()
    ax.legend(handles + h2, names + n2, loc="upper right", fontsize="small", ncol=3, frameon=True)
    return ax


def verdict_table(df: pd.DataFrame, ax=None, title: str = "Larsson et al. (1998) propositions"):
    """Draw a verdict table (columns clause, verdict, effect, ci_low, ci_high, n; optional condition,
    predicted_move) as a figure, verdict cells coloured. Returns the Figure."""
    required = ["clause", "verdict", "effect", "ci_low", "ci_high", "n"]
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise ValueError(f"verdict_table: missing columns {missing}")
    extra = [c for c in ("condition", "predicted_move") if c in df.columns]
    columns = ["clause", *extra, "effect", "99% CI", "n", "verdict"]

    def fmt(x):
        return "-" if pd.isna(x) else f"{x:.3g}"

    rows = [
        [
            str(r["clause"]),
            *[str(r[c]) for c in extra],
            fmt(r["effect"]),
            f"[{fmt(r['ci_low'])}, {fmt(r['ci_high'])}]",
            "-" if pd.isna(r["n"]) else f"{int(r['n'])}",
            str(r["verdict"]),
        ]
        for _, r in df.iterrows()
    ]
    if ax is None:
        fig, ax = plt.subplots(figsize=(2.2 + 1.6 * len(columns), 0.8 + 0.32 * max(len(rows), 1)))
    fig = ax.figure
    ax.axis("off")
    table = ax.table(cellText=rows or [["" for _ in columns]], colLabels=columns, loc="center", cellLoc="center")
    table.auto_set_font_size(False)
    table.set_fontsize(8)
    table.scale(1.0, 1.25)
    v = len(columns) - 1
    for r, row in enumerate(rows, start=1):
        table[r, v].set_facecolor(VERDICT_COLORS.get(row[v], "white"))
    for c in range(len(columns)):
        table[0, c].set_text_props(weight="bold")
    ax.set_title(title)
    return fig
