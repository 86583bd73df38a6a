"""What ``learnrace run`` and ``learnrace info`` print: a run's headline table and the description of a run or study
file. The numbers, names and labels come from the outcome registry (:mod:`learnrace.outcomes`)."""

from __future__ import annotations

import math
import textwrap
from typing import List, Sequence

import numpy as np

from . import labels, outcomes

SHARE_SCALES = ("share",)
LEGEND_WIDTH = 118


def _format(o: outcomes.Outcome, value: float) -> str:
    if math.isnan(value):
        return "-"
    if o.scale in SHARE_SCALES:
        return f"{100.0 * value:.1f}%"
    if o.scale == "periods":
        return f"{value:.1f}"
    return f"{value:.4f}"


def _median_text(value: float, censored: bool) -> str:
    if math.isnan(value):
        return "-"
    text = f"{value:.0f}" if value == math.floor(value) else f"{value:.1f}"  # integer or half-integer
    return ">" + text if censored else text


def _aligned(table: List[List[str]]) -> List[str]:
    width = [max(len(row[j]) for row in table) for j in range(len(table[0]))]
    lines = []
    for row in table:
        cells = [c.ljust(w) if j == 0 else c.rjust(w) for j, (c, w) in enumerate(zip(row, width))]  # names left
        lines.append("  ".join(cells).rstrip())
    return lines


def headline_text(source, point_names: Sequence[str] | None = None, names: Sequence[str] = outcomes.HEADLINES) -> str:
    """The headline table of a run: one row per point with its dyads and the outcomes ``names`` (default
    :data:`learnrace.outcomes.HEADLINES`) under their short labels, and a legend from the registry's labels.

    source: a :class:`learnrace.Results` or a mapping of its count sections (then give ``point_names``)."""
    chosen = [outcomes.REGISTRY[n] for n in names]
    counts = outcomes.Counts(source)
    point_names = list(source.point_names if point_names is None else point_names)
    values = outcomes.compute(counts)
    median = outcomes.median_duration(counts)
    dyads = counts["dyads_simulated"]
    table = [["point", "dyads", *(o.short for o in chosen)]]
    for p, point in enumerate(point_names):
        row = [str(point), str(int(dyads[p]))]
        for o in chosen:
            if o.name == "median_duration":
                row.append(_median_text(float(median[0][p]), bool(median[1][p])))
            else:
                row.append(_format(o, float(values.estimate[p, outcomes.REGISTRY.names.index(o.name)])))
        table.append(row)
    causes = {f"share_{c}" for c in labels.CAUSES}
    legend = []
    if any(o.name in causes for o in chosen):
        censored = outcomes.REGISTRY["share_censored"]
        legend.append(f"shares of the dyads by termination cause ({censored.short} = still allied at the horizon)")
    for o in chosen:
        if o.name not in causes:
            note = "; '>' = beyond the horizon, a lower bound" if o.name == "median_duration" else ""
            legend.append(f"{o.short} = {o.label}{note}")
    wrapped = textwrap.wrap("; ".join(legend), width=LEGEND_WIDTH, break_on_hyphens=False)
    return "\n".join(_aligned(table) + wrapped) + "\n"


def dyad_periods(res) -> int:
    """Dyad-periods lived in the whole run: the sum over dyads of the periods each lived."""
    h = res.duration_by_cause
    return int((h.sum(axis=1, dtype=np.uint64) * np.arange(h.shape[-1], dtype=np.uint64)).sum(dtype=np.uint64))


def _row(label: str, value) -> str:
    return f"{label:<16}{value}"


def run_info(res) -> str:
    """What ``learnrace info RUN.h5`` prints: the file's schema version and provenance, its points, the experiment's
    TOML and the headline table."""
    src = res._source
    version = ", ".join(str(v) for v in getattr(src, "version", ()))
    lines = [
        _row("file", res.path),
        _row("schema", f"learnrace-run version [{version}]"),
        _row("learnrace", f"{src.attrs.get('learnrace_version', '?')} (git {src.attrs.get('git_describe', '?')})"),
        _row("backend", res.backend),
        _row("seed", res.seed),
        _row("dyads/point", res.dyads_per_point),
        _row("periods", res.periods),
        _row("wall time", f"{res.seconds:.3f} s"),
        _row("points", res.n_points),
    ]
    lines += [f"  {i}  {name} ({kernel})" for i, (name, kernel) in enumerate(zip(res.point_names, res.kernels))]
    lines += ["", "config (TOML):"]
    lines += [f"  {line}" if line else "" for line in res.config_toml.splitlines()]
    lines += ["", "headline numbers:"]
    return "\n".join(lines) + "\n" + headline_text(res)


# The study outcomes `learnrace sweep` and `learnrace info STUDY.h5` summarise, and those whose indices they list.
STUDY_HEADLINES = ("share_censored", "share_race_won", "mean_duration", "mean_abs_asymmetry", "mean_power_shift")
STUDY_INDEXED = ("share_race_won", "mean_duration")


def study_text(result) -> str:
    """A study in a few lines: its outcomes' range over the points, and the largest indices of its analysis."""
    outcomes_ = result.outcomes
    names = [n for n in STUDY_HEADLINES if n in outcomes_.columns]
    width = max(len(n) for n in names) if names else 0
    lines = ["outcome ranges over the points (min / median / max):"]
    for name in names:
        y = outcomes_[name]
        lines.append(f"  {name:<{width}} {y.min():.4g} / {y.median():.4g} / {y.max():.4g}")
    analysis = result.analysis
    if analysis is not None:
        first = "ST" if "ST" in set(analysis["index"]) else "mu_star"
        top = analysis[(analysis["index"] == first) & analysis["outcome"].isin(STUDY_INDEXED)]
        lines.append(f"largest {first} (95% CI) of {' and '.join(STUDY_INDEXED)}:")
        for _, row in top.sort_values("estimate", ascending=False).groupby("outcome").head(3).iterrows():
            lines.append(
                f"  {row['outcome']:<14} {row['parameter']:<34} {row['estimate']:.3f} "
                f"[{row['ci_low']:.3f}, {row['ci_high']:.3f}]"
            )
    return "\n".join(lines)


def _values_text(values) -> str:
    shown = [str(v) for v in values]
    return ", ".join(shown if len(shown) <= 8 else [*shown[:3], "...", *shown[-2:]])


def study_info(result) -> str:
    """What ``learnrace info STUDY.h5`` prints: the file's provenance, the study's design (kind, settings, every
    parameter with its range or values), its size, and :func:`study_text`."""
    a = result.attrs
    d = result.design
    version = ".".join(str(v) for v in study_version())
    settings = [f"seed {d.seed}"]
    if d.n is not None:
        settings.insert(0, f"n {d.n}")
    if d.kind == "sobol":
        settings.append(f"second order {'yes' if d.second_order else 'no'}")
    if d.kind == "morris":
        settings.append(f"levels {d.levels}")
    if d.kind in ("sobol", "morris"):
        settings.append(f"{d.confidence:.0%} intervals from {d.resamples} resamples")
    lines = [
        _row("file", result.path),
        _row("schema", f"learnrace-study version [{version.replace('.', ', ')}]"),
        _row("learnrace", f"{a.get('learnrace_version', '?')} (git {a.get('git_describe', '?')})"),
        _row("backend", a.get("backend", "?")),
        _row("seed", a.get("seed", "?")),
        _row("size", f"{d.n_points} points x {a.get('dyads_per_point')} dyads x {a.get('periods')} periods"),
        _row("wall time", f"{float(a.get('seconds', float('nan'))):.3f} s"),
        _row("design", f"{d.kind} design of {len(d.parameters)} parameter(s): {', '.join(settings)}"),
    ]
    width = max((len(p.key) for p in d.parameters), default=0)
    for p in d.parameters:
        what = f"range [{p.low:g}, {p.high:g}]" if p.is_range else f"values {_values_text(p.values)}"
        lines.append(f"  {p.key:<{width}}  {what}")
    skipped = result.skipped
    if skipped:
        lines.append(f"outcomes left out of the analysis: {len(skipped)} (StudyResults.skipped says why)")
    return "\n".join(lines) + "\n\n" + study_text(result) + "\n"


def study_version():
    from .study_file import VERSION

    return VERSION
