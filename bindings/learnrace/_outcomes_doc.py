"""The outcome table of docs/python.md, generated from the outcome registry (:mod:`learnrace.outcomes`).

    python -m learnrace._outcomes_doc docs/python.md          # rewrite the generated block in place
    python -m learnrace._outcomes_doc --check docs/python.md  # exit 1 if the block is stale

tests/python/test_outcomes.py checks that the document lists exactly the registry's outcomes.
"""

from __future__ import annotations

import sys
from typing import List

from . import outcomes

BEGIN = "<!-- BEGIN GENERATED from the outcome registry (python -m learnrace._outcomes_doc); do not edit -->"
END = "<!-- END GENERATED outcomes -->"


def render() -> str:
    header = ["name", "kind", "n counts", "scale", "interval", "table label", "meaning"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for o in outcomes.OUTCOMES:
        doc = o.doc.replace("|", "\\|")
        short = o.short.replace("|", "\\|")
        lines.append(f"| `{o.name}` | {o.kind} | {o.unit} | {o.scale} | {o.ci_method} | `{short}` | {doc} |")
    return "\n".join(lines) + "\n"


def generated_block(text: str) -> str:
    """The generated part of a document (between the BEGIN and END markers)."""
    if BEGIN not in text or END not in text:
        raise ValueError("the document has no generated outcome table (BEGIN/END markers)")
    return text.split(BEGIN, 1)[1].split(END, 1)[0].strip("\n") + "\n"


def main(argv: List[str]) -> int:
    check = "--check" in argv
    path = [a for a in argv[1:] if a != "--check"][0]
    text = open(path, encoding="utf-8").read()
    if check:
        if generated_block(text) != render():
            print(f"{path}: the outcome table is stale; run python -m learnrace._outcomes_doc {path}")
            return 1
        return 0
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1]
    with open(path, "w", encoding="utf-8") as f:
        f.write(head + BEGIN + "\n" + render() + END + tail)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv))
