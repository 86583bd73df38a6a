"""The tables of docs/output_schema.md, generated from the output schema registry (``_core.output_schema()``).

    python -m learnrace._schema_doc docs/output_schema.md          # rewrite the generated block in place
    python -m learnrace._schema_doc --check docs/output_schema.md  # exit 1 if the block is stale

tests/python/test_output_schema.py checks that the document lists exactly the registry's datasets and attributes.
"""

from __future__ import annotations

import sys
from typing import List

from . import _generated_doc
from ._sources import schema

BEGIN = "<!-- BEGIN GENERATED from the output schema registry (python -m learnrace._schema_doc); do not edit -->"
END = "<!-- END GENERATED -->"


def _type(dtype: str, dims) -> str:
    name = "string" if dtype == "str" else dtype
    return f"{name} [{', '.join(map(str, dims))}]" if dims else name


def _table(header: List[str], rows: List[List[str]]) -> List[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def _values(values: List[str]) -> str:
    shown = values if len(values) <= 9 else [*values[:2], "...", values[-1]]
    return ", ".join(shown)


def _datasets(specs) -> List[str]:
    fill = any("fill" in s for s in specs)  # trajectory fields: the value of what was never reached
    header = ["dataset", "shape", "type", "kind", "axes", "meaning"] + (["fill"] if fill else [])
    rows = [
        [f"`{s['name']}`", s["shape"], s["dtype"], s["kind"], ", ".join(s["axes"]), s["doc"]]
        + ([s.get("fill", "")] if fill else [])
        for s in specs
    ]
    return _table(header, rows)


def render() -> str:
    s = schema()
    out: List[str] = []
    out += ["### Root attributes", ""]
    out += _table(
        ["name", "type", "meaning"],
        [[f"`{a['name']}`", _type(a["dtype"], a["dims"]), a["doc"]] for a in s["root_attributes"]],
    )
    out += ["", "### `/meta`", ""]
    out += _table(
        ["dataset", "shape, type", "meaning", "values"],
        [[f"`{m['name']}`", f"[{len(m['values'])}] string", m["doc"], _values(m["values"])] for m in s["meta"]],
    )
    out += ["", "### `/points`", ""]
    out += _table(
        ["dataset", "shape, type", "meaning"],
        [[f"`{c['name']}`", f"[P] {_type(c['dtype'], [])}", c["doc"]] for c in s["points"]],
    )
    counts = [c for c in s["count_sections"] if c["group"] == "counts"]
    outcomes = [c for c in s["count_sections"] if c["group"] == "outcomes"]
    out += ["", "### `/counts`", ""] + _datasets(counts)
    out += ["", "### `/outcomes`", ""] + _datasets(outcomes)
    out += ["", "### `/trajectories`", ""] + _datasets(s["trajectory_fields"])
    out += ["", "### Dataset attributes", ""]
    out += _table(
        ["dataset", "attribute", "type", "meaning"],
        [
            [f"`{a['object']}`", f"`{a['name']}`", _type(a["dtype"], a["dims"]), a["doc"]]
            for a in s["dataset_attributes"]
        ],
    )
    out += ["", "### Axes", ""]
    out += _table(
        ["axis", "labels", "meaning"],
        [[f"`{a['name']}`", f"`/meta/{a['labels']}`" if a["labels"] else "index", a["doc"]] for a in s["axes"]],
    )
    return "\n".join(out) + "\n"


def generated_block(text: str) -> str:
    """The generated part of a document (between the BEGIN and END markers)."""
    return _generated_doc.generated_block(text, BEGIN, END)


def main(argv: List[str]) -> int:
    return _generated_doc.main(argv, BEGIN, END, render, "learnrace._schema_doc")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv))
