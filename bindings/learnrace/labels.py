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
