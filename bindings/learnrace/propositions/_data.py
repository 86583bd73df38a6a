"""Analysis units built from a run's sampled trajectories (docs/statistics.md, "Units").

* transitions: one row per observed move of a live sampled dyad, pair state at t -> pair state at t+1, with each
  firm's moderators at the start of t (its own trust, stakes, orientation, and the dyad's relation: what conditioned
  its move). A move is observed when the dyad is live at t and at t+1; the move drawn in a dyad's final period is
  counted in ``Results.transitions`` but is not in the trajectories, so it is not used here. Pair-level moderators
  (``mods``) are the less favourable of the two firms, factor by factor: a joint move needs both firms
  (docs/model.md section 11), so the weaker firm's factor is the one that binds.
* movers: the same moves seen from each firm: own strategy at t, partner's strategy at t, own strategy at t+1, and
  the firm's OWN moderators (two rows per transition, one per firm; both keep the dyad as the cluster).
* dyads: one row per sampled dyad with its intents, endowments, equity, final state and outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict

import numpy as np

from ..labels import AVO, MODERATORS, UNREACHED

# The four moderators by their names in data (trajectory fields, table columns, arguments); T, S, L, R label them
# in formulas and figures only (labels.MODERATOR_LABELS).
FACTOR_KEYS = MODERATORS
SCALES = ("model", "raw")


class MissingOutputError(ValueError):
    """The run lacks an output that a proposition test needs (names the configuration key to change)."""


def _param(res, point: int, key: str, default: float) -> float:
    pts = res.points
    if key in pts.columns:
        value = pts[key].iloc[point]
        try:
            value = float(value)
        except (TypeError, ValueError):
            return default
        if np.isfinite(value):
            return value
    return default


def _logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p.astype(np.float64), 1e-12, 1.0 - 1e-12)
    return np.log(p) - np.log1p(-p)


def moderator_scale(raw: np.ndarray, r0: float, scale: str) -> np.ndarray:
    """Moderators [n, 4] (T, S, L, R) on the analysis scale.

    ``"model"``: logit T, logit S, logit L and 1 - 2 exp(-R / r0), the covariates of the propositional kernel's linear
    predictor (docs/model.md section 11). ``"raw"``: T, S, L in (0, 1) and R >= 0 as recorded. Tercile regimes do not
    depend on the scale (quantiles are invariant under monotone maps); odds ratios per SD do.
    """
    if scale == "raw":
        return raw.astype(np.float64)
    if scale != "model":
        raise ValueError(f"scale must be one of {SCALES}, not {scale!r}")
    out = np.empty(raw.shape, dtype=np.float64)
    out[:, :3] = _logit(raw[:, :3])
    out[:, 3] = 1.0 - 2.0 * np.exp(-raw[:, 3].astype(np.float64) / r0)
    return out


@dataclass
class Transitions:
    """Observed moves of sampled dyads (pair level). Strategy codes are int8; ``mods_a`` / ``mods_b`` are [n, 4]
    (trust, stakes, orientation of firm A / B, and relation); ``mods`` is their elementwise minimum (pair level)."""

    dyad: np.ndarray
    t: np.ndarray
    a: np.ndarray
    b: np.ndarray
    a_next: np.ndarray
    b_next: np.ndarray
    mods_a: np.ndarray
    mods_b: np.ndarray

    @property
    def mods(self) -> np.ndarray:
        return np.minimum(self.mods_a, self.mods_b)

    def mover_mods(self, firm_is_a: np.ndarray) -> np.ndarray:
        """Each row's moderators of one firm: A's where ``firm_is_a``, else B's."""
        return np.where(np.asarray(firm_is_a)[:, None], self.mods_a, self.mods_b)

    def __len__(self) -> int:
        return len(self.dyad)

    @property
    def pair(self) -> np.ndarray:
        return 5 * self.a.astype(np.int64) + self.b

    @property
    def pair_next(self) -> np.ndarray:
        return 5 * self.a_next.astype(np.int64) + self.b_next

    def subset(self, mask: np.ndarray) -> Transitions:
        return Transitions(**{k: getattr(self, k)[mask] for k in self.__dataclass_fields__})


@dataclass
class Movers:
    """Each observed move seen from each firm (two rows per transition)."""

    dyad: np.ndarray
    own: np.ndarray
    partner: np.ndarray
    own_next: np.ndarray
    mods: np.ndarray

    def __len__(self) -> int:
        return len(self.dyad)

    @classmethod
    def from_transitions(cls, tr: Transitions) -> Movers:
        return cls(
            dyad=np.concatenate([tr.dyad, tr.dyad]),
            own=np.concatenate([tr.a, tr.b]),
            partner=np.concatenate([tr.b, tr.a]),
            own_next=np.concatenate([tr.a_next, tr.b_next]),
            mods=np.concatenate([tr.mods_a, tr.mods_b]),  # each firm's own factors
        )

    def subset(self, mask: np.ndarray) -> Movers:
        return Movers(**{k: getattr(self, k)[mask] for k in self.__dataclass_fields__})


@dataclass
class PointData:
    """Everything the tests need from one sweep point, extracted once."""

    point: int
    name: str
    kernel: str
    scale: str
    transitions: Transitions
    terciles: np.ndarray  # [4] upper edge of the bottom tercile of each pair-level moderator (analysis scale)
    mover_terciles: np.ndarray  # [4] the same over the firms' own moderators (both firms' rows)
    dyads: Dict[str, np.ndarray]
    params: Dict[str, float]
    _movers: Dict[str, Movers] = field(default_factory=dict, repr=False)

    def regime_mask(self, regime: str) -> np.ndarray:
        """Transitions in the regime: ``"low"`` = every pair-level moderator (the less favourable firm's) at or
        below its bottom-tercile edge; ``"all"`` = every row."""
        return _regime(self.transitions.mods, self.terciles, regime)

    def movers(self, regime: str) -> Movers:
        """Mover rows (two per transition) in the regime, judged by each mover's OWN moderators."""
        if regime not in self._movers:
            every = Movers.from_transitions(self.transitions)
            self._movers[regime] = every.subset(_regime(every.mods, self.mover_terciles, regime))
        return self._movers[regime]


def _regime(mods: np.ndarray, terciles: np.ndarray, regime: str) -> np.ndarray:
    if regime == "all":
        return np.ones(len(mods), dtype=bool)
    if regime == "low":
        return np.all(mods <= terciles[None, :], axis=1)
    raise ValueError(f"regime must be 'low' or 'all', not {regime!r}")


def _require_trajectories(res, point: int) -> None:
    pair = res.trajectories["pair"]
    if pair.shape[1] == 0:
        raise MissingOutputError(
            "the proposition tests need sampled trajectories, but this run recorded none "
            "(set output.trajectory_max > 0, and output.trajectory_stride small enough that "
            "run.dyads / trajectory_stride dyads are sampled; experiments/propositions.toml uses stride 1)"
        )
    if res.periods < 2:
        raise MissingOutputError("the proposition tests need run.periods >= 2 (no move is observed otherwise)")


def extract(res, point, scale: str = "model") -> PointData:
    """Build the analysis units of one point of ``res``."""
    p = res.point_index(point)
    _require_trajectories(res, p)
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {SCALES}, not {scale!r}")
    tr = res.trajectories
    pair = np.asarray(tr["pair"][p])
    K, T = pair.shape
    live = pair != UNREACHED
    observed = live[:, :-1] & live[:, 1:]
    k_idx, t_idx = np.nonzero(observed)
    dyad_id = np.asarray(tr["dyad"][p]).astype(np.int64)
    src = pair[k_idx, t_idx].astype(np.int64)
    dst = pair[k_idx, t_idx + 1].astype(np.int64)
    r0 = _param(res, p, "capacity.r0", 5.0)

    def firm_mods(firm: str) -> np.ndarray:
        # trust_A, stakes_A, orientation_A, relation (the dyad's) at the start of each observed move
        names = [f"{f}_{firm}" for f in FACTOR_KEYS[:3]] + [FACTOR_KEYS[3]]
        raw = np.stack([np.asarray(tr[f][p])[k_idx, t_idx] for f in names], axis=1)
        return moderator_scale(raw, r0, scale)

    transitions = Transitions(
        dyad=dyad_id[k_idx],
        t=t_idx.astype(np.int32),
        a=(src // 5).astype(np.int8),
        b=(src % 5).astype(np.int8),
        a_next=(dst // 5).astype(np.int8),
        b_next=(dst % 5).astype(np.int8),
        mods_a=firm_mods("A"),
        mods_b=firm_mods("B"),
    )
    # Bottom-tercile edges over the observed moves of this point: pair level, and over both firms' own factors.
    mods = transitions.mods
    own = np.concatenate([transitions.mods_a, transitions.mods_b])
    terciles = np.quantile(mods, 1.0 / 3.0, axis=0) if len(mods) else np.full(4, np.nan)
    mover_terciles = np.quantile(own, 1.0 / 3.0, axis=0) if len(own) else np.full(4, np.nan)

    # Per-dyad records and the final state of each sampled dyad.
    duration = np.asarray(tr["duration"][p]).astype(np.int64)
    last = np.clip(duration - 1, 0, T - 1)
    rows = np.arange(K)
    x_a = np.asarray(tr["x_A"][p])[rows, last].astype(np.float64)
    x_b = np.asarray(tr["x_B"][p])[rows, last].astype(np.float64)
    power_end = np.asarray(tr["power_A"][p])[rows, last]
    levels = np.array(
        [_param(res, p, f"strategies.{k}", d) for k, d in (("low", 0.0), ("moderate", 0.5), ("high", 1.0))]
    )
    # Learning posture of each strategy: receptivity level minus transparency level (Larsson Fig. 1):
    # AVO (L,L) 0, ACC (H,L) -(H-L), CPR (M,M) 0, CPT (L,H) +(H-L), COL (H,H) 0.
    tau = levels[[0, 2, 1, 0, 2]]
    rho = levels[[0, 0, 1, 2, 2]]
    posture = np.append(rho - tau, np.nan)  # index 5 for unreached periods
    pa = np.where(live, pair // 5, 5)
    pb = np.where(live, pair % 5, 5)
    gap = posture[pa] - posture[pb]
    with np.errstate(invalid="ignore"):
        posture_gap = np.nanmean(np.where(live, gap, np.nan), axis=1) if T else np.zeros(K)
    w_legal = _param(res, p, "power.w_legal", 0.2)
    know_a_raw = np.asarray(tr["knowledge_A"][p])
    know_b_raw = np.asarray(tr["knowledge_B"][p])
    equity_raw = np.asarray(tr["equity_A"][p])
    u_a = know_a_raw.astype(np.float64)
    u_b = know_b_raw.astype(np.float64)
    equity = equity_raw.astype(np.float64)
    # P_A(0) as the engine computed it (a trajectory field): P_A(end) - P_A(0) in float32 like the engine, so a dyad
    # whose power never moved has a shift of exactly 0 (ties in H3/H4).
    power_0 = np.asarray(tr["power_A_start"][p]).astype(np.float32)
    power_shift = (power_end.astype(np.float32) - power_0).astype(np.float64)
    g_a = np.asarray(tr["gain_A"][p]).astype(np.float64)
    g_b = np.asarray(tr["gain_B"][p]).astype(np.float64)
    total = g_a + g_b
    with np.errstate(invalid="ignore", divide="ignore"):
        asym = np.where(total > 0, (g_a - g_b) / np.where(total > 0, total, 1.0), 0.0)
    dep_a = (1.0 - x_a) * u_b  # what A still needs from B
    dep_b = (1.0 - x_b) * u_a
    dep_total = dep_a + dep_b
    with np.errstate(invalid="ignore", divide="ignore"):
        dep_imbalance = np.where(dep_total > 0, np.abs(dep_a - dep_b) / np.where(dep_total > 0, dep_total, 1), 0.0)
    dyads = {
        "dyad": dyad_id,
        "intent_A": np.asarray(tr["intent_A"][p]).astype(np.int64),
        "intent_B": np.asarray(tr["intent_B"][p]).astype(np.int64),
        "knowledge_A": u_a,
        "knowledge_B": u_b,
        "equity_A": equity,
        "cause": np.asarray(tr["cause"][p]).astype(np.int64),
        "duration": duration,
        "gain_A": g_a,
        "gain_B": g_b,
        "joint_learning": total,
        "asymmetry": asym,
        "x_A": x_a,
        "x_B": x_b,
        "power_A_end": power_end.astype(np.float64),
        "power_A_start": power_0.astype(np.float64),
        "power_shift": power_shift,
        "posture_gap": posture_gap,
        "dependence_imbalance": dep_imbalance,
    }
    params = {
        "r0": r0,
        "w_legal": w_legal,
        "barrier_b0": _param(res, p, "kernel.propositional.barrier.b0", np.nan),
        "epsilon": _param(res, p, "kernel.propositional.epsilon", np.nan),
    }
    return PointData(
        point=p,
        name=res.point_names[p],
        kernel=res.kernels[p],
        scale=scale,
        transitions=transitions,
        terciles=terciles,
        mover_terciles=mover_terciles,
        dyads=dyads,
        params=params,
    )


def unordered(x: int, y: int) -> tuple:
    return (min(x, y), max(x, y))


def is_avoidance_state(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a == AVO) | (b == AVO)
