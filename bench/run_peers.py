#!/usr/bin/env python3
"""The engine and its peers (bench/peers: NumPy, JAX, Mesa) on the same experiment, timed side by side.

usage: run_peers.py [--dyads N ...] [--periods T] [--repeat R] [--mesa-max-dyads M] [--modes 1,all]
                    [--cli 'python3 -m learnrace.cli'] [--baseline PYTHON] [--impls engine,numpy,...] [--out FILE.md]
                    [--append NOTES.md] [--gpu]

Every implementation simulates the engine's default propositional point (the parameters are read from the engine's
run file) with the same dyads and periods. Each measurement is a fresh process, so the repeats interleave
(round r runs every implementation once, in a rotated order) and no process inherits another's caches or threads.
Mode `1`: everything pinned to one core (taskset semantics: sched_setaffinity), the engine with --threads 1, JAX
with XLA's intra-op threading off; mode `all`: all cores (the engine with --threads 0, JAX with XLA's default
threads; NumPy and Mesa use one core either way). The time is each implementation's own simulation wall time (the
engine's `seconds` attribute: no process start, no file writing; JAX: a second call, after compiling) and the CPU
time of the same (the engine on the CPU: its `learnrace.run` call in the worker, less a one-dyad call's; on the GPU:
the `learnrace run` process's, less a one-dyad run's); throughput = live dyad-periods / seconds, each
implementation counting its own (they agree within sampling error: tests/python/test_peers.py). Ratios
engine / peer are taken per round (same seed), then min, median, max.

--baseline PYTHON: a Python interpreter with another build of learnrace installed (e.g. a virtual environment
with the main branch's): its engine joins every round as implementation `baseline`, so a change to the engine is
measured against the peers and against the engine before it in the same run.

--gpu: the CUDA engine (--backend cuda) against JAX on the GPU, same dyads and periods; skips (exit 0) with a message
when no GPU, no CUDA engine or no JAX GPU backend is there (bench/gpu_check.sh runs it on a lent GPU).
"""

from __future__ import annotations

import argparse
import datetime
import importlib.util
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from machine_info import cpu_model  # bench/: the script's directory is on sys.path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

CPU_IMPLS = ("engine", "numpy", "jax", "mesa")
SEED = 1


# ----------------------------------------------------------------------------------------------- worker (one run)
def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def worker(impl: str, dyads: int, periods: int, seed: int, threads: int, cli: str, backend: str) -> dict:
    """One timed run in this process: wall seconds, CPU seconds (all threads), live dyad-periods (and the
    dyad-periods computed, where a peer computes more than the live ones)."""
    from peers import engine

    if impl == "engine" and backend == "cpu":
        # In this process (learnrace.run): the CPU time of the run, less that of a one-dyad run (configuration,
        # results), after a first one-dyad run has loaded everything.
        engine.run_python(1, periods, seed, threads)
        c0 = time.process_time()
        engine.run_python(1, periods, seed, threads)
        c1 = time.process_time()
        result, _ = engine.run_python(dyads, periods, seed, threads)
        cpu = (time.process_time() - c1) - (c1 - c0)
    elif impl == "engine":
        # CPU time of the `learnrace run` process, less that of a one-dyad run (process start and imports,
        # configuration, file writing).
        c0 = _children_cpu()
        engine.run_cli(cli, 1, periods, seed, threads, backend=backend)
        c1 = _children_cpu()
        result, _ = engine.run_cli(cli, dyads, periods, seed, threads, backend=backend)
        cpu = (_children_cpu() - c1) - (c1 - c0)
    else:
        _, params = engine.run_cli(cli, 1, periods, seed, 1)  # the engine's parameters, from its run file
        if impl == "numpy":
            from peers import numpy_peer as peer
        elif impl == "jax":
            from peers import jax_peer as peer

            peer.simulate(params, dyads, seed)  # compile (and run) once; the timed call below reuses it
        elif impl == "mesa":
            from peers import mesa_peer as peer
        else:
            raise ValueError(f"unknown implementation {impl!r}")
        c0 = time.process_time()
        result = peer.simulate(params, dyads, seed)
        cpu = time.process_time() - c0
    return {
        "impl": impl,
        "seconds": result.seconds,
        "cpu_seconds": cpu,
        "dyad_periods": result.dyad_periods,
        "computed_dyad_periods": result.computed_dyad_periods or result.dyad_periods,
        "mean_duration": result.mean_duration,
    }


def measure(
    impl: str, dyads: int, periods: int, seed: int, one_core: bool, cli: str, backend: str, python: str = ""
) -> dict:
    """Run `worker` in a fresh process (pinned to one core in mode 1) of this Python or of `python` (`baseline`:
    the engine of the baseline's Python)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(HERE) + os.pathsep + env.get("PYTHONPATH", "")
    threads = 1 if one_core else 0
    if one_core:
        env.update(OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
        env["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
    if backend == "cpu":
        env["JAX_PLATFORMS"] = "cpu"
    worker_impl = "engine" if impl == "baseline" else impl
    args = [
        python or sys.executable,
        __file__,
        "--worker",
        worker_impl,
        "--dyads",
        str(dyads),
        "--periods",
        str(periods),
    ]
    args += ["--seed", str(seed), "--threads", str(threads), "--cli", cli, "--backend", backend]
    first_core = min(os.sched_getaffinity(0))
    pin = (lambda: os.sched_setaffinity(0, {first_core})) if one_core else None
    out = subprocess.run(args, env=env, preexec_fn=pin, capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"{impl} failed:\n{out.stderr[-3000:]}")
    return dict(json.loads(out.stdout.strip().splitlines()[-1]), impl=impl)


# ----------------------------------------------------------------------------------------------------- report


def versions() -> str:
    out = [f"Python {platform.python_version()}"]
    for name in ("numpy", "jax", "jaxlib", "mesa"):
        try:
            import importlib.metadata as md

            out.append(f"{name} {md.version(name)}")
        except Exception:  # noqa: BLE001 - not installed
            out.append(f"{name} (not installed)")
    return ", ".join(out)


def revision() -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def fmt_rate(v: float) -> str:
    return f"{v:.3g}"


def _spread(values: list) -> str:
    return " - ".join(f"{v:.3g}" for v in (min(values), statistics.median(values), max(values)))


def table(rows: list, impls: tuple, reference: str, cpu: bool = True) -> list:
    """Markdown rows: per implementation its throughput per wall second (and, with `cpu`, per CPU second), median
    (min - max), and the ratios reference / implementation per round, min - median - max."""
    time_keys = ("seconds", "cpu_seconds") if cpu else ("seconds",)
    header = f"| implementation | runs | dyad-periods/s, wall: median (min - max) | {reference} / peer, wall | "
    if cpu:
        header += f"dyad-periods per CPU-s: median (min - max) | {reference} / peer, CPU | "
    lines = [header + "mean duration |", "| --- " * (3 + 2 * len(time_keys)) + "|"]
    by_round = {}
    for r in rows:
        by_round.setdefault(r["round"], {})[r["impl"]] = r
    for impl in impls:
        mine = [r for r in rows if r["impl"] == impl]
        if not mine:
            continue
        cells = []
        for time_key in time_keys:
            rates = [r["dyad_periods"] / r[time_key] for r in mine]
            ratios = [
                (runs[reference]["dyad_periods"] / runs[reference][time_key])
                / (runs[impl]["dyad_periods"] / runs[impl][time_key])
                for runs in by_round.values()
                if impl in runs and reference in runs
            ]
            cells.append(f"{fmt_rate(statistics.median(rates))} ({fmt_rate(min(rates))} - {fmt_rate(max(rates))})")
            cells.append("-" if impl == reference or not ratios else _spread(ratios))
        mean_d = statistics.mean(r["mean_duration"] for r in mine)
        lines.append(f"| {impl} | {len(mine)} | {' | '.join(cells)} | {mean_d:.2f} |")
    return lines


def run_all(args, impls: tuple, modes: list, backend: str, log) -> dict:
    """Every (mode, dyads) block: `repeat` rounds, each running every implementation once (rotated order)."""
    results = {}
    for mode in modes:
        for dyads in args.dyads:
            block = [i for i in impls if not (i == "mesa" and dyads > args.mesa_max_dyads)]
            rows = []
            for r in range(args.repeat):
                order = block[r % len(block) :] + block[: r % len(block)]
                for impl in order:
                    python = args.baseline if impl == "baseline" else ""
                    res = measure(impl, dyads, args.periods, SEED + r, mode == "1", args.cli, backend, python)
                    res["round"] = r
                    rows.append(res)
                    rate = res["dyad_periods"] / res["seconds"]
                    log(
                        f"mode={mode} dyads={dyads} round={r} {impl}: {res['seconds']:.3f} s, {rate:.3g} dyad-periods/s"
                    )
            results[(mode, dyads)] = rows
    return results


def report(args, results: dict, impls: tuple, reference: str, title: str, command: str) -> str:
    lines = [
        f"# {title}",
        "",
        f"Written by `{command}` (bench/run_peers.py; {datetime.date.today().isoformat()}, revision {args.revision}; "
        f"engine: {_engine_version(sys.executable)}).",
        "",
        f"- CPU: {cpu_model()}, {os.cpu_count()} logical CPUs; load average at the start "
        f"{args.load_start}, at the end {' '.join(f'{v:.2f}' for v in os.getloadavg())}",
        f"- {versions()}",
        f"- Experiment: the engine's default propositional point, {args.periods} periods; dyads per run as in each "
        f"table; seeds {SEED}..{SEED + args.repeat - 1} (round r: seed {SEED} + r, the same for every "
        "implementation).",
        "- Time: each implementation's own simulation wall time (engine: the run file's `seconds`; JAX: after "
        "compiling)"
        + (
            ""
            if args.gpu
            else ", and the CPU time it used (all its threads; engine: its `learnrace.run` call's in the worker "
            "process, less that of a one-dyad call). On a shared machine the CPU time is the steadier measure of "
            "work per core"
        )
        + ". Throughput = its live dyad-periods / time. Ratios: per round (same seed), then min - median - max.",
        "- What each computes: the engine also bins every transition by 7 factors, counts occupancy per period, "
        "histograms four outcomes, sums ten moments and samples trajectories; the peers count only transitions and "
        "dyads by cause and duration (the outputs compared in tests/python/test_peers.py). JAX runs blocks of "
        "periods over the chunks of dyads that hold live ones and compacts them to the front between blocks "
        f"(bench/peers/jax_peer.py), so it computes {_computed_share(results, 'jax')} x the live dyad-periods "
        "(padding, and dyads that ended inside a block); the others stop a dyad when it ends. Scenario events are "
        "not in the peers (none are configured here).",
    ]
    if args.baseline:
        lines.append(f"- `baseline`: the engine of another build, {args.baseline} ({_engine_version(args.baseline)}).")
    lines.append("")
    for (mode, dyads), rows in results.items():
        if args.gpu:
            where = "on the GPU (CUDA engine; JAX on its default device)"
        elif mode == "1":
            where = "one core (everything pinned to CPU 0; engine --threads 1)"
        else:
            where = "all cores"
        lines += [f"## {dyads} dyads, {where}", ""] + table(rows, impls, reference, cpu=not args.gpu) + [""]
    return "\n".join(lines) + "\n"


def _engine_version(python: str) -> str:
    """`learnrace --version` of the engine that `python` imports."""
    out = subprocess.run([python, "-m", "learnrace.cli", "--version"], capture_output=True, text=True)
    return out.stdout.strip() or "version unknown"


def _computed_share(results: dict, impl: str) -> str:
    """Computed / live dyad-periods of `impl` over all its runs (min - max), or '?' when it did not run."""
    shares = [
        r["computed_dyad_periods"] / r["dyad_periods"] for rows in results.values() for r in rows if r["impl"] == impl
    ]
    if not shares:
        return "?"
    return f"{min(shares):.2f}" if max(shares) - min(shares) < 0.005 else f"{min(shares):.2f} - {max(shares):.2f}"


def gpu_ready(cli: str) -> str:
    """'' when the CUDA engine and JAX's GPU backend can both run, else why not."""
    try:
        subprocess.run(["nvidia-smi", "-L"], capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return "no GPU (nvidia-smi failed)"
    probe = "import jax, sys; sys.exit(0 if any(d.platform == 'gpu' for d in jax.devices()) else 1)"
    if subprocess.run([sys.executable, "-c", probe], capture_output=True).returncode != 0:
        return "JAX has no GPU backend here (install jax[cuda12])"
    from peers import engine

    try:
        engine.run_cli(cli, 1000, 10, 1, 0, backend="cuda")
    except (OSError, subprocess.CalledProcessError) as e:
        return f"the CUDA engine did not run ({e})"
    return ""


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--dyads", type=lambda s: int(float(s)), nargs="+", default=[20_000, 200_000])
    ap.add_argument("--periods", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--mesa-max-dyads", type=lambda s: int(float(s)), default=20_000, help="Mesa runs only up to this")
    ap.add_argument("--modes", default="1,all", help="comma-separated: 1 (one core), all (all cores)")
    ap.add_argument("--cli", default=None, help="the learnrace command (default: $LEARNRACE_CLI, else python -m ...)")
    ap.add_argument("--baseline", default=None, help="a Python with another learnrace build: its engine as `baseline`")
    ap.add_argument("--impls", default=",".join(CPU_IMPLS), help="comma-separated: the CPU implementations to run")
    ap.add_argument("--out", default=None, help="the markdown report (default bench/results/peers-MACHINE-DATE.md)")
    ap.add_argument("--append", default=None, help="a markdown file appended to the report (e.g. a profile)")
    ap.add_argument("--gpu", action="store_true", help="CUDA engine vs JAX on the GPU instead")
    # worker mode (internal)
    ap.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    ap.add_argument("--seed", type=int, default=SEED, help=argparse.SUPPRESS)
    ap.add_argument("--threads", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--backend", default="cpu", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    from peers import engine

    args.cli = args.cli or engine.find_cli()
    if args.cli is None:
        print("run_peers: the learnrace package is not installed (pip install . from the repository)")
        return 2
    if args.worker:
        res = worker(args.worker, args.dyads[0], args.periods, args.seed, args.threads, args.cli, args.backend)
        print(json.dumps(res))
        return 0

    missing = [m for m in ("jax", "mesa", "scipy") if importlib.util.find_spec(m) is None]
    if missing:  # the peers' packages: the extra `peers`, not in `pip install .`
        print(f'run_peers: {", ".join(missing)} not installed: pip install ".[peers]" (jax, mesa, scipy)')
        return 2
    args.load_start = " ".join(f"{v:.2f}" for v in os.getloadavg())
    args.revision = revision()  # at the start: the tree may move while the rounds run
    command = "python3 bench/run_peers.py " + " ".join(argv if argv is not None else sys.argv[1:])
    if args.gpu:
        why = gpu_ready(args.cli)
        if why:
            print(f"run_peers --gpu: skipped: {why}")
            return 0
        impls = ("engine", "jax")
        results = run_all(args, impls, ["all"], "cuda", print)
        title, reference = "Peers on the GPU: CUDA engine vs JAX", "engine"
    else:
        modes = [m.strip() for m in args.modes.split(",") if m.strip()]
        if any(m not in ("1", "all") for m in modes):
            ap.error("--modes takes 1 and/or all")
        impls = tuple(i.strip() for i in args.impls.split(",") if i.strip())
        if "engine" not in impls or any(i not in CPU_IMPLS for i in impls):
            ap.error(f"--impls takes engine and any of {', '.join(CPU_IMPLS[1:])}")
        impls += ("baseline",) if args.baseline else ()
        results = run_all(args, impls, modes, "cpu", print)
        title, reference = "Peers on the CPU: the engine vs NumPy, JAX and Mesa", "engine"
    text = report(args, results, impls, reference, title, command)
    if args.append:
        text += "\n" + Path(args.append).read_text()
    out = args.out
    if out is None:
        slug = re.sub(r"[^A-Za-z0-9]+", "-", cpu_model()).strip("-")
        out = str(HERE / "results" / f"peers-{slug}-{os.cpu_count()}cpu-{datetime.date.today().isoformat()}.md")
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    Path(out).write_text(text)
    print(text)
    print("wrote", out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
