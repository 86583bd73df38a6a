"""Bad arguments, signals and memory from Python: clear errors naming the argument, Ctrl-C and SIGTERM that cancel a
run inside its only chunk, and a console script that never loses an existing output file."""

from __future__ import annotations

import glob
import os
import shutil
import signal
import stat
import subprocess
import sys
import textwrap
import time

import pytest
import tomli_w
from test_cli import console_script

import learnrace
from conftest import as_background_job, as_typed, cpu_seconds, small_experiment, wait_until_busy


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


def _why_it_hangs(pid: int) -> str:
    """What a process that ignored a signal is doing: each thread's signal masks and state, and its stacks (gdb, where
    installed), so that a hang on a CI machine explains itself."""
    lines = []
    for task in sorted(glob.glob(f"/proc/{pid}/task/*")):
        try:
            with open(f"{task}/status") as f:
                keep = [ln for ln in f.read().splitlines() if ln.startswith(("Name", "State", "Sig", "Shd"))]
        except OSError:
            continue
        lines.append(f"{task}: " + "; ".join(keep))
    if shutil.which("gdb"):
        bt = subprocess.run(["gdb", "-batch", "-p", str(pid), "-ex", "thread apply all bt 30"],
                            capture_output=True, text=True, timeout=60)  # fmt: skip
        lines.append(bt.stdout[-6000:])
    return "\n".join(lines)


def _after_signal(proc, what: str) -> tuple:
    """proc's (stdout, stderr) once it has ended, at most 30 s after `what` was sent to it; a process still running
    then is killed and fails the test with what it was doing (_why_it_hangs)."""
    try:
        return proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        why = _why_it_hangs(proc.pid)
        proc.kill()
        proc.communicate()
        pytest.fail(f"{what} was not seen inside the chunk\n{why}")


def test_ctrl_c_inside_the_only_chunk_raises_keyboard_interrupt():
    proc = subprocess.Popen(as_typed([sys.executable, "-c", _ONE_LONG_CHUNK]), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)  # fmt: skip
    seen = _wait_for_line(proc, b"started")
    wait_until_busy(proc)  # inside the engine (importing and validating take far less CPU time)
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    out, err = _after_signal(proc, "Ctrl-C")
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
        as_typed([*cmd, "run", str(long_experiment), "-o", str(out), "--threads", "1", "--chunk", "200000000", "-q"]),
        stderr=subprocess.PIPE,
    )
    wait_until_busy(proc)  # Python started, imported learnrace and entered the engine's only chunk
    proc.send_signal(sig)
    _, err = _after_signal(proc, sig.name)
    assert proc.returncode == 1, err.decode(errors="replace")
    assert f"learnrace: interrupted ({sig.name}); nothing written".encode() in err
    assert err.count(b"\n") == 1, err  # one line
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.toml", "out.h5", "small.toml"]


def test_a_background_job_ignores_ctrl_c_and_stops_on_sigterm(tmp_path, long_experiment):
    """A job that a non-interactive shell starts with & inherits SIGINT as ignored, so that a Ctrl-C meant
    for the foreground does not stop it: the console script leaves it ignored, and SIGTERM still ends it cleanly."""
    exe = console_script()
    cmd = [exe] if exe else [sys.executable, "-m", "learnrace.cli"]
    out = tmp_path / "out.h5"
    run = [*cmd, "run", str(long_experiment), "-o", str(out), "--threads", "1", "--chunk", "200000000", "-q"]
    proc = subprocess.Popen(as_background_job(run), stderr=subprocess.PIPE)
    wait_until_busy(proc)
    proc.send_signal(signal.SIGINT)
    later, deadline = cpu_seconds(proc.pid) + 1.0, time.monotonic() + 60
    while proc.poll() is None and cpu_seconds(proc.pid) < later and time.monotonic() < deadline:
        time.sleep(0.05)
    assert proc.poll() is None, f"SIGINT ended a job that ignores it (exit {proc.returncode})"
    proc.send_signal(signal.SIGTERM)
    _, err = _after_signal(proc, "SIGTERM")
    assert proc.returncode == 1, err.decode(errors="replace")
    assert b"learnrace: interrupted (SIGTERM); nothing written" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["long.toml"]


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


_THREADS_UNDER_A_LIMIT = textwrap.dedent(
    """
    import resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))  # 4096 thread stacks need far more
    import numpy as np
    import learnrace
    config = {"run": {"dyads": 4096 * 256, "periods": 5, "seed": 5}}  # a block of 256 dyads for every thread
    try:
        learnrace.run(config, backend="cpu", threads=4096, chunk_dyads=4096 * 256, progress=False)
    except learnrace.ConfigError as e:
        print(f"ConfigError key={e.key}: {e}", flush=True)
        could = int(str(e).split("give threads = ")[1].split()[0])
        many = learnrace.run(config, backend="cpu", threads=could, progress=False)  # what it names runs
        one = learnrace.run(config, backend="cpu", threads=1, progress=False)
        same = all(np.array_equal(getattr(many, s), getattr(one, s)) for s in ("transitions", "duration_by_cause"))
        print("same counts with", could, "threads as with 1:", same, flush=True)
        sys.exit(3)
    """
)


def test_more_threads_than_can_be_started_is_a_config_error():
    """Issue 20 item 8: under an address-space limit libgomp could not create 4096 threads and ended the interpreter
    ("Thread creation failed", exit 1, no exception). The backend starts the threads first and raises ConfigError
    naming the count that can be started; the results do not depend on it."""
    r = subprocess.run([sys.executable, "-c", _THREADS_UNDER_A_LIMIT], capture_output=True, text=True, timeout=300)
    assert r.returncode == 3, r.stdout + r.stderr
    assert "ConfigError key=threads: threads: 4096 threads cannot be started here: only " in r.stdout
    assert "address space (ulimit -v" in r.stdout
    assert "same counts with" in r.stdout and r.stdout.rstrip().endswith("as with 1: True")


def test_console_script_threads_beyond_a_limit_exits_2(tmp_path):
    exe = console_script()
    cmd = " ".join([exe] if exe else [sys.executable, "-m", "learnrace.cli"])
    exp = tmp_path / "e.toml"
    exp.write_text(tomli_w.dumps({"run": {"dyads": 4096 * 256, "periods": 5}}))  # a block for every thread
    out = tmp_path / "o.h5"
    r = subprocess.run(["bash", "-c", f"ulimit -v 3145728; {cmd} run {exp} -o {out} --threads 4096 --chunk 1048576 -q"],
                       capture_output=True, text=True, timeout=300)  # fmt: skip
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith("learnrace: threads: 4096 threads cannot be started here")
    assert r.stderr.count("\n") == 1 and not out.exists()


def test_results_that_do_not_fit_in_memory_raise_memory_error():
    r = subprocess.run([sys.executable, "-c", _TOO_BIG], capture_output=True, text=True, timeout=120)
    assert r.returncode == 3, r.stdout + r.stderr
    assert "MemoryError: out of memory: cannot allocate the results of 1 point(s)" in r.stdout


# ------------------------------------------------ the console script's output files (what the C++ CLI guaranteed)


def _cli(*args, ulimit: str | None = None, **kwargs):
    """The console script; with ``ulimit`` (e.g. "-v 3145728") under that shell limit (set by bash before it execs
    the script: no preexec_fn, which is unsafe once this process has threads)."""
    exe = console_script()
    cmd = [exe] if exe else [sys.executable, "-m", "learnrace.cli"]
    if ulimit:
        cmd = ["bash", "-c", f'ulimit {ulimit} && exec "$@"', "bash", *cmd]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=300, **kwargs)


def _listing(directory) -> list:
    return sorted(p.name for p in directory.iterdir())


def _dead_pid() -> int:
    """A pid that belonged to a process that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@pytest.fixture
def small_toml(tmp_path):
    p = tmp_path.parent / f"{tmp_path.name}-small.toml"  # outside the directory the tests list
    p.write_text(tomli_w.dumps(small_experiment(40)))
    yield str(p)
    p.unlink()


def test_another_runs_temporary_files_are_never_touched(tmp_path, small_toml):
    # Two runs writing the same -o once shared OUT.h5.tmp: one truncated and renamed away the other's file.
    (tmp_path / "out.h5.tmp").write_text("another run is writing this")
    live = f"out.h5.tmp-{os.getpid()}-0123abcd"
    (tmp_path / live).write_text("a live run's file")
    r = _cli("run", small_toml, "-o", str(tmp_path / "out.h5"), "-q")
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "out.h5.tmp").read_text() == "another run is writing this"
    assert (tmp_path / live).read_text() == "a live run's file"
    assert _listing(tmp_path) == ["out.h5", "out.h5.tmp", live]


def test_concurrent_runs_to_the_same_output_leave_one_complete_file(tmp_path, small_toml):
    out = tmp_path / "out.h5"
    assert _cli("run", small_toml, "-o", str(out), "-q").returncode == 0
    before = out.read_bytes()
    exe = console_script()
    cmd = [exe] if exe else [sys.executable, "-m", "learnrace.cli"]
    for round_ in range(3):
        procs = [
            subprocess.Popen(
                [
                    *cmd,
                    "run",
                    small_toml,
                    "-o",
                    str(out),
                    "--dyads",
                    str(300 + 100 * i),
                    "-q",
                    "--threads",
                    "1",
                    "--seed",
                    str(i),
                ],
                stderr=subprocess.PIPE,
            )  # fmt: skip
            for i in range(3)
        ]
        for p in procs:
            _, err = p.communicate(timeout=300)
            assert p.returncode == 0, (round_, err)
        assert _listing(tmp_path) == ["out.h5"], round_
        with learnrace.open(out) as res:  # the surviving file is one complete run file, of one of the runs
            assert res.dyads_simulated.tolist()[0] in (300, 400, 500)
        assert out.read_bytes() != before


def test_temporary_files_of_dead_runs_are_removed_and_nothing_else(tmp_path, small_toml):
    # What a run killed with SIGKILL while writing leaves behind, and look-alikes that must survive.
    dead, alive = str(_dead_pid()), str(os.getpid())
    (tmp_path / f"out.h5.tmp-{dead}-89abcdef").write_text("half a file")
    kept = [
        f"out.h5.tmp-{alive}-89abcdef",  # a live process
        f"out.h5.tmp-{dead}-89abcdeg",  # not hexadecimal
        f"out.h5.tmp-{dead}-89abcde",  # too short
        f"out.h5.tmp-{dead}-89abcdef.bak",  # more after the pattern
        f"other.h5.tmp-{dead}-89abcdef",  # another target
        f"out.h5.tmp-x{dead}-89abcdef",  # not a pid
    ]
    for name in kept:
        (tmp_path / name).write_text("keep me")
    subdir = f"out.h5.tmp-{dead}-00000000"  # a directory is never removed
    (tmp_path / subdir).mkdir()
    link = f"out.h5.tmp-{dead}-11111111"  # nor a symbolic link
    os.symlink("other.h5.tmp-0-00000000", tmp_path / link)
    r = _cli("run", small_toml, "-o", str(tmp_path / "out.h5"), "-q")
    assert r.returncode == 0, r.stderr
    assert _listing(tmp_path) == sorted([*kept, "out.h5", subdir, link])
    for name in kept:
        assert (tmp_path / name).read_text() == "keep me", name


def test_path_problems_are_found_before_simulating(tmp_path, small_toml):
    # a file name too long for the temporary name beside it (255 bytes is the usual NAME_MAX)
    r = _cli("run", small_toml, "-o", str(tmp_path / ("a" * 250 + ".h5")))
    assert r.returncode == 2 and "the file name is 253 bytes" in r.stderr, r.stderr
    assert r.stdout == ""  # the run did not start
    # a FIFO (or device) is never replaced
    fifo = tmp_path / "pipe.h5"
    os.mkfifo(fifo)
    r = _cli("run", small_toml, "-o", str(fifo))
    assert r.returncode == 2 and "not a regular file" in r.stderr, r.stderr
    assert r.stdout == "" and stat.S_ISFIFO(os.stat(fifo).st_mode)
    # a directory named like the old fixed temporary name does not get in the way
    (tmp_path / "ok.h5.tmp").mkdir()
    r = _cli("run", small_toml, "-o", str(tmp_path / "ok.h5"), "-q")
    assert r.returncode == 0, r.stderr
    assert _listing(tmp_path) == ["ok.h5", "ok.h5.tmp", "pipe.h5"]
    # -o is a directory, its parent a file, or the experiment itself
    for bad, words in [(tmp_path, "is a directory"), (tmp_path / "ok.h5" / "x.h5", "is not a directory"),
                       (small_toml, "is the experiment or study file itself")]:  # fmt: skip
        r = _cli("run", small_toml, "-o", str(bad))
        assert r.returncode == 2 and words in r.stderr, r.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="running as root: directory permissions do not apply")
def test_read_only_output_directory_is_found_before_simulating(tmp_path, small_toml):
    tmp_path.chmod(0o555)
    try:
        r = _cli("run", small_toml, "-o", str(tmp_path / "out.h5"))
    finally:
        tmp_path.chmod(0o755)
    assert r.returncode == 2 and "not writable" in r.stderr and r.stdout == ""


def test_many_threads_with_long_horizons_stay_within_memory(tmp_path):
    # 64 threads x 25.6 MB of counts per thread (periods 100000) were 1.6 GB of per-thread copies; under an
    # address-space limit of what the process maps anyway (Python, numpy, h5py, 64 thread stacks) plus 1.2 GB the
    # run ended with "terminate ... std::bad_alloc". The copies are bounded (256 MiB), so the run completes.
    exp = tmp_path / "long.toml"
    exp.write_text("[run]\ndyads = 2000\nperiods = 100000\n[output]\ntrajectory_max = 0\n")
    baseline = subprocess.run(
        [sys.executable, "-c", _BASELINE_VM], capture_output=True, text=True, timeout=120, env=_ENV_64
    )
    mapped = int(baseline.stdout.split()[-1])
    limit = mapped + 1_200_000_000
    r = _cli("run", str(exp), "-o", str(tmp_path / "long.h5"), "-q", "--threads", "64", "--backend", "cpu",
             ulimit=f"-v {limit // 1024}", env=_ENV_64)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert "terminate" not in r.stderr


_ENV_64 = {**os.environ, "OMP_STACKSIZE": "1M"}
# What the console script maps before a run: the imports and 64 OpenMP threads (one tiny run on them), in kB -> bytes.
_BASELINE_VM = textwrap.dedent(
    """
    import learnrace, learnrace.cli, h5py, pandas
    learnrace.run({"run": {"dyads": 64, "periods": 2}}, backend="cpu", threads=64, progress=False)
    for line in open("/proc/self/status"):
        if line.startswith("VmPeak:"):
            print(int(line.split()[1]) * 1024)
    """
)


def test_results_that_do_not_fit_in_memory_are_a_one_line_error(tmp_path):
    # about 9 GB of trajectory samples under a 3 GiB address-space limit: exit 1 with one line, nothing written
    exp = tmp_path / "huge.toml"
    exp.write_text("[run]\ndyads = 1000000\nperiods = 300\n[output]\ntrajectory_stride = 1\ntrajectory_max = 1000000\n")
    r = _cli("run", str(exp), "-o", str(tmp_path / "huge.h5"), "-q", "--backend", "cpu",
             ulimit=f"-v {3 * 2**20}")  # fmt: skip
    assert r.returncode == 1, r.stderr
    assert r.stderr.startswith("learnrace: error: out of memory: cannot allocate the results of 1 point(s)"), r.stderr
    assert r.stderr.count("\n") == 1
    assert _listing(tmp_path) == ["huge.toml"]


# ------------------------------------------- issue 20: file size limits, signals after the write, FIFOs as input

STUDY = """
[study]
design = "grid"

[study.parameters]
"shocks.trust.sigma" = {values = [0.1, 0.2, 0.3]}

[run]
dyads = 200
periods = 10
seed = 5
"""


def test_run_over_a_file_size_limit_is_a_clear_write_error_and_keeps_the_old_file(tmp_path, small_toml):
    out = tmp_path / "out.h5"
    out.write_bytes(b"the old file")
    # 20 KiB at most per file; Python ignores SIGXFSZ, so the write past it fails with EFBIG
    r = _cli("run", small_toml, "-o", str(out), "-q", "--backend", "cpu", ulimit="-f 20")
    assert r.returncode == 1, r.stderr
    assert r.stderr.startswith("learnrace: error: cannot write ") and str(out) in r.stderr, r.stderr
    assert "File too large" in r.stderr and r.stderr.count("\n") == 1, r.stderr
    assert out.read_bytes() == b"the old file"
    assert _listing(tmp_path) == ["out.h5"]  # no temporary file


def test_sweep_over_a_file_size_limit_is_a_clear_write_error_and_keeps_its_blocks(tmp_path):
    pytest.importorskip("SALib")
    study = tmp_path / "grid.toml"
    study.write_text(STUDY)
    out = tmp_path / "grid.h5"
    # the checkpoint's parts (a few kB) fit, the study file does not
    r = _cli("sweep", str(study), "-o", str(out), "-q", "--backend", "cpu", "--block", "1",
             ulimit="-f 12")  # 12 KiB  # fmt: skip
    assert r.returncode == 1, r.stderr
    assert r.stderr.startswith(f"learnrace: error: cannot write {out}: File too large"), r.stderr
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr
    assert _listing(tmp_path) == ["grid.h5.checkpoint", "grid.toml"]  # no study file, no temporary file
    parts = [p for p in os.listdir(tmp_path / "grid.h5.checkpoint") if p.startswith("part-")]
    assert len(parts) == 3  # every finished block kept: `--resume` writes the file once there is room
    r = _cli("sweep", str(study), "-o", str(out), "-q", "--backend", "cpu", "--resume")
    assert r.returncode == 0, r.stderr
    assert _listing(tmp_path) == ["grid.h5", "grid.toml"]


# Runs the console script in this process with a SIGTERM sent right after the file is complete (the moment the
# old message got wrong): after Results.save for `run`, in the middle of removing the checkpoint for `sweep`.
_SIGNAL_AFTER_WRITE = textwrap.dedent(
    """
    import os, signal, sys
    import learnrace
    from learnrace import _checkpoint, cli, results

    save, remove = results.Results.save, _checkpoint.Checkpoint.remove

    def save_then_signal(self, path):
        out = save(self, path)
        os.kill(os.getpid(), signal.SIGTERM)  # the file is complete; the signal arrives before the CLI goes on
        return out

    def signal_while_removing(self):
        parts = sorted(p for p in os.listdir(self.path) if p.startswith("part-"))
        os.unlink(os.path.join(self.path, parts[0]))
        os.kill(os.getpid(), signal.SIGTERM)  # half the checkpoint removed
        remove(self)

    results.Results.save = save_then_signal
    _checkpoint.Checkpoint.remove = signal_while_removing
    sys.exit(cli.main(sys.argv[1:]))
    """
)


def test_a_signal_just_after_run_wrote_its_file_says_the_file_was_written(tmp_path, small_toml):
    out = tmp_path / "out.h5"
    out.write_bytes(b"the old file")
    r = subprocess.run([sys.executable, "-c", _SIGNAL_AFTER_WRITE, "run", small_toml, "-o", str(out), "-q"],
                       capture_output=True, text=True, timeout=120)  # fmt: skip
    assert r.returncode == 1, r.stderr
    assert r.stderr == f"learnrace: interrupted (SIGTERM); after {out} was written completely\n", r.stderr
    with learnrace.open(out) as res:  # what the message says: the new, complete file
        assert res.dyads_simulated.tolist() == [40]
    assert _listing(tmp_path) == ["out.h5"]


def test_a_signal_just_after_sweep_wrote_its_file_says_so_and_removes_the_whole_checkpoint(tmp_path):
    pytest.importorskip("SALib")
    study = tmp_path / "grid.toml"
    study.write_text(STUDY)
    out = tmp_path / "grid.h5"
    r = subprocess.run([sys.executable, "-c", _SIGNAL_AFTER_WRITE, "sweep", str(study), "-o", str(out), "-q",
                        "--backend", "cpu", "--block", "1"], capture_output=True, text=True, timeout=300)  # fmt: skip
    assert r.returncode == 1, r.stderr
    assert r.stderr == f"learnrace: interrupted (SIGTERM); after {out} was written completely\n", r.stderr
    assert _listing(tmp_path) == ["grid.h5", "grid.toml"]  # the study file, and no half-deleted checkpoint
    assert len(learnrace.open(out).outcomes) == 3


@pytest.mark.parametrize("command", ["run", "sweep"])
def test_a_fifo_as_the_experiment_or_study_is_refused_before_it_is_opened(tmp_path, command):
    fifo = tmp_path / "input.toml"
    os.mkfifo(fifo)
    r = _cli(command, str(fifo), "-o", str(tmp_path / "out.h5"))  # the timeout fails a read that blocks
    assert r.returncode == 2, r.stderr
    what = "experiment" if command == "run" else "study"
    assert r.stderr == f"learnrace: {fifo}: is a FIFO, not {'an' if what == 'experiment' else 'a'} {what} file\n"
    assert _listing(tmp_path) == ["input.toml"]


def test_the_python_api_refuses_a_fifo_as_the_experiment(tmp_path):
    fifo = tmp_path / "input.toml"
    os.mkfifo(fifo)
    with pytest.raises(learnrace.ConfigError, match="is a FIFO, not an experiment file"):
        learnrace.run(str(fifo), progress=False)
