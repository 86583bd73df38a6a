#!/usr/bin/env python3
"""Points-scaling benchmark of the engine as a batched simulator for inference (docs/inference.md, "Cost").

Runs POINTS parameter points x DYADS dyads (default 100,000 x 1,000) drawn from the prior of
experiments/inference/validation.toml through learnrace.inference.Simulator (blocks of points, one one-thread engine
call per core at once, the count arrays reduced to the summary statistics per block), and, interleaved with it in
each round, one experiment of SINGLE dyads at the default point with the same output settings. Reports both rates in
dyad-periods lived per second (every period an alliance was alive: the work the engine did) and their ratio.

    python3 bench/infer_bench.py [--points 100000] [--fraction F] [--dyads 1000] [--rounds 3] [--backend cpu|cuda]
                                 [--threads K] [--out FILE.md]

``--fraction F`` runs the first F of the points in each round (the full design's rate is the subset's: every block
is alike) and extrapolates the time. Writes bench/results/infer-<machine>-<date>.md and the table of
docs/inference.md ("The engine as a batched simulator"), or only --out.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import resource
import statistics
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))

from study_bench import machine  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--points", type=int, default=100_000)
    p.add_argument("--fraction", type=float, default=1.0)
    p.add_argument("--dyads", type=int, default=1000)
    p.add_argument("--single", type=int, default=1 << 21, help="dyads of the single experiment")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--backend", default="cpu", choices=("cpu", "cuda"))
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--out", default=None)
    args = p.parse_args()

    import learnrace
    from learnrace._arguments import check_run_arguments
    from learnrace.api import run_checked
    from learnrace.inference import config, simulator

    setup = config.load(os.path.join(ROOT, "experiments", "inference", "validation.toml"), require_data=False)
    base, prior, stats = setup["base"], setup["prior"], setup["statistics"]
    n = max(1, int(round(args.points * args.fraction)))
    theta = learnrace.inference.Prior(prior).sample(n, np.random.default_rng(1))
    single_config = {**base, "output": {**base.get("output", {}), **simulator.LEAN_OUTPUT}}

    rows = []
    for r in range(args.rounds):
        # single experiment: the engine's own threads over one point's dyads, learnrace sweep's chunking
        options = check_run_arguments(args.backend, args.single, 1, False, args.threads or None, None)
        options["chunk_dyads"] = 262144
        t0, c0 = time.perf_counter(), time.process_time()
        res = run_checked(single_config, options, None)
        single_wall, single_cpu = time.perf_counter() - t0, time.process_time() - c0
        single_lived = float(res.occupancy.sum())
        del res
        # the batched simulator
        with learnrace.inference.Simulator(
            base, prior, stats, args.dyads, seed=1 + r, backend=args.backend, threads=args.threads or None
        ) as sim:
            t0, c0 = time.perf_counter(), time.process_time()
            sim(theta)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            lived, block, workers = float(sim.dyad_periods), sim.block, sim.workers
        rows.append(
            {
                "round": r + 1,
                "single_rate": single_lived / single_wall,
                "single_cpu_rate": single_lived / single_cpu,
                "points_rate": lived / wall,
                "points_cpu_rate": lived / cpu,
                "points_wall": wall,
                "points_per_second": n / wall,
                "lived_per_dyad": lived / (n * args.dyads),
            }
        )
        print(rows[-1], file=sys.stderr)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    med = {k: statistics.median(row[k] for row in rows) for k in rows[0] if k != "round"}
    ratios = [row["points_rate"] / row["single_rate"] for row in rows]
    date = datetime.date.today().isoformat()
    command = (
        f"python3 bench/infer_bench.py --points {args.points} --fraction {args.fraction} --dyads {args.dyads} "
        f"--rounds {args.rounds} --backend {args.backend}" + (f" --threads {args.threads}" if args.threads else "")
    )
    lines = [
        f"# Inference simulator benchmark: {args.points:,} points x {args.dyads:,} dyads x "
        f"{setup['base']['run']['periods']} periods, {args.backend}",
        "",
        f"Machine: {machine()} ({os.cpu_count()} cores), learnrace {learnrace._core.version} "
        f"({learnrace._core.git_describe}), {date}. Command: `{command}`.",
        "",
        f"Points: the first {n:,} of {args.points:,} draws from the prior of experiments/inference/validation.toml "
        f"({len(theta[0])} keys), statistics as there; blocks of {block} points, {workers} engine call(s) at once. "
        f"Single experiment: {args.single:,} dyads at the default point, the same output settings. Rates in "
        "dyad-periods lived per second (wall) and per CPU-second of the process; median of the rounds, each round "
        "running both.",
        "",
        "| quantity | value |",
        "| --- | --- |",
        f"| points run per round | {n:,} of {args.points:,} ({100 * n / args.points:.3g}%) |",
        f"| wall time of those points (median) | {med['points_wall']:.1f} s |",
        f"| points per second | {med['points_per_second']:.4g} |",
        f"| periods lived per dyad (mean over the points) | {med['lived_per_dyad']:.1f} |",
        f"| dyad-periods lived per second, batched points | {med['points_rate']:.3g} |",
        f"| dyad-periods lived per second, one experiment | {med['single_rate']:.3g} |",
        f"| **batched / single-experiment rate** (median of the rounds' ratios) | **{statistics.median(ratios):.2f}** "
        f"(rounds: {', '.join(f'{x:.2f}' for x in ratios)}) |",
        f"| per CPU-second: batched / single | {med['points_cpu_rate'] / med['single_cpu_rate']:.2f} "
        f"({med['points_cpu_rate']:.3g} / {med['single_cpu_rate']:.3g}) |",
        f"| peak memory (max RSS of the process) | {rss / 2**20:.0f} MiB |",
    ]
    if n < args.points:
        lines.append(
            f"| **extrapolated to all {args.points:,} points** | **{med['points_wall'] * args.points / n / 60:.1f} "
            "min** |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    path = args.out or os.path.join(ROOT, "bench", "results", f"infer-{machine()}-{date}.md")
    with open(path, "w") as f:
        f.write(text)
    print(f"wrote {path}", file=sys.stderr)
    if args.out is None:  # the table of docs/inference.md ("The engine as a batched simulator")
        doc = os.path.join(ROOT, "docs", "inference.md")
        table = "\n".join(lines[lines.index("| quantity | value |") :])
        body = f"`{command}` (bench/results/{os.path.basename(path)})\n\n{table}\n"
        with open(doc, encoding="utf-8") as f:
            old = f.read()
        new = re.sub(
            r"(<!-- bench:infer -->\n).*?(<!-- /bench:infer -->)",
            lambda m: m.group(1) + body + m.group(2),
            old,
            flags=re.S,
        )
        with open(doc, "w", encoding="utf-8") as f:
            f.write(new)
    return 0


if __name__ == "__main__":
    sys.exit(main())
