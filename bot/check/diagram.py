"""docs/flow.md's state diagram, drawn from the machine's table (bot/check/machine.py).

``python -m bot.check.diagram`` rewrites the diagram in docs/flow.md (the first ```mermaid
block); ``--check`` only says whether it differs (a test does the same).
"""

from __future__ import annotations

import sys
from pathlib import Path

from bot.check.machine import NOTES, TABLE, Node, Pseudo

FLOW_DOC = Path(__file__).resolve().parents[2] / "docs" / "flow.md"
_OPEN, _CLOSE = "```mermaid\n", "```\n"


def _name(node: Node) -> str:
    return node.value if isinstance(node, Pseudo) else node.name


def mermaid() -> str:
    """The diagram's mermaid source (without the fence)."""
    lines = ["stateDiagram-v2"]
    lines += [f"    {_name(t.source)} --> {_name(t.target)}: {t.label}" for t in TABLE]
    for node, text in NOTES:
        lines.append(f"    note right of {_name(node)}")
        lines += [f"        {line}" for line in text]
        lines.append("    end note")
    return "\n".join(lines) + "\n"


def with_diagram(document: str) -> str:
    """``document`` with its first mermaid block replaced by :func:`mermaid`."""
    start = document.index(_OPEN) + len(_OPEN)
    end = document.index(_CLOSE, start)
    return document[:start] + mermaid() + document[end:]


def main(argv: list[str]) -> int:
    document = FLOW_DOC.read_text(encoding="utf-8")
    updated = with_diagram(document)
    if "--check" in argv:
        if updated != document:
            print(f"{FLOW_DOC} differs from the table: run python -m bot.check.diagram")
            return 1
        return 0
    if updated != document:
        FLOW_DOC.write_text(updated, encoding="utf-8")
        print(f"{FLOW_DOC} updated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
