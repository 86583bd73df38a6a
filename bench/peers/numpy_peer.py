"""The propositional kernel in vectorised NumPy: all live dyads advance one period per step, as arrays.

Written as a researcher fluent in NumPy would write it: float32 state, both firms of a dyad in one (2, n) array,
all random numbers of a period drawn in two calls, and the live dyads compacted after every period (the whole state
is two 2-D arrays, so compaction is two fancy-indexing calls). Spec: kernels/simulate_dyad.hpp (dyad_start,
dyad_period) with the kernel headers it includes; scenario events are left out. Its own RNG (numpy Generator), so
results agree with the engine's in distribution, not bit for bit. Like the other peers it produces only the
transition counts and the dyads by cause and duration (the engine also bins every transition by factor, counts
occupancy, histograms outcomes and records trajectories).
"""

from __future__ import annotations

import time

import numpy as np

from .model import (
    AVO,
    CENSORED,
    CPT,
    CUT_TRANSPARENCY,
    FIXED,
    INTERNALIZATION,
    LOGIT_NORMAL,
    NORMAL,
    PAIR_BARRIER,
    PAIR_EMPOWER,
    PAIR_LEADERLESS,
    PAIR_MOVER,
    PAIR_PROPOSITION,
    PAIRS,
    RECEPTIVITY_LEVEL,
    STRATEGIES,
    TRANSPARENCY_LEVEL,
    UNIFORM,
    Dist,
    Params,
    PeerResult,
    duration_table,
    per_dyad_counts,
)

F32 = np.float32


def sample_real(d: Dist, rng: np.random.Generator, n: int) -> np.ndarray:
    if d.kind == FIXED:
        return np.full(n, d.a, F32)
    if d.kind == UNIFORM:
        return rng.uniform(d.a, d.b, n).astype(F32)
    v = (d.a + d.b * rng.standard_normal(n)).astype(F32)
    return v if d.kind == NORMAL else 1.0 / (1.0 + np.exp(-v))


def sample_latent(d: Dist, rng: np.random.Generator, n: int) -> np.ndarray:
    """The logit of a (0, 1) factor's start: exact for a logit-normal factor."""
    if d.kind == LOGIT_NORMAL:
        return (d.a + d.b * rng.standard_normal(n)).astype(F32)
    v = np.clip(sample_real(d, rng, n), 1e-6, 1 - 1e-6)
    return np.log(v / (1 - v))


def sample_category(prob: np.ndarray, rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.choice(prob.size, size=n, p=prob / prob.sum()).astype(np.int32)


# Rows of the float state F and the integer state I (one column per live dyad).
_LEVEL, _Z, _X, _Y, _Q, _U, _REL, _EQ, _RCAP, _EXP, _NF = 0, 6, 12, 14, 16, 18, 20, 21, 22, 24, 26
_INTENT, _STRAT, _RUN, _VIOL, _AVOID, _TOL, _ID, _NI = 0, 2, 4, 6, 8, 9, 11, 12


def simulate(p: Params, dyads: int, seed: int, record: bool = False) -> PeerResult:
    """Simulate ``dyads`` dyads for up to p.periods periods. ``record``: also return per-dyad transition counts."""
    t0 = time.perf_counter()
    rng = np.random.default_rng(seed)
    T, n = p.periods, dyads
    F = np.zeros((_NF, n), F32)
    I = np.zeros((_NI, n), np.int32)  # noqa: E741 - I: the integer state
    for firm in range(2):
        for k in range(3):
            F[_LEVEL + 3 * firm + k] = sample_latent(p.init_factor[firm][k], rng, n)
        F[_U + firm] = np.maximum(sample_real(p.init_knowledge[firm], rng, n), 1e-3)
        I[_INTENT + firm] = sample_category(p.init_intent[firm], rng, n)
        I[_STRAT + firm] = sample_category(p.init_strategy[firm], rng, n)
    F[_Z : _Z + 6] = F[_LEVEL : _LEVEL + 6]
    F[_REL] = np.maximum(sample_real(p.init_relation, rng, n), 0)
    F[_EQ] = np.clip(sample_real(p.init_equity, rng, n), 0, 1)
    F[_RCAP : _RCAP + 2] = p.receptivity_cap[I[_INTENT : _INTENT + 2]]
    F[_EXP : _EXP + 2] = p.expected_outflow[I[_INTENT : _INTENT + 2]]
    I[_TOL : _TOL + 2] = p.exploit_tolerance[I[_INTENT : _INTENT + 2]]
    I[_ID] = np.arange(n)

    # Constants, as float32 columns broadcasting over (2, n) or (3, n).
    tau_of = (p.level[TRANSPARENCY_LEVEL]).astype(F32)  # transparency of each strategy
    rho_of = (p.level[RECEPTIVITY_LEVEL]).astype(F32)
    alpha0, gamma0 = p.alpha0.astype(F32)[:, None], p.gamma0.astype(F32)[:, None]
    seen = (1 - p.disguise[::-1]).astype(F32)[:, None]  # what firm f sees of the partner's taking
    common, own = p.shock_common.astype(F32)[:, None], p.shock_own.astype(F32)[:, None]
    phi, p_jump, jump = p.phi.astype(F32)[:, None], p.p_jump.astype(F32)[:, None], p.jump_size.astype(F32)[:, None]
    beta0 = np.append(p.beta0, 0).astype(F32)  # index -1 (no proposition): unused
    beta = np.vstack([p.beta, np.zeros(4)]).T.astype(F32)  # [factor, proposition + 1]
    cap = F32(p.trust_cap_logit) if np.isfinite(p.trust_cap_logit) else None
    exploit_logit = F32(np.log(p.exploit_trust / (1 - p.exploit_trust)))
    eps = F32(p.epsilon)
    explore_edges = (eps * np.array([0.2, 0.4, 0.6, 0.8], F32))[:, None, None]

    transitions = np.zeros(PAIRS * PAIRS, np.int64)
    ended_cause, ended_duration = [], []  # of the dyads that ended, period by period
    cells, cell_ids = [], []
    for t in range(T):
        n = F.shape[1]
        if n == 0:
            break
        level, z = F[_LEVEL : _LEVEL + 6].reshape(2, 3, n), F[_Z : _Z + 6].reshape(2, 3, n)
        x, y, q, relation = F[_X : _X + 2], F[_Y : _Y + 2], F[_Q : _Q + 2], F[_REL]
        strategy = I[_STRAT : _STRAT + 2]

        # --- knowledge flows, learning, bargaining power ---
        decay = np.exp(relation * F32(-1 / p.r0))
        grown = 1 - decay
        alpha = alpha0 + (1 - alpha0) * grown
        gamma = gamma0 + (1 - gamma0) * grown
        tau = tau_of[strategy] * gamma
        rho = np.minimum(rho_of[strategy] * alpha, F[_RCAP : _RCAP + 2])
        inflow = np.minimum(tau[::-1], rho)  # [t_BA, t_AB]: what A and B receive
        outflow = inflow[::-1]
        t_ba, t_ab = inflow
        total = t_ab + t_ba
        created = F32(p.kappa_c) * total + F32(p.kappa_x) * t_ab * t_ba
        larger = np.maximum(t_ab, t_ba)
        share = created * np.minimum(t_ab, t_ba) / np.where(larger > 0, larger, 1)
        x += F32(p.lam) * inflow * (1 - x)
        y += F32(p.lam) * np.where(inflow >= outflow, created, share)
        dep = (1 - x[::-1]) * F[_U : _U + 2]  # [D_B, D_A]
        dep_total = dep[0] + dep[1]
        relational = np.where(dep_total > 0, dep[0] / np.where(dep_total > 0, dep_total, 1), F32(0.5))
        power_a = F32(p.w_legal) * F[_EQ] + F32(1 - p.w_legal) * relational
        power_start = F32(p.w_legal) * F[_EQ] + F32(1 - p.w_legal) * F[_U] / (F[_U] + F[_U + 1])

        # --- perceived exploitation ---
        e = rng.standard_normal((11, n), F32)  # common T S L, own A T S L, own B T S L, perception A B
        noisy = F32(p.perception_noise * 0.5) * decay * total
        unexpected = noisy * e[9:11] + seen * outflow - inflow - F[_EXP : _EXP + 2]
        q += F32(p.perception_weight) * (unexpected - q)
        detected = q > F32(p.detect_threshold)
        belief = np.clip(q * F32(1 / p.detect_threshold), 0, 1)

        # --- strategy change (the propositional kernel) ---
        u = rng.random((14, n), F32)  # counter A B, empower, barrier A B, explore A B, jump A T S L B T S L, hazard
        rel_cov = 1 - 2 * decay
        pair = STRATEGIES * strategy[0] + strategy[1]
        cut = CUT_TRANSPARENCY[strategy]
        counter = detected & (strategy[::-1] != AVO) & (u[0:2] < F32(p.p_counter)) & (cut != strategy)
        nxt = np.where(counter, cut, strategy)
        prop = PAIR_PROPOSITION[pair]
        b = beta[:, prop]
        b0 = np.where(PAIR_LEADERLESS[pair], F32(p.beta0_moderation), beta0[prop])
        eta = b0 + b[3] * rel_cov + b[0] * z[:, 0] + b[1] * z[:, 1] + b[2] * z[:, 2]
        mover = PAIR_MOVER[pair]
        eta_pair = np.where(mover == 1, eta[0], np.where(mover == 2, eta[1], np.minimum(eta[0], eta[1])))
        empowered = (prop >= 0) & ~counter[0] & ~counter[1] & (u[2] < 1 / (1 + np.exp(-eta_pair)))
        nxt = np.where(empowered, PAIR_EMPOWER[:, pair], nxt)
        barrier = PAIR_BARRIER[:, pair]
        bar_eta = (
            F32(p.barrier_b0)
            - F32(p.barrier_trust) * z[:, 0]
            - F32(p.barrier_orientation) * z[:, 2]
            - F32(p.barrier_relation) * rel_cov
            + F32(p.barrier_suspicion) * belief
            + F32(p.barrier_temptation) * np.where(barrier == CPT, tau_of[strategy[::-1]], F32(0))
        )
        p_bar = np.where(strategy[::-1] == AVO, F32(p.p_avoid), 1 / (1 + np.exp(-bar_eta)))
        moves = ~empowered & ~counter & (barrier != strategy) & (u[3:5] < p_bar)
        nxt = np.where(moves, barrier, nxt)
        explore = u[5:7]
        nxt = np.where(explore < eps, (explore >= explore_edges).sum(axis=0), nxt)
        cell = PAIRS * pair + STRATEGIES * nxt[0] + nxt[1]
        transitions += np.bincount(cell, minlength=PAIRS * PAIRS)
        if record:
            cells.append(cell)
            cell_ids.append(I[_ID].copy())

        # --- factors: endogenous trust, correlated shocks with jumps; relation ---
        low_trust = z[:, 0] < exploit_logit  # trust at the start of the period below exploit_trust
        I[_VIOL : _VIOL + 2] |= detected
        trust = level[:, 0] + F32(p.eta_up) * np.minimum(t_ab, t_ba) - F32(p.eta_down) * np.maximum(unexpected, 0)
        if cap is not None:
            trust = np.where(I[_VIOL : _VIOL + 2] != 0, np.minimum(trust, cap), trust)
        z[:, 0] += trust - level[:, 0]
        level[:, 0] = trust
        u_jump = u[7:13].reshape(2, 3, n)
        if p.jump_common.any():
            u_jump[1, p.jump_common] = u_jump[0, p.jump_common]
        jumps = np.where(u_jump < p_jump, np.where(u_jump < 0.5 * p_jump, -jump, jump), 0)
        shock = common * e[0:3] + own * e[3:9].reshape(2, 3, n)
        z[...] = level + phi * (z - level) + shock + jumps
        F[_REL] = F32(1 - p.delta_r) * relation + F32(0.5) * total

        # --- termination ---
        avoid = I[_AVOID] = np.where((strategy[0] == AVO) & (strategy[1] == AVO), I[_AVOID] + 1, 0)
        run = I[_RUN : _RUN + 2] = np.where(detected & low_trust, I[_RUN : _RUN + 2] + 1, 0)
        internalizer = I[_INTENT : _INTENT + 2] == INTERNALIZATION
        gain = np.stack([power_a - power_start, power_start - power_a])
        won = internalizer & (x >= F32(p.exit_knowledge)) & (x > x[::-1]) & (gain >= F32(p.exit_power_gain))
        withdraws = run >= I[_TOL : _TOL + 2]
        conditions = [avoid >= p.avoid_periods, won[0], won[1], withdraws[0], withdraws[1], u[13] < F32(p.hazard)]
        cause = np.select(conditions, [1, 2, 3, 4, 5, 6], CENSORED)
        strategy[...] = nxt
        ended = cause != CENSORED
        if ended.any():
            ended_cause.append(cause[ended])
            ended_duration.append(np.full(int(ended.sum()), t + 1))
            keep = ~ended
            F, I = F[:, keep], I[:, keep]  # noqa: E741
    cause = np.concatenate(ended_cause + [np.zeros(F.shape[1], np.int64)])
    duration = np.concatenate(ended_duration + [np.full(F.shape[1], T)])
    seconds = time.perf_counter() - t0
    result = PeerResult(transitions.reshape(PAIRS, PAIRS), duration_table(cause, duration, T), seconds)
    if record:
        result.per_dyad = per_dyad_counts(np.concatenate(cell_ids), np.concatenate(cells), dyads)
    return result
