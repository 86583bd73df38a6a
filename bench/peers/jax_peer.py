"""The propositional kernel in JAX: one dyad's period as a pure function of scalars, ``jax.vmap``-ped over chunks of
dyads and ``lax.scan``-ned over the periods in ``jax.jit``-compiled blocks (CPU here, GPU where one is).

Written as a JAX user who minds the work would write it: one compiled shape (chunks of CHUNK slots; a block runs
only the chunks that hold live dyads, by a ``lax.fori_loop`` with a traced bound), a dyad that ends inside a block
computes to the block's end, masked out of the counts (lax.scan cannot drop it), and between blocks the live dyads
are compacted to the front. So the run computes about the live dyad-periods (1.15 - 1.28 x them at the default
point) rather than dyads x periods (3.4 x at 100 periods: what a version without compaction computed). The random
numbers of a chunk's period are drawn at once from a key folded with the period and the chunk. Spec:
kernels/simulate_dyad.hpp with the kernel headers it includes; scenario events are left out. Its own RNG
(jax.random), so results agree with the engine's in distribution, not bit for bit. Outputs: transition counts and
dyads by cause and duration.
"""

from __future__ import annotations

import time
from functools import partial

import jax
import jax.numpy as jnp
import numpy as np
from jax import lax

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


def _real(d: Dist, key, n: int):
    if d.kind == FIXED:
        return jnp.full(n, d.a, jnp.float32)
    if d.kind == UNIFORM:
        return jax.random.uniform(key, (n,), jnp.float32, d.a, d.b)
    v = d.a + d.b * jax.random.normal(key, (n,), jnp.float32)
    return v if d.kind == NORMAL else jax.nn.sigmoid(v)


def _latent(d: Dist, key, n: int):
    if d.kind == LOGIT_NORMAL:
        return d.a + d.b * jax.random.normal(key, (n,), jnp.float32)
    return jax.scipy.special.logit(jnp.clip(_real(d, key, n), 1e-6, 1 - 1e-6))


def _start(p: Params, key, n: int) -> dict:
    """Every dyad's initial state: per firm arrays [n, 2] (factors [n, 2, 3])."""
    keys = iter(jax.random.split(key, 16))
    level = jnp.stack(
        [jnp.stack([_latent(p.init_factor[f][k], next(keys), n) for k in range(3)], -1) for f in (0, 1)], 1
    )
    knowledge = jnp.stack([jnp.maximum(_real(p.init_knowledge[f], next(keys), n), 1e-3) for f in (0, 1)], 1)
    intent = jnp.stack([jax.random.choice(next(keys), 3, (n,), p=jnp.asarray(p.init_intent[f])) for f in (0, 1)], 1)
    strategy = jnp.stack(
        [jax.random.choice(next(keys), STRATEGIES, (n,), p=jnp.asarray(p.init_strategy[f])) for f in (0, 1)], 1
    )
    zeros = jnp.zeros((n, 2), jnp.float32)
    return dict(
        level=level,
        z=level,
        knowledge=knowledge,
        intent=intent.astype(jnp.int32),
        strategy=strategy.astype(jnp.int32),
        x=zeros,
        y=zeros,
        q=zeros,
        exploit_run=jnp.zeros((n, 2), jnp.int32),
        violated=jnp.zeros((n, 2), bool),
        relation=jnp.maximum(_real(p.init_relation, next(keys), n), 0.0),
        equity=jnp.clip(_real(p.init_equity, next(keys), n), 0.0, 1.0),
        avoid_run=jnp.zeros(n, jnp.int32),
    )


def _period(p: Params, s: dict, e, u):
    """One period of one dyad: state ``s`` (scalars; per firm [2], factors [2, 3]), 11 standard normals ``e``
    (common T S L, own A T S L, own B T S L, perception A B) and 14 uniforms ``u`` (counter A B, empower,
    barrier A B, explore A B, jump A T S L, B T S L, hazard). Returns the next state, the transition cell and
    the termination cause (0 while the dyad goes on)."""
    level_of = jnp.asarray(p.level, jnp.float32)
    receptivity_cap = jnp.asarray(p.receptivity_cap, jnp.float32)[s["intent"]]
    expected_outflow = jnp.asarray(p.expected_outflow, jnp.float32)[s["intent"]]
    tolerance = jnp.asarray(p.exploit_tolerance, jnp.int32)[s["intent"]]
    strategy, z, x = s["strategy"], s["z"], s["x"]
    partner = strategy[::-1]

    # --- knowledge flows, learning, bargaining power ---
    decay = jnp.exp(-s["relation"] / p.r0)
    grown = 1 - decay
    alpha = p.alpha0 + (1 - p.alpha0) * grown
    gamma = p.gamma0 + (1 - p.gamma0) * grown
    tau = level_of[jnp.asarray(TRANSPARENCY_LEVEL)[strategy]] * gamma
    rho = jnp.minimum(level_of[jnp.asarray(RECEPTIVITY_LEVEL)[strategy]] * alpha, receptivity_cap)
    inflow = jnp.minimum(tau[::-1], rho)  # [t_BA, t_AB]
    outflow = inflow[::-1]
    t_ba, t_ab = inflow[0], inflow[1]
    total = t_ab + t_ba
    created = p.kappa_c * total + p.kappa_x * t_ab * t_ba
    larger = jnp.maximum(t_ab, t_ba)
    share = created * jnp.minimum(t_ab, t_ba) / jnp.where(larger > 0, larger, 1.0)
    x = x + p.lam * inflow * (1 - x)
    y = s["y"] + p.lam * jnp.where(inflow >= outflow, created, share)
    dep = (1 - x[::-1]) * s["knowledge"]  # [D_B, D_A]
    dep_total = dep[0] + dep[1]
    relational = jnp.where(dep_total > 0, dep[0] / jnp.where(dep_total > 0, dep_total, 1.0), 0.5)
    power_a = p.w_legal * s["equity"] + (1 - p.w_legal) * relational
    power_start = p.w_legal * s["equity"] + (1 - p.w_legal) * s["knowledge"][0] / (
        s["knowledge"][0] + s["knowledge"][1]
    )

    # --- perceived exploitation ---
    volume = 0.5 * total
    perceived = p.perception_noise * decay * volume * e[9:11] + (1 - p.disguise[::-1]) * outflow - inflow
    unexpected = perceived - expected_outflow
    q = s["q"] + p.perception_weight * (unexpected - s["q"])
    detected = q > p.detect_threshold
    belief = jnp.clip(q / p.detect_threshold, 0.0, 1.0)

    # --- strategy change (the propositional kernel) ---
    rel_cov = 1 - 2 * decay
    pair = STRATEGIES * strategy[0] + strategy[1]
    cut = jnp.asarray(CUT_TRANSPARENCY)[strategy]
    counter = detected & (partner != AVO) & (u[0:2] < p.p_counter) & (cut != strategy)
    nxt = jnp.where(counter, cut, strategy)
    prop = jnp.asarray(PAIR_PROPOSITION)[pair]
    b0 = jnp.asarray(np.append(p.beta0, 0.0), jnp.float32)[prop]
    b0 = jnp.where(jnp.asarray(PAIR_LEADERLESS)[pair], p.beta0_moderation, b0)
    b = jnp.asarray(np.vstack([p.beta, np.zeros(4)]), jnp.float32)[prop]
    eta = b0 + b[3] * rel_cov + z @ b[:3]  # per firm
    mover = jnp.asarray(PAIR_MOVER)[pair]
    eta_pair = jnp.where(mover == 1, eta[0], jnp.where(mover == 2, eta[1], jnp.minimum(eta[0], eta[1])))
    empowered = (prop >= 0) & ~counter[0] & ~counter[1] & (u[2] < jax.nn.sigmoid(eta_pair))
    nxt = jnp.where(empowered, jnp.asarray(PAIR_EMPOWER)[:, pair], nxt)
    barrier = jnp.asarray(PAIR_BARRIER)[:, pair]
    bar_eta = (
        p.barrier_b0
        - p.barrier_trust * z[:, 0]
        - p.barrier_orientation * z[:, 2]
        - p.barrier_relation * rel_cov
        + p.barrier_suspicion * belief
        + p.barrier_temptation * jnp.where(barrier == CPT, level_of[jnp.asarray(TRANSPARENCY_LEVEL)[partner]], 0.0)
    )
    p_bar = jnp.where(partner == AVO, p.p_avoid, jax.nn.sigmoid(bar_eta))
    moves = ~empowered & ~counter & (barrier != strategy) & (u[3:5] < p_bar)
    nxt = jnp.where(moves, barrier, nxt)
    explore = u[5:7]
    picked = jnp.sum(explore[:, None] >= p.epsilon * jnp.array([0.2, 0.4, 0.6, 0.8]), axis=1)
    nxt = jnp.where(explore < p.epsilon, picked, nxt).astype(jnp.int32)
    cell = PAIRS * pair + STRATEGIES * nxt[0] + nxt[1]

    # --- factors: endogenous trust, correlated shocks with jumps; relation ---
    trust_start = jax.nn.sigmoid(z[:, 0])
    violated = s["violated"] | detected
    level = s["level"]
    trust = level[:, 0] + p.eta_up * jnp.minimum(t_ab, t_ba) - p.eta_down * jnp.maximum(unexpected, 0.0)
    trust = jnp.where(violated, jnp.minimum(trust, p.trust_cap_logit), trust)
    z = z.at[:, 0].add(trust - level[:, 0])
    level = level.at[:, 0].set(trust)
    u_jump = u[7:13].reshape(2, 3)
    u_jump = jnp.where(p.jump_common, u_jump[0], u_jump)
    jumps = jnp.where(u_jump < p.p_jump, jnp.where(u_jump < 0.5 * p.p_jump, -p.jump_size, p.jump_size), 0.0)
    shock = p.shock_common * e[0:3] + p.shock_own * e[3:9].reshape(2, 3)
    z = level + p.phi * (z - level) + shock + jumps
    relation = (1 - p.delta_r) * s["relation"] + 0.5 * total

    # --- termination ---
    avoid_run = jnp.where((strategy[0] == AVO) & (strategy[1] == AVO), s["avoid_run"] + 1, 0)
    exploit_run = jnp.where(detected & (trust_start < p.exploit_trust), s["exploit_run"] + 1, 0)
    gain = jnp.stack([power_a - power_start, power_start - power_a])
    won = (s["intent"] == INTERNALIZATION) & (x >= p.exit_knowledge) & (x > x[::-1]) & (gain >= p.exit_power_gain)
    withdraws = exploit_run >= tolerance
    conditions = [avoid_run >= p.avoid_periods, won[0], won[1], withdraws[0], withdraws[1], u[13] < p.hazard]
    cause = jnp.select(conditions, [1, 2, 3, 4, 5, 6], 0)
    nxt_state = dict(
        s,
        level=level,
        z=z,
        x=x,
        y=y,
        q=q,
        violated=violated,
        exploit_run=exploit_run,
        avoid_run=avoid_run,
        relation=relation,
        strategy=nxt,
    )
    return nxt_state, cell, cause


# The work is cut into chunks of CHUNK slots (one compiled shape); a block runs BLOCK_PERIODS periods on the chunks
# that hold live dyads, and between blocks the live dyads are compacted to the front when that frees at least a
# share COMPACT_GAIN of the running chunks (or at the end). The values ran fastest of a few tried (20,000 dyads).
CHUNK = 2048
BLOCK_PERIODS = 5
COMPACT_GAIN = 0.2


@partial(jax.jit, static_argnums=(0, 2))
def _start_all(p: Params, key, dyads: int):
    """Every dyad's start state in slots [0, dyads) of a capacity rounded up to whole chunks (the slots past
    `dyads` hold no dyad: not alive, id -1), its id, and the key of the periods' draws."""
    key_start, key_periods = jax.random.split(key)
    slots = -(-dyads // CHUNK) * CHUNK
    state = _start(p, key_start, slots)
    ids = jnp.arange(slots, dtype=jnp.int32)
    state.update(alive=ids < dyads, cause=jnp.zeros(slots, jnp.int32), duration=jnp.full(slots, p.periods, jnp.int32))
    return state, jnp.where(ids < dyads, ids, -1), key_periods


@partial(jax.jit, static_argnums=(0, 5, 6), donate_argnums=(3,))
def _block(p: Params, key_periods, t0, state: dict, chunks, periods: int, record: bool):
    """``periods`` periods from t0 of the dyads in the first ``chunks`` chunks of ``state`` (a dyad that ends
    inside the block computes on, masked). The draws of chunk j at period t: a key folded with t and j. Returns
    the state, the block's transition counts and (``record``) each slot's cell per period (-1: not alive)."""
    step = jax.vmap(partial(_period, p))
    slots = state["alive"].shape[0]

    def run_chunk(j, carry):
        state, transitions, cells = carry
        first = j * CHUNK
        part = jax.tree.map(lambda a: lax.dynamic_slice_in_dim(a, first, CHUNK), state)

        def body(carry, t):
            part, transitions = carry
            dyad = {k: v for k, v in part.items() if k not in ("alive", "cause", "duration")}
            k_normal, k_uniform = jax.random.split(jax.random.fold_in(jax.random.fold_in(key_periods, t), j))
            e = jax.random.normal(k_normal, (CHUNK, 11), jnp.float32)
            u = jax.random.uniform(k_uniform, (CHUNK, 14), jnp.float32)
            dyad, cell, ended = step(dyad, e, u)
            alive = part["alive"]
            transitions = transitions.at[cell].add(alive.astype(jnp.int32))
            newly = alive & (ended != 0)
            part = dict(
                dyad,
                alive=alive & (ended == 0),
                cause=jnp.where(newly, ended, part["cause"]),
                duration=jnp.where(newly, t + 1, part["duration"]),
            )
            return (part, transitions), (jnp.where(alive, cell, -1) if record else None)

        (part, transitions), part_cells = lax.scan(body, (part, transitions), t0 + jnp.arange(periods))
        state = jax.tree.map(lambda a, b: lax.dynamic_update_slice_in_dim(a, b, first, 0), state, part)
        if record:
            cells = lax.dynamic_update_slice_in_dim(cells, part_cells, first, 1)
        return state, transitions, cells

    cells = jnp.full((periods, slots), -1, jnp.int32) if record else None
    transitions = jnp.zeros(PAIRS * PAIRS, jnp.int32)
    return lax.fori_loop(0, chunks, run_chunk, (state, transitions, cells))


@jax.jit
def _store_ends(cause, duration, ids, state: dict):
    """The dyads' causes and durations so far into the per-dyad arrays (slots with id -1 are dropped)."""
    n = cause.shape[0]
    where = jnp.where(ids >= 0, ids, n)
    cause = cause.at[where].set(state["cause"], mode="drop")
    duration = duration.at[where].set(state["duration"], mode="drop")
    return cause, duration


@jax.jit
def _compact(state: dict, ids):
    """The live slots first, in order; the others hold no dyad (not alive, id -1)."""
    alive = state["alive"]
    (keep,) = jnp.nonzero(alive, size=alive.shape[0], fill_value=0)
    filled = jnp.arange(alive.shape[0]) < jnp.sum(alive)
    out = {k: v[keep] for k, v in state.items()}
    out["alive"] = out["alive"] & filled
    return out, jnp.where(filled, ids[keep], -1)


def simulate(p: Params, dyads: int, seed: int, record: bool = False) -> PeerResult:
    """Simulate ``dyads`` dyads for up to p.periods periods (compiles on the first call for a given size: time a
    second call). ``record``: also return per-dyad transition counts.

    As a JAX user who minds the work would: jitted blocks of BLOCK_PERIODS periods (lax.scan) over the chunks
    that hold live dyads (lax.fori_loop with a traced bound, so one compiled shape), and between blocks the live
    dyads compacted to the front. ``result.computed_dyad_periods`` counts the slot-periods computed (ended dyads
    and empty slots of the last chunk included)."""
    t0 = time.perf_counter()
    T = p.periods
    state, ids, key_periods = _start_all(p, jax.random.key(seed), dyads)
    cause = jnp.zeros(dyads, jnp.int32)
    duration = jnp.full(dyads, T, jnp.int32)
    transitions = jnp.zeros(PAIRS * PAIRS, jnp.int32)
    chunks = state["alive"].shape[0] // CHUNK
    recorded, computed, t = [], 0, 0
    while t < T and chunks > 0:
        periods = min(BLOCK_PERIODS, T - t)
        state, counts, cells = _block(p, key_periods, t, state, chunks, periods, record)
        transitions = transitions + counts
        computed += periods * chunks * CHUNK
        if record:
            recorded.append((np.asarray(ids), np.asarray(cells)))
        t += periods
        live = int(jnp.sum(state["alive"]))
        needed = -(-live // CHUNK)
        if needed <= chunks * (1 - COMPACT_GAIN) or t >= T:
            cause, duration = _store_ends(cause, duration, ids, state)
            state, ids = _compact(state, ids)
            chunks = needed
    transitions = np.asarray(jax.block_until_ready(transitions), np.int64)
    seconds = time.perf_counter() - t0
    result = PeerResult(
        transitions.reshape(PAIRS, PAIRS), duration_table(np.asarray(cause), np.asarray(duration), T), seconds
    )
    result.computed_dyad_periods = computed
    if record:
        dyad_of, cell_of = [], []
        for slot_ids, cells in recorded:  # cells [periods, slots], -1 where the slot held no live dyad
            period, slot = np.nonzero(cells >= 0)
            dyad_of.append(slot_ids[slot])
            cell_of.append(cells[period, slot])
        result.per_dyad = per_dyad_counts(np.concatenate(dyad_of), np.concatenate(cell_of), dyads)
    return result
