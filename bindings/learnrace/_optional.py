"""Optional dependencies: which pip extra of learnrace provides each one, and the import that names that extra when
the package is missing. pyproject.toml's [project.optional-dependencies] lists the same packages (a test checks it).

    pip install "learnrace[plots]"     matplotlib             learnrace.plots
    pip install "learnrace[stats]"     scipy, statsmodels     learnrace.propositions
    pip install "learnrace[xarray]"    xarray                 Results.to_xarray
    pip install "learnrace[progress]"  tqdm                   tqdm progress bars (else a plain bar)
    pip install "learnrace[study]"     SALib (+ scipy, statsmodels, matplotlib, xarray)
                                                              learnrace.design, .sensitivity, .plots_study
    pip install "learnrace[infer]"     pyabc (+ scipy, matplotlib, xarray)
                                                              learnrace.infer's ABC-SMC, calibration, figures
    pip install "learnrace[all]"       all of the above
    pip install "learnrace[infer-npe]" torch, sbi (GBs: not in all)   learnrace.infer(method="npe")
"""

from __future__ import annotations

import importlib
from types import ModuleType

# Top-level module -> (PyPI package, extra).
EXTRAS = {
    "matplotlib": ("matplotlib", "plots"),
    "scipy": ("scipy", "stats"),
    "statsmodels": ("statsmodels", "stats"),
    "xarray": ("xarray", "xarray"),
    "tqdm": ("tqdm", "progress"),
    "SALib": ("SALib", "study"),
    "pyabc": ("pyabc", "infer"),
}
# Extras too large for `all` (PyPI's torch wheel for Linux pulls GBs of CUDA libraries): installed on their own.
SEPARATE = {
    "sbi": ("sbi", "infer-npe"),
    "torch": ("torch", "infer-npe"),
}


def _extra(module: str):
    top = module.split(".")[0]
    return EXTRAS.get(top) or SEPARATE[top]


def install_hint(module: str) -> str:
    """'pip install "learnrace[stats]"' (or "learnrace[all]") for the extra that provides `module`."""
    package, extra = _extra(module)
    if module.split(".")[0] in SEPARATE:
        return f'pip install "learnrace[{extra}]" (a large download: torch with its CUDA libraries)'
    return f'pip install "learnrace[{extra}]" (or "learnrace[all]" for every optional feature)'


def require(module: str, feature: str) -> ModuleType:
    """Imports `module` (e.g. "matplotlib.pyplot"); if its package is missing, ImportError says which feature needs
    it and which extra installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        package, _ = _extra(module)
        raise ImportError(f"{feature} needs {package}, which is not installed: {install_hint(module)}") from exc
