"""The tables of docs/output_schema.md, generated from the output schema registry (``_core.output_schema()``).

    python -m learnrace._schema_doc docs/output_schema.md          # rewrite the generated block in place
    python -m learnrace._schema_doc --check docs/output_schema.md  # exit 1 if the block is stale

tests/python/test_output_schema.py checks that the document lists exactly the registry's datasets and attributes.
"""

from __future__ import annotations

import sys
from typing import List

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
    if BEGIN not in text or END not in text:
        raise ValueError("the document has no generated block (BEGIN/END markers)")
    return text.split(BEGIN, 1)[1].split(END, 1)[0].strip("\n") + "\n"


def main(argv: List[str]) -> int:
    check = "--check" in argv
    path = [a for a in argv[1:] if a != "--check"][0]
    text = open(path, encoding="utf-8").read()
    if check:
        if generated_block(text) != render():
            print(f"{path}: the generated tables are stale; run python -m learnrace._schema_doc {path}")
            return 1
        return 0
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    with open(path, "w", encoding="utf-8") as f:
        f.write(head + BEGIN + "\n" + render() + END + tail)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv))
