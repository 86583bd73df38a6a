"""Optional features without their dependency: the ImportError names the pip extra that installs it, and
pyproject.toml's extras (including `all` and `test`) list every optional dependency."""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

import pytest

import learnrace
from learnrace import _optional

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def hide(monkeypatch):
    """hide("scipy", ...) makes `import scipy` fail; learnrace's modules imported meanwhile are dropped afterwards."""
    saved = {k: v for k, v in sys.modules.items() if k.startswith("learnrace.")}

    def _hide(*modules):
        for name in list(sys.modules):
            if any(name == m or name.startswith(m + ".") for m in modules):
                monkeypatch.delitem(sys.modules, name)
        for m in modules:
            monkeypatch.setitem(sys.modules, m, None)  # `import m` raises ImportError
        for name in ("learnrace.plots", "learnrace.propositions", "learnrace.tidy"):
            for loaded in [k for k in sys.modules if k == name or k.startswith(name + ".")]:
                del sys.modules[loaded]

    yield _hide
    for name in [k for k in sys.modules if k.startswith("learnrace.")]:
        if name not in saved:
            del sys.modules[name]
    sys.modules.update(saved)
    for name in ("plots", "propositions", "tidy"):  # the package attributes point at the original submodules again
        if f"learnrace.{name}" in saved:
            setattr(learnrace, name, saved[f"learnrace.{name}"])


def hint(extra: str) -> str:
    return f'pip install "learnrace[{extra}]"'


def test_plots_without_matplotlib_names_the_plots_extra(hide):
    hide("matplotlib")
    with pytest.raises(ImportError) as info:
        importlib.import_module("learnrace.plots")
    assert "learnrace.plots needs matplotlib" in str(info.value)
    assert hint("plots") in str(info.value)


def test_propositions_without_scipy_names_the_stats_extra(hide):
    hide("scipy")
    with pytest.raises(ImportError) as info:
        importlib.import_module("learnrace.propositions")
    assert "learnrace.propositions needs scipy" in str(info.value)
    assert hint("stats") in str(info.value)


def test_propositions_without_statsmodels_names_the_stats_extra(hide):
    hide("statsmodels")
    stats = importlib.import_module("learnrace.propositions._stats")
    with pytest.raises(ImportError) as info:
        stats._sm()
    assert "needs statsmodels" in str(info.value) and hint("stats") in str(info.value)


def test_to_xarray_without_xarray_names_the_xarray_extra(hide, small_results):
    hide("xarray")
    with pytest.raises(ImportError) as info:
        small_results.to_xarray()
    assert "Results.to_xarray needs xarray" in str(info.value) and hint("xarray") in str(info.value)


def test_abc_smc_without_pyabc_names_the_infer_extra(hide):
    hide("pyabc")
    from learnrace.inference import abc_smc

    with pytest.raises(ImportError) as info:
        abc_smc.run(None, None, 10)
    assert "needs pyabc" in str(info.value) and hint("infer") in str(info.value)


def test_npe_without_sbi_names_the_infer_npe_extra(hide):
    hide("sbi", "torch")
    from learnrace.inference import npe

    with pytest.raises(ImportError) as info:
        npe.train(None, None, None, 1)
    assert "needs torch" in str(info.value) and hint("infer-npe") in str(info.value)


def test_progress_without_tqdm_falls_back_to_a_plain_bar(hide):
    hide("tqdm")
    from learnrace.progress import _PlainBar, make_progress

    bar, close = make_progress(True)
    assert isinstance(bar, _PlainBar)
    close()


def _pyproject() -> dict:
    try:
        import tomllib
    except ImportError:  # Python < 3.11
        import tomli as tomllib
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def _names(requirements) -> set:
    return {re.split(r"[<>=!~;\[ ]", r, maxsplit=1)[0].lower() for r in requirements}


def test_every_optional_module_has_its_extra_and_all_and_test_are_complete():
    extras = _pyproject()["project"]["optional-dependencies"]
    features = set()
    for module, (package, extra) in _optional.EXTRAS.items():
        assert package.lower() in _names(extras[extra]), f"{package} ({module}) missing from the [{extra}] extra"
        features.add(package.lower())  # PyPI names are case-insensitive (SALib)
    assert features <= _names(extras["all"])
    assert _names(extras["all"]) <= _names(extras["test"])
    for module, (package, extra) in _optional.SEPARATE.items():  # too large for all: in their own extra only
        assert package.lower() in _names(extras[extra]), f"{package} ({module}) missing from the [{extra}] extra"
        assert package.lower() not in _names(extras["all"]) | _names(extras["test"])
    assert {"pytest", "lifelines", "nbclient"} <= _names(extras["test"])


def test_readme_says_which_extra_each_feature_needs():
    readme = (ROOT / "README.md").read_text()
    for _, extra in [*_optional.EXTRAS.values(), *_optional.SEPARATE.values()]:
        assert f"learnrace[{extra}]" in readme or f".[{extra}]" in readme, extra
    assert '".[all]"' in readme
