#!/usr/bin/env python3
"""The figures of docs/python.md and docs/sensitivity.md, rendered from real runs (fixed seeds) into docs/.

usage: python bench/docs_figures.py [--dyads 20000] [--out docs]

- figure_compare_survival.png: survival of a scenario against its control, both kernels
  (experiments/scenarios/trust_shock.toml; plots.compare_survival)
- figure_compare_incidence.png: cumulative incidence of disintegration, shock vs control (plots.compare_incidence)
- figure_compare_outcomes.png: five outcomes of the four points with their 95% intervals (plots.compare_outcomes)
- figure_trajectory_mean.png: mean trust of A and B, shock vs control, over the sampled dyads (plots.trajectory_mean)
- figure_survival.png: survival and cumulative incidence by cause of the shock point (plots.survival)
- sensitivity_grid.png: four outcomes against the trust shock sd, by A's intent (experiments/study_grid.toml;
  plots_study.outcome_grid)
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib.pyplot as plt  # noqa: E402

import learnrace  # noqa: E402
from learnrace import plots, plots_study  # noqa: E402
from learnrace.design import read_experiment  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dyads", type=int, default=20_000)
    ap.add_argument("--out", default="docs")
    args = ap.parse_args()
    out = Path(args.out)

    config = read_experiment("experiments/scenarios/trust_shock.toml")
    config.setdefault("output", {}).update(trajectory_stride=10, trajectory_max=2000)  # 2,000 sampled dyads
    res = learnrace.run(config, dyads=args.dyads, backend="cpu", progress=False)
    every = ["shock", "control", "shock_strategic", "control_strategic"]

    def save(fig, name):
        fig.savefig(out / name, dpi=80, bbox_inches="tight")
        plt.close(fig)
        print(out / name)

    save(plots.compare_survival(res, points=every).figure, "figure_compare_survival.png")
    save(plots.compare_incidence(res, "disintegration", points=["shock", "control"]).figure,
         "figure_compare_incidence.png")  # fmt: skip
    names = [
        "share_disintegration",
        "share_race_won",
        "mean_duration",
        "mean_joint_learning",
        "period_share_moderation",
    ]
    save(plots.compare_outcomes(res, names), "figure_compare_outcomes.png")
    save(plots.trajectory_mean(res, ["trust_A", "trust_B"], points=["shock", "control"]).figure,
         "figure_trajectory_mean.png")  # fmt: skip
    save(plots.survival(res, point="shock").figure, "figure_survival.png")

    grid = learnrace.study("experiments/study_grid.toml", backend="cpu", progress=False)
    fig = plots_study.outcome_grid(
        grid.summary(),
        ["share_race_won", "share_disintegration", "mean_duration", "period_share_moderation"],
        x="shocks.trust.sigma",
        by="initial.intent_A",
        ncols=2,
    )
    save(fig, "sensitivity_grid.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
