"""A generated block of a document: the text between a BEGIN and an END marker, rewritten from a registry or checked
against it (the one implementation behind :mod:`learnrace._outcomes_doc` and :mod:`learnrace._schema_doc`)."""

from __future__ import annotations

from typing import Callable, List


def generated_block(text: str, begin: str, end: str) -> str:
    """The generated part of a document (between the `begin` and `end` markers)."""
    if begin not in text or end not in text:
        raise ValueError("the document has no generated block (BEGIN/END markers)")
    return text.split(begin, 1)[1].split(end, 1)[0].strip("\n") + "\n"


def main(argv: List[str], begin: str, end: str, render: Callable[[], str], module: str) -> int:
    """`python -m MODULE PATH` rewrites PATH's block from `render()`; with --check, exit 1 if it is stale."""
    check = "--check" in argv
    path = [a for a in argv[1:] if a != "--check"][0]
    text = open(path, encoding="utf-8").read()
    if check:
        if generated_block(text, begin, end) != render():
            print(f"{path}: the generated block is stale; run python -m {module} {path}")
            return 1
        return 0
    head, rest = text.split(begin, 1)
    tail = rest.split(end, 1)[1]
    with open(path, "w", encoding="utf-8") as f:
        f.write(head + begin + "\n" + render() + end + tail)
    return 0
