"""The notebooks run end to end at a small size (LEARNRACE_NOTEBOOK_DYADS), as CI runs them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
DYADS = os.environ.get("LEARNRACE_NOTEBOOK_DYADS", "2000")


@pytest.mark.notebook
@pytest.mark.parametrize(
    "name",
    [
        "01_quickstart.ipynb",
        "02_propositions.ipynb",
        "03_scenarios.ipynb",
        "04_sensitivity.ipynb",
        "05_inference.ipynb",
    ],
)
def test_notebook_runs(name, monkeypatch):
    monkeypatch.setenv("LEARNRACE_NOTEBOOK_DYADS", DYADS)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    client = nbclient.NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": NOTEBOOKS}}
    )
    client.execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors


def test_notebooks_are_stored_without_outputs():
    for path in sorted(NOTEBOOKS.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type == "code":
                assert not cell.outputs and cell.execution_count is None, f"{path.name}: strip outputs before commit"
