"""Do a peer's statistics agree with the engine's within sampling error? (used by tests/python/test_peers.py)

Four checks, each at family-wise level ALPHA = 0.01 (so a correct peer fails one with probability at most 4 %; the
tests use fixed seeds, so the verdict is reproducible):

* transition frequencies: for every cell (from, to) of the 25 x 25 counts that either side visits, the difference
  of its frequency per live dyad-period, engine minus peer, as a z score; Bonferroni over the cells tested.
  Dyad-periods are not independent (a dyad's periods are correlated), so the variance is that of a ratio estimator
  over independent dyads (delta method): f_k = sum_i c_ik / sum_i D_i (c_ik: dyad i's count in cell k, D_i: its
  duration) has Var f_k ~ V_k / n with V_k = Var_i(c_ik - f_k D_i) / mean(D)^2. Under the null both sides draw
  their dyads from the same distribution, so V_k is estimated once, from the peer's per-dyad counts (the engine
  returns only totals), with the pooled f_k and mean duration, and Var(f_engine - f_peer) = V_k (1/n_e + 1/n_p).
  V_k is floored at the multinomial variance f_k (1 - f_k) / mean(D) (dyad-periods as if independent): a cell the
  peer visits rarely or never still gets the sampling error of its pooled count.
* cause shares: each dyad ends by exactly one cause and dyads are independent, so the two-sample z test of
  proportions (pooled share) per cause, Bonferroni over the causes either side has.
* mean duration: Welch z on the two means, each side's standard deviation from its own duration histogram.
* duration distribution: chi-square test of homogeneity of the two duration histograms (dyads independent), adjacent
  durations merged until every merged bin expects at least 5 dyads on the smaller side.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import List

import numpy as np
from scipy import stats

from .model import CAUSES, PAIRS, PeerResult

ALPHA = 0.01


@dataclass
class Check:
    name: str
    passed: bool
    detail: str


@dataclass
class Comparison:
    checks: List[Check] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        return all(c.passed for c in self.checks)

    def __str__(self) -> str:
        return "\n".join(f"{'ok  ' if c.passed else 'FAIL'} {c.name}: {c.detail}" for c in self.checks)


def _bonferroni_z(tests: int, alpha: float = ALPHA) -> float:
    """Two-sided critical |z| for `tests` tests at family-wise level alpha."""
    return float(stats.norm.isf(alpha / (2 * max(tests, 1))))


def transition_check(engine: PeerResult, peer: PeerResult) -> Check:
    if peer.per_dyad is None:
        raise ValueError("the peer's per-dyad counts are needed (simulate(..., record=True))")
    c_e = engine.transitions.ravel().astype(np.float64)
    c_p = peer.transitions.ravel().astype(np.float64)
    n_e, n_p = engine.dyads, peer.dyads
    f_e, f_p = c_e / c_e.sum(), c_p / c_p.sum()
    pooled = (c_e + c_p) / (c_e.sum() + c_p.sum())
    mean_d = (c_e.sum() + c_p.sum()) / (n_e + n_p)
    # Var_i(c_ik - f_k D_i) from the peer's sparse per-dyad counts: E[c^2] - 2 f E[c D] + f^2 E[D^2] (all i).
    counts = peer.per_dyad.tocsc()
    d = np.asarray(counts.sum(axis=1)).ravel().astype(np.float64)  # each dyad's live periods
    e_c = np.asarray(counts.mean(axis=0)).ravel()
    e_c2 = np.asarray(counts.multiply(counts).mean(axis=0)).ravel()
    e_cd = np.asarray(counts.T @ d).ravel() / n_p
    e_d, e_d2 = d.mean(), (d * d).mean()
    var = (e_c2 - 2 * pooled * e_cd + pooled**2 * e_d2) - (e_c - pooled * e_d) ** 2
    v = np.maximum(var / mean_d**2, pooled * (1 - pooled) / mean_d)
    tested = pooled > 0
    z = np.zeros(PAIRS * PAIRS)
    z[tested] = (f_e - f_p)[tested] / np.sqrt(v[tested] * (1 / n_e + 1 / n_p))
    crit = _bonferroni_z(int(tested.sum()))
    worst = int(np.argmax(np.abs(z)))
    detail = (
        f"{int(tested.sum())} cells, max |z| = {abs(z[worst]):.2f} at {worst // PAIRS}->{worst % PAIRS} "
        f"(engine {f_e[worst]:.5f}, peer {f_p[worst]:.5f}); critical {crit:.2f}"
    )
    return Check("transition frequencies", bool(np.all(np.abs(z) <= crit)), detail)


def cause_check(engine: PeerResult, peer: PeerResult) -> Check:
    k_e, k_p = engine.causes.astype(np.float64), peer.causes.astype(np.float64)
    n_e, n_p = k_e.sum(), k_p.sum()
    pooled = (k_e + k_p) / (n_e + n_p)
    tested = pooled > 0
    se = np.sqrt(pooled * (1 - pooled) * (1 / n_e + 1 / n_p))
    z = np.zeros(CAUSES)
    z[tested] = (k_e / n_e - k_p / n_p)[tested] / se[tested]
    crit = _bonferroni_z(int(tested.sum()))
    shares = ", ".join(f"{a:.4f}/{b:.4f}" for a, b in zip(k_e / n_e, k_p / n_p))
    detail = f"engine/peer shares {shares}; max |z| = {np.abs(z).max():.2f}, critical {crit:.2f}"
    return Check("cause shares", bool(np.all(np.abs(z) <= crit)), detail)


def _moments(hist: np.ndarray):
    d = np.arange(hist.size, dtype=np.float64)
    n = hist.sum()
    mean = (d * hist).sum() / n
    var = ((d - mean) ** 2 * hist).sum() / (n - 1)
    return mean, var, n


def mean_duration_check(engine: PeerResult, peer: PeerResult) -> Check:
    m_e, v_e, n_e = _moments(engine.durations)
    m_p, v_p, n_p = _moments(peer.durations)
    se = np.sqrt(v_e / n_e + v_p / n_p)
    z = (m_e - m_p) / se
    crit = float(stats.norm.isf(ALPHA / 2))
    detail = f"engine {m_e:.3f}, peer {m_p:.3f} (99% CI of the difference {m_e - m_p:+.3f} +- {crit * se:.3f})"
    return Check("mean duration", bool(abs(z) <= crit), detail)


def duration_distribution_check(engine: PeerResult, peer: PeerResult) -> Check:
    h_e, h_p = engine.durations.astype(np.float64), peer.durations.astype(np.float64)
    small = min(h_e.sum(), h_p.sum())
    need = 5 * (h_e.sum() + h_p.sum()) / small  # pooled dyads per bin for >= 5 expected on the smaller side
    bins_e, bins_p, acc_e, acc_p = [], [], 0.0, 0.0
    for a, b in zip(h_e, h_p):
        acc_e, acc_p = acc_e + a, acc_p + b
        if acc_e + acc_p >= need:
            bins_e.append(acc_e)
            bins_p.append(acc_p)
            acc_e = acc_p = 0.0
    if bins_e:  # the remainder joins the last bin
        bins_e[-1] += acc_e
        bins_p[-1] += acc_p
    if len(bins_e) < 2:
        return Check("duration distribution", True, "too few dyads for a chi-square test")
    res = stats.chi2_contingency(np.array([bins_e, bins_p]))
    detail = f"chi2 = {res.statistic:.1f} on {res.dof} df, p = {res.pvalue:.3g} (level {ALPHA})"
    return Check("duration distribution", bool(res.pvalue > ALPHA), detail)


def compare(engine: PeerResult, peer: PeerResult) -> Comparison:
    """All four checks of a peer against the engine (the peer simulated with record=True)."""
    return Comparison(
        [
            transition_check(engine, peer),
            cause_check(engine, peer),
            mean_duration_check(engine, peer),
            duration_distribution_check(engine, peer),
        ]
    )
