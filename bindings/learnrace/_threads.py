"""The CPU backend's defaults on a shared machine: how many threads a run uses, and how they wait.

Measured in bench/defaults_bench.py (bench/results/defaults-*.md): on a 2-core machine shared with other users, the
OpenMP threads of libgomp's default wait policy (spin for a while at every barrier and between parallel regions, then
sleep) made a run on every core 5 to 35 times slower than one thread, since a spinning thread takes the core from the
thread that has the work; with OMP_WAIT_POLICY=passive (waiting threads sleep at once) every core is again the fastest
setting, loaded or not. libgomp reads the variable once, when it is loaded, so :func:`load_engine` sets it for the
import of the extension only (an OMP_WAIT_POLICY the user set is kept; the environment is restored afterwards, so child
processes and other libraries see the user's). It has no effect when libgomp was loaded before learnrace (by another
package linked to the same libgomp.so.1): export OMP_WAIT_POLICY=passive before Python starts to be sure.
"""

from __future__ import annotations

import math
import os

WAIT_POLICY = "PASSIVE"


def load_engine():
    """Import the C++ extension with OMP_WAIT_POLICY=passive unless the environment sets it; returns the module, or
    None when the extension is not built (learnrace.api says how to build it when it is needed)."""
    set_here = "OMP_WAIT_POLICY" not in os.environ
    if set_here:
        os.environ["OMP_WAIT_POLICY"] = WAIT_POLICY
    try:
        from . import _core

        return _core
    except ImportError:  # pragma: no cover - only without a built extension
        return None
    finally:
        if set_here:
            os.environ.pop("OMP_WAIT_POLICY", None)


# The extension is imported here, first of all (learnrace/__init__.py imports this module before anything else).
ENGINE = load_engine()


def _cgroup_cpus() -> float | None:
    """The CPU quota of this process's cgroup in CPUs (a container's --cpus), or None when there is none."""
    try:  # cgroup v2: "max 100000" or "200000 100000"
        with open("/sys/fs/cgroup/cpu.max") as f:
            quota, period = f.read().split()[:2]
        return None if quota == "max" else int(quota) / int(period)
    except (OSError, ValueError):
        pass
    try:  # cgroup v1
        with open("/sys/fs/cgroup/cpu/cpu.cfs_quota_us") as f:
            quota = int(f.read())
        with open("/sys/fs/cgroup/cpu/cpu.cfs_period_us") as f:
            period = int(f.read())
        return None if quota <= 0 or period <= 0 else quota / period
    except (OSError, ValueError):
        return None


def usable_cpus() -> int:
    """The CPUs this process may run on: its affinity mask (taskset, a batch system's binding), capped by its
    cgroup's CPU quota (a container's --cpus), at least 1."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        cpus = os.cpu_count() or 1
    quota = _cgroup_cpus()
    if quota is not None:
        cpus = min(cpus, max(1, math.ceil(quota)))
    return max(1, cpus)


def default_threads() -> int:
    """Threads of a CPU run when the caller gives none (``threads=None`` or 0): OMP_NUM_THREADS when it is set
    (0: OpenMP reads it), else :func:`usable_cpus`."""
    if os.environ.get("OMP_NUM_THREADS", "").strip():
        return 0
    return usable_cpus()
