"""Power curve of the proposition tests: verdict rate vs dyads per point (docs/statistics.md, "Power").

Runs the propositional kernel (every dyad's trajectory sampled) with several seeds per size, tests the full
P1-P9/H1-H5 table (so the Holm family is the real one) and records the verdicts of P8 and of the tendency clauses
that have a neutral reference (P1a, P2a, P2b, P5; P1b and P3b are untestable by design, docs/statistics.md,
"Estimands"). Two grids:

* P8 with a planted stakes coefficient beta_S of 0.2 and 0.3 (the other betas at their defaults) at small sizes,
  where P8's power changes;
* the default setting (beta_S = 1) at the sizes where the tendency lifts become testable in the low regime (their
  neutral references need 5 predicted moves).

The tendency clauses do not depend on beta_S, so every run of a size counts for them. The H1-H5 rows use the
normal-theory SE here (bootstrap = 0): their p-values are far below every other one either way, so the Holm family
does not change, and the curve runs several times faster.

usage: python bench/power_curve.py [--seeds 10] [--betas 0.2 0.3] [--dyads 500 ... 8000]
       [--large-seeds 5] [--large-dyads 16000 32000 64000] [--workers 2] [--out docs/power_curve]
Writes OUT.csv (one row per run and clause) and OUT.png, and prints the markdown table of docs/statistics.md.
"""

from __future__ import annotations

import argparse
import os
import time
from multiprocessing import get_context

import pandas as pd
from scipy import stats

CLAUSES = ("P8", "P1a", "P2a", "P2b", "P5")
TENDENCIES = ("P1a", "P2a", "P2b", "P5")
BETAS = (0.2, 0.3)
DYADS = (500, 1000, 2000, 4000, 8000)
DEFAULT_BETA = 1.0  # the model default of every named beta (docs/model.md section 11)
LARGE_DYADS = (16000, 32000, 64000)


def one_run(args) -> list:
    """Verdicts of CLAUSES for one (beta_S, dyads, seed)."""
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
    return [{"beta_S": beta_s, "dyads": dyads, "seed": seed, "clause": c, "verdict": verdicts[c]} for c in CLAUSES]


def power(jobs, workers: int) -> pd.DataFrame:
    """One row per (run, clause) with its verdict."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    jobs = sorted(jobs, key=lambda j: -j[1])  # largest runs first: the pool ends evenly
    t0 = time.time()
    rows = []
    with get_context("spawn").Pool(workers) as pool:
        for i, r in enumerate(pool.imap_unordered(one_run, jobs), 1):
            rows += r
            if i % max(1, len(jobs) // 10) == 0 or i == len(jobs):
                print(f"  power: {i}/{len(jobs)} runs [{time.time() - t0:.0f} s]", flush=True)
    return pd.DataFrame(rows)


def _share(v: pd.Series) -> str:
    """'k/n' supported with the exact 95% (Clopper-Pearson) interval of the share."""
    k, n = int((v == "supported").sum()), len(v)
    if n == 0:
        return ""
    ci = stats.binomtest(k, n).proportion_ci(0.95, method="exact")
    return f"{k}/{n} [{ci.low:.2f}, {ci.high:.2f}]"


def table(df: pd.DataFrame) -> str:
    """Markdown: one row per dyad count; P8's supported share per beta_S, and each tendency's share over every run
    of that size (they do not depend on beta_S)."""
    from mdtable import markdown

    betas = sorted(df["beta_S"].unique())
    rows = []
    for d in sorted(df["dyads"].unique()):
        here = df[df["dyads"] == d]
        row = {"dyads per point": d}
        for b in betas:
            g = here[(here["clause"] == "P8") & (here["beta_S"] == b)]
            row[f"P8, β_S = {b:g}"] = _share(g["verdict"])
        for c in TENDENCIES:
            g = here[here["clause"] == c]
            row[c] = _share(g["verdict"])
            if (g["verdict"] == "untestable").any():
                row[c] += f" ({int((g['verdict'] == 'untestable').sum())} untestable)"
        rows.append(row)
    return markdown(pd.DataFrame(rows))


def plot(df: pd.DataFrame, out: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 4))
    curves = [(f"P8, beta_S = {b:g}", df[(df["clause"] == "P8") & (df["beta_S"] == b)], "-") for b in
              sorted(df["beta_S"].unique())]  # fmt: skip
    curves += [(f"{c} (any beta_S)", df[df["clause"] == c], "--") for c in TENDENCIES]
    # Curves that coincide (P1a and P2a; P8 at beta_S = 1 and P5) stay visible: markers of falling size.
    for i, (label, g, style) in enumerate(curves):
        s = g.groupby("dyads")["verdict"].apply(lambda v: (v == "supported").mean())
        ax.plot(s.index, s.values, marker="os^vDP<"[i % 7], markersize=9 - i, linestyle=style, label=label)
    ax.set_xscale("log")
    ax.set_xlabel("dyads per point (every trajectory sampled)")
    ax.set_ylabel("share of seeds 'supported'")
    ax.set_ylim(-0.03, 1.03)
    ax.set_title("Power of the proposition tests (propositional kernel, alpha = 0.01, Holm)", fontsize=10)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out + ".png", dpi=120)


def run(seeds=10, betas=BETAS, dyads=DYADS, large_seeds=5, large_dyads=LARGE_DYADS, workers=2,
        out="docs/power_curve") -> pd.DataFrame:  # fmt: skip
    jobs = [(b, d, s) for b in betas for d in dyads for s in range(1, seeds + 1)]
    jobs += [(DEFAULT_BETA, d, s) for d in large_dyads for s in range(1, large_seeds + 1)]
    df = power(jobs, workers)
    if out:
        df.to_csv(out + ".csv", index=False)
        plot(df, out)
    return df


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--betas", type=float, nargs="+", default=list(BETAS))
    ap.add_argument("--dyads", type=int, nargs="+", default=list(DYADS))
    ap.add_argument("--large-seeds", type=int, default=5)
    ap.add_argument("--large-dyads", type=int, nargs="*", default=list(LARGE_DYADS))
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--out", default="docs/power_curve")
    a = ap.parse_args()
    df = run(a.seeds, a.betas, a.dyads, a.large_seeds, a.large_dyads, a.workers, a.out)
    print(table(df))


if __name__ == "__main__":
    main()
