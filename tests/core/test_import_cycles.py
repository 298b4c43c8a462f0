"""No import circle anywhere in ``exam/``: the graph of module-level imports has no cycle.

Only imports that run when a module is imported count: those at module level (also inside a module-level ``try`` or
``if``), not those under ``if TYPE_CHECKING:`` and not those inside a function. ``from package import name`` is an
edge to ``package.name`` when that is a module of ``exam``, else to ``package`` (the rule import-linter follows).

Run as a script (``python tests/core/test_import_cycles.py``) to print the cycles, or ``no import cycles``.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "exam"


def module_name(path: Path, root: Path = PACKAGE) -> str:
    """``exam/cli/banks.py`` → ``exam.cli.banks``; ``exam/cli/__init__.py`` → ``exam.cli``."""
    parts = [root.name, *path.relative_to(root).with_suffix("").parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _module_level_imports(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                yield from _module_level_imports(node.body)
            yield from _module_level_imports(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody, *(h.body for h in node.handlers)):
                yield from _module_level_imports(block)


def import_graph(root: Path = PACKAGE) -> dict[str, set[str]]:
    """Module name → the modules of ``root``'s package it imports at module level.

    Args:
        root: The package folder (``exam/``).

    Returns:
        Every module of the package (packages by their ``__init__``) mapped to the set of package modules it
        imports when it is imported; imports of other packages are left out.
    """
    files = {module_name(path, root): path for path in sorted(root.rglob("*.py"))}
    graph: dict[str, set[str]] = {}
    for name, path in files.items():
        is_package = path.name == "__init__.py"
        targets: set[str] = set()
        for node in _module_level_imports(ast.parse(path.read_text(encoding="utf-8")).body):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
                continue
            base = node.module or ""
            if node.level:  # relative: from the module's own package upwards
                anchor = name.split(".") if is_package else name.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            for alias in node.names:
                full = f"{base}.{alias.name}"
                targets.add(full if full in files else base)
        graph[name] = {target for target in targets if target in files and target != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted, in name order.

    Args:
        graph: Module name → the module names it imports.

    Returns:
        One sorted list of module names per import circle; empty when there is none.
    """
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return sorted(found)


def test_the_import_graph_is_read() -> None:
    """The graph sees the package: the CLI's command group imports its shared plumbing, a command module the context,
    and the TUI app its store queue."""
    graph = import_graph()
    assert "exam.cli.base" in graph["exam.cli.root"]
    assert "exam.context" in graph["exam.cli.banks"]
    assert "exam.tui.saver" in graph["exam.tui.app"]


def test_cycles_finds_a_circle() -> None:
    """A circle of three modules is found, a chain is not."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_no_import_cycle_in_exam() -> None:
    """No module of ``exam/`` imports, at module level, a module that imports it back (directly or not)."""
    assert cycles(import_graph()) == []


if __name__ == "__main__":
    circles = cycles(import_graph())
    for circle in circles:
        print(" -> ".join(circle))
    print(f"{len(circles)} import cycle(s)" if circles else "no import cycles")
    sys.exit(1 if circles else 0)
