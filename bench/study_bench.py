#!/usr/bin/env python3
"""Benchmark of a study at the issue's size: a Saltelli design of the six parameters of experiments/study_sobol.toml
at N = 1024 with second-order indices (N (2k + 2) = 14,336 points) x 10,000 dyads x 100 periods, run by
learnrace.study (blocks, per-point outcomes, checkpoints, the study file and the Sobol' analysis).

    python3 bench/study_bench.py [--backend cpu|cuda] [--n 1024] [--fraction F] [--dyads 10000] [--out FILE.md]

``--fraction F`` runs the first F of the design's points and extrapolates: the design is the Saltelli design of
N * F base samples, which is exactly the first N * F * (2k + 2) points of the N design (a scrambled Sobol'
sequence is drawn in order; checked below). Also measures the single-experiment rate of the same backend (one point,
as many dyads as the study's subset) and reports the fraction of it that the study reaches, in dyad-periods lived
per second. Peak memory is this process's maximum resident set (the engine runs in it). Writes
bench/results/study-<machine>-<date>.md (or --out).
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import re
import resource
import sys
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def machine() -> str:
    name = platform.processor() or "cpu"
    try:
        with open("/proc/cpuinfo") as f:
            name = next(line.split(":", 1)[1] for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    slug = re.sub(r"[^A-Za-z0-9]+", "-", name).strip("-")
    return f"{slug}-{os.cpu_count()}cpu"


def lived(values, dyads: int) -> float:
    """Dyad-periods lived by a study: per point the mean duration (mean_duration) x its dyads."""
    from learnrace import outcomes

    j = outcomes.NAMES.index("mean_duration")
    return float(np.sum(values.estimate[:, j] * values.n[:, j]))


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--backend", default="cpu", choices=("cpu", "cuda"))
    p.add_argument("--n", type=int, default=1024, help="Saltelli base samples N of the full design")
    p.add_argument("--fraction", type=float, default=1.0, help="run the first F of the points (N * F base samples)")
    p.add_argument("--dyads", type=int, default=10_000)
    p.add_argument("--periods", type=int, default=100)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--block", type=int, default=None)
    p.add_argument("--out", default=None)
    args = p.parse_args()

    import learnrace
    from learnrace import design

    study = design.load_study(os.path.join(ROOT, "experiments", "study_sobol.toml"))
    ranges = {q.key: {"low": q.low, "high": q.high} for q in study.design.parameters}
    k = len(ranges)
    full_points = args.n * (2 * k + 2)
    n_run = max(1, int(round(args.n * args.fraction)))
    d = design.make(ranges, kind="sobol", n=n_run, second_order=True, seed=1, resamples=100)
    if n_run < args.n:  # the subset is the first points of the full design
        full = design.make(ranges, kind="sobol", n=args.n, second_order=True, seed=1)
        same = np.allclose(full.points.iloc[: d.n_points][d.keys].to_numpy(), d.points[d.keys].to_numpy())
        if not same:
            print("warning: the N * F design is not the first points of the N design", file=sys.stderr)
    base = {**study.base, "run": {**study.base["run"], "dyads": args.dyads, "periods": args.periods}}

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "study.h5")
        t0 = time.monotonic()
        s = learnrace.study(base, out, design=d, backend=args.backend, threads=args.threads, block=args.block)
        wall = time.monotonic() - t0
        size = os.path.getsize(out)
    rss_study = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    study_lived = lived(s.values, args.dyads)

    # single experiment: the default point of the base, as many dyads as the study's subset (at most 2e7 on the CPU)
    single_dyads = min(d.n_points * args.dyads, 20_000_000 if args.backend == "cpu" else 400_000_000)
    single_dyads = max(single_dyads, 100_000)
    t0 = time.monotonic()
    res = learnrace.run(base, backend=args.backend, threads=args.threads or None, dyads=single_dyads, progress=False)
    single_wall = time.monotonic() - t0
    single_lived = float(res.transitions.sum())  # every live dyad-period is one transition count
    rate_study, rate_single = study_lived / wall, single_lived / single_wall

    scale = full_points / d.n_points
    date = datetime.date.today().isoformat()
    lines = [
        f"# Study benchmark: Saltelli N = {args.n}, k = {k} (second order): {full_points:,} points x "
        f"{args.dyads:,} dyads x {args.periods} periods, {args.backend}",
        "",
        f"Machine: {machine()} ({os.cpu_count()} cores), learnrace {learnrace._core.version} "
        f"({learnrace._core.git_describe}), {date}. Command: `python3 bench/study_bench.py --backend {args.backend} "
        f"--n {args.n} --fraction {args.fraction} --dyads {args.dyads} --periods {args.periods}`.",
        "",
        "| quantity | value |",
        "| --- | --- |",
        f"| points run | {d.n_points:,} of {full_points:,} ({100 * d.n_points / full_points:.3g}%: the first "
        f"{n_run} of {args.n} base samples) |",
        f"| wall time of those points (study: runs, outcomes, checkpoints, analysis, file) | {wall:.1f} s |",
        f"| points per second | {d.n_points / wall:.3g} |",
        f"| dyad-periods lived per second, study | {rate_study:.3g} |",
        f"| dyad-periods lived per second, one experiment of {single_dyads:,} dyads | {rate_single:.3g} |",
        f"| study rate / single-experiment rate | {rate_study / rate_single:.2f} |",
        f"| peak memory (max RSS of the process) | {rss_study / 2**20:.0f} MiB |",
        f"| study file | {size / 2**20:.2f} MiB ({size / d.n_points:.0f} bytes per point) |",
    ]
    if scale > 1:
        lines.append(
            f"| **extrapolated to all {full_points:,} points** (x {scale:.3g}) | **{wall * scale / 3600:.2f} h**, "
            f"file about {size * scale / 2**20:.0f} MiB |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    path = args.out or os.path.join(ROOT, "bench", "results", f"study-{machine()}-{date}.md")
    with open(path, "w") as f:
        f.write(text)
    print(f"wrote {path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
