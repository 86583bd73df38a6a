"""P3a: does one state persist longest among a set of states? (docs/statistics.md, "P3a").

The claim "the target state has the longest mean sojourn" is the intersection over every other state s of
h_s / h_target > 1 (one-period exit hazards h; mean sojourn 1/h). Picking the runner-up as the state with the lowest
*observed* hazard and testing only that one comparison selects it from the same data, which biases the ratio down
(it is the minimum of several noisy ratios) and makes its interval too narrow. Instead every state with enough moves
is compared with the target, each ratio with the union interval of ``_ratios.rate_ratio`` at level alpha / m
(Bonferroni over the m comparisons). The reported effect is the smallest ratio; its interval
[min over s of lower_s, min over s of upper_s] holds simultaneously (if every ratio lies in its interval, the
smallest ratio lies in this one), with probability at least 1 - alpha. The p-value matches the interval: on the
supporting side (every ratio > 1) it is max over s of min(1, m p_s), an intersection-union test; on the
contradicting side it is the Bonferroni p min over s of min(1, m p_s) over the ratios below 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ._ratios import rate_ratio


@dataclass(frozen=True)
class SojournComparison:
    effect: float  # smallest h_s / h_target
    ci_low: float
    ci_high: float
    p_value: float
    reference: int | None  # the state with the smallest ratio
    comparisons: int  # m
    n_target: int
    exits_target: int
    n_reference: int
    exits_reference: int
    untestable: str  # why the comparison could not be made ("" when it was)


def longest_sojourn(
    state, exits, groups, target: int, others: Sequence[int], alpha: float, min_n: int, min_events: int
) -> SojournComparison:
    """Compare the exit hazard of ``target`` with that of each state in ``others`` that has at least ``min_n``
    rows. ``state``: the state of each row (one row per period spent in a state), ``exits``: whether the row leaves
    it, ``groups``: the cluster (dyad) of each row."""
    state = np.asarray(state)
    exits = np.asarray(exits, dtype=bool)
    groups = np.asarray(groups)
    in_target = state == target
    n_t, e_t = int(in_target.sum()), int(exits[in_target].sum())
    compared = [s for s in others if int((state == s).sum()) >= min_n]
    m = len(compared)

    def result(effect=np.nan, lo=np.nan, hi=np.nan, p=np.nan, ref=None, why=""):
        in_ref = state == ref if ref is not None else np.zeros(len(state), dtype=bool)
        return SojournComparison(effect, lo, hi, p, ref, m, n_t, e_t, int(in_ref.sum()), int(exits[in_ref].sum()), why)

    if n_t < min_n or m == 0:
        return result(why=f"too few moves from the target state ({n_t}) or no other state with {min_n} moves")
    if e_t < min_events:
        return result(why=f"too few exits from the target state ({e_t} < {min_events}): ratio not estimable")
    fits = {}
    for s in compared:
        rows = in_target | (state == s)
        fit = rate_ratio(exits[rows], state[rows] == s, np.zeros(int(rows.sum()), dtype=np.int64), groups[rows],
                         alpha / m)  # fmt: skip
        fits[s] = fit  # never None: the target's rows hold at least min_events exits
    ref = min(fits, key=lambda s: fits[s].effect)
    effect = fits[ref].effect
    lo = min(f.ci_low for f in fits.values())
    hi = min(f.ci_high for f in fits.values())
    adjusted = {s: min(1.0, m * f.p_value) for s, f in fits.items()}
    if effect > 1.0:
        p = max(adjusted.values())
    else:
        p = min(adjusted[s] for s, f in fits.items() if f.effect <= 1.0)
    return result(effect, lo, hi, p, ref)
