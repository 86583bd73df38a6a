"""Bad arguments, signals and memory from Python: clear errors naming the argument, Ctrl-C and SIGTERM that cancel a
run inside its only chunk, and a console script that never loses an existing output file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
import tomli_w
from test_cli import console_script

import learnrace
from conftest import small_experiment


@pytest.mark.parametrize(
    "kwargs, key, words",
    [
        ({"threads": 100000}, "threads", "threads: 100000 is out of range; allowed: an integer in [0, 4096]"),
        ({"threads": -1}, "threads", "[0, 4096]"),
        ({"threads": 2.5}, "threads", "is not an integer"),
        ({"chunk_dyads": 1.7}, "chunk_dyads", "chunk_dyads: 1.7 is not an integer"),
        ({"chunk_dyads": 0}, "chunk_dyads", "[1, 9007199254740992]"),
        ({"progress": "yes"}, "progress", "progress: 'yes' is not True, False, None or a callable"),
        ({"dyads": "10"}, "dyads", "dyads: '10' is not an integer"),
        ({"dyads": 2**53 + 1}, "dyads", "out of range"),
        ({"seed": -1}, "seed", "[0, 4294967295]"),
        ({"seed": True}, "seed", "is not an integer"),
        ({"backend": "gpu"}, "backend", "'auto', 'cpu', 'cuda'"),
        ({"backend": None}, "backend", "is not one of"),
    ],
)
def test_bad_arguments_are_config_errors_naming_the_argument(kwargs, key, words):
    with pytest.raises(learnrace.ConfigError) as info:
        learnrace.run(small_experiment(100), **{"progress": False, **kwargs})
    assert info.value.key == key
    assert words in str(info.value)
    assert "incompatible function arguments" not in str(info.value)  # no pybind11 signature dump


def test_numpy_integers_are_accepted():
    np = pytest.importorskip("numpy")
    res = learnrace.run(small_experiment(300), threads=np.int64(1), chunk_dyads=np.int32(100), progress=False)
    assert res.dyads_simulated.tolist() == [300]


def test_cuda_without_a_gpu_is_a_config_error():
    if learnrace.cuda_available():
        pytest.skip("a CUDA device is usable here")
    with pytest.raises(learnrace.ConfigError) as info:
        learnrace.run(small_experiment(100), backend="cuda", progress=False)
    assert info.value.key == "backend"
    assert "backend 'cuda' is not available" in str(info.value)


def test_dict_config_errors_name_the_key_not_a_position():
    with pytest.raises(learnrace.ConfigError) as info:
        learnrace.run({"output": {"hist_bins": 40}, "run": {"seed": 1, "dyads": 0}}, progress=False)
    message = str(info.value)
    assert info.value.key == "run.dyads"
    assert message.startswith("config dict: run.dyads: 0 is out of range"), message
    assert "<dict>" not in message


def test_dict_values_toml_cannot_hold_name_the_key():
    with pytest.raises(learnrace.ConfigError) as info:
        learnrace.run({"run": {"dyads": 100, "seed": None}}, progress=False)
    assert info.value.key == "run.seed"
    assert "config dict: run.seed: None" in str(info.value)


def test_a_directory_is_not_an_experiment(tmp_path):
    with pytest.raises(learnrace.ConfigError, match="is a directory, not an experiment file"):
        learnrace.run(str(tmp_path), progress=False)


def _wait_for_line(proc, marker: bytes, limit: float = 60.0) -> bytes:
    seen, deadline = b"", time.monotonic() + limit
    while marker not in seen and time.monotonic() < deadline and proc.poll() is None:
        seen += os.read(proc.stdout.fileno(), 4096)
    return seen


# One chunk of far more dyads than any test waits for (minutes on one thread), so only cancellation inside the
# chunk can end it in time.
_ONE_LONG_CHUNK = textwrap.dedent(
    """
    import sys, learnrace
    print("started", flush=True)
    try:
        learnrace.run({"run": {"dyads": 200_000_000}}, backend="cpu", threads=1, chunk_dyads=200_000_000,
                      progress=False)
    except KeyboardInterrupt:
        print("KeyboardInterrupt", flush=True)
        sys.exit(3)
    print("finished", flush=True)
    """
)


def test_ctrl_c_inside_the_only_chunk_raises_keyboard_interrupt():
    proc = subprocess.Popen([sys.executable, "-c", _ONE_LONG_CHUNK], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    seen = _wait_for_line(proc, b"started")
    time.sleep(1.0)  # inside the engine (importing and validating take far less)
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    try:
        out, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail("Ctrl-C was not seen inside the chunk")
    assert proc.returncode == 3, (seen + out + err).decode(errors="replace")
    assert b"KeyboardInterrupt" in out
    assert time.monotonic() - sent < 10


@pytest.fixture
def long_experiment(tmp_path):
    p = tmp_path / "long.toml"
    p.write_text(tomli_w.dumps(small_experiment(200_000_000)))
    return p


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_console_script_signal_keeps_the_old_file(tmp_path, long_experiment, sig):
    exe = console_script()
    cmd = [exe] if exe else [sys.executable, "-m", "learnrace.cli"]
    out = tmp_path / "out.h5"
    small = tmp_path / "small.toml"
    small.write_text(tomli_w.dumps(small_experiment(200)))
    assert subprocess.run([*cmd, "run", str(small), "-o", str(out), "-q"], timeout=120).returncode == 0
    before = out.read_bytes()
    proc = subprocess.Popen(
        [*cmd, "run", str(long_experiment), "-o", str(out), "--threads", "1", "--chunk", "200000000", "-q"],
        stderr=subprocess.PIPE,
    )
    time.sleep(3.0)  # Python starts, imports learnrace and enters the engine's only chunk
    proc.send_signal(sig)
    try:
        _, err = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail(f"{sig.name} was not seen inside the chunk")
    assert proc.returncode == 1, err.decode(errors="replace")
    assert f"learnrace: interrupted ({sig.name}); nothing written".encode() in err
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.toml", "out.h5", "small.toml"]


def test_console_script_threads_limit_exits_2(tmp_path):
    exe = console_script()
    cmd = [exe] if exe else [sys.executable, "-m", "learnrace.cli"]
    exp = tmp_path / "e.toml"
    exp.write_text(tomli_w.dumps(small_experiment(100)))
    r = subprocess.run([*cmd, "run", str(exp), "-o", str(tmp_path / "o.h5"), "--threads", "100000"],
                       capture_output=True, text=True, timeout=120)  # fmt: skip
    assert r.returncode == 2
    assert "threads: 100000 is out of range" in r.stderr
    assert not (tmp_path / "o.h5").exists()


_TOO_BIG = textwrap.dedent(
    """
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))  # the process may not map more than 3 GiB
    import learnrace
    try:  # about 9 GB of trajectory samples
        learnrace.run({"run": {"dyads": 1_000_000, "periods": 300},
                       "output": {"trajectory_stride": 1, "trajectory_max": 1_000_000}}, backend="cpu", progress=False)
    except MemoryError as e:
        print("MemoryError:", e, flush=True)
        sys.exit(3)
    """
)


def test_results_that_do_not_fit_in_memory_raise_memory_error():
    r = subprocess.run([sys.executable, "-c", _TOO_BIG], capture_output=True, text=True, timeout=120)
    assert r.returncode == 3, r.stdout + r.stderr
    assert "MemoryError: out of memory: cannot allocate the results of 1 point(s)" in r.stdout
