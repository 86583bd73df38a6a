"""Power curve of the proposition tests: verdict rate vs dyads per point (docs/statistics.md, "Power").

For each planted stakes coefficient beta_S of P8 (the other betas at their defaults) and each dyad count, runs the
propositional kernel with several seeds (every dyad's trajectory sampled), tests the full P1-P9/H1-H5 table (so the
Holm family is the real one) and records how often P8 and the weakest tendency clause, P1b, come out "supported".

usage: python bench/power_curve.py [--seeds 10] [--dyads 500 1000 2000 4000 8000 16000] [--out docs/power_curve]
Writes OUT.csv (one row per beta, dyads, clause) and OUT.png.
"""

from __future__ import annotations

import argparse
import time

import pandas as pd

import learnrace
from learnrace import propositions

CLAUSES = ("P8", "P1b")


def verdict_rates(beta_s: float, dyads: int, seeds: int) -> list[dict]:
    hits = {c: 0 for c in CLAUSES}
    for seed in range(1, seeds + 1):
        config = {
            "run": {"dyads": dyads, "seed": seed},
            "output": {"trajectory_stride": 1, "trajectory_max": dyads},
            "kernel": {"propositional": {"P8": {"S": beta_s}}},
        }
        table = propositions.test(learnrace.run(config, backend="cpu", progress=False))
        verdicts = dict(zip(table["clause"], table["verdict"]))
        for c in CLAUSES:
            hits[c] += verdicts[c] == "supported"
    return [
        {"beta_S": beta_s, "dyads": dyads, "clause": c, "seeds": seeds, "supported_rate": hits[c] / seeds}
        for c in CLAUSES
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--dyads", type=int, nargs="+", default=[500, 1000, 2000, 4000, 8000, 16000])
    ap.add_argument("--betas", type=float, nargs="+", default=[0.5, 1.0])
    ap.add_argument("--out", default="docs/power_curve")
    args = ap.parse_args()
    rows = []
    t0 = time.time()
    for beta in args.betas:
        for dyads in args.dyads:
            rows += verdict_rates(beta, dyads, args.seeds)
            print(f"beta_S={beta} dyads={dyads}: {rows[-2]['supported_rate']:.2f} (P8), "
                  f"{rows[-1]['supported_rate']:.2f} (P1b)  [{time.time() - t0:.0f} s]", flush=True)  # fmt: skip
    df = pd.DataFrame(rows)
    df.to_csv(args.out + ".csv", index=False)

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.5, 4))
    for (beta, clause), g in df.groupby(["beta_S", "clause"]):
        ax.plot(g["dyads"], g["supported_rate"], marker="o", label=f"{clause}, beta_S(P8) = {beta:g}")
    ax.set_xscale("log")
    ax.set_xlabel("dyads per point (every trajectory sampled)")
    ax.set_ylabel(f"share of {args.seeds} seeds 'supported'")
    ax.set_ylim(-0.03, 1.03)
    ax.set_title("Power of the proposition tests (propositional kernel, alpha = 0.01, Holm)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(args.out + ".png", dpi=120)


if __name__ == "__main__":
    main()
