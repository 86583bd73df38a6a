#!/usr/bin/env python3
"""Benchmark of the per-call cost of the CPU backend: one experiment run with different dyads per backend call
(``learnrace.run(chunk_dyads=...)``, ``learnrace run --chunk N``), the results the same for each (checked).

    python3 bench/chunk_bench.py [--dyads 4000] [--threads 2] [--rounds 5] [--chunks 0 1 16 256 4000] [--out FILE.md]

Each round runs every chunk size once, in turn (interleaved, so that the load of a shared machine falls on all of
them alike); the table gives the median wall time of each over the rounds and its ratio to the default (chunk 0:
learnrace.run's own choice, about 1% of the run per call). Writes bench/results/chunk-<machine>-<date>.md (or
--out); ``--label`` names the build measured in the file's title (e.g. "before", "after").
"""

from __future__ import annotations

import argparse
import datetime
import os
import statistics
import subprocess
import sys
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from study_bench import machine  # noqa: E402 - the benchmarks' one machine name


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dyads", type=int, default=4000)
    p.add_argument("--periods", type=int, default=100)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--chunks", type=int, nargs="+", default=[0, 1, 16, 256, 4000])
    p.add_argument("--label", default="")
    p.add_argument("--out", default=None)
    a = p.parse_args()

    import learnrace

    config = {"run": {"dyads": a.dyads, "periods": a.periods, "seed": 1}}
    reference = None
    times = {c: [] for c in a.chunks}
    for _ in range(a.rounds):
        for chunk in a.chunks:
            start = time.perf_counter()
            res = learnrace.run(config, backend="cpu", threads=a.threads, chunk_dyads=chunk or None, progress=False)
            times[chunk].append(time.perf_counter() - start)
            counts = [np.asarray(getattr(res, s)) for s in learnrace._core.section_names]
            if reference is None:
                reference = counts
            assert all(np.array_equal(x, y) for x, y in zip(counts, reference)), f"chunk {chunk}: other counts"
    default = statistics.median(times[a.chunks[0]])
    rows = [
        f"| {c or 'default'} | {statistics.median(times[c]):.3f} | {min(times[c]):.3f} | "
        f"{statistics.median(times[c]) / default:.2f} |"
        for c in a.chunks
    ]
    git = subprocess.run(["git", "-C", ROOT, "describe", "--always", "--dirty"], capture_output=True, text=True)
    today = datetime.date.today().isoformat()
    command = "python3 bench/chunk_bench.py " + " ".join(sys.argv[1:])
    text = "\n".join(
        [
            f"# Per-call cost of the CPU backend{': ' + a.label if a.label else ''}: {a.dyads:,} dyads x "
            f"{a.periods} periods, {a.threads} threads",
            "",
            f"Machine: {machine()} ({os.cpu_count()} cores), learnrace {learnrace._core.version} "
            f"({git.stdout.strip()}), {today}. Command: `{command}`. Median (and fastest) wall time of "
            f"{a.rounds} interleaved rounds; every chunk size gave the same counts.",
            "",
            "| chunk_dyads | median s | fastest s | median / default |",
            "| --- | --- | --- | --- |",
            *rows,
            "",
        ]
    )
    out = a.out or os.path.join(ROOT, "bench", "results", f"chunk-{machine()}-{today}.md")
    with open(out, "w") as f:
        f.write(text)
    print(text)
    print(f"written: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
