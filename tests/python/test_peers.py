"""Equivalence of the peer implementations (bench/peers: NumPy, JAX, Mesa) with the engine.

Each peer simulates the engine's default propositional point with its own RNG; its transition frequencies, cause
shares, mean duration and duration distribution must agree with the engine's within sampling error (99 % family-wise
per check; the tolerances and their derivation are in bench/peers/compare.py). Seeds are fixed, so the verdicts are
reproducible. The sizes keep the suite fast (Mesa is pure Python: a thousand dyads). A peer that simulates a
different model must fail (test_comparison_detects_a_different_model), so the checks can fail.
"""

from __future__ import annotations

import dataclasses

import pytest

from peers import engine, numpy_peer
from peers.compare import compare
from peers.model import PAIRS, Params

PERIODS = 100
ENGINE_DYADS = 60_000
ENGINE_SEED = 20261129


@pytest.fixture(scope="module")
def engine_run():
    """The engine's default point (CPU backend), and its parameters as the peers read them."""
    return engine.run_engine(ENGINE_DYADS, PERIODS, ENGINE_SEED)


def check_peer(engine_run, simulate, dyads: int, seed: int):
    reference, params = engine_run
    peer = simulate(params, dyads, seed, record=True)
    assert peer.dyads == dyads
    assert peer.dyad_periods == peer.per_dyad.sum()  # every live dyad-period lands in one transition cell
    result = compare(reference, peer)
    assert result.passed, f"\n{result}"


def test_numpy_peer_agrees_with_engine(engine_run):
    check_peer(engine_run, numpy_peer.simulate, 30_000, seed=1)


def test_jax_peer_agrees_with_engine(engine_run):
    pytest.importorskip("jax")
    from peers import jax_peer

    check_peer(engine_run, jax_peer.simulate, 10_000, seed=2)


def test_mesa_peer_agrees_with_engine(engine_run):
    pytest.importorskip("mesa")
    from peers import mesa_peer

    check_peer(engine_run, mesa_peer.simulate, 1_000, seed=3)


def test_comparison_detects_a_different_model(engine_run):
    """The NumPy peer with a barrier intercept 0.3 higher (more barrier moves) is told apart from the engine."""
    reference, params = engine_run
    shifted = dataclasses.replace(params, barrier_b0=params.barrier_b0 + 0.3)
    result = compare(reference, numpy_peer.simulate(shifted, 30_000, seed=1, record=True))
    assert not result.passed
    assert not result.checks[0].passed, f"transition frequencies should differ:\n{result}"


def test_peer_tables_cover_every_pair_state():
    from peers.model import PAIR_BARRIER, PAIR_EMPOWER, PAIR_MOVER, PAIR_PROPOSITION

    # Ordered pairs (a, b) and (b, a) mirror each other: same proposition, swapped firms.
    for a in range(5):
        for b in range(5):
            k, m = 5 * a + b, 5 * b + a
            assert PAIR_PROPOSITION[k] == PAIR_PROPOSITION[m]
            assert PAIR_EMPOWER[0, k] == PAIR_EMPOWER[1, m] and PAIR_BARRIER[0, k] == PAIR_BARRIER[1, m]
            assert {PAIR_MOVER[k], PAIR_MOVER[m]} in ({0}, {1, 2}, {3})
    assert PAIR_PROPOSITION.shape == (PAIRS,)


def test_params_refuse_scenario_events():
    """The peers leave scenario events out: a point with one is refused, naming the key."""
    points = {"events.0.variable": [0.0], "kernel.type": [0.0]}
    with pytest.raises(NotImplementedError, match="events.0.variable"):
        Params.from_points(points)
