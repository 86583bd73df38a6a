"""The calibration targets of the model's defaults (docs/model.md section 19, "Calibration targets"), measured.

    python bench/model_targets.py [--dyads 100000] [--seed 1] [--threads 0]

Prints one markdown row per target with the measured value, its 99% interval and whether the target is met. These
are targets the defaults were chosen for, not tests: nothing in the test suite asserts them (the proposition
statistics must stay able to fail). Runs on the CPU backend; about 1-2 minutes on 2 cores at 100,000 dyads.

1. Race wins (both causes) in the default setting, each kernel: share of the dyads, Wilson interval.
2. One-sided learning (experiments/scenarios/one_sided_race.toml, points one_sided and one_sided_strategic): the
   learner A's race-won share and the share of dyads in which A gained bargaining power.
3. Low-empowerment regime (every firm's trust, stakes and orientation drawn low, logit-normal(-1.5, 0.5), and no
   prior related interaction): mean sojourn of each learning state (an unordered pair state with a knowledge flow)
   under the propositional kernel, from the transition counts (a move to another unordered state ends a sojourn;
   mean sojourn = periods in the state / exits); moderation must be the longest.
4. Low trust and short horizons (both firms' trust and orientation logit-normal(-1.5, 0.5)), strategic kernel: the
   share of the exits from integration (COL, COL) that go to a state with Competition.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

import learnrace
from learnrace import labels

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
AVO, ACC, CPR, CPT, COL = range(5)
LEARNING_STATES = [(COL, COL), (CPR, COL), (ACC, COL), (CPT, COL), (CPR, CPR), (ACC, CPR), (CPR, CPT), (ACC, CPT)]
LOW = {"dist": "logitnormal", "mean": -1.5, "sd": 0.5}
Z99 = 2.5758293035489004


def wilson(k: float, n: float) -> tuple:
    p = k / n
    d = 1 + Z99**2 / n
    c = (p + Z99**2 / (2 * n)) / d
    h = Z99 * np.sqrt(p * (1 - p) / n + Z99**2 / (4 * n * n)) / d
    return p, c - h, c + h


def fmt(p, lo, hi) -> str:
    return f"{100 * p:.1f}% [{100 * lo:.1f}, {100 * hi:.1f}]"


def run(config, args):
    return learnrace.run(config, dyads=args.dyads, seed=args.seed, threads=args.threads, backend="cpu", progress=False)


def race(res, p: int, firms=("A", "B")) -> tuple:
    n = float(res.dyads_simulated[p])
    k = sum(float(res.duration_by_cause[p, labels.CAUSES.index(f"race_won_by_{f}")].sum()) for f in firms)
    return wilson(k, n)


def sojourns(res, p: int) -> dict:
    tr = res.transitions[p].astype(np.float64)
    out = {}
    for x, y in LEARNING_STATES:
        here = {5 * x + y, 5 * y + x}
        n = sum(tr[s].sum() for s in here)
        stay = sum(tr[s, t] for s in here for t in here)
        out[f"({labels.STRATEGY_CODES[x]}, {labels.STRATEGY_CODES[y]})"] = (n / (n - stay) if n > stay else np.inf, n)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dyads", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=0)
    args = ap.parse_args(argv)
    rows = []

    default = run({"points": [{"name": "propositional"}, {"name": "strategic", "kernel": {"type": "strategic"}}]}, args)
    for p, kernel in enumerate(("propositional", "strategic")):
        share = race(default, p)
        rows.append((f"1. race wins, default, {kernel}", ">= 3%", fmt(*share), share[1] >= 0.03))

    one = run(os.path.join(ROOT, "experiments", "scenarios", "one_sided_race.toml"), args)
    for name in ("one_sided", "one_sided_strategic"):
        p = one.point_index(name)
        won = race(one, p, firms=("A",))
        gained = wilson(float(one.power_outcomes[p, 0, 0]), float(one.dyads_simulated[p]))
        rows.append((f"2. one-sided race, learner wins ({name})", ">= 20%", fmt(*won), won[1] >= 0.20))
        rows.append((f"2. one-sided race, learner gains power ({name})", ">= 70%", fmt(*gained), gained[1] >= 0.70))

    low_factors = {f"{f}_{firm}": LOW for f in ("trust", "stakes", "orientation") for firm in "AB"}
    low = run({"initial": {**low_factors, "relation": {"dist": "fixed", "value": 0.0}}}, args)
    soj = sojourns(low, 0)
    ranked = sorted(soj.items(), key=lambda kv: -kv[1][0])
    text = ", ".join(f"{k} {v[0]:.1f}" for k, v in ranked[:3])
    rows.append(("3. low empowerment: longest mean sojourn", "(CPR, CPR)", text, ranked[0][0] == "(CPR, CPR)"))

    distrust = {f"{f}_{firm}": LOW for f in ("trust", "orientation") for firm in "AB"}
    st = run({"initial": distrust, "kernel": {"type": "strategic"}}, args)
    row = st.transitions[0, 5 * COL + COL].astype(np.float64)
    row[5 * COL + COL] = 0.0
    to_cpt = sum(row[s] for s in range(25) if CPT in (s // 5, s % 5))
    share = wilson(to_cpt, row.sum())
    rows.append(
        ("4. low trust, short horizons: exits from (COL, COL) to a CPT state", ">= 50%", fmt(*share), share[1] >= 0.5)
    )

    build = f"learnrace {learnrace.__version__}, git {learnrace._core.git_describe}"
    print(f"Measured with: python bench/model_targets.py --dyads {args.dyads} --seed {args.seed} ({build}); 99% Wilson")
    print("intervals\n")
    print("| target | threshold | measured | met |")
    print("|---|---|---|---|")
    for target, threshold, measured, met in rows:
        print(f"| {target} | {threshold} | {measured} | {'yes' if met else 'NO'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
