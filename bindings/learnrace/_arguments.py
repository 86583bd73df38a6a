"""Checks of :func:`learnrace.run`'s keyword arguments, made in Python before the engine is called: a wrong value or
type is a :class:`learnrace.ConfigError` naming the argument and the allowed values (never a pybind11 signature
dump, an overflow or a crash)."""

from __future__ import annotations

import math
import numbers
from typing import Any

from ._errors import ConfigError

BACKENDS = ("auto", "cpu", "cuda")
MAX_INTEGER = 2**53  # dyads and chunk sizes stay exact in a double
MAX_SEED = 2**32 - 1


def whole_number(text: str) -> int:
    """argparse type of a count: ``10000``, ``10_000`` or ``1e4`` (ValueError, so argparse names the flag)."""
    text = text.strip()
    try:
        return int(text.replace("_", ""))
    except ValueError:
        pass
    value = float(text)
    if not math.isfinite(value) or value != math.floor(value) or abs(value) > 2**63:
        raise ValueError(f"not a whole number: {text}")
    return int(value)


whole_number.__name__ = "int"  # argparse names the type: "invalid int value: 'abc'"


def _max_threads() -> int:
    try:
        from . import _core

        return int(_core.max_threads)
    except (ImportError, AttributeError):  # pragma: no cover - only without a built extension
        return 4096


def _integer(name: str, value: Any, lo: int, hi: int, note: str = "") -> int:
    """``value`` as an int in [lo, hi]: an integer, or a float with an integer value (``dyads=1e4``, as a user types
    it); anything else is a ConfigError naming ``name``."""
    allowed = f"an integer in [{lo}, {hi}]{note}"
    if isinstance(value, numbers.Real) and not isinstance(value, (bool, numbers.Integral)):
        if not math.isfinite(value) or value != math.floor(value):
            raise ConfigError(f"{name}: {value!r} is not {allowed} (not a whole number)", name)
        if abs(value) > 2**63:
            raise ConfigError(f"{name}: {value!r} is out of range; allowed: {allowed}", name)
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise ConfigError(f"{name}: {value!r} is not {allowed} (got {type(value).__name__})", name)
    value = int(value)
    if not lo <= value <= hi:
        raise ConfigError(f"{name}: {value} is out of range; allowed: {allowed}", name)
    return value


def check_run_arguments(backend, dyads, seed, progress, threads, chunk_dyads) -> dict:
    """The engine's keyword arguments, checked and normalised (``threads``/``chunk_dyads`` None -> 0 = default)."""
    if not isinstance(backend, str) or backend not in BACKENDS:
        raise ConfigError(f"backend: {backend!r} is not one of {', '.join(map(repr, BACKENDS))}", "backend")
    if not (progress is None or isinstance(progress, bool) or callable(progress)):
        raise ConfigError(
            f"progress: {progress!r} is not True, False, None or a callable f(dyads_done, dyads_total)", "progress"
        )
    return dict(
        backend=backend,
        dyads=None if dyads is None else _integer("dyads", dyads, 1, MAX_INTEGER, " (2^53)"),
        seed=None if seed is None else _integer("seed", seed, 0, MAX_SEED),
        threads=0 if threads is None else _integer("threads", threads, 0, _max_threads(), " (0: the usable CPUs)"),
        chunk_dyads=0 if chunk_dyads is None else _integer("chunk_dyads", chunk_dyads, 1, MAX_INTEGER, " (2^53)"),
    )
