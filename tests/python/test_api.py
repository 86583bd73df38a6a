"""learnrace.run: config inputs, overrides, errors, determinism, interruption."""

from __future__ import annotations

import signal

import numpy as np
import pytest
import tomli_w

import learnrace
from conftest import SEED, SMALL_DYADS, small_experiment

SECTIONS = ("transitions", "transitions_by_bin", "occupancy", "duration_by_cause", "asymmetry_hist",
            "power_shift_hist", "joint_learning_hist", "moments", "dyads_simulated")  # fmt: skip


def assert_same_results(a: learnrace.Results, b: learnrace.Results) -> None:
    for name in SECTIONS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name), err_msg=name)
    for name in a.trajectories:
        np.testing.assert_array_equal(a.trajectories[name], b.trajectories[name], err_msg=f"trajectories/{name}")


def test_dict_toml_text_and_path_give_the_same_run(tmp_path, small_results):
    config = small_experiment()
    text = tomli_w.dumps(config)
    path = tmp_path / "exp.toml"
    path.write_text(text)
    from_text = learnrace.run(text, backend="cpu", progress=False)
    from_path = learnrace.run(path, backend="cpu", progress=False)
    from_str_path = learnrace.run(str(path), backend="cpu", progress=False)
    for other in (from_text, from_path, from_str_path):
        assert_same_results(small_results, other)
    assert small_results.dyads_simulated[0] == SMALL_DYADS
    assert small_results.seed == SEED


def test_overrides_change_dyads_and_seed(small_results):
    res = learnrace.run(small_experiment(), backend="cpu", dyads=500, seed=7, progress=False)
    assert res.dyads_per_point == 500 and res.dyads_simulated.tolist() == [500]
    assert res.seed == 7
    assert not np.array_equal(res.transitions, small_results.transitions)


def test_same_seed_same_counts_on_any_thread_count(backend):
    one = learnrace.run(small_experiment(), backend=backend, threads=1, progress=False)
    two = learnrace.run(small_experiment(), backend=backend, threads=2, progress=False)
    assert_same_results(one, two)
    assert one.backend == backend


def test_cpu_and_cuda_agree_bit_for_bit(small_results):
    if not learnrace.cuda_available():
        pytest.skip("CUDA backend unavailable")
    assert_same_results(small_results, learnrace.run(small_experiment(), backend="cuda", progress=False))


def test_config_error_is_a_value_error_naming_the_key():
    with pytest.raises(learnrace.ConfigError) as info:
        learnrace.run({"run": {"dyads": 0}}, backend="cpu", progress=False)
    assert isinstance(info.value, ValueError)
    assert info.value.key == "run.dyads"
    assert "run.dyads" in str(info.value)


def test_unknown_key_is_a_config_error():
    with pytest.raises(learnrace.ConfigError) as info:
        learnrace.run({"run": {"dyads": 10, "no_such_option": 1}}, backend="cpu", progress=False)
    assert info.value.key == "run.no_such_option"


def test_toml_syntax_error_is_a_config_error():
    with pytest.raises(learnrace.ConfigError):
        learnrace.run("[run\ndyads = 10\n", backend="cpu", progress=False)


def test_bad_backend_is_a_config_error():
    with pytest.raises(learnrace.ConfigError) as info:
        learnrace.run(small_experiment(100), backend="gpu", progress=False)
    assert info.value.key == "backend"


def test_missing_file_and_bad_type():
    with pytest.raises(FileNotFoundError):
        learnrace.run("no/such/experiment.toml", progress=False)
    with pytest.raises(TypeError):
        learnrace.run(42, progress=False)


def test_progress_callback_sees_every_dyad():
    calls = []
    # threads=1: the default chunk is at least 8 blocks of 256 dyads per thread, so 5,000 dyads make 3 chunks
    learnrace.run(
        small_experiment(5000), backend="cpu", threads=1, progress=lambda done, total: calls.append((done, total))
    )
    assert len(calls) > 1, "chunks should be small enough for several progress updates"
    assert calls[-1] == (5000, 5000)
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_ctrl_c_stops_the_run_with_keyboard_interrupt():
    calls = []

    def interrupt_once(done, total):
        calls.append(done)
        if len(calls) == 2:
            # As if the user pressed Ctrl-C while the engine runs; raise_signal delivers it before it returns.
            signal.raise_signal(signal.SIGINT)

    # Python's own SIGINT handler, also where SIGINT was inherited as ignored (a job started with & by a
    # non-interactive shell: Python then installs no handler and the signal would be lost).
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            learnrace.run(small_experiment(20000), backend="cpu", progress=interrupt_once)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert len(calls) == 2, "the run must stop at the first chunk boundary after the signal"


def test_exception_in_progress_callback_stops_the_run():
    def fail(done, total):
        raise RuntimeError("stop here")

    with pytest.raises(RuntimeError, match="stop here"):
        learnrace.run(small_experiment(5000), backend="cpu", progress=fail)


def test_gil_is_released_while_the_engine_runs():
    import threading
    import time

    ticks = []
    done = threading.Event()

    def ticker():
        while not done.is_set():
            ticks.append(time.monotonic())
            time.sleep(0.005)

    t = threading.Thread(target=ticker)
    t.start()
    try:
        start = time.monotonic()
        learnrace.run(small_experiment(200000), backend="cpu", threads=1, progress=False)
        elapsed = time.monotonic() - start
    finally:
        done.set()
        t.join()
    during = [x for x in ticks if start <= x <= start + elapsed]
    # With the GIL held for the whole run the ticker would be frozen; released, it ticks every ~5 ms.
    assert elapsed > 0.05, "the run is too short to tell"
    assert len(during) >= 0.3 * elapsed / 0.005


def test_tiny_chunks_run_as_whole_blocks():
    """Issue 20 item 18: chunk_dyads=1 made 1000 backend calls for 1000 dyads, each zeroing and merging per-thread
    count arrays and handing over to Python to look for signals (~180 times slower than the default,
    bench/results/chunk-*.md). Chunks are rounded up to the CPU's block of 256 dyads; the counts are the same."""
    calls = []
    config = {"run": {"dyads": 1000, "seed": 4}}
    tiny = learnrace.run(config, backend="cpu", chunk_dyads=1, threads=2, progress=lambda done, _: calls.append(done))
    assert calls == [256, 512, 768, 1000]
    whole = learnrace.run(config, backend="cpu", chunk_dyads=1000, threads=2, progress=False)
    assert_same_results(tiny, whole)
