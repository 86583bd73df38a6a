"""Fingerprints of the generated tables in docs/*.md: a table records the command that wrote it, the git revision
and a sha256 of the files it depends on, and a fast test (tests/python/test_doc_tables.py) fails when those files
have changed since (regenerate the table, or say in the docs why not).

A generated section of a page sits between ``<!-- generated: NAME -->`` and ``<!-- end: NAME -->``; its first line
is the marker written here:

    <!-- fingerprint: NAME; sha256 HEX; revision REV; command: CMD -->

``DEPENDENCIES`` is the one list of what each section depends on (paths relative to the repository root; a
directory stands for every file under it that git tracks or that is not ignored). Keep it precise: the model's
kernels, the configuration defaults, the statistics code and the experiment file a table reads, not the whole tree,
so that an unrelated edit does not make a table stale.

usage: python bench/doc_tables.py            # check every page: one line per section, exit 1 if one is stale
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The simulation: the kernels (every equation of docs/model.md), the default parameters and configuration keys, and
# the host code that turns a configuration into kernel parameters.
_MODEL = (
    "kernels",
    "host/config.cpp",
    "host/config_apply.cpp",
    "host/config_distributions.cpp",
    "host/config_keys.cpp",
    "host/config_points.cpp",
    "host/config_toml.cpp",
    "host/driver.cpp",
    "host/parameter_table.cpp",
)
_STATISTICS = ("bindings/learnrace/propositions", "bindings/learnrace/results.py", "bench/mdtable.py")
_EXPERIMENT = ("experiments/propositions.toml",)

DEPENDENCIES = {
    ("docs/statistics.md", "results"): _MODEL + _STATISTICS + _EXPERIMENT + ("bench/statistics_tables.py",),
    ("docs/statistics.md", "calibration"): _MODEL
    + _STATISTICS
    + _EXPERIMENT
    + ("bench/statistics_tables.py", "bench/calibrate_propositions.py"),
    ("docs/statistics.md", "power"): _MODEL + _STATISTICS + ("bench/statistics_tables.py", "bench/power_curve.py"),
}

BEGIN = re.compile(r"<!-- generated: (?P<name>[\w-]+) -->\n")
MARKER = re.compile(
    r"<!-- fingerprint: (?P<name>[\w-]+); sha256 (?P<sha>[0-9a-f]{64}); revision (?P<rev>[0-9a-f]+\+?); "
    r"command: (?P<cmd>.*?) -->"
)


def _files(path: str) -> list[str]:
    """The files under ``path`` that git tracks or does not ignore, sorted (one file: itself)."""
    out = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "--", path],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    return sorted(f for f in set(out) if (ROOT / f).is_file())


def fingerprint(page: str, section: str) -> str:
    """sha256 over the names and contents of the files ``section`` of ``page`` depends on."""
    h = hashlib.sha256()
    for dep in DEPENDENCIES[(page, section)]:
        files = _files(dep)
        if not files:
            raise FileNotFoundError(f"{page} section {section}: dependency {dep} holds no file")
        for f in files:
            h.update(f.encode() + b"\0" + (ROOT / f).read_bytes() + b"\0")
    return h.hexdigest()


def revision(page: str, section: str) -> str:
    """The short git revision, with '+' when a dependency of the section differs from it (uncommitted edits)."""
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    deps = list(DEPENDENCIES[(page, section)])
    dirty = subprocess.run(["git", "status", "--porcelain", "--", *deps], cwd=ROOT, capture_output=True, text=True)
    return rev.stdout.strip() + ("+" if dirty.stdout.strip() else "")


def marker(page: str, section: str, command: str, sha: str | None = None) -> str:
    """The marker line of a section generated now by ``command`` (``sha``: the fingerprint taken when the run
    started, so that an edit during a long run is caught)."""
    now = fingerprint(page, section)
    if sha is not None and sha != now:
        raise RuntimeError(f"{page} section {section}: a dependency changed while the table was generated; run again")
    return f"<!-- fingerprint: {section}; sha256 {now}; revision {revision(page, section)}; command: {command} -->"


def sections(text: str):
    """(name, marker match or None) of every generated section of a page's text."""
    for m in BEGIN.finditer(text):
        rest = text[m.end() :]
        first = rest.split("\n", 1)[0]
        yield m.group("name"), MARKER.fullmatch(first)


def check(pages=None) -> list[str]:
    """Problems of every generated section of ``pages`` (default docs/*.md and README.md): a section without a
    marker, with no entry in DEPENDENCIES, or whose fingerprint no longer matches the tree."""
    pages = pages or sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").glob("*.md")) + ["README.md"]
    problems = []
    for page in pages:
        text = (ROOT / page).read_text()
        for name, m in sections(text):
            where = f"{page} section '{name}'"
            if m is None:
                problems.append(f"{where}: no fingerprint marker on its first line")
            elif m.group("name") != name:
                problems.append(f"{where}: marker names section '{m.group('name')}'")
            elif (page, name) not in DEPENDENCIES:
                problems.append(f"{where}: no entry in bench/doc_tables.py DEPENDENCIES")
            elif m.group("sha") != fingerprint(page, name):
                problems.append(
                    f"{where} is stale: its dependencies changed since revision {m.group('rev')}; regenerate it with "
                    f"`{m.group('cmd')}` (or say in the page why not)"
                )
    return problems


def main() -> None:
    problems = check()
    for p in problems:
        print(p)
    if not problems:
        print("every generated table matches its dependencies")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
