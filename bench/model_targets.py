"""The calibration targets of the model's defaults (docs/model.md section 19, "Calibration targets"), measured.

    python bench/model_targets.py [--dyads 100000] [--seed 1] [--threads 0] [--only ID ...]

Prints one markdown row per target and kernel with the measured value, its 99% interval and whether the target is
met. These are targets the defaults were chosen for, stated before tuning; they are not tests: nothing in the test
suite asserts them (the proposition statistics must stay able to fail). Runs on the CPU backend.

Targets (ids as in docs/model.md section 19; "each kernel" = propositional and strategic):

1. race: race wins (both causes) in the default setting, each kernel: at least 3% of dyads.
2. one-sided: experiments/scenarios/one_sided_race.toml (A internalization and Competition, B substitution and
   Accommodation), each kernel: the learner A wins in at least 20% of dyads and gains bargaining power in at least 70%.
3. low-empowerment: every firm's trust, stakes and orientation logit-normal(-1.5, 0.5), no prior related
   interaction, propositional: moderation (CPR, CPR) has the longest mean sojourn of the learning states.
4. strike-first: both firms' trust and orientation logit-normal(-1.5, 0.5), strategic: at least half of the exits
   from integration (COL, COL) go to a state with Competition.
5. no-gain-no-win: a firm that internalised no more than its partner and gained no bargaining power wins no race
   (0%), each kernel, over the default setting and the unequal-endowment setting of target 6 (sampled dyads).
6. endowment: unequal endowments (U_A = 1.5, U_B = 0.5) and a faster learner B (absorptive capacity floor 1.0 against
   A's 0.4), both firms of internalization intent, each kernel: B wins more races than A.
7. neutral: every firm's T, S, L fixed at 0.5 (z = 0) and R fixed at 5, each kernel: (CPR, CPR) has the longest
   mean sojourn of the learning states, at least 1.5 times the next.
8. high-trust: as 7 with T and L at z = +2 (0.881), each kernel: (COL, COL) has the longest mean sojourn.
9. spiral: T and L fixed at z = -2 (0.119), each kernel: at least half of the disintegrations (cause 1) pass through
   (CPT, CPT) (sampled dyads); and after (COL, CPT) the collaborator moves to Competition more often than to
   Avoidance.
10. life: default setting, each kernel: median alliance life 20-36 quarters (Bleeke & Ernst 1995: "the median life
    span for alliances is only about seven years"), and 45-65% of alliances ended by 20 quarters (Harrigan: "more
    than 55 percent of all strategic alliances fail within five years"). One period is one quarter.

11. (a check, not a target) dissolution pace: the share of alliances gone within 14 quarters when both firms' stakes
    and orientation are low (logit-normal(-1.5, 0.5), the rest default), against the default setting.

Mean sojourn of a learning state (an unordered pair state with a knowledge flow) comes from the transition counts: a
move to another unordered state ends a sojourn; mean sojourn = periods in the state / exits.
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
KERNELS = ("propositional", "strategic")
LOW = {"dist": "logitnormal", "mean": -1.5, "sd": 0.5}
Z99 = 2.5758293035489004
CAUSE = {name: i for i, name in enumerate(labels.CAUSES)}


def fixed(value: float) -> dict:
    return {"dist": "fixed", "value": value}


def sigmoid(z: float) -> float:
    return float(1.0 / (1.0 + np.exp(-z)))


def wilson(k: float, n: float) -> tuple:
    if n <= 0:
        return float("nan"), 0.0, 1.0
    p = k / n
    d = 1 + Z99**2 / n
    c = (p + Z99**2 / (2 * n)) / d
    h = Z99 * np.sqrt(p * (1 - p) / n + Z99**2 / (4 * n * n)) / d
    return p, max(0.0, c - h), min(1.0, c + h)


def pct(p, lo, hi) -> str:
    return f"{100 * p:.1f}% [{100 * lo:.1f}, {100 * hi:.1f}]"


def state(x: int, y: int) -> str:
    return f"({labels.STRATEGY_CODES[x]}, {labels.STRATEGY_CODES[y]})"


class Runner:
    def __init__(self, args):
        self.args = args

    def __call__(self, config, traced: bool = False):
        """Both kernels of `config` (a dict or a file with points of its own), with every dyad's trajectory when
        `traced` (a stride that keeps about 20,000 sampled dyads per point)."""
        config = dict(config) if isinstance(config, dict) else config
        if isinstance(config, dict):
            config.setdefault("points", [{"name": k, "kernel": {"type": k}} for k in KERNELS])
            if traced:
                stride = max(1, self.args.dyads // 20_000)
                config["output"] = {"trajectory_stride": stride, "trajectory_max": 1_000_000}
        a = self.args
        return learnrace.run(config, dyads=a.dyads, seed=a.seed, threads=a.threads, backend="cpu", progress=False)


def race(res, p: int, firms=("A", "B")) -> tuple:
    n = float(res.dyads_simulated[p])
    k = sum(float(res.duration_by_cause[p, CAUSE[f"race_won_by_{f}"]].sum()) for f in firms)
    return wilson(k, n)


def sojourns(res, p: int) -> list:
    """(state, mean sojourn) of the learning states, longest first."""
    tr = res.transitions[p].astype(np.float64)
    out = []
    for x, y in LEARNING_STATES:
        here = {5 * x + y, 5 * y + x}
        n = sum(tr[s].sum() for s in here)
        stay = sum(tr[s, t] for s in here for t in here)
        out.append((state(x, y), n / (n - stay) if n > stay else np.inf))
    return sorted(out, key=lambda kv: -kv[1])


def final_rows(res, p: int) -> dict:
    """Per sampled dyad: cause, x_A, x_B and P_A at the end, P_A at the start."""
    tr = res.trajectories
    dur = np.asarray(tr["duration"][p]).astype(np.int64)
    keep = dur > 0
    k = np.nonzero(keep)[0]
    last = dur[keep] - 1
    return {
        "cause": np.asarray(tr["cause"][p])[keep],
        "x_A": np.asarray(tr["x_A"][p])[k, last],
        "x_B": np.asarray(tr["x_B"][p])[k, last],
        "dP_A": np.asarray(tr["power_A"][p])[k, last] - np.asarray(tr["power_A_start"][p])[keep],
    }


def no_gain_wins(res, p: int) -> tuple:
    """Wins by a firm that internalised no more than its partner and gained no power, over such firms."""
    f = final_rows(res, p)
    wins = n = 0
    for firm, x, y, gain in (("A", f["x_A"], f["x_B"], f["dP_A"]), ("B", f["x_B"], f["x_A"], -f["dP_A"])):
        eligible = (x <= y) & (gain <= 0)
        n += int(eligible.sum())
        wins += int((eligible & (f["cause"] == CAUSE[f"race_won_by_{firm}"])).sum())
    return wins, n


def through_deadlock(res, p: int) -> tuple:
    """Disintegrations whose path passed through (CPT, CPT), over all disintegrations (sampled dyads)."""
    tr = res.trajectories
    cause = np.asarray(tr["cause"][p])
    dur = np.asarray(tr["duration"][p]).astype(np.int64)
    pair = np.asarray(tr["pair"][p])
    ended = np.nonzero((cause == CAUSE["disintegration"]) & (dur > 0))[0]
    passed = sum(bool((pair[i, : dur[i]] == 5 * CPT + CPT).any()) for i in ended)
    return passed, len(ended)


def collaborator_reply(res, p: int) -> tuple:
    """After (COL, CPT): the collaborator's next strategy is Competition / Avoidance (counts, both orders)."""
    tr = res.transitions[p].astype(np.float64)
    to_cpt = to_avo = 0.0
    for frm, mine in ((5 * COL + CPT, lambda t: t // 5), (5 * CPT + COL, lambda t: t % 5)):
        for t in range(25):
            to_cpt += tr[frm, t] * (mine(t) == CPT)
            to_avo += tr[frm, t] * (mine(t) == AVO)
    return to_cpt, to_avo


def gone_within(res, p: int, quarters: int) -> tuple:
    """Share of the dyads ended (any cause but censoring) within `quarters` periods."""
    d = res.duration_by_cause[p].astype(np.float64)
    return wilson(float(d[1:, : quarters + 1].sum()), float(res.dyads_simulated[p]))


def life(res, p: int) -> tuple:
    """Median life (quarters, with a 99% order-statistic interval) and the share ended by 20 quarters."""
    d = res.duration_by_cause[p].astype(np.float64)  # [cause, duration]
    n = float(res.dyads_simulated[p])
    ended = d[1:].sum(axis=0)  # causes other than censored, by duration
    cum = np.cumsum(ended)

    def quantile_rank(rank: float) -> float:
        i = int(np.searchsorted(cum, rank))
        return float(i) if i < len(cum) else float("inf")

    half = n / 2
    spread = Z99 * np.sqrt(n) / 2
    median = (quantile_rank(half), quantile_rank(half - spread), quantile_rank(half + spread))
    by20 = wilson(float(cum[20]) if len(cum) > 20 else float(cum[-1]), n)
    return median, by20


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dyads", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--only", nargs="*", type=int, help="measure only these target ids")
    args = ap.parse_args(argv)
    want = set(args.only or range(1, 12))
    run = Runner(args)
    rows = []

    def row(target, kernel, threshold, measured, met):
        rows.append((target, kernel, threshold, measured, met))

    if want & {1, 5, 10, 11}:
        default = run({}, traced=True)
        for p, kernel in enumerate(KERNELS):
            if 1 in want:
                share = race(default, p)
                row("1. race wins, default", kernel, ">= 3%", pct(*share), share[1] >= 0.03)
            if 10 in want:
                (med, lo, hi), by20 = life(default, p)
                row("10. median life (quarters)", kernel, "20-36", f"{med:.0f} [{lo:.0f}, {hi:.0f}]", 20 <= med <= 36)
                row("10. ended by 20 quarters", kernel, "45-65%", pct(*by20), 0.45 <= by20[0] <= 0.65)
            if 11 in want:
                low_sl = {f"{f}_{firm}": LOW for f in ("stakes", "orientation") for firm in "AB"}
                low = gone_within(run({"initial": low_sl}), p, 14)
                text = f"low S, L: {pct(*low)}; default: {pct(*gone_within(default, p, 14))}"
                row("11. gone within 14 quarters (check)", kernel, "-", text, True)

    if 2 in want:
        one = run(os.path.join(ROOT, "experiments", "scenarios", "one_sided_race.toml"))
        for name, kernel in (("one_sided", "propositional"), ("one_sided_strategic", "strategic")):
            p = one.point_index(name)
            won = race(one, p, firms=("A",))
            gained = wilson(float(one.power_outcomes[p, 0, 0]), float(one.dyads_simulated[p]))
            row("2. one-sided race: learner wins", kernel, ">= 20%", pct(*won), won[1] >= 0.20)
            row("2. one-sided race: learner gains power", kernel, ">= 70%", pct(*gained), gained[1] >= 0.70)

    if 3 in want:
        low_factors = {f"{f}_{firm}": LOW for f in ("trust", "stakes", "orientation") for firm in "AB"}
        low = run({"initial": {**low_factors, "relation": fixed(0.0)}, "points": [{"name": "propositional"}]})
        ranked = sojourns(low, 0)
        text = ", ".join(f"{k} {v:.1f}" for k, v in ranked[:3])
        row(
            "3. low empowerment: longest mean sojourn",
            "propositional",
            "(CPR, CPR)",
            text,
            ranked[0][0] == "(CPR, CPR)",
        )

    if 4 in want:
        distrust = {f"{f}_{firm}": LOW for f in ("trust", "orientation") for firm in "AB"}
        st = run({"initial": distrust, "kernel": {"type": "strategic"}, "points": [{"name": "strategic"}]})
        exits = st.transitions[0, 5 * COL + COL].astype(np.float64)
        exits[5 * COL + COL] = 0.0
        to_cpt = sum(exits[s] for s in range(25) if CPT in (s // 5, s % 5))
        share = wilson(to_cpt, exits.sum())
        row("4. distrust: exits from (COL, COL) to a CPT state", "strategic", ">= 50%", pct(*share), share[1] >= 0.5)

    if want & {5, 6}:
        endow = {
            "initial": {
                "knowledge_A": fixed(1.5),
                "knowledge_B": fixed(0.5),
                "intent_A": "internalization",
                "intent_B": "internalization",
            },
            "capacity": {"alpha0_A": 0.4, "alpha0_B": 1.0},
        }
        une = run(endow, traced=True)
        for p, kernel in enumerate(KERNELS):
            if 6 in want:
                a, b = race(une, p, ("A",)), race(une, p, ("B",))
                text = f"B (faster) {pct(*b)}; A (endowed) {pct(*a)}"
                row("6. unequal endowments: faster learner wins more", kernel, "B > A", text, b[1] > a[2])
            if 5 in want:
                w1, n1 = no_gain_wins(default, p)
                w2, n2 = no_gain_wins(une, p)
                share = wilson(w1 + w2, n1 + n2)
                row(
                    "5. no out-learning, no gain: race wins",
                    kernel,
                    "0%",
                    f"{w1 + w2} of {n1 + n2} firms",
                    w1 + w2 == 0,
                )

    for target, z_tl, longest in ((7, 0.0, "(CPR, CPR)"), (8, 2.0, "(COL, COL)")):
        if target not in want:
            continue
        factors = {f"{f}_{firm}": fixed(sigmoid(z_tl)) for f in ("trust", "orientation") for firm in "AB"}
        factors.update({f"stakes_{firm}": fixed(0.5) for firm in "AB"})
        res = run({"initial": {**factors, "relation": fixed(5.0)}})
        for p, kernel in enumerate(KERNELS):
            ranked = sojourns(res, p)
            text = ", ".join(f"{k} {v:.1f}" for k, v in ranked[:3])
            met = ranked[0][0] == longest and (target == 8 or ranked[0][1] >= 1.5 * ranked[1][1])
            what = "neutral factors: longest sojourn, >= 1.5x next" if target == 7 else "high T, L: longest sojourn"
            row(f"{target}. {what}", kernel, longest, text, met)

    if 9 in want:
        factors = {f"{f}_{firm}": fixed(sigmoid(-2.0)) for f in ("trust", "orientation") for firm in "AB"}
        spiral = run({"initial": factors}, traced=True)
        for p, kernel in enumerate(KERNELS):
            passed, n = through_deadlock(spiral, p)
            share = wilson(passed, n)
            row("9. low T, L: disintegrations through (CPT, CPT)", kernel, ">= 50%", pct(*share), share[1] >= 0.5)
            to_cpt, to_avo = collaborator_reply(spiral, p)
            row(
                "9. low T, L: after (COL, CPT) the collaborator goes to",
                kernel,
                "CPT > AVO",
                f"CPT {to_cpt:.0f}, AVO {to_avo:.0f}",
                to_cpt > to_avo,
            )

    build = f"learnrace {learnrace.__version__}, git {learnrace._core.git_describe}"
    print(f"Measured with: python bench/model_targets.py --dyads {args.dyads} --seed {args.seed} ({build}); 99% Wilson")
    print("intervals (medians: 99% order-statistic intervals)\n")
    print("| target | kernel | threshold | measured | met |")
    print("|---|---|---|---|---|")
    for target, kernel, threshold, measured, met in sorted(rows, key=lambda r: int(r[0].split(".")[0])):
        print(f"| {target} | {kernel} | {threshold} | {measured} | {'yes' if met else 'NO'} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
