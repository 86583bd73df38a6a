"""What the three peers share: the engine's parameters, the proposition table and the result record.

The parameters are read from the engine's own record of a run (its ``/points`` table, keyed by TOML key), never
copied: the peers always simulate the point the engine simulated. The proposition table is the peers' own
transcription of kernels/proposition_table.hpp (an independent implementation; the equivalence tests in
tests/python/test_peers.py would catch a difference).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Mapping

import numpy as np

# Strategy codes (index = code; pair index = 5 * A + B) and termination causes, as in the engine's run file.
AVO, ACC, CPR, CPT, COL = range(5)
STRATEGIES = 5
PAIRS = STRATEGIES * STRATEGIES
CAUSES = 7
CENSORED, DISINTEGRATION, RACE_WON_A, RACE_WON_B, EXPLOITED_A, EXPLOITED_B, HAZARD = range(CAUSES)
INTENTS = ("internalization", "substitution", "resource_concentration")
INTERNALIZATION = 0
STRATEGY_NAMES = ("Avoidance", "Accommodation", "Compromise", "Competition", "Collaboration")
FACTORS = ("trust", "stakes", "orientation")  # a firm's factors, in this order (T, S, L)
PROPOSITIONS = ("P6a", "P6b", "P7a", "P7b", "P8", "P9")
NO_PROPOSITION = -1
MOVER_NONE, MOVER_A, MOVER_B, MOVER_BOTH = range(4)

# Larsson et al. (1998) Fig. 1: transparency and receptivity level (0 low, 1 moderate, 2 high) of each strategy.
TRANSPARENCY_LEVEL = np.array([0, 2, 1, 0, 2])
RECEPTIVITY_LEVEL = np.array([0, 0, 1, 2, 2])
# A firm that detects exploitation cuts its transparency: COL, CPR -> CPT; ACC -> AVO; AVO, CPT stay.
CUT_TRANSPARENCY = np.array([AVO, AVO, CPT, CPT, CPT])

# The proposition table (kernels/proposition_table.hpp), one row per unordered pair {x, y}, x <= y:
# (x, y, barrier move of x, barrier move of y, empowering proposition, its mover, where x and y go when it fires).
_P = {name: k for k, name in enumerate(PROPOSITIONS)}
_NONE, _X, _Y, _BOTH = MOVER_NONE, MOVER_A, MOVER_B, MOVER_BOTH
PAIR_RULES = (
    (AVO, AVO, AVO, AVO, NO_PROPOSITION, _NONE, AVO, AVO),
    (AVO, ACC, AVO, AVO, NO_PROPOSITION, _NONE, AVO, ACC),
    (AVO, CPR, AVO, AVO, NO_PROPOSITION, _NONE, AVO, CPR),
    (AVO, CPT, AVO, AVO, NO_PROPOSITION, _NONE, AVO, CPT),
    (AVO, COL, AVO, AVO, NO_PROPOSITION, _NONE, AVO, COL),
    (ACC, ACC, ACC, ACC, _P["P6b"], _BOTH, CPR, CPR),
    (ACC, CPR, AVO, CPR, _P["P6b"], _X, CPR, CPR),
    (ACC, CPT, AVO, CPT, NO_PROPOSITION, _NONE, ACC, CPT),
    (ACC, COL, AVO, COL, _P["P6a"], _X, COL, COL),
    (CPR, CPR, CPR, CPR, _P["P8"], _BOTH, COL, COL),  # P8 without a collaborative leader: its own intercept
    (CPR, CPT, CPT, CPT, _P["P7b"], _Y, CPR, CPR),
    (CPR, COL, CPT, COL, _P["P8"], _BOTH, COL, COL),
    (CPT, CPT, AVO, AVO, _P["P7b"], _BOTH, CPR, CPR),
    (CPT, COL, CPT, CPT, _P["P7a"], _BOTH, CPR, CPR),
    (COL, COL, CPT, CPT, _P["P9"], _BOTH, COL, COL),
)


def _ordered_moves():
    """The table for ordered pairs (a, b), as arrays indexed by 5 a + b."""
    prop = np.full(PAIRS, NO_PROPOSITION)
    mover = np.zeros(PAIRS, dtype=np.int64)
    empower = np.zeros((2, PAIRS), dtype=np.int64)
    barrier = np.zeros((2, PAIRS), dtype=np.int64)
    swap = {MOVER_A: MOVER_B, MOVER_B: MOVER_A}
    for x, y, bx, by, p, m, ex, ey in PAIR_RULES:
        for a, b, ba, bb, ea, eb, mv in ((x, y, bx, by, ex, ey, m), (y, x, by, bx, ey, ex, swap.get(m, m))):
            k = STRATEGIES * a + b
            prop[k], mover[k] = p, mv
            empower[:, k] = ea, eb
            barrier[:, k] = ba, bb
    return prop, mover, empower, barrier


PAIR_PROPOSITION, PAIR_MOVER, PAIR_EMPOWER, PAIR_BARRIER = _ordered_moves()
# P8 from (CPR, CPR), moderation without a collaborative leader, uses the intercept beta0_moderation (model v3).
PAIR_LEADERLESS = np.zeros(PAIRS, dtype=bool)
PAIR_LEADERLESS[STRATEGIES * CPR + CPR] = True

# Distribution kinds of the engine's `initial.*.dist` codes (kernels/params.hpp DistKind).
FIXED, UNIFORM, NORMAL, LOGIT_NORMAL, BETA, CATEGORICAL, START = range(7)


@dataclass(frozen=True)
class Dist:
    """An initial-condition distribution: kind (code above) and its parameters."""

    kind: int
    a: float = 0.0  # value (fixed), low (uniform), mean (normal, logit-normal)
    b: float = 0.0  # high (uniform), sd (normal, logit-normal)


@dataclass(frozen=True, eq=False)  # hashed by identity: a static argument of the JAX peer's jit
class Params:
    """One point's parameters (docs/model.md section 18), by their engine meaning. Arrays: per firm [A, B], per
    intent, per factor [T, S, L] or per proposition [P6a .. P9] as named."""

    periods: int
    level: np.ndarray  # transparency / receptivity of the low, moderate, high levels
    kappa_c: float
    kappa_x: float
    lam: float
    alpha0: np.ndarray  # [firm]
    gamma0: np.ndarray  # [firm]
    disguise: np.ndarray  # [firm]
    r0: float
    w_legal: float
    eta_up: float
    eta_down: float
    trust_recovery_cap: float
    delta_r: float
    perception_noise: float
    perception_weight: float
    detect_threshold: float
    expected_outflow: np.ndarray  # [intent]
    phi: np.ndarray  # [factor]
    sigma: np.ndarray
    rho: np.ndarray
    p_jump: np.ndarray
    jump_size: np.ndarray
    jump_common: np.ndarray  # [factor] bool
    init_factor: tuple  # [firm][factor] Dist of the factor value in (0, 1)
    init_relation: Dist
    init_knowledge: tuple  # [firm] Dist
    init_equity: Dist
    init_intent: np.ndarray  # [firm, intent] probabilities
    init_strategy: np.ndarray  # [firm, strategy] probabilities
    receptivity_cap: np.ndarray  # [intent]
    avoid_periods: int
    exit_knowledge: float
    exit_power_gain: float
    exploit_trust: float
    exploit_tolerance: np.ndarray  # [intent]
    hazard: float
    epsilon: float
    p_counter: float
    p_avoid: float
    barrier_b0: float
    barrier_trust: float
    barrier_orientation: float
    barrier_relation: float
    barrier_suspicion: float
    barrier_temptation: float
    beta0: np.ndarray  # [proposition] intercept
    beta0_moderation: float  # P8's intercept from (CPR, CPR)
    beta: np.ndarray  # [proposition, factor T S L R] slopes

    # --- derived constants, as the engine's PointConstants ---
    @property
    def shock_common(self) -> np.ndarray:
        """sigma sqrt(rho): loading of the common normal shock, per factor."""
        return self.sigma * np.sqrt(self.rho)

    @property
    def shock_own(self) -> np.ndarray:
        """sigma sqrt(1 - rho): loading of each firm's own normal shock, per factor."""
        return self.sigma * np.sqrt(1.0 - self.rho)

    @property
    def trust_cap_logit(self) -> float:
        """The latent cap of trust after a detected exploitation (no cap when trust_recovery_cap is 1)."""
        c = self.trust_recovery_cap
        return math.inf if c >= 1.0 else math.log(c / (1.0 - c))

    @classmethod
    def from_table(cls, get: Callable[[str], float]) -> Params:
        """From the engine's parameter table: ``get(key)`` is the value of TOML key ``key`` at the point. Raises
        NotImplementedError for what the peers leave out (scenario events, the strategic kernel, Beta
        distributions, long-run factor levels other than the start value)."""

        def dist(key: str) -> Dist:
            kind = int(get(f"{key}.dist"))
            if kind == FIXED:
                return Dist(kind, get(f"{key}.value"))
            if kind == UNIFORM:
                return Dist(kind, get(f"{key}.low"), get(f"{key}.high"))
            if kind in (NORMAL, LOGIT_NORMAL):
                return Dist(kind, get(f"{key}.mean"), get(f"{key}.sd"))
            raise NotImplementedError(f"{key}.dist = {kind}: the peers implement fixed, uniform, normal, logit_normal")

        def per(prefix: str, names) -> np.ndarray:
            return np.array([get(f"{prefix}.{n}") for n in names], dtype=np.float64)

        if int(get("kernel.type")) != 0:
            raise NotImplementedError("kernel.type: the peers implement the propositional kernel only")
        firms = ("A", "B")
        for f in FACTORS:
            for firm in firms:
                if int(get(f"level.{f}_{firm}.dist")) != START:
                    raise NotImplementedError(f"level.{f}_{firm}: the peers implement levels equal to the start")
        shocks = [f"shocks.{f}" for f in FACTORS]
        prop = "kernel.propositional"
        beta = np.zeros((len(PROPOSITIONS), 4))
        for k, name in enumerate(PROPOSITIONS):
            for j, letter in enumerate("TSLR"):
                try:
                    beta[k, j] = get(f"{prop}.{name}.{letter}")
                except KeyError:
                    beta[k, j] = 0.0  # a factor the proposition does not name
        return cls(
            periods=int(get("run.periods")),
            level=per("strategies", ("low", "moderate", "high")),
            kappa_c=get("flows.kappa_c"),
            kappa_x=get("flows.kappa_x"),
            lam=get("flows.lambda"),
            alpha0=per("capacity", ("alpha0_A", "alpha0_B")),
            gamma0=per("capacity", ("gamma0_A", "gamma0_B")),
            disguise=per("perception", ("disguise_A", "disguise_B")),
            r0=get("capacity.r0"),
            w_legal=get("power.w_legal"),
            eta_up=get("trust.eta_up"),
            eta_down=get("trust.eta_down"),
            trust_recovery_cap=get("trust.recovery_cap"),
            delta_r=get("relation.delta_r"),
            perception_noise=get("perception.noise"),
            perception_weight=get("perception.weight"),
            detect_threshold=get("perception.threshold"),
            expected_outflow=per("perception.expected_outflow", INTENTS),
            phi=np.array([get(f"{s}.phi") for s in shocks]),
            sigma=np.array([get(f"{s}.sigma") for s in shocks]),
            rho=np.array([get(f"{s}.rho") for s in shocks]),
            p_jump=np.array([get(f"{s}.p_jump") for s in shocks]),
            jump_size=np.array([get(f"{s}.jump_size") for s in shocks]),
            jump_common=np.array([get(f"{s}.jump_common") != 0 for s in shocks]),
            init_factor=tuple(tuple(dist(f"initial.{f}_{firm}") for f in FACTORS) for firm in firms),
            init_relation=dist("initial.relation"),
            init_knowledge=tuple(dist(f"initial.knowledge_{firm}") for firm in firms),
            init_equity=dist("initial.equity_A"),
            init_intent=np.array([per(f"initial.intent_{firm}.p", INTENTS) for firm in firms]),
            init_strategy=np.array([per(f"initial.strategy_{firm}.p", STRATEGY_NAMES) for firm in firms]),
            receptivity_cap=per("intent.receptivity_cap", INTENTS),
            avoid_periods=int(get("termination.avoid_periods")),
            exit_knowledge=get("termination.exit_knowledge"),
            exit_power_gain=get("termination.exit_power_gain"),
            exploit_trust=get("termination.exploit_trust"),
            exploit_tolerance=per("termination.exploit_tolerance", INTENTS).astype(np.int64),
            hazard=get("termination.hazard"),
            epsilon=get(f"{prop}.epsilon"),
            p_counter=get(f"{prop}.p_counter"),
            p_avoid=get(f"{prop}.p_avoid"),
            barrier_b0=get(f"{prop}.barrier.b0"),
            barrier_trust=get(f"{prop}.barrier.T"),
            barrier_orientation=get(f"{prop}.barrier.L"),
            barrier_relation=get(f"{prop}.barrier.R"),
            barrier_suspicion=get(f"{prop}.barrier.suspicion"),
            barrier_temptation=get(f"{prop}.barrier.temptation"),
            beta0=np.array([get(f"{prop}.{name}.b0") for name in PROPOSITIONS]),
            beta0_moderation=get(f"{prop}.P8.b0_moderation"),
            beta=beta,
        )

    @classmethod
    def from_points(cls, points: Mapping, index: int = 0) -> Params:
        """From a run file's ``/points`` group (h5py) or ``learnrace.Results.points`` (a DataFrame), point ``index``.
        Refuses points with scenario events (the peers leave them out)."""
        keys = list(points.keys())
        events = [k for k in keys if k.startswith("events.") and not math.isnan(float(points[k][index]))]
        if events:
            raise NotImplementedError(f"{events[0]}: the peers do not implement scenario events")

        def get(key: str) -> float:
            return float(points[key][index])

        return cls.from_table(get)


@dataclass
class PeerResult:
    """The outputs every implementation produces, as in the engine's run file (one point)."""

    transitions: np.ndarray  # int64 [25, 25]: live dyad-periods by pair state at t (row) and the next one
    duration: np.ndarray  # int64 [7, T + 1]: dyads by termination cause and duration
    seconds: float = float("nan")  # wall time of the simulation
    # Optional, for the equivalence tests: per-dyad transition counts (scipy.sparse, dyads x 625).
    per_dyad: object | None = None
    # Optional: dyad-periods computed, where an implementation computes more than the live ones (the JAX peer's
    # fixed-shape blocks: padding, and dyads that ended inside a block).
    computed_dyad_periods: int | None = None

    @property
    def dyads(self) -> int:
        return int(self.duration.sum())

    @property
    def dyad_periods(self) -> int:
        return int(self.transitions.sum())

    @property
    def causes(self) -> np.ndarray:
        """Dyads by termination cause."""
        return self.duration.sum(axis=1)

    @property
    def durations(self) -> np.ndarray:
        """Dyads by duration 0..T (0 unused)."""
        return self.duration.sum(axis=0)

    @property
    def mean_duration(self) -> float:
        d = self.durations
        return float((np.arange(d.size) * d).sum() / d.sum())


def duration_table(cause: np.ndarray, duration: np.ndarray, periods: int) -> np.ndarray:
    """Dyads by (cause, duration) from per-dyad arrays, the engine's duration section."""
    flat = np.bincount(cause.astype(np.int64) * (periods + 1) + duration, minlength=CAUSES * (periods + 1))
    return flat.reshape(CAUSES, periods + 1)


def per_dyad_counts(dyad: np.ndarray, cell: np.ndarray, dyads: int):
    """Sparse dyads x 625 matrix of transition counts from one (dyad, cell) pair per live dyad-period."""
    from scipy import sparse

    ones = np.ones(dyad.size, dtype=np.int64)
    return sparse.coo_matrix((ones, (dyad, cell)), shape=(dyads, PAIRS * PAIRS)).tocsr()
