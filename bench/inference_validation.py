#!/usr/bin/env python3
"""Validation of learnrace.infer (docs/inference.md): parameter recovery, simulation-based calibration and cost, for
every method, on the set-up of experiments/inference/validation.toml. Rewrites the tables between the markers
``<!-- validation:NAME -->`` and ``<!-- /validation:NAME -->`` of docs/inference.md and the figures
docs/inference_recovery.png and docs/inference_sbc.png, so every number there comes from one command:

    python3 bench/inference_validation.py [--datasets 100] [--methods rejection,abc-smc,npe] [--dyads 200]

- recovery: one synthetic data set of ``--dyads`` alliances simulated at the keys' defaults, fitted by each method
  (rejection and NPE with the SBC's reference table and network: they amortise);
- SBC: ``--datasets`` synthetic data sets at prior draws; ranks of the truth among 100 posterior draws, and the
  coverage of the central 50% and 90% intervals against the binomial range a calibrated method falls in;
- cost: simulations, dyad-periods and wall time per posterior.

NPE needs sbi and torch (``pip install ".[infer-npe]"``); without them its rows say so.
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import sys
import time

import numpy as np
import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "bench"))

from mdtable import markdown  # noqa: E402
from study_bench import machine  # noqa: E402

DOC = os.path.join(ROOT, "docs", "inference.md")
TRUTH = {  # model v2's defaults (v3's termination.hazard is 0.008; 0.005 stays a truth inside the prior)
    "flows.lambda": 0.1,
    "termination.hazard": 0.005,
    "termination.exit_knowledge": 0.8,
    "kernel.propositional.barrier.b0": -3.5,
}
SETTINGS = {  # per method: the budget (reference table, ABC-SMC's per fit, NPE's training set) and options
    "rejection": {"simulations": 20_000, "options": {}},
    "abc-smc": {"simulations": 2_000, "options": {"population": 100, "generations": 4}},
    "npe": {"simulations": 10_000, "options": {}},
}
DRAWS = 100


def replace_block(text: str, name: str, body: str) -> str:
    pattern = re.compile(rf"(<!-- validation:{name} -->\n).*?(<!-- /validation:{name} -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"docs/inference.md has no markers for {name!r}")
    return pattern.sub(lambda m: m.group(1) + body.rstrip() + "\n" + m.group(2), text)


def available(method: str) -> bool:
    try:
        if method == "npe":
            import sbi  # noqa: F401
            import torch  # noqa: F401
        if method == "abc-smc":
            import pyabc  # noqa: F401
    except ImportError:
        return False
    return True


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--datasets", type=int, default=100)
    p.add_argument("--methods", default="rejection,abc-smc,npe")
    p.add_argument("--dyads", type=int, default=200)
    p.add_argument("--threads", type=int, default=0)
    p.add_argument("--scale", type=float, default=1.0, help="multiply every simulation budget (a quick check: 0.05)")
    args = p.parse_args()
    for s in SETTINGS.values():
        s["simulations"] = max(400, int(s["simulations"] * args.scale))
    command = (
        "python3 bench/inference_validation.py"
        + (f" --datasets {args.datasets}" if args.datasets != 100 else "")
        + (f" --scale {args.scale}" if args.scale != 1 else "")
    )

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    import learnrace
    from learnrace import inference
    from learnrace.inference import calibration, config, rejection
    from learnrace.inference.posterior import weighted_quantile

    setup = config.load(os.path.join(ROOT, "experiments", "inference", "validation.toml"), require_data=False)
    base, prior_spec, stats = setup["base"], setup["prior"], setup["statistics"]
    prior = inference.Prior(prior_spec)
    methods = [m for m in args.methods.split(",") if m]
    threads = args.threads or None
    stamp = (
        f"learnrace {learnrace._core.version} ({learnrace._core.git_describe}), {machine()}, {datetime.date.today()}"
    )

    # ---------------------------------------------------------------------------------------------- SBC
    coverage, ranks_tables, rank_frames, cost_rows, amortised = [], [], {}, [], {}
    for method in methods:
        if not available(method):
            continue
        s = SETTINGS[method]
        t0 = time.monotonic()
        with inference.Simulator(base, prior, stats, args.dyads, seed=11, threads=threads) as sim:
            result = calibration.run(
                sim, method, datasets=args.datasets, simulations=s["simulations"], draws=DRAWS, seed=3, **s["options"]
            )
        c = result["cost"]
        amortised[method] = result
        rank_frames[method] = result["ranks"]
        coverage.append(calibration.coverage_table(result["ranks"], method))
        ranks_tables.append(calibration.rank_table(result["ranks"], DRAWS, method))
        cost_rows.append(
            {
                "method": method,
                "fit": f"SBC: {args.datasets} data sets"
                + (" (amortised: one reference table or network)" if c["amortised"] else ""),
                "simulations": c["fitting_simulations"],
                "dyad-periods": c["fitting_dyad_periods"],
                "wall time (s)": time.monotonic() - t0,
            }
        )
        print(f"{method}: SBC done in {time.monotonic() - t0:.0f} s", file=sys.stderr)
    cov = pd.concat(coverage, ignore_index=True) if coverage else pd.DataFrame()
    rk = pd.concat(ranks_tables, ignore_index=True) if ranks_tables else pd.DataFrame()
    if rank_frames:
        fig, axes = plt.subplots(
            len(rank_frames), len(TRUTH), figsize=(3.2 * len(TRUTH), 2.1 * len(rank_frames)), squeeze=False
        )
        for i, (method, frame) in enumerate(rank_frames.items()):
            for j, key in enumerate(TRUTH):
                ax = axes[i, j]
                r = frame.loc[frame["key"] == key, "rank"]
                ax.hist(r, bins=10, range=(0, DRAWS + 1), color="C0")
                n = len(r)
                lo, hi = calibration.binomial_range(n, 0.1, 0.99)
                ax.axhspan(lo * n, hi * n, color="0.85", zorder=0)
                ax.axhline(n / 10, color="0.4", lw=1)
                ax.set_yticks([])
                ax.tick_params(labelsize=7)
                if i == len(rank_frames) - 1:
                    ax.set_xlabel(f"rank of {key}", fontsize=8)
                if j == 0:
                    ax.set_ylabel(method, fontsize=9)
        fig.suptitle(
            f"SBC rank histograms ({args.datasets} data sets, ranks among {DRAWS} draws); grey: 99% range of a bin "
            "under uniform ranks",
            fontsize=9,
        )
        fig.tight_layout()
        fig.savefig(os.path.join(ROOT, "docs", "inference_sbc.png"), dpi=110)
        plt.close(fig)

    # ---------------------------------------------------------------------------------------------- recovery
    # One synthetic data set at the defaults. Rejection ABC and NPE amortise: the SBC's reference table and trained
    # network fit it without new simulations; ABC-SMC fits it anew.
    truth_res = learnrace.run(
        {**base, "run": {**base["run"], "dyads": args.dyads, "seed": 2024}, "points": [{"name": "truth", **TRUTH}]},
        backend="cpu",
        progress=False,
    )
    stat_set = inference.StatisticSet(stats)
    x_obs = stat_set(inference.from_results(truth_res))[0]  # the data set's statistics (records and sequences)
    recovery_rows, samples = [], {}
    for method in methods:
        if not available(method):
            recovery_rows.append({"method": method, "key": "(all)", "note": "not run: sbi/torch not installed"})
            continue
        t0 = time.monotonic()
        if method == "rejection":
            r = amortised[method]
            theta = rejection.from_table(r["table"], x_obs, DRAWS, r["scale"])[0]
            weights = np.full(len(theta), 1.0 / len(theta))
            how = f"the SBC's reference table ({SETTINGS[method]['simulations']:,} simulations), {DRAWS} kept"
        elif method == "npe":
            theta = amortised[method]["estimator"].sample(x_obs, 1000, 7)
            weights = np.full(len(theta), 1.0 / len(theta))
            how = f"the SBC's network ({SETTINGS[method]['simulations']:,} training simulations), 1,000 draws"
        else:
            post = learnrace.infer(
                base,
                prior_spec,
                inference.Facts(dict(zip(stat_set.columns, x_obs))),
                stats,
                method=method,
                simulations=SETTINGS[method]["simulations"],
                dyads=args.dyads,
                seed=7,
                threads=threads,
                **SETTINGS[method]["options"],
            )
            theta, weights = post.samples[prior.keys].to_numpy(), post.samples["weight"].to_numpy()
            d = post.diagnostics
            how = f"a new fit: {d['simulations']:,} simulations"
            cost_rows.append(
                {
                    "method": method,
                    "fit": "recovery data set",
                    "simulations": d["simulations"],
                    "dyad-periods": d["dyad_periods"],
                    "wall time (s)": time.monotonic() - t0,
                }
            )
        samples[method] = (theta, weights)
        for j, (key, value) in enumerate(TRUTH.items()):
            x = theta[:, j]
            mean = float(np.sum(weights * x))
            q5, q95 = (weighted_quantile(x, weights, q) for q in (0.05, 0.95))
            recovery_rows.append(
                {
                    "method": method,
                    "key": key,
                    "truth": value,
                    "posterior mean": mean,
                    "90% interval": f"[{q5:.4g}, {q95:.4g}]",
                    "covered": bool(q5 <= value <= q95),
                    "sd / prior sd": float(np.sqrt(np.sum(weights * (x - mean) ** 2)))
                    / ((prior.high[j] - prior.low[j]) / np.sqrt(12)),
                    "fit": how,
                }
            )
    recovery = pd.DataFrame(recovery_rows)
    fig, axes = plt.subplots(len(samples), len(TRUTH), figsize=(3.2 * len(TRUTH), 2.3 * len(samples)), squeeze=False)
    for i, (method, (theta, weights)) in enumerate(samples.items()):
        for j, key in enumerate(TRUTH):
            ax = axes[i, j]
            lo, hi = prior.low[j], prior.high[j]
            ax.hist(theta[:, j], bins=30, range=(lo, hi), weights=weights, density=True, color="C0", alpha=0.8)
            ax.axvline(TRUTH[key], color="C3", lw=2)
            ax.set_xlim(lo, hi)
            ax.set_yticks([])
            ax.tick_params(labelsize=7)
            if i == len(samples) - 1:
                ax.set_xlabel(key, fontsize=8)
            if j == 0:
                ax.set_ylabel(method, fontsize=9)
    fig.suptitle(
        f"Parameter recovery: posteriors (blue, over the prior range) and the true values (red); {args.dyads} "
        "alliances",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(os.path.join(ROOT, "docs", "inference_recovery.png"), dpi=110)
    plt.close(fig)

    # ---------------------------------------------------------------------------------------------- the doc
    cost = pd.DataFrame(cost_rows)
    if len(cost):
        cost["per posterior: simulations"] = [
            r["simulations"] / (1 if r["fit"].startswith("recovery") else args.datasets) for _, r in cost.iterrows()
        ]
        cost["per posterior: wall time (s)"] = [
            r["wall time (s)"] / (1 if r["fit"].startswith("recovery") else args.datasets) for _, r in cost.iterrows()
        ]
    note = f"`{command}` ({stamp})"
    text = open(DOC, encoding="utf-8").read()
    text = replace_block(text, "recovery", f"{note}\n\n{markdown(recovery)}")
    text = replace_block(text, "coverage", f"{note}\n\n{markdown(cov)}")
    text = replace_block(text, "ranks", f"{note}\n\n{markdown(rk)}")
    text = replace_block(text, "cost", f"{note}\n\n{markdown(cost)}")
    with open(DOC, "w", encoding="utf-8") as f:
        f.write(text)
    print(markdown(recovery), markdown(cov), markdown(rk), markdown(cost), sep="\n\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
