"""Names of strategies, pair states, termination causes, factors and moments (docs/output_schema.md).

The axis labels are the /meta datasets of the output schema registry (``_core.output_schema()``), so they are the
ones the engine writes. Codes are part of the file format: strategy codes 0..4, pair state index
``5 * code_A + code_B``.
"""

from __future__ import annotations

from typing import NamedTuple

from ._sources import schema

_META = {m["name"]: tuple(m["values"]) for m in schema()["meta"]}

STRATEGIES = _META["strategies"]
STRATEGY_CODES = _META["strategy_codes"]
AVO, ACC, CPR, CPT, COL = range(5)

CAUSES = _META["causes"]
FACTORS = _META["factors"]  # the binned factors (axis `factor` of transitions_by_bin)
MOMENTS = _META["moments"]
INTENTS = _META["intents"]
# Moderators: full names in data (columns, arguments), one-letter labels for display only.
MODERATORS = ("trust", "stakes", "orientation", "relation")
MODERATOR_LABELS = {"trust": "T", "stakes": "S", "orientation": "L", "relation": "R"}

# Larsson et al. (1998) named states, by unordered strategy pair (docs/model.md section 3).
_LARSSON = {
    frozenset([COL]): "integration",
    frozenset([CPR]): "moderation",
    frozenset([CPT]): "deadlock",
    frozenset([ACC]): "symbolic",
    frozenset([CPT, COL]): "asymmetric exploitation",
    frozenset([CPT, CPR]): "partial exploitation",
    frozenset([CPR, ACC]): "partial exploitation",
    frozenset([COL, ACC]): "friendly exploitation",
}


def larsson_name(code_a: int, code_b: int) -> str | None:
    """Larsson's name of the pair state (any state with an avoiding firm is ``"disintegration"``), or None for the
    four states the paper leaves unnamed (COL/CPR and ACC/CPT, either order)."""
    if AVO in (code_a, code_b):
        return "disintegration"
    return _LARSSON.get(frozenset([code_a, code_b]))


class PairState(NamedTuple):
    """One of the 25 ordered pair states (firm A's strategy, firm B's strategy)."""

    index: int  # 5 * code_A + code_B
    code_a: int
    code_b: int
    code: str  # "COL/CPT"
    name: str  # "Collaboration/Competition" (the file's /meta/pair_states)
    larsson: str | None  # "asymmetric exploitation", or None if unnamed

    @property
    def label(self) -> str:
        """Short label for tables and plots, e.g. ``"COL/CPT (asymmetric exploitation)"``."""
        return f"{self.code} ({self.larsson})" if self.larsson else self.code


PAIR_STATES = tuple(
    PairState(
        5 * a + b,
        a,
        b,
        f"{STRATEGY_CODES[a]}/{STRATEGY_CODES[b]}",
        f"{STRATEGIES[a]}/{STRATEGIES[b]}",
        larsson_name(a, b),
    )
    for a in range(5)
    for b in range(5)
)
PAIR_CODES = tuple(s.code for s in PAIR_STATES)
PAIR_NAMES = tuple(s.name for s in PAIR_STATES)
LARSSON_STATES = tuple(s.larsson for s in PAIR_STATES)
UNREACHED = 255  # trajectory pair code after termination


def pair_index(code_a: int, code_b: int) -> int:
    return 5 * code_a + code_b


def pair_state_table():
    """The 25 pair states as a pandas DataFrame indexed by pair index."""
    import pandas as pd

    return pd.DataFrame([s._asdict() for s in PAIR_STATES]).set_index("index")


# ---------------------------------------------------------------------------------------------------------- labels
# The one place that turns a name into what a figure or a table shows: a parameter's dotted key, an outcome's name
# (from the outcome registry, learnrace.outcomes, which holds their labels and scales) or a trajectory variable. A
# period is a quarter (docs/model.md section 2); the factors trust, stakes and orientation move on the logit scale.

PERIOD_UNIT = "periods (quarters)"


class Label(NamedTuple):
    """What to print for a name: ``text`` (``"internalisation rate λ"``) and ``unit`` (``"per period"``, ``"logit"``,
    ``"periods (quarters)"``, ``""`` when it has none); :attr:`axis` is both, for an axis or a column header."""

    text: str
    unit: str = ""

    @property
    def axis(self) -> str:
        return f"{self.text} [{self.unit}]" if self.unit else self.text


_FACTOR = {"trust": "trust", "stakes": "learning stakes", "orientation": "long-term orientation"}
_INTENT = {
    "internalization": "internalization",
    "substitution": "substitution",
    "resource_concentration": "resource concentration",
}
_INITIAL = {
    "trust": "trust",
    "stakes": "learning stakes",
    "orientation": "long-term orientation",
    "relation": "prior related interaction R₀",
    "knowledge": "unique knowledge U",
    "equity": "equity share",
    "intent": "intent",
    "strategy": "strategy",
}
# Keys whose label is not built by the rules below (docs/model.md section 19 has their full meaning).
_PARAMETERS = {
    "run.dyads": ("dyads per point", ""),
    "run.periods": ("horizon T", PERIOD_UNIT),
    "run.seed": ("seed", ""),
    "run.chunk_dyads": ("dyads per backend call", ""),
    "run.common_random_numbers": ("common random numbers", "true/false"),
    "run.first_point_key": ("first point key", ""),
    "output.factor_bins": ("factor bins", ""),
    "output.hist_bins": ("histogram bins", ""),
    "output.joint_max": ("joint-learning histogram top", "knowledge"),
    "output.relation_bin_max": ("relation bins top", "R"),
    "output.trajectory_stride": ("trajectory stride", "dyads"),
    "output.trajectory_max": ("sampled dyads", "per point"),
    "strategies.low": ("low transparency/receptivity level", "0–1"),
    "strategies.moderate": ("moderate transparency/receptivity level", "0–1"),
    "strategies.high": ("high transparency/receptivity level", "0–1"),
    "flows.kappa_c": ("knowledge creation per unit of flow κ_c", "per period"),
    "flows.kappa_x": ("knowledge creation from mutual flow κ_x", "per period"),
    "flows.lambda": ("internalisation rate λ", "per period"),
    "capacity.alpha0_A": ("A's absorptive capacity floor α₀", "0–1"),
    "capacity.alpha0_B": ("B's absorptive capacity floor α₀", "0–1"),
    "capacity.gamma0_A": ("A's communicative capacity floor γ₀", "0–1"),
    "capacity.gamma0_B": ("B's communicative capacity floor γ₀", "0–1"),
    "capacity.r0": ("relation scale of capacities r₀", "R"),
    "power.w_legal": ("weight of equity in bargaining power", "0–1"),
    "trust.eta_up": ("trust gain per unit of reciprocated flow η↑", "logit per period"),
    "trust.eta_down": ("trust loss per unit of perceived excess outflow η↓", "logit per period"),
    "trust.recovery_cap": ("trust cap after a detection", "0–1"),
    "relation.delta_r": ("decay of prior related interaction δ_R", "per period"),
    "perception.noise": ("misperception noise ν", "sd per unit of flow"),
    "perception.weight": ("weight of a period's perception in suspicion", "0–1"),
    "perception.threshold": ("detection threshold θ", "suspicion"),
    "perception.disguise_A": ("share of A's taking B does not see", "0–1"),
    "perception.disguise_B": ("share of B's taking A does not see", "0–1"),
    "termination.avoid_periods": ("mutual avoidance that ends the alliance", PERIOD_UNIT),
    "termination.exit_knowledge": ("internalised share at which a learner exits", "0–1"),
    "termination.exit_power": ("bargaining power a race winner needs", "0–1"),
    "termination.exit_needs_power": ("race won only with the power condition", "true/false"),
    "termination.exploit_trust": ("trust below which exploitation counts", "0–1"),
    "termination.hazard": ("outside hazard", "per period"),
    "kernel.type": ("kernel", ""),
    "kernel.propositional.epsilon": ("exploration probability ε", "per firm-period"),
    "kernel.propositional.p_counter": ("probability of countering a detected exploitation", "per period"),
    "kernel.propositional.p_avoid": ("P5: probability of following into avoidance", "per period"),
    "kernel.propositional.barrier.b0": ("barrier move intercept", "logit"),
    "kernel.propositional.barrier.T": ("barrier move: effect of trust", "logit per logit unit"),
    "kernel.propositional.barrier.L": ("barrier move: effect of orientation", "logit per logit unit"),
    "kernel.propositional.barrier.R": ("barrier move: effect of R̃", "logit per unit"),
    "kernel.propositional.barrier.suspicion": ("barrier move: effect of suspicion", "logit per unit"),
    "kernel.strategic.beta_qre": ("precision of the logit choice β", "per unit of utility"),
    "kernel.strategic.inertia": ("inertia: keep the strategy", "per period"),
    "kernel.strategic.w_stakes": ("weight of stakes on learning w_S", "utility"),
    "kernel.strategic.w_leak": ("weight of the leak threat", "utility"),
    "kernel.strategic.w_power": ("weight of the power change w_pow", "utility"),
    "kernel.strategic.w_continuation": ("weight of the continuation value", "utility"),
    "kernel.strategic.cost_transparency": ("cost of transparency", "utility per level"),
    "kernel.strategic.cost_receptivity": ("cost of receptivity", "utility per level"),
    "kernel.strategic.gate_g0": ("ratchet gate intercept", "logit"),
    "kernel.strategic.gate_trust": ("ratchet gate: effect of trust", "logit per logit unit"),
    "kernel.strategic.gate_orientation": ("ratchet gate: effect of orientation", "logit per logit unit"),
    "kernel.strategic.gate_relation": ("ratchet gate: effect of R̃", "logit per unit"),
}
_PROPOSITION_FACTOR = {"T": "trust", "S": "stakes", "L": "orientation", "R": "R̃"}
_SHOCK = {
    "phi": ("{f} shock persistence φ", "per period"),
    "sigma": ("{f} shock sd σ", "logit per period"),
    "rho": ("correlation of A's and B's {f} shocks", "0–1"),
    "p_jump": ("{f} jump probability", "per firm-period"),
    "jump_size": ("{f} jump size", "logit"),
    "jump_common": ("{f} jumps common to both firms", "true/false"),
}
# Units of the outcome registry's scales (learnrace.outcomes: Outcome.scale).
_OUTCOME_UNITS = {
    "periods": PERIOD_UNIT,
    "trust": "0–1",
    "fraction": "0–1",
    "power": "change in A's power share",
    "knowledge": "knowledge units",
}
_DIST_PARAMETER = {"value": "value", "low": "low", "high": "high", "mean": "mean", "sd": "sd", "a": "a", "b": "b"}
_TRAJECTORY = {
    "pair": ("pair state", ""),
    "x_A": ("internalised share of B's knowledge, A", "0–1"),
    "x_B": ("internalised share of A's knowledge, B", "0–1"),
    "relation": ("prior related interaction R", "R"),
    "power_A": ("bargaining power of A", "0–1"),
}
for _f, _text in _FACTOR.items():
    for _firm in ("A", "B"):
        _TRAJECTORY[f"{_f}_{_firm}"] = (f"{_text} of {_firm}", "0–1")
for _firm in ("A", "B"):
    _TRAJECTORY[f"suspicion_{_firm}"] = (f"suspicion of {_firm}", "belief 0–1")


def _initial_label(rest: str) -> Label | None:
    """``initial.trust_A.mean`` and the like."""
    parts = rest.split(".")
    var, _, firm = parts[0].rpartition("_")
    if var not in _INITIAL or firm not in ("A", "B"):
        var, firm = parts[0], ""
    if var not in _INITIAL:
        return None
    who = f" of {firm}" if firm else ""
    what = f"initial {_INITIAL[var]}{who}"
    if len(parts) == 3 and parts[1] == "p":  # initial.intent_A.p.substitution
        return Label(f"share starting with {parts[2].replace('_', ' ')}{(' (' + firm + ')') if firm else ''}", "0–1")
    if len(parts) == 2 and parts[1] == "dist":
        return Label(f"{what}: distribution", "code")
    if len(parts) == 2 and parts[1] in _DIST_PARAMETER:
        factor = var in _FACTOR
        unit = "logit" if factor and parts[1] in ("mean", "sd") else "0–1" if factor or var == "equity" else ""
        return Label(f"{what}: {_DIST_PARAMETER[parts[1]]}", unit)
    return Label(what, "")


def parameter_label(key: str) -> Label:
    """The label of a configuration key (dotted, as in ``[study.parameters]`` and ``Results.points``); the key itself
    when no rule knows it (an ``events.N.field`` column, say)."""
    if key in _PARAMETERS:
        return Label(*_PARAMETERS[key])
    parts = key.split(".")
    if parts[0] == "shocks" and len(parts) == 3 and parts[1] in _FACTOR and parts[2] in _SHOCK:
        text, unit = _SHOCK[parts[2]]
        return Label(text.format(f=_FACTOR[parts[1]]), unit)
    if parts[0] == "initial" and len(parts) >= 2:
        label = _initial_label(".".join(parts[1:]))
        if label is not None:
            return label
    if len(parts) == 3 and parts[2] in _INTENT:
        intent = _INTENT[parts[2]]
        known = {
            "intent.receptivity_cap": (f"receptivity cap, {intent} intent", "0–1"),
            "perception.expected_outflow": (f"expected outflow, {intent} intent", "flow per period"),
            "termination.exploit_tolerance": (f"exploitation tolerated, {intent} intent", PERIOD_UNIT),
        }
        if ".".join(parts[:2]) in known:
            return Label(*known[".".join(parts[:2])])
    if key.startswith("kernel.strategic.w_output.") and parts[-1] in _INTENT:
        return Label(f"value of the joint outputs, {_INTENT[parts[-1]]} intent", "utility")
    if len(parts) == 4 and parts[:2] == ["kernel", "propositional"] and parts[2][:2] in ("P6", "P7", "P8", "P9"):
        if parts[3] == "b0":
            return Label(f"{parts[2]} intercept", "logit")
        if parts[3] in _PROPOSITION_FACTOR:
            return Label(f"{parts[2]}: effect of {_PROPOSITION_FACTOR[parts[3]]}", "logit per unit")
    return Label(key, "")


def trajectory_label(name: str) -> Label:
    """The label of a trajectory variable (``trust_A``, ``power_A``, ...; ``Results.trajectories``)."""
    return Label(*_TRAJECTORY[name]) if name in _TRAJECTORY else Label(name, "")


def outcome_label(name: str) -> Label:
    """The label of an outcome of the registry (:mod:`learnrace.outcomes`): its ``label`` and its scale as a unit
    (``share``: a share of dyads or dyad-periods, drawn as a percentage; ``periods``: quarters; model scales as
    named)."""
    from . import outcomes

    o = outcomes.REGISTRY[name]
    of = "dyad-periods" if o.kind == "period_share" else o.unit
    unit = f"% of {of}" if o.scale == "share" else _OUTCOME_UNITS.get(o.scale, o.scale)
    return Label(o.label, unit)


def label(name: str) -> Label:
    """The label of any name a figure or table shows: an outcome of the registry, a trajectory variable or a
    configuration key (in that order); the name itself when none knows it."""
    from . import outcomes

    if name in outcomes.REGISTRY:
        return outcome_label(name)
    if name in _TRAJECTORY:
        return trajectory_label(name)
    return parameter_label(name)
