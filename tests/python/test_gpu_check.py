"""bench/gpu_check.sh cannot run here (no GPU), so its dry run guards it against rot: the script parses, every step
it would run is listed, and QUICK=1 keeps to the short set that fits a 15-minute device loan."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def dry_run(tmp_path: Path, **env: str) -> list[str]:
    if shutil.which("bash") is None:
        pytest.skip("bash is not installed")
    full_env = {**os.environ, "BUILD": str(tmp_path / "build-gpu"), "PREBUILT": "", **env}
    r = subprocess.run(["bash", str(ROOT / "bench" / "gpu_check.sh"), "--dry-run"], cwd=ROOT, env=full_env,
                       capture_output=True, text=True, timeout=300)  # fmt: skip
    assert r.returncode == 0, r.stdout + r.stderr
    return re.findall(r"^== (\S+): (.*)$", r.stdout, re.M)


def test_the_full_check_lists_every_step(tmp_path):
    steps = dict(dry_run(tmp_path, QUICK="0", AB_SRC="", SKIP_PYTHON="0"))
    expected = (
        "build gpu_tests throughput_propositional_1e8 throughput_strategic_1e6 throughput_propositional_1e9 "
        "points_many_propositional ncu_propositional memcheck_prop racecheck other_tests python_tests "
        "cpu_avx512_tests throughput_cpu_lanes16_strategic"
    ).split()
    for name in expected:
        assert name in steps, sorted(steps)
    assert "--target" not in steps["build"]


def test_quick_keeps_to_the_short_set(tmp_path):
    steps = dict(dry_run(tmp_path, QUICK="1"))
    assert set(steps) == {
        "configure", "build", "gpu_tests", "throughput_propositional_1e8", "throughput_strategic_1e8",
        "throughput_cpu_propositional", "cpu_avx512_tests", "ncu_propositional", "ncu_strategic",
        *(f"throughput_cpu_lanes{n}_{k}" for n in (16, 8, 1) for k in ("propositional", "strategic")),
    }  # fmt: skip
    assert steps["build"].endswith("--target learnrace_tests throughput")
    assert "--repeat 3" in steps["throughput_propositional_1e8"]
