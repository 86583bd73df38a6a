"""Every code block of README.md and docs/*.md runs verbatim (after the install it names).

* ```python blocks run in order, one namespace per file, from the repository root; a block whose first line is
  ``# needs: MODULE`` runs only where MODULE imports (docs/inference.md's NPE block needs sbi, which CI does not
  install: test_blocks_needing_optional_modules reports it as skipped);
* ```toml blocks are experiments: loaded and run small by the engine (a ``[study]`` table goes through
  ``learnrace.design.load_study`` instead, an ``[infer]`` table through ``learnrace.inference.config.load``, with
  the data files of experiments/inference/ beside it);
* ```bash blocks run line by line with bash from the repository root, except the installs, the test runs and the
  README's set-up commands (``pip install ...``, ``pytest ...``, ``make ...``), which are what CI itself runs;
* ```text blocks are synopses (placeholders such as ``EXPERIMENT.toml``, or hour-long commands) and are not run.

A block in any other language, or without one, is an error: say which kind it is.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import learnrace

ROOT = Path(__file__).resolve().parents[2]
FILES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# docs/sensitivity.md's Python blocks share state with its study files; tests/python/test_sensitivity.py runs them.
PYTHON_ELSEWHERE = {"docs/sensitivity.md"}
NOT_RUN_BASH = re.compile(r"^(pip|python3? -m pip) install\b|^make( |$)|^(python3? -m )?pytest\b")
BLOCK = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```", re.M | re.S)
NEEDS = re.compile(r"^# needs: (\w+)")


def missing_module(body: str) -> str | None:
    """The module a ``# needs: MODULE`` block names when it does not import, else None."""
    m = NEEDS.match(body)
    if not m:
        return None
    try:
        __import__(m.group(1))
    except ImportError:
        return m.group(1)
    return None


def blocks(path: Path):
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer(path.read_text(encoding="utf-8"))]


def rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


@pytest.mark.parametrize("path", FILES, ids=rel)
def test_every_block_has_a_kind(path):
    for lang, _ in blocks(path):
        assert lang in {"python", "toml", "bash", "text"}, f"{rel(path)}: a ```{lang or '(none)'} block"


@pytest.mark.parametrize("path", [f for f in FILES if rel(f) not in PYTHON_ELSEWHERE], ids=rel)
def test_python_blocks_run(path, monkeypatch):
    code = [body for lang, body in blocks(path) if lang == "python" and missing_module(body) is None]
    if not code:
        pytest.skip("no python block")
    monkeypatch.chdir(ROOT)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    (ROOT / "data").mkdir(exist_ok=True)
    namespace: dict = {"__name__": "__doc_block__"}
    for i, body in enumerate(code):
        exec(compile(body, f"{rel(path)} python block {i}", "exec"), namespace)


@pytest.mark.parametrize("path", FILES, ids=rel)
def test_blocks_needing_optional_modules(path):
    missing = sorted({m for lang, body in blocks(path) if lang == "python" for m in [missing_module(body)] if m})
    if missing:
        pytest.skip(
            f"{rel(path)}: blocks needing {', '.join(missing)} not run ({missing} not installed; docs/inference.md: "
            'pip install ".[infer-npe]")'
        )


@pytest.mark.parametrize("path", FILES, ids=rel)
def test_toml_blocks_load_and_run(path, tmp_path):
    tomls = [body for lang, body in blocks(path) if lang == "toml"]
    if not tomls:
        pytest.skip("no toml block")
    for i, body in enumerate(tomls):
        file = tmp_path / f"block{i}.toml"
        file.write_text(body, encoding="utf-8")
        if re.search(r"^\[study\]", body, re.M):
            from learnrace import design

            design.load_study(str(file))
        elif re.search(r"^\[infer\]", body, re.M):
            import shutil

            from learnrace.inference import config

            for data in (ROOT / "experiments" / "inference").glob("*.csv"):
                shutil.copy(data, tmp_path / data.name)
            settings = config.load(str(file))
            learnrace.infer(**{**settings, "simulations": min(settings.get("simulations", 200), 200)})
        else:
            res = learnrace.run(str(file), dyads=200, backend="cpu", progress=False)
            assert int(res.dyads_simulated[0]) == 200


@pytest.mark.parametrize("path", FILES, ids=rel)
def test_bash_blocks_run(path):
    lines = []
    for lang, body in blocks(path):
        if lang != "bash":
            continue
        # Continuation lines join their command; comments and the installs CI has already run are left out.
        for command in re.sub(r"\\\n\s*", " ", body).splitlines():
            command = command.strip()
            if command and not command.startswith("#") and not NOT_RUN_BASH.match(command):
                lines.append(command)
    if not lines:
        pytest.skip("no bash command to run")
    env = dict(os.environ, MPLBACKEND="Agg", PATH=os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
    for command in lines:
        r = subprocess.run(["bash", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
        assert r.returncode == 0, (
            f"{rel(path)}: `{command}` exited {r.returncode}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"
        )
