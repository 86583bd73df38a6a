#!/usr/bin/env python3
"""Fresh clone -> `import learnrace` working: the wall time of a user's first install, measured.

usage: install_time.py --commit REV --step 'pip install ".[all]"' [--step ...] [--label TEXT] [--out FILE.md]
                       [--append FILE.md] [--keep DIR]

For each run: `git clone` of this repository at REV into a new temporary directory, a new virtual environment (no
system site packages, so every dependency is installed as a user's would be), then each --step in order, run by bash
in the clone with the venv first on PATH (`pip` and `python` are the venv's), each timed; then the check
`python -c "import learnrace; learnrace.run('experiments/smoke.toml', dyads=200)"` from outside the clone. ccache is
off (CCACHE_DISABLE=1, no compiler launcher), as on a user's machine; pip's download cache is left as it is (the
report says so: the times are builds and installs, not downloads of dependencies already cached).

The report gives, per step, its wall time, the machine's 1-minute load average before it (the machine is shared), and
the last line of its output; `--out` writes it as markdown, `--append` adds it to an existing file.
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine_info import cpu_model  # bench/: the script's directory is on sys.path

ROOT = Path(__file__).resolve().parent.parent
CHECK = (
    "import learnrace; r = learnrace.run('{root}/experiments/smoke.toml', dyads=200, progress=False, backend='cpu'); "
    "print('import learnrace: ok,', r.n_points, 'points')"
)


def timed(command: str, cwd: Path, env: dict, log) -> tuple:
    load = os.getloadavg()[0]
    start = time.monotonic()
    proc = subprocess.run(["bash", "-c", command], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    seconds = time.monotonic() - start
    text = proc.stdout.decode(errors="replace")
    log.write(f"$ {command}\n{text}\n[exit {proc.returncode}, {seconds:.1f} s]\n")
    last = next((s for s in reversed(text.strip().splitlines()) if s.strip()), "")
    return seconds, load, proc.returncode, last.strip()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--commit", default="HEAD", help="revision to clone (default HEAD)")
    ap.add_argument("--step", action="append", required=True, help="a shell command run in the clone, timed")
    ap.add_argument("--label", default="", help="what this run measures (a line in the report)")
    ap.add_argument("--out", help="write the report (markdown) here")
    ap.add_argument("--append", help="append the report to this file")
    ap.add_argument("--keep", help="clone into this directory (kept) instead of a temporary one")
    args = ap.parse_args()

    rev = subprocess.run(
        ["git", "rev-parse", "--short", args.commit], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout.strip()
    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="learnrace-install-"))
    clone, venv = work / "learnrace", work / "venv"
    work.mkdir(parents=True, exist_ok=True)
    log_path = work / "install.log"
    env = {k: v for k, v in os.environ.items() if not k.endswith("_COMPILER_LAUNCHER") and k != "SKBUILD_CMAKE_DEFINE"}
    env.update(CCACHE_DISABLE="1", PATH=f"{venv}/bin:{env.get('PATH', '')}", VIRTUAL_ENV=str(venv))
    env.pop("PYTHONPATH", None)
    rows = []
    total = 0.0
    with open(log_path, "w") as log:
        setup = [
            ("git clone", f"git clone -q {ROOT} {clone} && git -C {clone} checkout -q {rev}"),
            ("python -m venv", f"{getattr(sys, '_base_executable', sys.executable)} -m venv {venv}"),
        ]
        for name, command in setup:
            seconds, load, rc, last = timed(command, work, env, log)
            if rc:
                print(f"{name} failed (exit {rc}); log: {log_path}", file=sys.stderr)
                return 1
            rows.append((name, seconds, load, rc, last))
            total += seconds
        for command in args.step:
            seconds, load, rc, last = timed(command, clone, env, log)
            rows.append((command, seconds, load, rc, last))
            total += seconds
            if rc:
                break
        check = f'python -c "{CHECK.format(root=clone)}"'
        seconds, load, rc, last = timed(check, work, env, log)
        rows.append(("import learnrace; learnrace.run(smoke, 200 dyads)", seconds, load, rc, last))
        total += seconds

    date = datetime.date.today().isoformat()
    lines = [
        f"## Fresh clone of {rev} -> import learnrace: {total:.0f} s ({date})",
        "",
        f"{args.label}".strip(),
        "",
        f"Machine: {cpu_model()}, {os.cpu_count()} logical CPUs (shared: the load average is the 1-minute one before "
        "each step); ccache off; pip's download cache as it was. Command:",
        "",
        "```text",
        "python3 bench/install_time.py --commit " + rev + "".join(f" --step '{s}'" for s in args.step),
        "```",
        "",
        "| step | wall s | load before | exit | last line of output |",
        "| --- | ---: | ---: | ---: | --- |",
    ]
    for name, seconds, load, rc, last in rows:
        lines.append(f"| `{name}` | {seconds:.1f} | {load:.1f} | {rc} | {last[:100].replace('|', '/')} |")
    lines += ["", f"Total: **{total:.1f} s**.", ""]
    report = "\n".join(s for s in lines) + "\n"
    print(report)
    if args.out:
        Path(args.out).write_text(report)
    if args.append:
        with open(args.append, "a") as f:
            f.write("\n" + report)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"kept {work} (log: {log_path})")
    return 0 if all(r[3] == 0 for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
