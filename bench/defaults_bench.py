#!/usr/bin/env python3
"""`learnrace.run` / `learnrace.study` with their defaults against explicit thread, chunk and OpenMP wait settings, on
this machine as it is and with a controlled extra load: is the default within 1.25x of the best setting?

usage: defaults_bench.py [--rounds R] [--loads none,pinned] [--workloads one,sweep,study] [--out FILE.md]
                         [--settings NAME,...]

Workloads (default propositional point, 100 periods, CPU backend):
  one    one experiment: 1 point x 400,000 dyads (learnrace.run)
  sweep  a sweep: 128 points x 2,000 dyads (learnrace.run with points=)
  study  the same 128 points as a study (learnrace.study, design= the points frame)
Settings: `defaults` is the call with no thread, chunk or environment arguments (what a user gets); the others set
threads (1, or 0 = every core), chunk_dyads (`run-chunk`: the run's dyads per point, one call per point) and the
OpenMP wait (`passive`: OMP_WAIT_POLICY=passive, waiting threads sleep; `active`: they spin; `spin`:
GOMP_SPINCOUNT=300000, libgomp's default when OMP_WAIT_POLICY is unset, the old learnrace default). Loads: `none` is
the machine as it is (shared: other users' processes run too; the table gives the load average), `pinned` adds one
busy process
(a pure-Python loop) pinned to CPU 0 for the duration. Every measurement is a fresh process (OpenMP reads its
environment at start); the rounds interleave the settings in a rotated order. The time is the wall time of the call
(learnrace.run / learnrace.study) inside the process, without the import; the table gives the median over rounds and
its ratio to the best median of that workload and load.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from machine_info import cpu_model  # bench/: the script's directory is on sys.path

ROOT = Path(__file__).resolve().parent.parent

WORKLOADS = {
    "one": "1 point x 400,000 dyads x 100 periods (learnrace.run)",
    "sweep": "128 points x 2,000 dyads x 100 periods (learnrace.run, points=)",
    "study": "128 points x 2,000 dyads x 100 periods (learnrace.study, design=)",
}
# name -> (threads, chunk, environment); None: not given (the default). libgomp's own default wait (OMP_WAIT_POLICY
# unset: spin 300,000 times, then sleep; learnrace's default before it set the policy) is GOMP_SPINCOUNT=300000, which
# libgomp uses whatever the policy says.
SPIN = {"GOMP_SPINCOUNT": "300000"}
SETTINGS = {
    "defaults": (None, None, {}),
    "threads=1": (1, None, {}),
    "threads=all passive": (0, None, {"OMP_WAIT_POLICY": "passive"}),
    "threads=all spin (old default)": (0, None, SPIN),
    "threads=1 spin": (1, None, SPIN),
    "threads=all active": (0, None, {"OMP_WAIT_POLICY": "active"}),
    "threads=all run-chunk passive": (0, "run", {"OMP_WAIT_POLICY": "passive"}),
    "threads=all run-chunk spin": (0, "run", SPIN),
}
OMP_VARIABLES = ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OMP_NUM_THREADS")


def worker(workload: str, threads, chunk) -> dict:
    import pandas as pd

    import learnrace

    base = {"run": {"dyads": 400_000 if workload == "one" else 2_000, "periods": 100, "seed": 3}}
    kwargs = {"backend": "cpu", "progress": False}
    if threads is not None:
        kwargs["threads"] = threads
    if chunk == "run":
        kwargs["chunk_dyads"] = base["run"]["dyads"]
    points = pd.DataFrame({"flows.lambda": [0.1 + 0.001 * i for i in range(128)]})
    start = time.perf_counter()
    if workload == "one":
        learnrace.run(base, **kwargs)
    elif workload == "sweep":
        learnrace.run(base, points=points, **kwargs)
    else:
        kwargs.pop("chunk_dyads", None)  # a study sets its own chunk (one call per block)
        learnrace.study(base, design=points, **kwargs)
    seconds = time.perf_counter() - start
    return {"seconds": seconds}


def busy_pinned(cpu: int) -> subprocess.Popen:
    code = f"import os; os.sched_setaffinity(0, {{{cpu}}})\nwhile True: pass"
    return subprocess.Popen([sys.executable, "-c", code])


def measure(workload: str, setting: str) -> float:
    threads, chunk, extra = SETTINGS[setting]
    env = {k: v for k, v in os.environ.items() if k not in OMP_VARIABLES}
    env.update(extra)
    payload = json.dumps([workload, threads, chunk])
    out = subprocess.run(
        [sys.executable, __file__, "--worker", payload], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout.strip().splitlines()[-1])["seconds"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--loads", default="none,pinned")
    ap.add_argument("--workloads", default="one,sweep,study")
    ap.add_argument("--settings", default=",".join(SETTINGS), help="comma-separated names of SETTINGS")
    ap.add_argument("--out", help="write the markdown report here")
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(worker(*json.loads(args.worker))))
        return 0
    loads = args.loads.split(",")
    workloads = args.workloads.split(",")
    settings = args.settings.split(",")
    times: dict = {}
    loadavg: dict = {}
    for load in loads:
        busy = busy_pinned(0) if load == "pinned" else None
        try:
            time.sleep(1.0 if busy else 0.0)
            for r in range(args.rounds):
                order = settings[r % len(settings) :] + settings[: r % len(settings)]
                for workload in workloads:
                    for setting in order:
                        loadavg.setdefault(load, []).append(os.getloadavg()[0])
                        t = measure(workload, setting)
                        times.setdefault((load, workload, setting), []).append(t)
                        print(f"{load:6s} {workload:5s} {setting:34s} {t:8.2f} s", flush=True)
        finally:
            if busy:
                busy.kill()
                busy.wait()
    env = " ".join(f"{k}={os.environ[k]}" for k in OMP_VARIABLES if k in os.environ) or "none set"
    lines = [
        f"# learnrace defaults on a shared machine ({datetime.date.today().isoformat()})",
        "",
        f"{cpu_model()}, {os.cpu_count()} logical CPUs, shared with other users; {sys.version.split()[0]}; "
        f"OpenMP variables in the caller's environment: {env}. Command:",
        "",
        "```text",
        "python3 bench/defaults_bench.py " + " ".join(a for a in sys.argv[1:]),
        "```",
        "",
        "Median wall seconds of the call over " + str(args.rounds) + " interleaved rounds (fresh process each), and "
        "its ratio to the best median of the same workload and load. `defaults`: no thread, chunk or environment "
        "argument (what a user gets).",
        "",
    ]
    for load in loads:
        avg = statistics.mean(loadavg[load])
        what = "the machine as it is" if load == "none" else "plus one busy process pinned to CPU 0"
        lines += [f"## Load: {what} (1-minute load average during the runs: {avg:.1f})", ""]
        lines += ["| setting | " + " | ".join(f"{w}: s | {w}: x best" for w in workloads) + " |"]
        lines += ["| --- |" + " ---: | ---: |" * len(workloads)]
        best = {w: min(statistics.median(times[(load, w, s)]) for s in settings) for w in workloads}
        for s in settings:
            cells = []
            for w in workloads:
                m = statistics.median(times[(load, w, s)])
                cells += [f"{m:.2f}", f"{m / best[w]:.2f}"]
            lines.append(f"| {s} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += ["Workloads: " + "; ".join(f"`{w}`: {WORKLOADS[w]}" for w in workloads) + ".", ""]
    report = "\n".join(lines)
    print(report)
    if args.out:
        Path(args.out).write_text(report + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
