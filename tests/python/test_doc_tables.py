"""Generated tables in the docs cannot go stale unnoticed (bench/doc_tables.py): every generated section carries
a fingerprint of the files it depends on, and a change to one of them fails this test until the table is
regenerated (or the page says why not)."""

from __future__ import annotations

import subprocess

import doc_tables
import pytest


def test_every_generated_table_matches_its_dependencies():
    problems = doc_tables.check()
    assert problems == [], "\n".join(problems)


def test_every_generated_section_of_the_docs_is_registered():
    # A section that nobody lists would never be checked: every marker pair names a DEPENDENCIES entry.
    pages = sorted(str(p.relative_to(doc_tables.ROOT)) for p in (doc_tables.ROOT / "docs").glob("*.md"))
    found = {(page, name) for page in pages for name, _ in doc_tables.sections((doc_tables.ROOT / page).read_text())}
    assert found and found <= set(doc_tables.DEPENDENCIES)


@pytest.fixture
def tiny_repo(tmp_path, monkeypatch):
    """A git repository with one dependency file and a page whose section was generated from it."""
    root = tmp_path
    (root / "model").mkdir()
    (root / "model" / "kernel.hpp").write_text("double p = 0.3;\n")
    (root / "model" / "notes.txt").write_text("unrelated\n")
    (root / "docs").mkdir()
    (root / "README.md").write_text("no tables\n")
    for cmd in (["git", "init", "-q"], ["git", "add", "."]):
        subprocess.run(cmd, cwd=root, check=True)
    monkeypatch.setattr(doc_tables, "ROOT", root)
    monkeypatch.setattr(doc_tables, "DEPENDENCIES", {("docs/page.md", "table"): ("model/kernel.hpp",)})
    sha = doc_tables.fingerprint("docs/page.md", "table")
    marker = f"<!-- fingerprint: table; sha256 {sha}; revision abc1234; command: python make_table.py -->"
    (root / "docs" / "page.md").write_text(
        f"# Page\n\n<!-- generated: table -->\n{marker}\n| a |\n|---|\n| 1 |\n<!-- end: table -->\n"
    )
    return root


def test_a_changed_dependency_makes_the_table_stale(tiny_repo):
    assert doc_tables.check() == []
    (tiny_repo / "model" / "notes.txt").write_text("edited, but not a dependency\n")
    assert doc_tables.check() == []
    (tiny_repo / "model" / "kernel.hpp").write_text("double p = 0.4;\n")
    problems = doc_tables.check()
    assert len(problems) == 1
    assert "docs/page.md section 'table' is stale" in problems[0] and "python make_table.py" in problems[0]


def test_a_section_without_a_marker_or_registry_entry_is_reported(tiny_repo, monkeypatch):
    page = tiny_repo / "docs" / "page.md"
    text = page.read_text()
    page.write_text(text.replace(text.split("\n")[3] + "\n", ""))  # drop the marker line
    assert "no fingerprint marker" in doc_tables.check()[0]
    page.write_text(text)
    monkeypatch.setattr(doc_tables, "DEPENDENCIES", {})
    assert "no entry in bench/doc_tables.py DEPENDENCIES" in doc_tables.check()[0]


def test_the_marker_refuses_a_tree_that_changed_during_generation(tiny_repo):
    sha = doc_tables.fingerprint("docs/page.md", "table")
    (tiny_repo / "model" / "kernel.hpp").write_text("double p = 0.5;\n")
    with pytest.raises(RuntimeError, match="changed while the table was generated"):
        doc_tables.marker("docs/page.md", "table", "python make_table.py", sha)
