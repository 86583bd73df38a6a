"""Fingerprints of the generated tables in docs/*.md: a table records the command that wrote it, the git revision
and a sha256 of the files it depends on, and a fast test (tests/python/test_doc_tables.py) fails when those files
have changed since (regenerate the table, or say in the docs why not).

A generated section of a page sits between ``<!-- generated: NAME -->`` and ``<!-- end: NAME -->``; its first line
is the marker written here:

    <!-- fingerprint: NAME; sha256 HEX; revision REV; command: CMD -->

``DEPENDENCIES`` is the one list of what each section depends on (paths relative to the repository root; a
directory stands for every file under it that git tracks or that is not ignored; a path starting with ``!`` leaves
files out). Keep it precise: the model's kernels and the CPU path that runs them, the configuration defaults, the
statistics code and the experiment file a table reads, not the whole tree (not the CUDA backend, the HDF5 writer or
the thread start-up), so that an unrelated edit does not make a table stale.

Generators write their sections through :func:`write_section`, which puts the marker on the first line. A section
written otherwise (rows copied by hand, a generator with markers of its own) is stamped right after it was made:

    python bench/doc_tables.py --stamp docs/model.md model-targets --command "python bench/model_targets.py ..."

``--revision REV`` stamps a section generated at an earlier revision: the fingerprint is then taken from that
revision's files (``git show REV:path``), so the check passes only if none of them changed since.

usage: python bench/doc_tables.py            # check every page: one line per section, exit 1 if one is stale
       python bench/doc_tables.py --stamp PAGE SECTION --command CMD [--revision REV]
"""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# The simulation on the CPU backend: the kernels (every equation of docs/model.md) and the CPU SIMD path that runs
# them, the default parameters and configuration keys, and the host code that turns a configuration into kernel
# parameters and runs the points. Not the CUDA backend, the thread start-up or the file writer.
_MODEL = (
    "kernels",
    "!kernels/cuda",
    "!kernels/backend_cuda.cu",
    "!kernels/cpu_threads.cpp",
    "!kernels/cpu_threads.hpp",
    "!kernels/CMakeLists.txt",
    "host/config.cpp",
    "host/config_apply.cpp",
    "host/config_distributions.cpp",
    "host/config_keys.cpp",
    "host/config_points.cpp",
    "host/config_toml.cpp",
    "host/driver.cpp",
    "host/parameter_table.cpp",
    "bindings/learnrace/results.py",
)
_STATISTICS = ("bindings/learnrace/propositions", "bench/mdtable.py")
_EXPERIMENT = ("experiments/propositions.toml",)

DEPENDENCIES = {
    ("docs/statistics.md", "results"): _MODEL + _STATISTICS + _EXPERIMENT + ("bench/statistics_tables.py",),
    ("docs/statistics.md", "calibration"): _MODEL
    + _STATISTICS
    + _EXPERIMENT
    + ("bench/statistics_tables.py", "bench/calibrate_propositions.py"),
    ("docs/statistics.md", "power"): _MODEL + _STATISTICS + ("bench/statistics_tables.py", "bench/power_curve.py"),
    ("docs/statistics.md", "period-shares"): _MODEL
    + ("bindings/learnrace/outcomes.py", "bindings/learnrace/sensitivity.py", "bench/period_share_coverage.py"),
    ("docs/sensitivity.md", "real-study"): _MODEL
    + (
        "bindings/learnrace/sensitivity.py",
        "bindings/learnrace/design.py",
        "bindings/learnrace/outcomes.py",
        "bindings/learnrace/_study.py",
        "bindings/learnrace/plots_study.py",
        "experiments/study_sobol.toml",
        "bench/sensitivity_report.py",
    ),
    # The calibration targets of docs/model.md section 19 (rows copied from the script's table)
    ("docs/model.md", "model-targets"): _MODEL
    + ("bench/model_targets.py", "experiments/baseline.toml", "experiments/scenarios/one_sided_race.toml"),
    # Every table of docs/inference.md's validation (the script also writes its own markers inside)
    ("docs/inference.md", "inference-validation"): _MODEL
    + ("bindings/learnrace/inference", "experiments/inference/validation.toml", "bench/inference_validation.py"),
}

BEGIN = re.compile(r"<!-- generated: (?P<name>[\w-]+) -->\n")
MARKER = re.compile(
    r"<!-- fingerprint: (?P<name>[\w-]+); sha256 (?P<sha>[0-9a-f]{64}); revision (?P<rev>[0-9a-f]+\+?); "
    r"command: (?P<cmd>.*?) -->"
)


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def _files(deps, revision: str | None = None) -> list[str]:
    """The files of ``deps`` (paths; '!path' leaves a file or directory out), sorted: those git tracks or does not
    ignore in the work tree, or those of ``revision``."""
    include = [d for d in deps if not d.startswith("!")]
    exclude = [d[1:].rstrip("/") for d in deps if d.startswith("!")]
    if revision is None:
        listed = _git("ls-files", "--cached", "--others", "--exclude-standard", "--", *include).split()
        listed = [f for f in listed if (ROOT / f).is_file()]
    else:
        listed = _git("ls-tree", "-r", "--name-only", revision, "--", *include).split()
    for d in include:
        if not any(f == d or f.startswith(d.rstrip("/") + "/") for f in listed):
            raise FileNotFoundError(f"dependency {d} holds no file")
    return sorted({f for f in listed if not any(f == e or f.startswith(e + "/") for e in exclude)})


def fingerprint(page: str, section: str, revision: str | None = None) -> str:
    """sha256 over the names and contents of the files ``section`` of ``page`` depends on (in the work tree, or
    at ``revision``)."""
    h = hashlib.sha256()
    for f in _files(DEPENDENCIES[(page, section)], revision):
        data = (ROOT / f).read_bytes() if revision is None else subprocess.run(
            ["git", "show", f"{revision}:{f}"], cwd=ROOT, capture_output=True, check=True).stdout  # fmt: skip
        h.update(f.encode() + b"\0" + data + b"\0")
    return h.hexdigest()


def revision(page: str, section: str) -> str:
    """The short git revision, with '+' when a dependency of the section differs from it (uncommitted edits)."""
    rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    deps = [d for d in DEPENDENCIES[(page, section)] if not d.startswith("!")]
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


def stamp(page: str, section: str, command: str, revision: str | None = None) -> None:
    """Write the marker of ``section`` of ``page`` (its first line; an existing marker is replaced)."""
    path = ROOT / page
    text = path.read_text()
    begin = re.search(rf"<!-- generated: {re.escape(section)} -->\n", text)
    if begin is None:
        raise SystemExit(f"{page} has no '<!-- generated: {section} -->' marker")
    if revision is None:
        line = marker(page, section, command)
    else:
        short = _git("rev-parse", "--short", revision).strip()
        sha = fingerprint(page, section, revision)
        line = f"<!-- fingerprint: {section}; sha256 {sha}; revision {short}; command: {command} -->"
    rest = text[begin.end() :]
    if MARKER.fullmatch(rest.split("\n", 1)[0]):
        rest = rest.split("\n", 1)[1]
    path.write_text(text[: begin.end()] + line + "\n" + rest)


def write_section(page: str | Path, section: str, body: str, command: str, sha: str | None = None) -> None:
    """Replace the text of ``section`` of ``page`` (between ``<!-- generated: SECTION -->`` and ``<!-- end:
    SECTION -->``) by its marker and ``body``: every generator writes its sections through here, so none can drop
    the marker. ``sha``: the fingerprint taken when the run started (see :func:`marker`). The page is read anew,
    so sections written meanwhile by another run are kept."""
    path = Path(page).resolve()
    text = path.read_text()
    pattern = re.compile(rf"(<!-- generated: {re.escape(section)} -->\n).*?(<!-- end: {re.escape(section)} -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"{page} has no '<!-- generated: {section} -->' ... '<!-- end: {section} -->' markers")
    line = marker(str(path.relative_to(ROOT)), section, command, sha)
    path.write_text(pattern.sub(lambda m: m.group(1) + line + "\n" + body.rstrip("\n") + "\n" + m.group(2), text))


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--stamp", nargs=2, metavar=("PAGE", "SECTION"), help="write the marker of one section")
    ap.add_argument("--command", help="the command that generated the section (with --stamp)")
    ap.add_argument("--revision", help="the revision it was generated at (with --stamp; default: the work tree)")
    a = ap.parse_args()
    if a.stamp:
        if not a.command:
            raise SystemExit("--stamp needs --command (the command that generated the section)")
        stamp(*a.stamp, a.command, a.revision)
        return
    problems = check()
    for p in problems:
        print(p)
    if not problems:
        print("every generated table matches its dependencies")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
