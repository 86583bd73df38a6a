#!/usr/bin/env python3
"""Coverage of the period shares' intervals (learnrace.outcomes, ``period_share_*``): dyad-clustered against the
old Wilson interval that counted dyad-periods as independent.

usage: python bench/period_share_coverage.py [--replicates 400] [--dyads 2000] [--truth-dyads 1000000]
                                              [--kernels propositional,strategic] [--write docs/statistics.md]

For each kernel: one run of ``--replicates`` identical points of ``--dyads`` dyads (the default model, 100 periods;
without common random numbers every point has its own Philox key, so the points are independent replicates), with
``--sampled`` dyads per point in the trajectories (the sample the clustered variance is estimated from); and one run
of ``--truth-dyads`` dyads whose share stands for the truth. Per Larsson state: the share of replicates whose 95%
interval holds the truth, for the dyad-clustered interval (the registry's) and for the Wilson interval of the
dyad-periods (the one before), each with its exact (Clopper-Pearson) 95% interval. ``--write`` puts the table into the
page between ``<!-- generated: period-shares -->`` and ``<!-- end: period-shares -->``.
"""

from __future__ import annotations

import argparse
import datetime
import sys
import time

import doc_tables  # bench/doc_tables.py: the script's directory is on sys.path
import numpy as np
import pandas as pd
from scipy import stats

import learnrace
from learnrace import outcomes
from learnrace.sensitivity import share_ci


def clopper_pearson(k: int, n: int) -> tuple:
    lo = stats.beta.ppf(0.025, k, n - k + 1) if k > 0 else 0.0
    hi = stats.beta.ppf(0.975, k + 1, n - k) if k < n else 1.0
    return lo, hi


def run_kernel(kernel: str, sampled: int, args, truth_cache: dict) -> pd.DataFrame:
    base = {
        "run": {"dyads": args.dyads, "periods": 100, "seed": args.seed},
        "kernel": {"type": kernel},
        "output": {"trajectory_stride": max(1, args.dyads // sampled), "trajectory_max": sampled},
    }
    points = [{"name": f"r{i:04d}"} for i in range(args.replicates)]
    res = learnrace.run({**base, "points": points}, backend="cpu", progress=False)
    if kernel not in truth_cache:
        truth_cfg = {**base, "run": {**base["run"], "dyads": args.truth_dyads, "seed": args.seed + 1}}
        truth_cfg["output"] = {"trajectory_max": 0}
        truth_cache[kernel] = outcomes.compute(learnrace.run(truth_cfg, backend="cpu", progress=False))
    values, true_values = outcomes.compute(res), truth_cache[kernel]
    rows = []
    for j, name in enumerate(outcomes.REGISTRY.names):
        o = outcomes.REGISTRY[name]
        if o.kind != "period_share":
            continue
        p_true = true_values.estimate[0, j]
        est, sd, n = values.estimate[:, j], values.sd[:, j], values.n[:, j].astype(np.float64)
        half = 1.959963984540054 * sd / np.sqrt(n)
        given = np.isfinite(half)
        clustered = ((np.clip(est - half, 0, 1) <= p_true) & (p_true <= np.clip(est + half, 0, 1)))[given]
        # the interval before: Wilson on the dyad-periods, as if they were independent
        occ = res.occupancy.astype(np.float64)
        periods = occ.sum(axis=(1, 2))
        lo, hi = share_ci(np.round(est * periods), periods, 0.95, "wilson")
        wilson = (lo <= p_true) & (p_true <= hi)
        k_c, r_c, k_w, r = int(clustered.sum()), int(given.sum()), int(wilson.sum()), len(est)
        rows.append(
            {
                "kernel": kernel,
                "sampled": sampled,
                "state": name[len("period_share_") :].replace("_", " "),
                "true share": p_true,
                "with an interval": r_c / r,
                "dyad-clustered": k_c / r_c if r_c else float("nan"),
                "(95% CI)": "[{:.3f}, {:.3f}]".format(*clopper_pearson(k_c, r_c)) if r_c else "",
                "Wilson on dyad-periods": k_w / r,
                "(95% CI) ": "[{:.3f}, {:.3f}]".format(*clopper_pearson(k_w, r)),
                "width ratio": float(np.nanmedian(2 * half / (hi - lo))),
            }
        )
    return pd.DataFrame(rows)


def markdown(df: pd.DataFrame) -> str:
    head = "| " + " | ".join(df.columns) + " |"
    rule = "|" + "|".join("---:" if pd.api.types.is_numeric_dtype(df[c]) else ":---" for c in df.columns) + "|"
    lines = [head, rule]
    for _, r in df.iterrows():
        cells = []
        for c in df.columns:
            v = r[c]
            cells.append(f"{v:.3f}" if isinstance(v, float) else str(v))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--replicates", type=int, default=400)
    ap.add_argument("--dyads", type=int, default=2000)
    ap.add_argument("--sampled", default="100,200,1000", help="sampled dyads per replicate (trajectories), a list")
    ap.add_argument("--truth-dyads", type=int, default=1_000_000)
    ap.add_argument("--kernels", default="propositional,strategic")
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--write", help="docs page to write the table into (between the period-shares markers)")
    args = ap.parse_args()
    start = time.monotonic()
    truth: dict = {}
    table = pd.concat(
        [run_kernel(k, int(s), args, truth) for k in args.kernels.split(",") for s in args.sampled.split(",")],
        ignore_index=True,
    )
    seconds = time.monotonic() - start
    command = "python bench/period_share_coverage.py " + " ".join(sys.argv[1:])
    text = (
        f"Generated by `{command.strip()}` ({datetime.date.today().isoformat()}, {seconds:.0f} s): "
        f"{args.replicates} independent replicates of {args.dyads} dyads x 100 periods per kernel (default model), "
        f"with {args.sampled} sampled dyads each (the trajectories the clustered variance is estimated from); the "
        f"truth from one run of {args.truth_dyads} dyads. *with an interval*: the share of replicates that have one "
        f"(at least {outcomes.MIN_CLUSTERS} sampled dyads, {outcomes.MIN_VISITS} of them ever in the state); "
        "*dyad-clustered*: of those, the share whose 95% interval holds the truth (nominal 0.95), with its exact 95% "
        "interval; *Wilson on dyad-periods*: the same for the interval before (every dyad-period counted as "
        "independent); *width ratio*: the median of the clustered interval's width over the Wilson one's.\n\n"
        + markdown(table)
        + "\n"
    )
    print(text)
    if args.write:
        doc_tables.write_section(args.write, "period-shares", text, command.strip())
    return 0


if __name__ == "__main__":
    sys.exit(main())
