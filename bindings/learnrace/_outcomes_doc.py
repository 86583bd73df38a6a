"""The outcome table of docs/python.md, generated from the outcome registry (:mod:`learnrace.outcomes`).

    python -m learnrace._outcomes_doc docs/python.md          # rewrite the generated block in place
    python -m learnrace._outcomes_doc --check docs/python.md  # exit 1 if the block is stale

tests/python/test_outcomes.py checks that the document lists exactly the registry's outcomes.
"""

from __future__ import annotations

import sys
from typing import List

from . import _generated_doc, outcomes

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
    return _generated_doc.generated_block(text, BEGIN, END)


def main(argv: List[str]) -> int:
    return _generated_doc.main(argv, BEGIN, END, render, "learnrace._outcomes_doc")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main(sys.argv))
