"""The clause table: what each proposition predicts, as a testable unit (docs/model.md section 11;
docs/statistics.md).

Larsson et al. (1998) P1-P5 are *tendencies* (barrier moves): facing a partner playing ``partner``, a firm playing
one of ``movers`` tends to move to ``destination``. P3a and P4 are *persistence* claims. P6-P9 are *moderated*
empowering moves: in the pair states of the condition, the predicted move becomes more likely as the named
situational factors rise. H1-H5 are checks derived from Hamel (1991), tested on per-dyad outcomes.

The readings follow the propositional kernel's table (docs/model.md section 11, which also quotes the proposition
texts verbatim); the ``source`` strings here are short paraphrases.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Tuple

import numpy as np

from .. import _core
from ..labels import ACC, COL, CPR, CPT, MODERATOR_LABELS, STRATEGY_CODES

# Effect-size thresholds of the verdict rules (docs/statistics.md, "Verdicts").
LIFT_MIN = 1.25  # P1-P5: lift (risk ratio) or mean-sojourn ratio
OR_MIN = 1.2  # P6-P9: odds ratio per SD of each named moderator
RHO_MIN = 0.3  # H1, H3: Spearman correlation
RATIO_MIN_H2 = 2.0  # H2: internalisation-intent firms learn at least twice as much as substitution-intent firms
WEAK_BOUND = 0.3  # H4, H5: "minor"/"weak" means |Spearman rho| < 0.3
NEAR_ABSORBING = 0.9  # P5: (AVO, AVO) persists with probability >= 0.9 per period


@dataclass(frozen=True)
class Move:
    """One predicted move out of an unordered pair state ``(x, y)``.

    ``who == "x"``: the firm playing ``x`` moves to ``to`` (the other firm may do anything). ``who == "both"``: the
    pair moves to ``(to, to)``.
    """

    x: int
    y: int
    who: str
    to: int


@dataclass(frozen=True)
class Clause:
    name: str
    kind: str  # "tendency", "persistence", "moderated", "hamel"
    condition: str
    predicted_move: str
    statistic: str
    source: str
    partner: int | None = None  # tendency / mover-level persistence
    movers: Tuple[int, ...] = ()
    destination: int | None = None
    moves: Tuple[Move, ...] = ()  # moderated
    named: Tuple[
        str, ...
    ] = ()  # moderated: the moderators the proposition names (trust, stakes, orientation, relation)
    threshold: float = float("nan")


def _c(code: int) -> str:
    return STRATEGY_CODES[code]


# The moves of each clause come from the engine's one proposition table (kernels/proposition_table.hpp, through
# _core.proposition_table): the barrier moves of P1-P5 and the empowering moves of P6-P9 with the factors they name.
_TABLE = tuple(_core.proposition_table())
_NAME_OF_LETTER = {letter: name for name, letter in MODERATOR_LABELS.items()}


def _tendency(clause: str) -> dict:
    """partner, movers, destination of a barrier clause: the firms that move in its pair states (for a persistence
    clause such as P4, the firms that stay)."""
    partners, movers, destinations = set(), [], set()
    for r in _TABLE:
        if r["barrier_clause"] != clause:
            continue
        for me, other, to in ((r["x"], r["y"], r["barrier_x"]), (r["y"], r["x"], r["barrier_y"])):
            if to == me and clause != "P4":
                continue  # this firm has no barrier move here
            partners.add(other)
            destinations.add(to)
            if me not in movers:
                movers.append(me)
    if len(partners) != 1 or len(destinations) != 1:
        raise RuntimeError(f"the engine's table does not give {clause} one partner and one destination")
    return {"partner": partners.pop(), "movers": tuple(sorted(movers)), "destination": destinations.pop()}


def _barrier_destinations() -> dict:
    """(mover strategy, partner strategy) -> where a barrier clause (P1-P5) predicts the mover goes."""
    out = {}
    for r in _TABLE:
        for me, other, to in ((r["x"], r["y"], r["barrier_x"]), (r["y"], r["x"], r["barrier_y"])):
            if to != me:
                out[(me, other)] = to
    return out


BARRIER_DESTINATION = _barrier_destinations()
PERSISTENCE_CLAUSES = ("P3a", "P4")  # the pair states where P1-P5 predict that both firms stay


def _barrier_predictions() -> dict:
    """(mover strategy, partner strategy) -> the P1-P5 clause that predicts something for the mover there: a move
    (P1a, P1b, P2a, P2b, P3b, P5) or persistence (P3a, P4). Pairs without an entry are the ones where P1-P5 say
    nothing about the mover (e.g. the collaborator facing a compromiser: P1a moves the compromiser)."""
    out = {}
    for r in _TABLE:
        clause = r["barrier_clause"]
        for me, other, to in ((r["x"], r["y"], r["barrier_x"]), (r["y"], r["x"], r["barrier_y"])):
            if clause and (to != me or clause in PERSISTENCE_CLAUSES):
                out[(me, other)] = clause
    return out


BARRIER_PREDICTION = _barrier_predictions()


def predicted_elsewhere(own: np.ndarray, partner: np.ndarray, destination: int) -> np.ndarray:
    """Rows whose (mover, partner) states have a barrier clause predicting ``destination`` (the sensitivity
    reference ``no_same_move`` leaves them out)."""
    hit = np.zeros(len(own), dtype=bool)
    for (me, other), to in BARRIER_DESTINATION.items():
        if to == destination:
            hit |= (own == me) & (partner == other)
    return hit


def predicted_anything(own: np.ndarray, partner: np.ndarray) -> np.ndarray:
    """Rows whose (mover, partner) states have any P1-P5 prediction for the mover (a move or persistence)."""
    hit = np.zeros(len(own), dtype=bool)
    for me, other in BARRIER_PREDICTION:
        hit |= (own == me) & (partner == other)
    return hit


def neutral_partners(mover: int) -> Tuple[int, ...]:
    """The partner strategies facing which P1-P5 predict nothing for a ``mover`` firm: its neutral reference
    (docs/statistics.md, "Estimands"). Empty for an accommodating firm."""
    return tuple(q for q in range(len(STRATEGY_CODES)) if (mover, q) not in BARRIER_PREDICTION)


# The reference of a tendency lift (docs/statistics.md, "Estimands"): the first is the estimand, the others are
# reported as a sensitivity analysis in the same table.
REFERENCES = ("neutral", "no_same_move", "all_other")
REFERENCE_TEXT = {
    "neutral": "the same mover strategy facing the partner strategies where P1-P5 predict nothing for it",
    "no_same_move": "the same mover strategy facing the partner strategies where no P1-P5 clause predicts the same "
    "move (the reference of 2026-11-29; it keeps states where P3a, P4 or P5 predict persistence or another move)",
    "all_other": "the same mover strategy facing every other partner strategy",
}


def reference_rows(own: np.ndarray, partner: np.ndarray, clause: Clause, reference: str) -> np.ndarray:
    """Mover rows (own strategy among the clause's movers) in the ``reference`` group of a tendency lift."""
    if reference not in REFERENCES:
        raise ValueError(f"reference must be one of {', '.join(REFERENCES)}, not {reference!r}")
    rows = partner != clause.partner
    if reference == "no_same_move":
        rows &= ~predicted_elsewhere(own, partner, clause.destination)
    elif reference == "neutral":
        rows &= ~predicted_anything(own, partner)
    return rows


def _moderated(clause: str) -> dict:
    """moves and named factors of an empowering clause."""
    moves = []
    for r in _TABLE:
        if r["proposition"] != clause:
            continue
        if r["mover"] == "both":
            moves.append(Move(r["x"], r["y"], "both", r["empower_x"]))
        elif r["mover"] == "x":
            moves.append(Move(r["x"], r["y"], "x", r["empower_x"]))
        else:  # the firm playing y moves
            moves.append(Move(r["y"], r["x"], "x", r["empower_y"]))
    named = tuple(_NAME_OF_LETTER[letter] for letter in _core.proposition_factors()[clause])
    return {"moves": tuple(moves), "named": named}


LIFT = (
    "lift (risk ratio): P(mover -> destination | condition) / P(same mover -> destination | partner strategies "
    "where P1-P5 predict nothing for the mover)"
)
SOJOURN = "mean-sojourn ratio"
OR = "min odds ratio per SD over the named moderators (logistic GLM, dyad-clustered SE)"

CLAUSES: Tuple[Clause, ...] = (
    Clause(
        "P1a",
        "tendency",
        "partner COL; mover COL or CPR",
        "mover -> CPT",
        LIFT,
        "against a collaborating partner, a collaborating or compromising firm tends to move to competition",
        **_tendency("P1a"),
        threshold=LIFT_MIN,
    ),
    Clause(
        "P1b",
        "tendency",
        "partner COL; mover ACC",
        "mover -> AVO",
        LIFT,
        "an accommodating firm facing collaboration tends to move to avoidance",
        **_tendency("P1b"),
        threshold=LIFT_MIN,
    ),
    Clause(
        "P2a",
        "tendency",
        "partner CPT; mover COL or CPR",
        "mover -> CPT",
        LIFT,
        "facing a competing partner, a collaborating or compromising firm tends to move to competition",
        **_tendency("P2a"),
        threshold=LIFT_MIN,
    ),
    Clause(
        "P2b",
        "tendency",
        "partner CPT; mover ACC or CPT",
        "mover -> AVO",
        LIFT,
        "accommodation against competition, and mutual competition, tend to move to avoidance",
        **_tendency("P2b"),
        threshold=LIFT_MIN,
    ),
    Clause(
        "P3a",
        "persistence",
        "pair (CPR, CPR) (moderation) vs the longest-lived other learning state",
        "moderation persists (longest mean sojourn among learning states)",
        SOJOURN + " (CPR,CPR) / runner-up learning state, from one-period exit hazards",
        "mutual compromise persists",
        threshold=LIFT_MIN,
    ),
    Clause(
        "P3b",
        "tendency",
        "partner CPR; mover ACC",
        "mover -> AVO",
        LIFT,
        "an accommodating firm facing compromise tends to move to avoidance",
        **_tendency("P3b"),
        threshold=LIFT_MIN,
    ),
    Clause(
        "P4",
        "persistence",
        "partner ACC; mover ACC (symbolic)",
        "mover stays ACC",
        SOJOURN + ": ACC firm facing ACC / ACC firm facing other partner states",
        "mutual accommodation persists",
        **_tendency("P4"),
        threshold=LIFT_MIN,
    ),
    Clause(
        "P5",
        "tendency",
        "partner AVO; mover ACC, CPR, CPT or COL",
        "mover -> AVO; (AVO, AVO) near absorbing",
        LIFT + "; plus highest AVO adoption facing AVO and P(stay | AVO,AVO) >= 0.9",
        "a firm facing an avoiding partner tends to avoid; mutual avoidance persists and leads to disintegration",
        **_tendency("P5"),
        threshold=LIFT_MIN,
    ),
    Clause(
        "P6a",
        "moderated",
        "pair (COL, ACC)",
        "ACC firm -> COL",
        OR,
        "learning stakes and prior related interaction empower the accommodating firm to collaborate",
        **_moderated("P6a"),
        threshold=OR_MIN,
    ),
    Clause(
        "P6b",
        "moderated",
        "pairs (CPR, ACC), (ACC, ACC)",
        "ACC firm -> CPR; (ACC, ACC) -> (CPR, CPR)",
        OR,
        "learning stakes and prior related interaction empower accommodation towards compromise",
        **_moderated("P6b"),
        threshold=OR_MIN,
    ),
    Clause(
        "P7a",
        "moderated",
        "pair (COL, CPT)",
        "-> (CPR, CPR)",
        OR,
        "trust, long-term orientation and prior related interaction turn asymmetric exploitation into compromise",
        **_moderated("P7a"),
        threshold=OR_MIN,
    ),
    Clause(
        "P7b",
        "moderated",
        "pairs (CPR, CPT), (CPT, CPT)",
        "CPT firm -> CPR; (CPT, CPT) -> (CPR, CPR)",
        OR,
        "trust, long-term orientation and prior related interaction turn competition into compromise",
        **_moderated("P7b"),
        threshold=OR_MIN,
    ),
    Clause(
        "P8",
        "moderated",
        "pairs (COL, CPR), (CPR, CPR)",
        "-> (COL, COL)",
        OR,
        "learning stakes, trust and prior related interaction move compromise to collaboration",
        **_moderated("P8"),
        threshold=OR_MIN,
    ),
    Clause(
        "P9",
        "moderated",
        "pair (COL, COL)",
        "stays (COL, COL)",
        OR,
        "trust and long-term orientation sustain mutual collaboration (integration)",
        **_moderated("P9"),
        threshold=OR_MIN,
    ),
    Clause(
        "H1",
        "hamel",
        "per dyad: mean posture gap (rho - tau of A) - (rho - tau of B) over periods played",
        "the more receptive, less transparent firm learns more",
        "Spearman rho(posture gap, learning asymmetry a)",
        "Hamel (1991): asymmetric transparency and receptivity produce asymmetric learning",
        threshold=RHO_MIN,
    ),
    Clause(
        "H2",
        "hamel",
        "firms with substitution vs internalization intent",
        "substitution intent -> little learning",
        "ratio of mean learning gain G, internalization / substitution (log-link GLM, dyad-clustered SE)",
        "Hamel 3c: a substitution intent pre-ordains asymmetric learning; learning needs an internalization intent",
        threshold=RATIO_MIN_H2,
    ),
    Clause(
        "H3",
        "hamel",
        "per dyad: learning asymmetry a and power shift P_A(end) - P_A(0)",
        "learning asymmetry -> power shift towards the learner (unilateral dependence)",
        "Spearman rho(a, power shift)",
        "Hamel 2a: asymmetries in learning change relative bargaining power",
        threshold=RHO_MIN,
    ),
    Clause(
        "H4",
        "hamel",
        "per dyad: equity share e_A vs learning asymmetry a and power shift",
        "legal (equity) share has only a minor influence on the pattern of learning and power",
        "larger |Spearman rho| of e_A with a and with the power shift; equivalence |rho| < 0.3",
        "Hamel 2b: legal and governance structure may exert only a minor influence",
        threshold=WEAK_BOUND,
    ),
    Clause(
        "H5",
        "hamel",
        "per dyad: duration and joint learning G_A + G_B",
        "duration only weakly related to learning",
        "Spearman rho(duration, joint learning); equivalence |rho| < 0.3",
        "Hamel (1991): stability and longevity may be inappropriate metrics of partnership success",
        threshold=WEAK_BOUND,
    ),
)

BY_NAME = {c.name: c for c in CLAUSES}
CLAUSE_NAMES = tuple(c.name for c in CLAUSES)

# Figure 2 learning states: unordered pairs with a knowledge flow (no AVO; not (ACC, ACC), not (CPT, CPT)).
LEARNING_STATES = (
    (COL, COL),
    (CPR, COL),
    (ACC, COL),
    (CPT, COL),
    (CPR, CPR),
    (ACC, CPR),
    (CPR, CPT),
    (ACC, CPT),
)
MODERATION = (CPR, CPR)


def state_label(state) -> str:
    return f"({_c(state[0])}, {_c(state[1])})"
