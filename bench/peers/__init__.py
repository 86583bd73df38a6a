"""Peer implementations of learnrace's propositional kernel (docs/model.md), for benchmarks.

The same model written as a researcher would write it without the engine: vectorised NumPy
(:mod:`peers.numpy_peer`), JAX with ``jax.jit`` + ``lax.scan`` over periods, vmapped over dyads
(:mod:`peers.jax_peer`), and a Mesa agent model, one agent per dyad (:mod:`peers.mesa_peer`). Each reads the engine's
parameters (:mod:`peers.model`) and returns the same outputs as the engine's run file (:class:`peers.model.PeerResult`):
transition counts 25x25, dyads by termination cause and duration. Scenario events are not implemented (a run
configured with events is refused). Their statistics agree with the engine's within sampling error
(tests/python/test_peers.py); their speed is compared by bench/run_peers.py.
"""
