"""Calibration of learnrace.propositions.test (docs/statistics.md, "Calibration").

Three studies, every one with fixed seeds, each rate printed with its exact (Clopper-Pearson) 95% interval:

1. Model null, small samples: the ``null`` point of experiments/propositions.toml (no barrier move: barrier
   intercept -10000, ``p_avoid`` = 0; no counter-move: ``p_counter`` = 0; every named beta of P6-P9 = 0, so each
   empowering move fires at the constant rate sigmoid(b0); moves to CPT and AVO then come from exploration alone,
   at the same rate whatever the partner plays: every lift, under every reference, and every odds ratio is exactly
   1) for ``--seeds`` seeds of ``--dyads`` dyads. Per clause: how often the 99% interval lies above / below 1 (the
   false-positive rates, nominal 0.5% per side), the same for the clustered Wald part alone, the lifts under the
   alternative references, and how often the verdict is "supported" or "contradicted". The table's H1-H5 rows use
   the normal-theory SE (their p-values are far below the others', so the Holm family is the same).
   The lifts are also fitted with min_events = 1 in both regimes (low and all; the true lift is 1 in both) and
   broken down by the number of predicted moves. The same runs give the coverage of the H1, H3, H4, H5
   rank-correlation intervals (bootstrap vs the normal-theory SE) at the null point, the truth being the mean over
   the seeds.
2. Model null, larger samples: ``--large-seeds`` seeds of ``--large-dyads`` dyads (more lifts become testable).
3. P3a under a synthetic null: 8 learning states with one exit hazard, dyads with a frailty (a common hazard
   multiplier, so moves of a dyad are correlated); the simultaneous comparison against the former "runner-up =
   lowest observed hazard" Wald ratio.
4. Coverage at the planted point: the ``propositional`` point, ``--seeds`` seeds of ``--dyads`` dyads, the lifts
   of P1a, P2a, P2b, P5 under the estimand (neutral reference) in regime "all" (in the low regime their references
   hold too few moves at this size) with min_events = 1. The truth is the lift of all seeds' moves pooled (the
   Poisson MLE of the common ratio from the summed per-stratum counts, ``--seeds`` x ``--dyads`` dyads); per clause:
   how often the seed's 99% interval lies above / below it.

usage: python bench/calibrate_propositions.py [--seeds 120] [--dyads 4000] [--large-seeds 3]
       [--large-dyads 50000] [--p3a-reps 200] [--bootstrap 100] [--workers 2] [--prefix calibration]
Prints the markdown of docs/statistics.md's Calibration section (bench/statistics_tables.py writes it there). The
per-seed rows go to PREFIX_null.csv, PREFIX_lifts.csv, PREFIX_spearman.csv and PREFIX_p3a.csv as they finish; an
interrupted run resumes where it stopped (delete the files to start afresh).
"""

from __future__ import annotations

import argparse
import os
import time
from multiprocessing import get_context
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

try:
    import tomllib
except ImportError:  # Python < 3.11
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
EXPERIMENT = ROOT / "experiments" / "propositions.toml"
ALPHA = 0.01
LIFTS = ("P1a", "P1b", "P2a", "P2b", "P3b", "P5")
NULL_CLAUSES = (*LIFTS, "P6a", "P6b", "P7a", "P7b", "P8", "P9")  # true effect exactly 1 at the null point
EVENT_BINS = (1, 5, 10, 20, 50, np.inf)


def config(points, dyads: int, seed: int) -> dict:
    """experiments/propositions.toml with only ``points`` (by name), ``dyads`` dyads (every one sampled) and
    ``seed``: the null is the file's own null point, so it follows whatever keys the file uses to build it."""
    with open(EXPERIMENT, "rb") as f:
        exp = tomllib.load(f)
    by_name = {p["name"]: p for p in exp["points"]}
    cfg = {k: v for k, v in exp.items() if k != "points"}
    cfg["run"] = {**cfg.get("run", {}), "dyads": dyads, "seed": seed}
    cfg["output"] = {**cfg.get("output", {}), "trajectory_stride": 1, "trajectory_max": dyads}
    cfg["points"] = [by_name[p] for p in points]
    return cfg


def rate(k: int, n: int) -> str:
    """'share [95% Clopper-Pearson interval]' in percent, or '-' when n = 0."""
    if n == 0:
        return "-"
    ci = stats.binomtest(int(k), int(n)).proportion_ci(0.95, method="exact")
    return f"{100 * k / n:.1f}% [{100 * ci.low:.1f}, {100 * ci.high:.1f}]"


# ----------------------------------------------------------------------------------------------------------------
# Studies 1 and 2: the model's null point


def _clause_rows(table: pd.DataFrame, seed: int, study: str) -> list:
    keep = [
        "clause",
        "effect",
        "ci_low",
        "ci_high",
        "wald_ci_low",
        "wald_ci_high",
        "p_value",
        "p_holm",
        "verdict",
        "n_events",
        "n_reference_events",
        "lift_no_same_move_ci_low",
        "lift_no_same_move_ci_high",
        "verdict_no_same_move",
        "lift_all_other_ci_low",
        "lift_all_other_ci_high",
        "verdict_all_other",
    ]
    rows = table[keep].to_dict("records")
    for r in rows:
        r.update(seed=seed, study=study)
    return rows


def model_seed(args) -> tuple:
    """One seed of study 1 (``small``) or 2 (``large``): the table rows of the null point, the lifts again with
    min_events = 1, and (small only) the rank correlations with both standard errors."""
    seed, dyads, bootstrap, study = args
    import learnrace
    from learnrace import propositions
    from learnrace.propositions import _stats as st
    from learnrace.propositions._data import extract
    from learnrace.propositions.hamel import CORRELATIONS, STREAMS

    points = ["null"]
    res = learnrace.run(config(points, dyads, seed), backend="cpu", progress=False, threads=1)
    table = propositions.test(res, point="null", bootstrap=0)
    rows = _clause_rows(table, seed, study)
    few_rows = []
    for regime in ("low", "all"):  # every regime: the true lift is 1 at the null in both
        few = propositions.test(res, point="null", clauses=list(LIFTS), regime=regime, min_events=1, bootstrap=0)
        few_rows += [dict(r, regime=regime) for r in _clause_rows(few, seed, study)]
    corr = []
    if study == "small":
        for point in points:
            dy = extract(res, point).dyads
            for name, (xk, yk) in CORRELATIONS.items():
                rho, lo, hi, se, n = st.spearman(dy[xk], dy[yk], ALPHA, (bootstrap, [seed, STREAMS[name]]))
                corr.append(dict(seed=seed, point=point, correlation=name, rho=rho, lo=lo, hi=hi, se_boot=se, n=n))
    return rows, few_rows, corr


def _append(path: Path, rows: list) -> None:
    if rows:
        pd.DataFrame(rows).to_csv(path, mode="a", header=not path.exists(), index=False)


def _read(path: Path, keys) -> pd.DataFrame:
    """Rows saved so far; a seed interrupted between two files may have been written twice: keep one copy. Only
    empty fields are missing values (pandas would read the point name "null" as one)."""
    if not path.exists():
        return pd.DataFrame()
    return pd.read_csv(path, keep_default_na=False, na_values=[""]).drop_duplicates(subset=keys, keep="last")


def files(prefix: str) -> dict:
    return {k: Path(f"{prefix}_{k}.csv") for k in ("null", "lifts", "spearman", "p3a", "planted")}


def run_model_studies(prefix: str, seeds: int, dyads: int, large_seeds: int, large_dyads: int, bootstrap: int,
                      workers: int) -> int:  # fmt: skip
    """Studies 1 and 2, resumable: each seed's rows are appended to PREFIX_null.csv, PREFIX_lifts.csv and
    PREFIX_spearman.csv as soon as it finishes, and seeds already in PREFIX_null.csv are skipped. The large seeds
    are spread among the small ones, so an interrupted run has some of both."""
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    f = files(prefix)
    done = _read(f["null"], ["study", "seed", "clause"])
    done = set(zip(done.get("study", []), done.get("seed", [])))
    small = [(s, dyads, bootstrap, "small") for s in range(1, seeds + 1) if ("small", s) not in done]
    large = [(s, large_dyads, 0, "large") for s in range(1, large_seeds + 1) if ("large", s) not in done]
    step = max(1, len(small) // (len(large) + 1))
    jobs = []
    for i, job in enumerate(small):
        if large and i % step == 0:
            jobs.append(large.pop(0))
        jobs.append(job)
    jobs += large
    if not jobs:
        return 0
    t0 = time.time()
    with get_context("spawn").Pool(workers) as pool:
        for i, (rows, few, corr) in enumerate(pool.imap_unordered(model_seed, jobs), 1):
            _append(f["lifts"], few)
            _append(f["spearman"], corr)
            _append(f["null"], rows)  # last: a seed counts as done once its table rows are saved
            if i % max(1, len(jobs) // 20) == 0 or i == len(jobs):
                print(f"  model studies: {i}/{len(jobs)} seeds [{time.time() - t0:.0f} s]", flush=True)
    return len(jobs)


def load_model_studies(prefix: str):
    """(small, large, lifts, spearman) rows saved by run_model_studies."""
    f = files(prefix)
    null = _read(f["null"], ["study", "seed", "clause"])
    few = _read(f["lifts"], ["study", "seed", "clause", "regime"])
    corr = _read(f["spearman"], ["seed", "point", "correlation"])
    return null[null["study"] == "small"], null[null["study"] == "large"], few, corr


def _excludes(lo, hi, side: str):
    return (lo > 1) if side == "above" else (hi < 1)


def null_table(df: pd.DataFrame) -> pd.DataFrame:
    """Per clause with true effect 1: false-positive rates of the reported (union) interval and of its clustered
    Wald part, the same for the lifts under the alternative references (among the seeds where each was testable),
    and verdict rates."""
    out = []
    for clause in NULL_CLAUSES:
        g = df[df["clause"] == clause]
        t = g[g["verdict"] != "untestable"]
        n = len(t)
        row = {
            "clause": clause,
            "seeds": len(g),
            "testable": n,
            "CI above 1": rate((t["ci_low"] > 1).sum(), n),
            "CI below 1": rate((t["ci_high"] < 1).sum(), n),
            "coverage of 1": rate(((t["ci_low"] <= 1) & (t["ci_high"] >= 1)).sum(), n),
        }
        if clause in LIFTS:
            w = t[t["wald_ci_low"].notna()]
            row["Wald excludes 1"] = rate(((w["wald_ci_low"] > 1) | (w["wald_ci_high"] < 1)).sum(), len(w))
            for ref in ("no_same_move", "all_other"):
                a = g[g[f"verdict_{ref}"] != "untestable"]
                lo, hi = a[f"lift_{ref}_ci_low"], a[f"lift_{ref}_ci_high"]
                row[f"{ref}: testable"] = len(a)
                row[f"{ref}: CI excludes 1"] = rate(((lo > 1) | (hi < 1)).sum(), len(a))
                row[f"{ref}: supported or contradicted"] = rate(
                    g[f"verdict_{ref}"].isin(["supported", "contradicted"]).sum(), len(g)
                )
        else:
            row["Wald excludes 1"] = "(same)"
            for ref in ("no_same_move", "all_other"):
                row[f"{ref}: testable"] = pd.NA
                row[f"{ref}: CI excludes 1"] = ""
                row[f"{ref}: supported or contradicted"] = ""
        row["supported"] = rate((g["verdict"] == "supported").sum(), len(g))
        row["contradicted"] = rate((g["verdict"] == "contradicted").sum(), len(g))
        out.append(row)
    return pd.DataFrame(out)


def construction_line(df: pd.DataFrame) -> str:
    """How often H1-H4 came out supported at the null point (they follow from the flow and power equations)."""
    parts = []
    for clause in ("H1", "H2", "H3", "H4"):
        g = df[df["clause"] == clause]
        parts.append(f"{clause} {int((g['verdict'] == 'supported').sum())} of {len(g)}")
    return "H1-H4 at the null point, seeds with verdict *supported*: " + ", ".join(parts) + "."


def event_table(few: pd.DataFrame) -> pd.DataFrame:
    """The lifts (min_events = 1, both regimes) pooled over clauses, by the number of predicted moves in the
    condition: how often each interval excludes the true lift 1 (either side; nominal 1%)."""
    t = few[few["verdict"] != "untestable"].copy()
    t["bin"] = pd.cut(t["n_events"], EVENT_BINS, right=False)
    out = []
    for b, g in t.groupby("bin", observed=True):
        w = g[g["wald_ci_low"].notna()]
        lo, hi = b.left, b.right
        label = f"{int(lo)}-{int(hi) - 1}" if np.isfinite(hi) else f">= {int(lo)}"
        out.append(
            {
                "predicted moves": label,
                "fits": len(g),
                "union CI excludes 1": rate(((g["ci_low"] > 1) | (g["ci_high"] < 1)).sum(), len(g)),
                "Wald CI excludes 1": rate(((w["wald_ci_low"] > 1) | (w["wald_ci_high"] < 1)).sum(), len(w)),
                "median union CI high / low": f"{(g['ci_high'] / g['ci_low']).median():.3g}",
            }
        )
    return pd.DataFrame(out)


def correlation_table(corr: pd.DataFrame) -> pd.DataFrame:
    """Coverage of the 99% intervals of the rank correlations (truth: the mean over the seeds), with the dyad
    bootstrap SE and with the normal-theory SE sqrt(1.06 / (n - 3)), and the spread of atanh(rho) over the seeds
    relative to each SE."""
    z = stats.norm.ppf(1 - ALPHA / 2)
    out = []
    for (point, name), g in corr.groupby(["point", "correlation"], sort=False):
        truth = g["rho"].mean()
        zr = np.arctanh(g["rho"])
        se_n = np.sqrt(1.06 / (g["n"] - 3))
        n_lo, n_hi = np.tanh(zr - z * se_n), np.tanh(zr + z * se_n)
        out.append(
            {
                "point": point,
                "correlation": name,
                "mean rho": f"{truth:.3f}",
                "coverage, bootstrap SE": rate(((g["lo"] <= truth) & (truth <= g["hi"])).sum(), len(g)),
                "coverage, normal-theory SE": rate(((n_lo <= truth) & (truth <= n_hi)).sum(), len(g)),
                "spread / bootstrap SE": f"{zr.std(ddof=1) / g['se_boot'].mean():.2f}",
                "spread / normal-theory SE": f"{zr.std(ddof=1) / se_n.mean():.2f}",
            }
        )
    return pd.DataFrame(out)


# ----------------------------------------------------------------------------------------------------------------
# Study 3: P3a under a synthetic null


def equal_hazard_chains(rng, dyads: int, periods: int, states: int, hazard: float, frailty_sd: float):
    """Rows (state, exits, dyad): each dyad starts in a random state and each period leaves it with probability
    min(1, hazard * u_dyad) (u lognormal with log-SD ``frailty_sd``, mean 1) to a random other state."""
    u = np.exp(rng.normal(-(frailty_sd**2) / 2, frailty_sd, dyads))
    h = np.minimum(1.0, hazard * u)
    state = np.empty((dyads, periods), dtype=np.int64)
    exits = rng.random((dyads, periods)) < h[:, None]
    s = rng.integers(0, states, dyads)
    for t in range(periods):
        state[:, t] = s
        jump = rng.integers(1, states, dyads)
        s = np.where(exits[:, t], (s + jump) % states, s)
    return state.ravel(), exits.ravel(), np.repeat(np.arange(dyads), periods)


def old_p3a(state, exits, dyad, target, others, min_n):
    """The former P3a: the runner-up is the other state with the lowest observed hazard, one clustered Wald ratio."""
    from learnrace.propositions import _stats as st

    hz = [(exits[state == s].mean(), s) for s in others if (state == s).sum() >= min_n]
    ref = min(hz)[1]
    rows = (state == target) | (state == ref)
    fit = st.fit_glm(exits[rows], st.design((state[rows] == ref).astype(float)), dyad[rows], "poisson")
    return st.coef(fit, 1).exp(ALPHA)


def p3a_study(reps: int, settings) -> pd.DataFrame:
    from learnrace.propositions.clauses import LIFT_MIN
    from learnrace.propositions.sojourn import longest_sojourn
    from learnrace.propositions.verdicts import ratio_criteria

    out = []
    for label, dyads, periods, frailty in settings:
        rng = np.random.default_rng([20261129, dyads, periods])
        new, old = [], []
        for _ in range(reps):
            state, exits, dyad = equal_hazard_chains(rng, dyads, periods, 8, 0.2, frailty)
            r = longest_sojourn(state, exits, dyad, 0, list(range(1, 8)), ALPHA, 30, 5)
            meets, contra = ratio_criteria(r.effect, r.ci_low, r.ci_high, LIFT_MIN)
            new.append((r.effect, r.ci_low, r.ci_high, r.p_value < ALPHA and meets, r.p_value < ALPHA and contra))
            old.append(old_p3a(state, exits, dyad, 0, range(1, 8), 30))
        new, old = np.array(new, dtype=float), np.array(old)
        out.append(
            {
                "setting": label,
                "reps": reps,
                "old: mean ratio": f"{old[:, 0].mean():.3f}",
                "old: CI below 1": rate((old[:, 2] < 1).sum(), reps),
                "old: CI above 1": rate((old[:, 1] > 1).sum(), reps),
                "new: mean smallest ratio": f"{new[:, 0].mean():.3f}",
                "new: CI below 1": rate((new[:, 2] < 1).sum(), reps),
                "new: CI above 1": rate((new[:, 1] > 1).sum(), reps),
                "new: supported": rate(int(new[:, 3].sum()), reps),
                "new: contradicted": rate(int(new[:, 4].sum()), reps),
            }
        )
    return pd.DataFrame(out)


# ----------------------------------------------------------------------------------------------------------------
# Study 4: coverage of the lifts at the planted point

PLANTED_LIFTS = ("P1a", "P2a", "P2b", "P5")  # the tendency clauses with a neutral reference


def planted_seed(args) -> list:
    """One seed of study 4: per clause the lift under the estimand (regime "all", min_events = 1), its interval,
    and the per-stratum counts (k_c, n_c, k_r, n_r) from which the pooled truth is computed."""
    seed, dyads = args
    import learnrace
    from learnrace.propositions._data import extract
    from learnrace.propositions.clauses import BY_NAME
    from learnrace.propositions.tendencies import _lift

    res = learnrace.run(config(["propositional"], dyads, seed), backend="cpu", progress=False, threads=1)
    data = extract(res, "propositional", "model")
    mv = data.movers("all")
    rows = []
    for name in PLANTED_LIFTS:
        clause = BY_NAME[name]
        m = mv.subset(np.isin(mv.own, clause.movers))
        y, cond = m.own_next == clause.destination, m.partner == clause.partner
        lift = _lift(m, y, cond, "neutral", clause, ALPHA, 30, 1)
        fit, keep = lift["fit"], lift["rows"]
        row = {"seed": seed, "clause": name, "effect": np.nan, "ci_low": np.nan, "ci_high": np.nan}
        if fit is not None:
            row.update(effect=fit.effect, ci_low=fit.ci_low, ci_high=fit.ci_high)
        for st in lift["strata"]:
            r = keep & (m.own == st)
            row[f"k_c_{st}"], row[f"n_c_{st}"] = int((r & cond & y).sum()), int((r & cond).sum())
            row[f"k_r_{st}"], row[f"n_r_{st}"] = int((r & ~cond & y).sum()), int((r & ~cond).sum())
        rows.append(row)
    return rows


def run_planted_study(prefix: str, seeds: int, dyads: int, workers: int) -> int:
    """Study 4, resumable like the model studies (rows appended to PREFIX_planted.csv)."""
    f = files(prefix)["planted"]
    done = set(_read(f, ["seed", "clause"]).get("seed", []))
    jobs = [(s, dyads) for s in range(1, seeds + 1) if s not in done]
    if not jobs:
        return 0
    t0 = time.time()
    with get_context("spawn").Pool(workers) as pool:
        for i, rows in enumerate(pool.imap_unordered(planted_seed, jobs), 1):
            _append(f, rows)
            if i % max(1, len(jobs) // 10) == 0 or i == len(jobs):
                print(f"  planted-point study: {i}/{len(jobs)} seeds [{time.time() - t0:.0f} s]", flush=True)
    return len(jobs)


def pooled_ratio(g: pd.DataFrame) -> float:
    """Poisson MLE of the common ratio from the per-stratum counts summed over the seeds (one intercept per
    stratum): the truth of study 4."""
    from learnrace.propositions import _stats as st

    strata = sorted({c.split("_")[-1] for c in g.columns if c.startswith("k_c_") and g[c].notna().any()})
    events, exposure, stratum, group = [], [], [], []
    for i, sname in enumerate(strata):
        for grp, (k, n) in enumerate(((f"k_r_{sname}", f"n_r_{sname}"), (f"k_c_{sname}", f"n_c_{sname}"))):
            events.append(g[k].sum())
            exposure.append(g[n].sum())
            stratum.append(i)
            group.append(grp)
    X = st.design(np.asarray(group, dtype=float), st.dummies(np.asarray(stratum)))
    fit = st.fit_glm(np.asarray(events, float), X, np.arange(len(events)), "poisson", offset=np.log(exposure),
                     cov="naive")  # fmt: skip
    return float(np.exp(fit.params[1]))


def planted_table(df: pd.DataFrame) -> pd.DataFrame:
    out = []
    for name in PLANTED_LIFTS:
        g = df[df["clause"] == name]
        t = g[g["effect"].notna()]
        truth = pooled_ratio(g)
        n = len(t)
        out.append(
            {
                "clause": name,
                "seeds": len(g),
                "estimated": n,
                "pooled truth": f"{truth:.3g}",
                "median estimate": f"{t['effect'].median():.3g}",
                "coverage": rate(((t["ci_low"] <= truth) & (truth <= t["ci_high"])).sum(), n),
                "CI above truth": rate((t["ci_low"] > truth).sum(), n),
                "CI below truth": rate((t["ci_high"] < truth).sum(), n),
                "median CI high / low": f"{(t['ci_high'] / t['ci_low']).median():.3g}",
            }
        )
    return pd.DataFrame(out)


P3A_SETTINGS = (
    # label, dyads, periods, frailty log-SD
    ("1,000 dyads x 10 periods, no frailty", 1000, 10, 0.0),
    ("1,000 dyads x 10 periods, frailty SD 0.5", 1000, 10, 0.5),
    ("200 dyads x 10 periods, frailty SD 0.5", 200, 10, 0.5),
)


# ----------------------------------------------------------------------------------------------------------------


SEEDS, DYADS, LARGE_SEEDS, LARGE_DYADS, P3A_REPS, BOOTSTRAP = 120, 4000, 3, 50_000, 200, 100


def seed_range(df: pd.DataFrame) -> str:
    return f"{df['seed'].min()}-{df['seed'].max()}" if len(df) else "-"


def render(small, large, few, corr, p3a, planted, note: str, dyads: int = DYADS,
           large_dyads: int = LARGE_DYADS) -> str:  # fmt: skip
    """The Calibration section of docs/statistics.md from the studies' rows."""
    from mdtable import markdown

    n_small, n_large = small["seed"].nunique(), large["seed"].nunique()
    parts = [
        "Generated by `python bench/statistics_tables.py --write docs/statistics.md --sections calibration` "
        f"(the studies of `bench/calibrate_propositions.py`, defaults; {note}). Every rate has its exact 95% "
        "(Clopper-Pearson) interval. Nominal: a 99% interval excludes the true value in 0.5% of samples per side "
        "(1% on either side).",
        f"**Null point, {n_small} seeds × {dyads:,} dyads** (seed numbers {seed_range(small)}; every true lift, "
        "under every reference, and every odds ratio is 1; regime low). "
        "*CI above / below 1*: the reported interval among the seeds where the clause was testable under the "
        "estimand; *Wald*: its dyad-clustered Wald part alone; *no_same_move*, *all_other*: the lift under the "
        "alternative references (testable seeds, their interval excluding 1, and their verdict being supported or "
        "contradicted among all seeds); *supported*, *contradicted*: verdicts among all seeds (Holm over the full "
        "table; H1-H5 with the normal-theory SE, which leaves the Holm family unchanged).",
        markdown(null_table(small)),
        construction_line(small),
        f"**Null point, {n_large} seeds × {large_dyads:,} dyads** (seed numbers {seed_range(large)}; as above).",
        markdown(null_table(large)) if n_large else "(not run)",
        "**Lifts by the number of predicted moves in the condition** (P1a, P1b, P2a, P2b, P3b, P5 refitted with "
        "min_events = 1 in both regimes, low and all, at both sizes, under the estimand (so P1b and P3b never "
        "enter); true lift 1; an interval excluding 1 on either side counts, nominal 1%).",
        markdown(event_table(few)),
        "**Rank correlations: coverage of the 99% intervals** (small-sample runs, null point; truth = the mean over "
        "the seeds; spread = SD of atanh(rho) over the seeds divided by the mean SE).",
        markdown(correlation_table(corr)),
        f"**P3a under a synthetic null** ({int(p3a['reps'].iloc[0])} replicates per setting): 8 learning states "
        "with one exit hazard 0.2 (a dyad's hazard times a lognormal frailty), target state vs the 7 others; "
        "*old*: the runner-up chosen as the lowest observed hazard, one clustered Wald ratio; *new*: every state, "
        "simultaneous interval (the method of `test`).",
        markdown(p3a),
        f"**Coverage at the planted point** (the propositional point, {planted['seed'].nunique()} seeds × "
        f"{dyads:,} dyads, seed numbers {seed_range(planted)}): the lifts of P1a, P2a, P2b, P5 under the estimand, "
        "regime all, min_events = 1; truth = the lift of all seeds' moves pooled "
        f"({planted['seed'].nunique() * dyads:,} dyads; each seed is a small part of it). Nominal: 99% coverage, "
        "0.5% per side.",
        markdown(planted_table(planted)),
    ]
    return "\n\n".join(parts)


def calibrate(prefix: str, seeds=SEEDS, dyads=DYADS, large_seeds=LARGE_SEEDS, large_dyads=LARGE_DYADS,
              p3a_reps=P3A_REPS, workers=2, bootstrap=BOOTSTRAP) -> str:  # fmt: skip
    """Run (or resume) the three studies, saving their rows under ``prefix``; returns the Calibration section."""
    t0 = time.time()
    ran = run_model_studies(prefix, seeds, dyads, large_seeds, large_dyads, bootstrap, workers)
    ran_planted = run_planted_study(prefix, seeds, dyads, workers)
    p3a_file = files(prefix)["p3a"]
    if not p3a_file.exists():
        p3a_study(p3a_reps, P3A_SETTINGS).to_csv(p3a_file, index=False)
    note = (
        f"{os.cpu_count()} cores, {time.time() - t0:.0f} s with {workers} workers for {ran} + {ran_planted} seeds; "
        f"the other rows were read from {prefix}_*.csv, saved by an earlier run"
        if ran + ran_planted < 2 * seeds + large_seeds
        else f"{os.cpu_count()} cores, {time.time() - t0:.0f} s with {workers} workers"
    )
    small, large, few, corr = load_model_studies(prefix)
    # Rows of seeds beyond the ones asked for (a larger earlier run under the same prefix) are left out.
    small, corr = small[small["seed"] <= seeds], corr[corr["seed"] <= seeds]
    large = large[large["seed"] <= large_seeds]
    few = few[
        ((few["study"] == "small") & (few["seed"] <= seeds))
        | ((few["study"] == "large") & (few["seed"] <= large_seeds))
    ]
    planted = _read(files(prefix)["planted"], ["seed", "clause"])
    planted = planted[planted["seed"] <= seeds]
    return render(small, large, few, corr, pd.read_csv(p3a_file), planted, note, dyads, large_dyads)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=SEEDS, help="seeds of the small-sample null study")
    ap.add_argument("--dyads", type=int, default=DYADS, help="dyads per seed of the small-sample null study")
    ap.add_argument("--large-seeds", type=int, default=LARGE_SEEDS, help="seeds of the large-sample study (0: skip)")
    ap.add_argument("--large-dyads", type=int, default=LARGE_DYADS)
    ap.add_argument("--p3a-reps", type=int, default=P3A_REPS, help="replicates per setting of the P3a synthetic null")
    ap.add_argument("--workers", type=int, default=2, help="processes (each runs the engine on one thread)")
    ap.add_argument("--bootstrap", type=int, default=BOOTSTRAP, help="dyad-bootstrap replicates of the correlations")
    ap.add_argument("--prefix", default="calibration", help="the rows go to PREFIX_*.csv (an existing run resumes)")
    a = ap.parse_args()
    print(calibrate(a.prefix, a.seeds, a.dyads, a.large_seeds, a.large_dyads, a.p3a_reps, a.workers, a.bootstrap))


if __name__ == "__main__":
    main()
