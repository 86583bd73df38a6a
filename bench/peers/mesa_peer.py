"""The propositional kernel as a Mesa agent model: one agent per dyad, holding its two firms, stepped once per period.

Written as a Mesa user would write it: plain Python per agent, ``model.agents.do("step")`` each period, Mesa's
random number generator (``model.random``), an agent removes itself when its alliance ends. Spec:
kernels/simulate_dyad.hpp with the kernel headers it includes; scenario events are left out. Results agree with the
engine's in distribution, not bit for bit. Outputs: transition counts and dyads by cause and duration.
"""

from __future__ import annotations

import math
import time

import mesa
import numpy as np

from .model import (
    AVO,
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

# The tables as Python lists: scalar indexing of lists is what plain Python does fastest.
_TRANSPARENCY, _RECEPTIVITY, _CUT = TRANSPARENCY_LEVEL.tolist(), RECEPTIVITY_LEVEL.tolist(), CUT_TRANSPARENCY.tolist()
_PROPOSITION, _MOVER, _LEADERLESS = PAIR_PROPOSITION.tolist(), PAIR_MOVER.tolist(), PAIR_LEADERLESS.tolist()
_EMPOWER, _BARRIER = PAIR_EMPOWER.tolist(), PAIR_BARRIER.tolist()


def _sigmoid(v: float) -> float:
    return 1.0 / (1.0 + math.exp(-v)) if v > -700 else 0.0


def _real(d: Dist, rnd) -> float:
    if d.kind == FIXED:
        return d.a
    if d.kind == UNIFORM:
        return rnd.uniform(d.a, d.b)
    v = rnd.gauss(d.a, d.b)
    return v if d.kind == NORMAL else _sigmoid(v)


def _latent(d: Dist, rnd) -> float:
    if d.kind == LOGIT_NORMAL:
        return rnd.gauss(d.a, d.b)
    v = min(max(_real(d, rnd), 1e-6), 1 - 1e-6)
    return math.log(v / (1 - v))


class Firm:
    """One firm of a dyad: its factors' levels and latents (T, S, L), knowledge, learning, suspicion, strategy."""

    def __init__(self, p: Params, f: int, rnd):
        self.level = [_latent(p.init_factor[f][k], rnd) for k in range(3)]
        self.z = list(self.level)
        self.knowledge = max(_real(p.init_knowledge[f], rnd), 1e-3)
        self.intent = rnd.choices(range(3), weights=p.init_intent[f].tolist())[0]
        self.strategy = rnd.choices(range(STRATEGIES), weights=p.init_strategy[f].tolist())[0]
        self.alpha0, self.gamma0 = float(p.alpha0[f]), float(p.gamma0[f])
        self.receptivity_cap = float(p.receptivity_cap[self.intent])
        self.x = self.y = self.suspicion = 0.0
        self.exploit_run = 0
        self.violated = False


class DyadAgent(mesa.Agent):
    """One alliance: two firms and their shared relation; ``step`` is one period."""

    def __init__(self, model: AllianceModel):
        super().__init__(model)
        p, rnd = model.p, model.random
        self.firms = (Firm(p, 0, rnd), Firm(p, 1, rnd))
        self.relation = max(_real(p.init_relation, rnd), 0.0)
        self.equity_a = min(max(_real(p.init_equity, rnd), 0.0), 1.0)
        self.avoid_run = 0
        self.index = model.next_index  # 0, 1, ...: the dyad's row in the per-dyad outputs
        model.next_index += 1

    def step(self):
        p, rnd, m = self.model.p, self.model.random, self.model
        a, b = self.firms
        # --- knowledge flows, learning, bargaining power ---
        decay = math.exp(-self.relation / p.r0)
        grown = 1 - decay
        tau, rho = [], []
        for f in self.firms:
            alpha = f.alpha0 + (1 - f.alpha0) * grown
            gamma = f.gamma0 + (1 - f.gamma0) * grown
            tau.append(m.level[_TRANSPARENCY[f.strategy]] * gamma)
            rho.append(min(m.level[_RECEPTIVITY[f.strategy]] * alpha, f.receptivity_cap))
        t_ab, t_ba = min(tau[0], rho[1]), min(tau[1], rho[0])
        created = p.kappa_c * (t_ab + t_ba) + p.kappa_x * t_ab * t_ba
        larger = max(t_ab, t_ba)
        share = created * min(t_ab, t_ba) / larger if larger > 0 else 0.0
        a.x += p.lam * t_ba * (1 - a.x)
        b.x += p.lam * t_ab * (1 - b.x)
        a.y += p.lam * (created if t_ba >= t_ab else share)
        b.y += p.lam * (created if t_ab >= t_ba else share)
        dep_b, dep_a = (1 - b.x) * a.knowledge, (1 - a.x) * b.knowledge
        relational = dep_b / (dep_a + dep_b) if dep_a + dep_b > 0 else 0.5
        power_a = p.w_legal * self.equity_a + (1 - p.w_legal) * relational
        power_start = p.w_legal * self.equity_a + (1 - p.w_legal) * a.knowledge / (a.knowledge + b.knowledge)

        # --- perceived exploitation ---
        noise_sd = p.perception_noise * decay * 0.5 * (t_ab + t_ba)
        unexpected, detected, belief = [], [], []
        for f, out, inn, disguise in ((a, t_ab, t_ba, m.disguise[1]), (b, t_ba, t_ab, m.disguise[0])):
            seen = noise_sd * rnd.gauss(0.0, 1.0) + (1 - disguise) * out - inn
            unexpected.append(seen - m.expected_outflow[f.intent])
            f.suspicion += p.perception_weight * (unexpected[-1] - f.suspicion)
            detected.append(f.suspicion > p.detect_threshold)
            belief.append(min(max(f.suspicion / p.detect_threshold, 0.0), 1.0))

        # --- strategy change (the propositional kernel) ---
        rel_cov = 1 - 2 * decay
        pair = STRATEGIES * a.strategy + b.strategy
        nxt = [a.strategy, b.strategy]
        counter = [False, False]
        for i, f in enumerate(self.firms):
            cut = _CUT[f.strategy]
            partner_avoids = self.firms[1 - i].strategy == AVO  # nothing left to halt: P5 decides
            if detected[i] and not partner_avoids and rnd.random() < p.p_counter and cut != f.strategy:
                counter[i], nxt[i] = True, cut
        prop = _PROPOSITION[pair]
        empowered = False
        if prop >= 0 and not counter[0] and not counter[1]:
            b0 = p.beta0_moderation if _LEADERLESS[pair] else m.beta0[prop]
            eta = [b0 + m.beta[prop][3] * rel_cov + sum(m.beta[prop][k] * f.z[k] for k in range(3)) for f in self.firms]
            mover = _MOVER[pair]
            eta_pair = eta[0] if mover == 1 else eta[1] if mover == 2 else min(eta)
            if rnd.random() < _sigmoid(eta_pair):
                empowered = True
                nxt = [_EMPOWER[0][pair], _EMPOWER[1][pair]]
        if not empowered:
            for i, f in enumerate(self.firms):
                barrier = _BARRIER[i][pair]
                if counter[i] or barrier == f.strategy:
                    continue
                if self.firms[1 - i].strategy == AVO:
                    p_bar = p.p_avoid
                else:
                    p_bar = _sigmoid(
                        p.barrier_b0
                        - p.barrier_trust * f.z[0]
                        - p.barrier_orientation * f.z[2]
                        - p.barrier_relation * rel_cov
                        + p.barrier_suspicion * belief[i]
                        + (
                            p.barrier_temptation * m.level[_TRANSPARENCY[self.firms[1 - i].strategy]]
                            if barrier == CPT
                            else 0.0
                        )
                    )
                if rnd.random() < p_bar:
                    nxt[i] = barrier
        for i in range(2):
            u = rnd.random()
            if u < p.epsilon:  # exploration: each strategy with probability 1/5
                nxt[i] = int(5 * u / p.epsilon)
        cell = PAIRS * pair + STRATEGIES * nxt[0] + nxt[1]
        m.transitions[cell] += 1
        if m.record:
            m.cells.append((self.index, cell))

        # --- factors: endogenous trust, correlated shocks with jumps; relation ---
        low_trust = [_sigmoid(f.z[0]) < p.exploit_trust for f in self.firms]
        common = [rnd.gauss(0.0, 1.0) for _ in range(3)]
        jumps_a = [rnd.random() for _ in range(3)]
        for i, f in enumerate(self.firms):
            f.violated = f.violated or detected[i]
            trust = f.level[0] + p.eta_up * min(t_ab, t_ba) - p.eta_down * max(unexpected[i], 0.0)
            if f.violated:
                trust = min(trust, p.trust_cap_logit)
            f.z[0] += trust - f.level[0]
            f.level[0] = trust
            for k in range(3):
                u = jumps_a[k] if i == 0 or m.jump_common[k] else rnd.random()
                jump = 0.0
                if u < m.p_jump[k]:
                    jump = -m.jump_size[k] if u < 0.5 * m.p_jump[k] else m.jump_size[k]
                shock = m.shock_common[k] * common[k] + m.shock_own[k] * rnd.gauss(0.0, 1.0)
                f.z[k] = f.level[k] + m.phi[k] * (f.z[k] - f.level[k]) + shock + jump
        self.relation = (1 - p.delta_r) * self.relation + 0.5 * (t_ab + t_ba)

        # --- termination ---
        self.avoid_run = self.avoid_run + 1 if a.strategy == AVO and b.strategy == AVO else 0
        for i, f in enumerate(self.firms):
            f.exploit_run = f.exploit_run + 1 if detected[i] and low_trust[i] else 0
        cause = 0
        if self.avoid_run >= p.avoid_periods:
            cause = 1
        elif self._race_won(a, b, power_a - power_start):
            cause = 2
        elif self._race_won(b, a, power_start - power_a):
            cause = 3
        elif a.exploit_run >= m.exploit_tolerance[a.intent]:
            cause = 4
        elif b.exploit_run >= m.exploit_tolerance[b.intent]:
            cause = 5
        elif rnd.random() < p.hazard:
            cause = 6
        if cause:
            m.ended.append((self.index, cause, m.period + 1))
            self.remove()
        else:
            a.strategy, b.strategy = nxt

    def _race_won(self, f: Firm, partner: Firm, gain: float) -> bool:
        """Model v3: the race is won by out-learning the partner and gaining power (docs/model.md section 15)."""
        p = self.model.p
        return f.intent == INTERNALIZATION and f.x >= p.exit_knowledge and f.x > partner.x and gain >= p.exit_power_gain


class AllianceModel(mesa.Model):
    """``dyads`` alliances, each a DyadAgent; ``step`` advances every live one by one period."""

    def __init__(self, p: Params, dyads: int, seed: int, record: bool = False):
        super().__init__(seed=seed)
        self.p, self.record, self.period = p, record, 0
        # Parameter arrays as Python lists.
        self.level, self.disguise = p.level.tolist(), p.disguise.tolist()
        self.expected_outflow = p.expected_outflow.tolist()
        self.beta0, self.beta = p.beta0.tolist(), p.beta.tolist()
        self.phi, self.p_jump, self.jump_size = p.phi.tolist(), p.p_jump.tolist(), p.jump_size.tolist()
        self.jump_common = p.jump_common.tolist()
        self.shock_common, self.shock_own = p.shock_common.tolist(), p.shock_own.tolist()
        self.exploit_tolerance = p.exploit_tolerance.tolist()
        self.transitions = [0] * (PAIRS * PAIRS)
        self.next_index = 0
        self.ended, self.cells = [], []
        DyadAgent.create_agents(self, dyads)

    def step(self):
        self.agents.do("step")
        self.period += 1


def simulate(p: Params, dyads: int, seed: int, record: bool = False) -> PeerResult:
    """Simulate ``dyads`` dyads for up to p.periods periods. ``record``: also return per-dyad transition counts."""
    t0 = time.perf_counter()
    model = AllianceModel(p, dyads, seed, record)
    while model.period < p.periods and len(model.agents) > 0:
        model.step()
    cause, duration = np.zeros(dyads, np.int64), np.full(dyads, p.periods)
    for dyad, c, d in model.ended:
        cause[dyad], duration[dyad] = c, d
    seconds = time.perf_counter() - t0
    transitions = np.array(model.transitions, np.int64).reshape(PAIRS, PAIRS)
    result = PeerResult(transitions, duration_table(cause, duration, p.periods), seconds)
    if record:
        cells = np.array(model.cells, np.int64).reshape(-1, 2)
        result.per_dyad = per_dyad_counts(cells[:, 0], cells[:, 1], dyads)
    return result
