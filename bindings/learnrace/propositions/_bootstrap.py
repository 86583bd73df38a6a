"""Dyad bootstrap of Spearman's rho (docs/statistics.md, "H1-H5").

Each row is one dyad, so resampling rows with replacement is the dyad bootstrap. A resample is a vector of
multiplicities w (how often each row was drawn); Spearman's rho of the resample is Pearson's r of its midranks, and
the midrank of a row in the resample depends only on w and the original order. With the tie blocks of x and y found
once, every replicate costs O(n) (no sort), and equals ``scipy.stats.spearmanr`` on the resampled rows exactly.

The bootstrap standard error of atanh(rho) replaces the normal-theory formula sqrt(1.06 / (n - 3)), which is too
small at high rho with many ties (the power shift of dyads whose power never moved is exactly 0).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_CHUNK_ELEMENTS = 4_000_000  # replicates per batch x rows: bounds the memory of one batch (~100 MB)


@dataclass(frozen=True)
class _TieBlocks:
    order: np.ndarray  # argsort of the variable
    starts: np.ndarray  # first sorted position of each block of equal values
    row_block: np.ndarray  # block of each row


def _tie_blocks(x: np.ndarray) -> _TieBlocks:
    order = np.argsort(x, kind="stable")
    xs = x[order]
    new = np.r_[True, xs[1:] != xs[:-1]]
    block = np.cumsum(new) - 1
    row_block = np.empty(len(x), dtype=np.int64)
    row_block[order] = block
    return _TieBlocks(order, np.flatnonzero(new), row_block)


def _midranks(w: np.ndarray, tb: _TieBlocks) -> np.ndarray:
    """Midranks of every row in each resample (rows of ``w``); a row not drawn gets a rank it never uses."""
    block_w = np.add.reduceat(w[:, tb.order], tb.starts, axis=1)
    before = np.cumsum(block_w, axis=1) - block_w
    return (before + (block_w + 1.0) / 2.0)[:, tb.row_block]


def _weighted_r(w: np.ndarray, rx: np.ndarray, ry: np.ndarray) -> np.ndarray:
    total = w.sum(axis=1)
    mx = np.einsum("ij,ij->i", w, rx) / total
    my = np.einsum("ij,ij->i", w, ry) / total
    wx = w * (rx - mx[:, None])
    dy = ry - my[:, None]
    sxy = np.einsum("ij,ij->i", wx, dy)
    sxx = np.einsum("ij,ij->i", wx, rx - mx[:, None])
    syy = np.einsum("ij,ij->i", w * dy, dy)
    with np.errstate(invalid="ignore", divide="ignore"):
        return sxy / np.sqrt(sxx * syy)


def spearman_replicates(x, y, reps: int, seed) -> np.ndarray:
    """``reps`` bootstrap replicates of Spearman's rho of (x, y), resampling rows with replacement. ``seed`` seeds
    numpy's default generator (an int or a sequence of ints), so the replicates are reproducible. A replicate in
    which x or y is constant is NaN."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(f"x and y must be 1-D arrays of one length, not {x.shape} and {y.shape}")
    if isinstance(reps, (bool, np.bool_)) or not isinstance(reps, (int, np.integer)) or reps < 1:
        raise ValueError(f"reps must be a positive integer, not {reps!r}")
    n = len(x)
    rng = np.random.default_rng(seed)
    tx, ty = _tie_blocks(x), _tie_blocks(y)
    chunk = max(1, _CHUNK_ELEMENTS // max(n, 1))
    out = np.empty(reps)
    for start in range(0, reps, chunk):
        m = min(chunk, reps - start)
        w = np.stack([np.bincount(rng.integers(0, n, n), minlength=n) for _ in range(m)]).astype(np.float64)
        out[start : start + m] = _weighted_r(w, _midranks(w, tx), _midranks(w, ty))
    return out


def fisher_z_se(x, y, reps: int, seed) -> float:
    """Bootstrap standard error of atanh(Spearman rho) (NaN when fewer than 2 finite replicates)."""
    r = spearman_replicates(x, y, reps, seed)
    z = np.arctanh(np.clip(r[np.isfinite(r)], -0.999999, 0.999999))
    return float(z.std(ddof=1)) if len(z) > 1 else np.nan
