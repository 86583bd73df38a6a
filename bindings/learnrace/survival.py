"""Kaplan-Meier survival of alliances and cumulative incidence by termination cause (docs/model.md section 6).

Computed from the histogram ``Results.duration_by_cause[point]`` ([7 causes, T+1]; cause 0 = censored at the
horizon). Event times are the periods lived, 1..T; there are many ties, handled exactly (no jitter).

Overall survival (Kaplan-Meier, any cause is an event):
    S(t) = prod_{s <= t} (1 - d(s) / n(s)),  Var S(t) = S(t)^2 sum_{s <= t} d(s) / (n(s) (n(s) - d(s)))  (Greenwood)
Cumulative incidence of cause k (Aalen-Johansen):
    F_k(t) = sum_{s <= t} S(s-1) d_k(s) / n(s)
with the delta-method (Greenwood-type) variance of Collett (2015, p. 411), the one lifelines' AalenJohansenFitter uses:
    Var F_k(t) = sum_{s<=t} [F_k(t) - F_k(s)]^2 d(s) / (n(s)(n(s) - d(s)))
               + sum_{s<=t} S(s-1)^2 d_k(s) (n(s) - d_k(s)) / n(s)^3
               - 2 sum_{s<=t} [F_k(t) - F_k(s)] S(s-1) d_k(s) / n(s)^2
n(s) = dyads alive at the start of period s, d(s) = terminations in s (all causes), d_k(s) those of cause k.
Terms with n(s) = d(s) (everyone left terminates) contribute 0 to the first sum. S(t) + sum_k F_k(t) = 1.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .labels import CAUSES


def curves(duration: np.ndarray):
    """Kaplan-Meier survival and Aalen-Johansen cumulative incidence of many histograms at once (no variances).

    ``duration``: [..., C, T+1] counts, row 0 censored at the duration of its column (the engine censors only at the
    horizon; observed records anywhere), rows 1..C-1 events by cause. Returns ``(at_risk, events, survival, cif)``:
    at_risk, events and survival [..., T] for t = 1..T, cif [..., C-1, T]. learnrace.inference computes its duration
    statistics with it, for simulated and observed data alike.
    """
    duration = np.asarray(duration, dtype=np.float64)
    d_k = duration[..., 1:, 1:]  # [..., C-1, T] events by cause at t = 1..T
    censored = duration[..., 0, 1:]
    d = d_k.sum(axis=-2)
    total = duration[..., :, 1:].sum(axis=(-2, -1))
    removed = np.cumsum(d + censored, axis=-1)
    n = total[..., None] - np.concatenate([np.zeros_like(removed[..., :1]), removed[..., :-1]], axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        hazard = np.where(n > 0, d / np.where(n > 0, n, 1.0), 0.0)
        s = np.cumprod(1.0 - hazard, axis=-1)
        s_lag = np.concatenate([np.ones_like(s[..., :1]), s[..., :-1]], axis=-1)
        inc = np.where(n[..., None, :] > 0, s_lag[..., None, :] * d_k / np.where(n > 0, n, 1.0)[..., None, :], 0.0)
    return n, d, s, np.cumsum(inc, axis=-1)


def _from_histogram(duration: np.ndarray) -> pd.DataFrame:
    duration = np.asarray(duration, dtype=np.float64)  # [7, T+1]
    if duration.ndim != 2 or duration.shape[0] != len(CAUSES):
        raise ValueError(f"duration histogram must be [{len(CAUSES)}, T+1], got {duration.shape}")
    horizon = duration.shape[1] - 1
    d_k = duration[1:, 1:]  # [6 causes, T] events by cause at t = 1..T
    censored = duration[0, 1:]
    total = duration[:, 1:].sum()
    n, d, s, cif = curves(duration)

    with np.errstate(divide="ignore", invalid="ignore"):
        gw_term = np.where((n > 0) & (n > d), d / (n * (n - d)), 0.0)
        s_var = s**2 * np.cumsum(gw_term)
        s_lag = np.concatenate([[1.0], s[:-1]])
        # Collett's delta-method variance, evaluated at each t (O(T^2); T is at most a few thousand).
        second = np.cumsum(np.where(n > 0, s_lag**2 * d_k * (n - d_k) / n**3, 0.0), axis=1)
        third_coef = np.where(n > 0, s_lag * d_k / n**2, 0.0)  # [6, T]
    diff = cif[:, :, None] - cif[:, None, :]  # [k, t, s] = F_k(t) - F_k(s)
    upto = np.tri(horizon, dtype=bool)  # s <= t
    first = np.where(upto, diff**2 * gw_term[None, None, :], 0.0).sum(axis=2)
    third = np.where(upto, diff * third_coef[:, None, :], 0.0).sum(axis=2)
    cif_var = np.maximum(first + second - 2.0 * third, 0.0)

    durations = np.arange(horizon + 1)
    table = {
        "at_risk": np.concatenate([[total], n]),
        "events": np.concatenate([[0.0], d]),
        "censored": np.concatenate([[0.0], censored]),
        "survival": np.concatenate([[1.0], s]),
        "survival_se": np.sqrt(np.concatenate([[0.0], s_var])),
    }
    for k, cause in enumerate(CAUSES[1:]):
        table[f"events_{cause}"] = np.concatenate([[0.0], d_k[k]])
    for k, cause in enumerate(CAUSES[1:]):
        table[f"cif_{cause}"] = np.concatenate([[0.0], cif[k]])
        table[f"cif_{cause}_se"] = np.sqrt(np.concatenate([[0.0], cif_var[k]]))
    frame = pd.DataFrame(table, index=pd.Index(durations, name="duration"))
    for col in ("at_risk", "events", "censored", *[f"events_{c}" for c in CAUSES[1:]]):
        frame[col] = frame[col].astype(np.int64)
    return frame


def survival(results, point=0) -> pd.DataFrame:
    """Kaplan-Meier survival and cause-specific cumulative incidence of one sweep point.

    ``results``: a :class:`learnrace.Results` (or a [7, T+1] duration-by-cause array); ``point``: index or name.
    Returns a DataFrame indexed by ``duration`` = periods lived (0..T) with columns ``at_risk``, ``events``,
    ``censored``, ``survival`` and ``survival_se`` (Greenwood), and per termination cause ``events_<cause>``,
    ``cif_<cause>`` (cumulative incidence) and ``cif_<cause>_se``. The causes are ``learnrace.CAUSES[1:]``.
    """
    if isinstance(results, np.ndarray):
        return _from_histogram(results)
    return _from_histogram(results.duration_by_cause[results.point_index(point)])


def expand_durations(duration: np.ndarray):
    """(durations, causes) with one entry per dyad from a [7, T+1] histogram: for lifelines or other tools."""
    duration = np.asarray(duration)
    causes, lived = np.nonzero(duration)
    counts = duration[causes, lived].astype(np.int64)
    return np.repeat(lived, counts), np.repeat(causes, counts)
