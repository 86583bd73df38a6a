"""Power curve of the proposition tests: verdict rate vs dyads per point (docs/statistics.md, "Power").

For each planted stakes coefficient beta_S of P8 (the other betas at their defaults) and each dyad count, runs the
propositional kernel with several seeds (every dyad's trajectory sampled), tests the full P1-P9/H1-H5 table (so the
Holm family is the real one) and records how often P8 and the weakest tendency clause, P1b, come out "supported".
The H1-H5 rows use the normal-theory SE here (bootstrap = 0): their p-values are far below every other one either
way, so the Holm family and the P8 / P1b verdicts do not change, and the curve runs several times faster.

usage: python bench/power_curve.py [--seeds 10] [--betas 0.1 0.2 0.3] [--dyads 250 500 ... 64000]
       [--extra-betas 1.0 --extra-dyads 200000] [--workers 2] [--out docs/power_curve]
Writes OUT.csv (one row per beta, dyads, clause) and OUT.png, and prints the markdown table of docs/statistics.md.
"""

from __future__ import annotations

import argparse
import os
import time
from multiprocessing import get_context

import pandas as pd

CLAUSES = ("P8", "P1b")
BETAS = (0.1, 0.2, 0.3)
DYADS = (250, 500, 1000, 2000, 4000, 8000, 16000, 32000, 64000)
EXTRA_BETAS = (1.0,)
EXTRA_DYADS = (200_000,)


def one_run(args) -> dict:
    """Verdicts of P8 and P1b for one (beta_S, dyads, seed)."""
    beta_s, dyads, seed = args
    import learnrace
    from learnrace import propositions

    config = {
        "run": {"dyads": dyads, "seed": seed},
        "output": {"trajectory_stride": 1, "trajectory_max": dyads},
        "kernel": {"propositional": {"P8": {"S": beta_s}}},
    }
    table = propositions.test(learnrace.run(config, backend="cpu", progress=False, threads=1), bootstrap=0)
    verdicts = dict(zip(table["clause"], table["verdict"]))
    return {"beta_S": beta_s, "dyads": dyads, "seed": seed, **{c: verdicts[c] for c in CLAUSES}}


def power(grid, seeds: int, workers: int) -> pd.DataFrame:
    """Share of ``seeds`` seeds with verdict "supported", per (beta_S, dyads) of ``grid`` and clause."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    jobs = [(b, d, s) for b, d in grid for s in range(1, seeds + 1)]
    jobs.sort(key=lambda j: -j[1])  # largest runs first: the pool ends evenly
    t0 = time.time()
    runs = []
    with get_context("spawn").Pool(workers) as pool:
        for i, r in enumerate(pool.imap_unordered(one_run, jobs), 1):
            runs.append(r)
            if i % max(1, len(jobs) // 10) == 0 or i == len(jobs):
                print(f"  power: {i}/{len(jobs)} runs [{time.time() - t0:.0f} s]", flush=True)
    df = pd.DataFrame(runs)
    rows = []
    for (b, d), g in df.groupby(["beta_S", "dyads"]):
        for c in CLAUSES:
            rows.append({"beta_S": b, "dyads": d, "clause": c, "seeds": len(g),
                         "supported_rate": float((g[c] == "supported").mean())})  # fmt: skip
    return pd.DataFrame(rows)


def table(df: pd.DataFrame) -> str:
    """Markdown: one row per dyad count, P8's rate per beta_S, and P1b's rate per run (P1b does not depend on
    beta_S, so each beta gives an independent replicate of it)."""
    betas = sorted(df["beta_S"].unique())
    head = "| dyads per point | " + " | ".join(f"P8, β_S = {b:g}" for b in betas) + " | P1b (one value per β_S) |"
    rule = "|---|" + "---|" * (len(betas) + 1)
    lines = [head, rule]
    for d in sorted(df["dyads"].unique()):
        here = df[df["dyads"] == d]
        p8 = here[here["clause"] == "P8"].set_index("beta_S")["supported_rate"]
        p1b = here[here["clause"] == "P1b"].sort_values("beta_S")["supported_rate"]
        cells = [f"{p8[b]:.1f}" if b in p8.index else "" for b in betas]
        lines.append(f"| {d} | " + " | ".join(cells) + " | " + ", ".join(f"{v:.1f}" for v in p1b) + " |")
    return "\n".join(lines)


def plot(df: pd.DataFrame, out: str, seeds: int) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 4))
    for (beta, clause), g in df.groupby(["beta_S", "clause"]):
        if clause == "P1b" and beta != df["beta_S"].min():
            continue  # P1b does not depend on beta_S: one curve
        label = "P1b" if clause == "P1b" else f"P8, beta_S = {beta:g}"
        ax.plot(g["dyads"], g["supported_rate"], marker="o", label=label)
    ax.set_xscale("log")
    ax.set_xlabel("dyads per point (every trajectory sampled)")
    ax.set_ylabel(f"share of {seeds} seeds 'supported'")
    ax.set_ylim(-0.03, 1.03)
    ax.set_title("Power of the proposition tests (propositional kernel, alpha = 0.01, Holm)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out + ".png", dpi=120)


def run(seeds=10, betas=BETAS, dyads=DYADS, extra_betas=EXTRA_BETAS, extra_dyads=EXTRA_DYADS, workers=2,
        out="docs/power_curve") -> pd.DataFrame:  # fmt: skip
    grid = [(b, d) for b in betas for d in dyads] + [(b, d) for b in extra_betas for d in extra_dyads]
    df = power(grid, seeds, workers)
    if out:
        df.to_csv(out + ".csv", index=False)
        plot(df[df["beta_S"].isin(betas)], out, seeds)
    return df


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--betas", type=float, nargs="+", default=list(BETAS))
    ap.add_argument("--dyads", type=int, nargs="+", default=list(DYADS))
    ap.add_argument("--extra-betas", type=float, nargs="*", default=list(EXTRA_BETAS))
    ap.add_argument("--extra-dyads", type=int, nargs="*", default=list(EXTRA_DYADS))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default="docs/power_curve")
    a = ap.parse_args()
    df = run(a.seeds, a.betas, a.dyads, a.extra_betas, a.extra_dyads, a.workers, a.out)
    print(table(df))


if __name__ == "__main__":
    main()
