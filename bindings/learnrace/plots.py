"""Matplotlib figures of a run. Every function draws on ``ax`` (or a new figure) and returns the Axes or Figure;
none calls ``plt.show()``. Axis labels, titles and units come from one registry, :mod:`learnrace.labels` (a period is
a quarter; the factors trust, stakes and orientation move on the logit scale).

One point: :func:`survival`, :func:`transition_heatmap`, :func:`strategy_shares`, :func:`asymmetry`, ... Several
points or scenarios on one axis: :func:`compare_survival`, :func:`compare_incidence`, :func:`compare_outcomes`, and
:func:`trajectory_mean`; outcome against a parameter: :func:`sweep` and :func:`outcome_grid` (learnrace.plots_study)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import labels
from ._optional import require
from .survival import survival as _survival

plt = require("matplotlib.pyplot", "learnrace.plots")
# The study figures, also as plots.sweep / plots.sensitivity / plots.outcome_grid (after the check above, so that a
# missing matplotlib names this module).
from .plots_study import outcome_grid, sensitivity, sweep  # noqa: E402, F401

# Symmetric pairs (A / B) never share a look, so that curves lying on top of each other stay visible: firm A solid in
# a dark hue, firm B dashed in a contrasting hue, drawn on top (its dashes show A's line through the gaps).
# Unpaired causes get their own hue and line style.
CAUSE_STYLES = {
    "disintegration": ("#7f7f7f", "-"),
    "race_won_by_A": ("#08519c", "-"),
    "race_won_by_B": ("#f16913", "--"),
    "exploited_A_withdraws": ("#a50f15", "-"),
    "exploited_B_withdraws": ("#41ab5d", "--"),
    "exogenous_hazard": ("#9467bd", "-."),
}
# Firm A and firm B in any figure of a symmetric pair (trajectories, outcomes): colour, line style, marker.
FIRM_STYLES = {"A": ("#08519c", "-", "o"), "B": ("#f16913", "--", "^")}
PERIOD_AXIS = f"duration [{labels.PERIOD_UNIT}]"
CAUSE_COLORS = {cause: color for cause, (color, _) in CAUSE_STYLES.items()}
STRATEGY_COLORS = {"AVO": "#7f7f7f", "ACC": "#2ca02c", "CPR": "#ff7f0e", "CPT": "#d62728", "COL": "#1f77b4"}
VERDICT_COLORS = {
    "supported": "#c7e9c0",
    "not supported": "#f0f0f0",
    "contradicted": "#fcbba1",
    "untestable": "#deebf7",
}
Z95 = 1.959963984540054  # two-sided 95% normal quantile


def _axes(ax, figsize=(6.4, 4.2)):
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def _title(results, point) -> str:
    return results.point_names[results.point_index(point)]


def _band(ax, t, value, se, color, alpha):
    """A 95% pointwise confidence band value +- 1.96 se, clipped to [0, 1], drawn as steps."""
    lo, hi = np.clip(value - Z95 * se, 0, 1), np.clip(value + Z95 * se, 0, 1)
    return ax.fill_between(t, lo, hi, step="post", color=color, alpha=alpha, lw=0)


def survival(results, point=0, ax=None, ci: bool = True, log_panel: bool = True):
    """Kaplan-Meier survival (black) and the cumulative incidence of each termination cause (Aalen-Johansen), with
    95% pointwise bands from the Greenwood / delta-method standard errors. ``results`` may also be a frame from
    :func:`learnrace.survival`.

    ``log_panel``: a second panel right of ``ax`` shows the cumulative incidences on a log scale, so that rare causes
    (a race won in ~1% of dyads) are visible rather than flat on the axis. The legend sits right of the panels, off
    the curves. Returns the linear-scale Axes (the log panel is ``ax.child_axes[0]``)."""
    if ax is None:
        fig, ax = plt.subplots(figsize=(12, 5.4) if log_panel else (7, 5.4))
        fig.subplots_adjust(left=0.07, right=0.49 if log_panel else 0.95, bottom=0.3, top=0.88)
    df = results if isinstance(results, pd.DataFrame) else _survival(results, point)
    t = df.index.to_numpy()
    log_ax = ax.inset_axes([1.17, 0.0, 0.85, 1.0]) if log_panel else None
    s, se = df["survival"].to_numpy(), df["survival_se"].to_numpy()
    ax.step(t, s, where="post", color="black", lw=2, label="survival (any cause)")
    if ci:
        _band(ax, t, s, se, "black", 0.18)
    floor = 1.0
    for cause in labels.CAUSES[1:]:
        f, fse = df[f"cif_{cause}"].to_numpy(), df[f"cif_{cause}_se"].to_numpy()
        if f[-1] <= 0:
            continue
        color, style = CAUSE_STYLES[cause]
        label = f"{cause.replace('_', ' ')} ({100 * f[-1]:.3g}%)"
        firm_b = cause in ("race_won_by_B", "exploited_B_withdraws")
        for a in (ax, log_ax) if log_panel else (ax,):
            a.step(t, f, where="post", color=color, ls=style, lw=1.4 if firm_b else 2.0, zorder=3 if firm_b else 2,
                   label=label if a is ax else None)  # fmt: skip
            if ci:
                _band(a, t, f, fse, color, 0.22)
        floor = min(floor, f[f > 0].min())
    ax.set_xlim(0, t[-1])
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(PERIOD_AXIS)
    ax.set_ylabel("share of dyads")
    title = "Survival and cumulative incidence by cause"
    if not isinstance(results, pd.DataFrame):
        title += f"\n{_title(results, point)}"
    ax.set_title(title)
    if log_panel:
        log_ax.set_yscale("log")
        log_ax.set_xlim(0, t[-1])
        log_ax.set_ylim(max(floor / 3, 1e-6), 1.5)
        log_ax.set_xlabel(PERIOD_AXIS)
        log_ax.set_title("cumulative incidence, log scale")
        log_ax.grid(True, which="major", alpha=0.3)
    band = "; bands: 95% CI" if ci else ""
    # Below the panels, across their width: never on the curves.
    ax.legend(
        loc="upper left",
        bbox_to_anchor=(0.0, -0.16, 2.02 if log_panel else 1.0, 0.0),
        mode="expand",
        ncol=3 if log_panel else 2,
        fontsize="small",
        frameon=False,
        title=f"cause (share of dyads by the end){band}",
        title_fontsize="small",
    )
    return ax


# ------------------------------------------------------------------------------------- several points on one axis


def _series(runs, points=None) -> list:
    """``[(label, Results, point index)]`` from a Results (all its points, or ``points``), a mapping ``{label: Results
    or (Results, point)}`` (a Results of several points needs its point), or a list of ``(label, Results, point)``."""
    from collections.abc import Mapping

    if isinstance(runs, Mapping):
        out = []
        for name, value in runs.items():
            res, point = value if isinstance(value, tuple) else (value, None)
            if point is None:
                if res.n_points != 1:
                    raise ValueError(
                        f"{name!r}: the run has {res.n_points} points; give ({name!r}: (results, point)) to pick one"
                    )
                point = 0
            out.append((str(name), res, res.point_index(point)))
        return out
    if isinstance(runs, (list, tuple)):
        return [(str(n), r, r.point_index(p)) for n, r, p in runs]
    chosen = range(runs.n_points) if points is None else [runs.point_index(p) for p in points]
    return [(runs.point_names[i], runs, i) for i in chosen]


def _palette(n: int) -> list:
    """Colours for n series: tab10, then tab20 beyond ten."""
    cmap = plt.get_cmap("tab10" if n <= 10 else "tab20")
    return [cmap(i % cmap.N) for i in range(n)]


def _merged_histogram(duration: np.ndarray, cause: str) -> tuple:
    """(histogram, index): ``duration`` [7, T+1] with the causes of ``cause`` (a cause, or a combined outcome such as
    ``race_won`` or ``dissolved``, as the outcome registry's ``share_<cause>``) merged into one row."""
    from . import outcomes

    if cause in labels.CAUSES[1:]:
        return np.asarray(duration), labels.CAUSES.index(cause)
    name = f"share_{cause}"
    o = outcomes.REGISTRY[name] if name in outcomes.REGISTRY else None
    if o is None or o.multinomial is None or o.multinomial[0] != "cause" or 0 in o.multinomial[1]:
        allowed = [*labels.CAUSES[1:], "race_won", "exploited_withdraws", "dissolved"]
        raise ValueError(f"cause {cause!r} is not one of {', '.join(allowed)}")
    cells = sorted(o.multinomial[1])
    h = np.array(duration, dtype=np.float64, copy=True)
    h[cells[0]] = h[cells].sum(axis=0)
    h[cells[1:]] = 0.0
    return h, cells[0]


def compare_survival(runs, points=None, ax=None, ci: bool = True):
    """Kaplan-Meier survival of several points or scenarios on one axis, each with its 95% pointwise band (Greenwood).

    ``runs``: a Results (all its points, or ``points``), or ``{label: Results}`` / ``{label: (Results, point)}`` to
    compare scenarios run separately, e.g. ``compare_survival({"trust shock": shocked, "control": control})``. The
    legend gives each curve's survival at the horizon. Returns the Axes."""
    series = _series(runs, points)
    ax = _axes(ax, figsize=(7, 4.6))
    for (name, res, i), color in zip(series, _palette(len(series))):
        df = _survival(res, i)
        t, s, se = df.index.to_numpy(), df["survival"].to_numpy(), df["survival_se"].to_numpy()
        ax.step(t, s, where="post", color=color, lw=1.8, label=f"{name} ({100 * s[-1]:.3g}% at T)")
        if ci:
            _band(ax, t, s, se, color, 0.18)
    ax.set_xlim(0, max(len(df) - 1, 1))
    ax.set_ylim(0, 1.02)
    ax.set_xlabel(PERIOD_AXIS)
    ax.set_ylabel("share of alliances still allied")
    ax.set_title("Survival (Kaplan-Meier)" + (", 95% pointwise CI" if ci else ""), fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", frameon=False, loc="best")
    return ax


def compare_incidence(runs, cause: str = "race_won", points=None, ax=None, ci: bool = True, log: bool = False):
    """Cumulative incidence of one termination cause (Aalen-Johansen, with its 95% pointwise band) for several points
    or scenarios on one axis. ``cause``: a cause (``race_won_by_A``, ``exploited_B_withdraws``, ...) or a combined one
    (``race_won``: A or B, ``exploited_withdraws``, ``dissolved``: any cause). ``runs`` as in
    :func:`compare_survival`; ``log``: a log y-axis for rare causes. Returns the Axes."""
    series = _series(runs, points)
    ax = _axes(ax, figsize=(7, 4.6))
    for (name, res, i), color in zip(series, _palette(len(series))):
        h, k = _merged_histogram(res.duration_by_cause[i], cause)
        df = _survival(h)
        column = f"cif_{labels.CAUSES[k]}"
        t, f, se = df.index.to_numpy(), df[column].to_numpy(), df[f"{column}_se"].to_numpy()
        ax.step(t, f, where="post", color=color, lw=1.8, label=f"{name} ({100 * f[-1]:.3g}% by T)")
        if ci:
            _band(ax, t, f, se, color, 0.18)
    ax.set_xlim(0, max(len(df) - 1, 1))
    if log:
        ax.set_yscale("log")
    else:
        ax.set_ylim(bottom=0)
    ax.set_xlabel(PERIOD_AXIS)
    ax.set_ylabel(f"share of dyads ended: {cause.replace('_', ' ')}")
    ax.set_title("Cumulative incidence (Aalen-Johansen)" + (", 95% pointwise CI" if ci else ""), fontsize=10)
    ax.grid(alpha=0.3)
    ax.legend(fontsize="small", frameon=False, loc="best")
    return ax


def compare_outcomes(source, outcomes, points=None, ncols: int = 3, confidence: float = 0.95, axes=None):
    """Several outcomes of several points side by side: one panel per outcome (a grid of ``ncols`` columns that
    wraps), one dot per point with its interval.

    ``source``: a Results (its :meth:`~learnrace.Results.outcomes`, which needs the ``stats`` extra) or a frame of the
    same shape (``Results.outcomes()``, ``StudyResults.summary()``: point, outcome, estimate, ci_low, ci_high).
    ``outcomes``: outcome names of the registry (:mod:`learnrace.outcomes`); shares are drawn in percent. Points are
    listed top to bottom in their order. Returns the Figure."""
    from . import outcomes as registry

    outcomes = [outcomes] if isinstance(outcomes, str) else list(outcomes)
    for name in outcomes:
        registry.REGISTRY[name]  # KeyError naming close names
    frame = (
        source.outcomes(confidence=confidence) if hasattr(source, "outcomes") and callable(source.outcomes) else source
    )
    need = {"point", "outcome", "estimate", "ci_low", "ci_high"}
    if not isinstance(frame, pd.DataFrame) or not need <= set(frame.columns):
        raise ValueError("compare_outcomes needs a Results or a frame with point, outcome, estimate, ci_low, ci_high")
    missing = [o for o in outcomes if o not in set(frame["outcome"])]
    if missing:
        raise ValueError(f"no outcome(s) {missing}; learnrace.outcomes.table() lists them")
    names = list(dict.fromkeys(frame["point"])) if points is None else [str(p) for p in points]
    n = len(outcomes)
    cols = max(1, min(ncols, n))
    rows = -(-n // cols)
    if axes is None:
        height = 0.9 + 0.32 * len(names)
        fig, axes = plt.subplots(rows, cols, figsize=(3.6 * cols + 1.8, height * rows), sharey=True, squeeze=False)
    else:
        axes = np.atleast_2d(axes)
        fig = axes.flat[0].figure
    flat = list(axes.flat)
    y = np.arange(len(names))[::-1]
    conf = frame["confidence"].iloc[0] if "confidence" in frame.columns else confidence
    for ax, name in zip(flat, outcomes):
        rows_ = frame[frame["outcome"] == name].set_index("point").reindex(names)
        scale = 100.0 if registry.REGISTRY[name].scale == "share" else 1.0
        est = rows_["estimate"].to_numpy(dtype=float) * scale
        lo, hi = rows_["ci_low"].to_numpy(dtype=float) * scale, rows_["ci_high"].to_numpy(dtype=float) * scale
        err = np.vstack([est - lo, hi - est])
        ax.errorbar(est, y, xerr=np.where(np.isfinite(err), err, 0), fmt="o", color="#08519c", ms=4, capsize=2, lw=1)
        lab = labels.label(name)
        ax.set_title(_wrap(lab.text, 40), fontsize=9)
        ax.set_xlabel(lab.unit, fontsize=8)
        ax.grid(axis="x", alpha=0.3)
    for ax in flat[n:]:
        ax.set_visible(False)
    flat[0].set_yticks(y, names, fontsize=8)
    for r in range(rows):
        axes[r][0].set_yticks(y, names, fontsize=8)
    fig.suptitle(f"Outcomes by point ({conf:.0%} CI)", fontsize=10)
    fig.tight_layout()
    return fig


def histogram(results, name: str, point=0, ax=None, density: bool = True, color: str = "#4c72b0", crop: bool = True):
    """One outcome histogram: ``asymmetry_hist``, ``power_shift_hist`` or ``joint_learning_hist``.

    The engine stores counts in ``output.hist_bins`` bins over a fixed range (``results.histogram_edges``); with
    ``crop`` the x-axis shows only the bins that hold dyads (plus one empty bin on each side), so that mass
    concentrated in a few bins fills the plot. The title gives the number of dyads and the bin width; with fewer than
    10 occupied bins a note says to raise ``output.hist_bins`` for finer bins."""
    ax = _axes(ax)
    i = results.point_index(point)
    counts = getattr(results, name)[i].astype(np.float64)
    edges = np.asarray(results.histogram_edges[name], dtype=np.float64)
    widths = np.diff(edges)
    n = counts.sum()
    heights = counts / max(n, 1.0) / widths if density else counts
    ax.bar(edges[:-1], heights, width=widths, align="edge", color=color, edgecolor="white", lw=0.5)
    occupied = np.flatnonzero(counts)
    if crop and occupied.size:
        first, last = max(occupied[0] - 1, 0), min(occupied[-1] + 1, counts.size - 1)
        ax.set_xlim(edges[first], edges[last + 1])
    what = name.replace("_hist", "").replace("_", " ")
    ax.set_xlabel(what)
    ax.set_ylabel("density" if density else "dyads")
    ax.set_title(f"{what} ({results.point_names[i]})\nn = {int(n)} dyads, bin width {widths[0]:.3g}", fontsize=10)
    if 0 < occupied.size < 10:
        ax.text(
            0.99,
            0.97,
            f"{occupied.size} bins hold all dyads:\nraise output.hist_bins\nfor finer bins",
            transform=ax.transAxes,
            ha="right",
            va="top",
            fontsize="small",
            color="0.35",
        )
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
    ax.legend(  # below the axes, off the bands
        handles + h2, names + n2, loc="upper center", bbox_to_anchor=(0.5, -0.16), fontsize="small", ncol=6,
        frameon=False,
    )  # fmt: skip
    return ax


def trajectory_mean(results, name="trust_A", points=None, ax=None, min_n: int = 10):
    """Per-period mean of a per-period trajectory variable (``trust_A``, ``stakes_B``, ..., ``relation``,
    ``suspicion_A``, ``power_A``, ``x_A``, ``x_B``) over the sampled dyads still alive, with a 95% band
    (mean +- 1.96 sd / sqrt(n)), one line per point; a panel below gives n, the sampled dyads alive in each period.
    ``name`` may be a list, e.g. ``["trust_A", "trust_B"]``: firm A's and firm B's variables then get the styles of
    :data:`FIRM_STYLES` (solid / dashed), points their colours. Periods with fewer than ``min_n`` dyads alive are not
    drawn. Returns the Axes of the means (the n panel is ``ax.child_axes[0]``).

    The sample is ``output.trajectory_stride`` / ``output.trajectory_max``: raise ``trajectory_max`` (or lower the
    stride) for narrower bands. ``results.trajectories.per_period`` lists the names."""
    from matplotlib.ticker import LogLocator, NullFormatter

    names = [name] if isinstance(name, str) else list(name)
    for n_ in names:
        results.trajectories[n_]  # KeyError naming the variables there are
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 5.6))
        fig.subplots_adjust(left=0.1, right=0.97, bottom=0.36, top=0.92)
    n_ax = ax.inset_axes([0.0, -0.42, 1.0, 0.3], sharex=ax)
    chosen = range(results.n_points) if points is None else [results.point_index(p) for p in points]
    colors = _palette(len(chosen))
    for j, i in enumerate(chosen):
        color = colors[j]
        for var in names:
            values = results.trajectories[var]  # [P, K, T], NaN after termination
            t = np.arange(values.shape[2])
            v = values[i].astype(np.float64)
            n = np.sum(np.isfinite(v), axis=0)
            with np.errstate(invalid="ignore", divide="ignore"):
                mean = np.where(n >= 1, np.nansum(v, axis=0) / np.maximum(n, 1), np.nan)
                sd = np.sqrt(np.nansum((v - mean) ** 2, axis=0) / np.maximum(n - 1, 1))
            shown = n >= min_n
            mean, se = np.where(shown, mean, np.nan), np.where(shown, sd / np.sqrt(np.maximum(n, 1)), np.nan)
            firm = var[-1] if var[-2:] in ("_A", "_B") else None
            style = FIRM_STYLES[firm][1] if firm and len(names) > 1 else "-"
            what = labels.trajectory_label(var).text if len(names) > 1 else ""
            who = results.point_names[i] if len(chosen) > 1 or len(names) == 1 else ""
            text = ", ".join(x for x in (who, what) if x)
            ax.plot(t, mean, color=color, ls=style, lw=1.6, label=f"{text} (n = {int(n[0])} at t = 0)")
            ax.fill_between(t, mean - Z95 * se, mean + Z95 * se, color=color, alpha=0.15, lw=0)
        n_ax.plot(t, n, color=color, lw=1.2)
    first = labels.trajectory_label(names[0])
    what = first.text if len(names) == 1 else " / ".join(labels.trajectory_label(v).text for v in names)
    ax.set_ylabel(f"mean [{first.unit}]" if first.unit else "mean")
    ax.set_title(f"Mean {what} of the sampled dyads alive, 95% CI", fontsize=10)
    ax.tick_params(labelbottom=False)
    ax.legend(fontsize="small", frameon=False, loc="best")
    ax.grid(alpha=0.3)
    n_ax.set_yscale("log")
    # a few decades only, no minor labels: the labels of a short log axis overprinted each other
    n_ax.yaxis.set_major_locator(LogLocator(base=10, numticks=4))
    n_ax.yaxis.set_minor_formatter(NullFormatter())
    n_ax.set_ylabel("n alive", fontsize=9)
    n_ax.set_xlabel("period [one quarter each]")
    n_ax.grid(alpha=0.3)
    return ax


def short_statistic(text) -> str:
    """The name of a proposition test's statistic without its definition: ``"lift (risk ratio)"``, ``"mean-sojourn
    ratio"``, ``"Spearman rho"``, ...; the definitions are in the table's ``statistic`` column (docs/statistics.md)."""
    import re

    text = "" if text is None or (isinstance(text, float) and np.isnan(text)) else str(text)
    if ":" in text:
        return text.split(":", 1)[0].strip()
    return re.split(r"\(|;", text, maxsplit=1)[0].strip()


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width=width, break_on_hyphens=False)) or text


def verdict_table(
    df: pd.DataFrame,
    ax=None,
    title: str = "Larsson et al. (1998) propositions",
    wrap: int = 34,
    fontsize: float = 8.0,
):
    """Draw a verdict table (columns clause, verdict, effect, ci_low, ci_high, n; optional condition,
    predicted_move, statistic and threshold, as :func:`learnrace.propositions.test` gives them) as a figure, verdict
    cells coloured. The effect is shown with the statistic it is (its short name: "lift (risk ratio)", "Spearman
    rho", ...) and the threshold the verdict rule compares it with; the interval's level is ``df.attrs["alpha"]``'s
    (99% by default). Returns the Figure.

    Long texts (condition, predicted move) are wrapped at ``wrap`` characters; every column is as wide as its widest
    text and every row as tall as its tallest cell, measured with the figure's renderer, so no text overprints
    another. Without ``ax`` the figure is sized to the table."""
    required = ["clause", "verdict", "effect", "ci_low", "ci_high", "n"]
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise ValueError(f"verdict_table: missing columns {missing}")
    extra = [c for c in ("condition", "predicted_move") if c in df.columns]
    alpha = df.attrs.get("alpha", 0.01)
    level = f"{100 * (1 - alpha):.3g}% CI"
    stat = "statistic" in df.columns
    threshold = "threshold" in df.columns
    columns = [
        "clause",
        *[c.replace("_", " ") for c in extra],
        *(["statistic"] if stat else []),
        "effect",
        level,
        *(["threshold"] if threshold else []),
        "n",
        "verdict",
    ]

    def fmt(x):
        return "-" if pd.isna(x) else f"{x:.3g}"

    rows = [
        [
            str(r["clause"]),
            *[_wrap(str(r[c]), wrap) for c in extra],
            *([_wrap(short_statistic(r["statistic"]), wrap)] if stat else []),
            fmt(r["effect"]),
            f"[{fmt(r['ci_low'])}, {fmt(r['ci_high'])}]",
            *([fmt(r["threshold"])] if threshold else []),
            "-" if pd.isna(r["n"]) else f"{int(r['n'])}",
            str(r["verdict"]),
        ]
        for _, r in df.iterrows()
    ]
    cells = [columns, *(rows or [["" for _ in columns]])]

    # Text extents in inches, from the renderer that will draw them.
    from matplotlib.font_manager import FontProperties

    own_figure = ax is None
    fig = plt.figure() if own_figure else ax.figure
    renderer = fig.canvas.get_renderer()
    plain, bold = FontProperties(size=fontsize), FontProperties(size=fontsize, weight="bold")
    line_height = 1.25 * fontsize / 72.0

    def extent(text: str, header: bool):
        lines = text.split("\n")
        widths = [renderer.get_text_width_height_descent(s or " ", bold if header else plain, ismath=False)[0]
                  for s in lines]  # fmt: skip
        return max(widths) / fig.dpi, len(lines) * line_height

    sizes = [[extent(text, r == 0) for text in row] for r, row in enumerate(cells)]
    pad_w, pad_h = 0.16, 0.10  # inches around the text of a cell
    col_w = [max(sizes[r][c][0] for r in range(len(cells))) + pad_w for c in range(len(columns))]
    row_h = [max(h for _, h in row) + pad_h for row in sizes]
    table_w, table_h = sum(col_w), sum(row_h)
    if own_figure:
        title_h = 0.5
        fig.set_size_inches(table_w + 0.2, table_h + title_h + 0.1)
        ax = fig.add_axes([0.1 / (table_w + 0.2), 0.05 / (table_h + title_h + 0.1),
                           table_w / (table_w + 0.2), table_h / (table_h + title_h + 0.1)])  # fmt: skip
    ax.axis("off")
    table = ax.table(cellText=cells[1:], colLabels=columns, loc="center", cellLoc="center", bbox=[0, 0, 1, 1])
    table.auto_set_font_size(False)
    table.set_fontsize(fontsize)
    for (r, c), cell in table.get_celld().items():
        cell.set_width(col_w[c] / table_w)
        cell.set_height(row_h[r] / table_h)
        cell.PAD = pad_w / 2 / col_w[c]  # the padding is a fraction of the cell's width
        if r == 0:
            cell.set_text_props(weight="bold")
    v = len(columns) - 1
    for r, row in enumerate(rows, start=1):
        table[r, v].set_facecolor(VERDICT_COLORS.get(row[v], "white"))
    ax.set_title(title)
    return fig
