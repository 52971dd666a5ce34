"""The product's shape (issue 11). The product is what ships: the packages ``bot`` and
``handlers``, and pyproject.toml installs them alone; they never import the testing package or
the benchmarks; no module over 600 lines; no import cycle among the product's modules."""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest


def _root() -> Path:
    """The checkout: the first folder up from here with a pyproject.toml (this file may move)."""
    for folder in Path(__file__).resolve().parents:
        if (folder / "pyproject.toml").is_file():
            return folder
    raise AssertionError("no pyproject.toml above " + __file__)


ROOT = _root()
PRODUCT = ("bot", "handlers")
NOT_SHIPPED = ("testing", "bench", "tests")
MAX_LINES = 600


def product_files() -> Iterator[Path]:
    for package in PRODUCT:
        yield from sorted((ROOT / package).rglob("*.py"))


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def test_no_module_is_over_600_lines() -> None:
    """The product and the testing package alike: a module that long does several jobs."""
    long = [
        f"{path.relative_to(ROOT).as_posix()}: {count} lines"
        for package in (*PRODUCT, "testing")
        for path in sorted((ROOT / package).rglob("*.py"))
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    ]
    assert not long, f"over {MAX_LINES} lines:\n" + "\n".join(long)


def _module_level(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """The imports run when the module is imported: not those inside functions or classes,
    nor those under ``if TYPE_CHECKING`` (annotations only)."""
    for node in body:
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If):
            test = node.test
            name = test.attr if isinstance(test, ast.Attribute) else getattr(test, "id", None)
            if name != "TYPE_CHECKING":
                yield from _module_level(node.body)
            yield from _module_level(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, node.orelse, node.finalbody):
                yield from _module_level(block)
            for handler in node.handlers:
                yield from _module_level(handler.body)
        elif isinstance(node, ast.With):
            yield from _module_level(node.body)


def _anywhere(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import, in functions too (deferred imports still depend), but those under
    ``if TYPE_CHECKING`` (they never run)."""
    todo = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        elif isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            todo.extend(node.orelse)
            continue
        todo.extend(ast.iter_child_nodes(node))


def import_graph(*, deferred: bool = False) -> dict[str, set[str]]:
    """Product module -> the product modules it imports at module level (``deferred``: also
    inside functions). ``from pkg import name`` counts as importing ``pkg.name`` when that is
    a module, else ``pkg``."""
    paths = {module_name(path): path for path in product_files()}
    graph: dict[str, set[str]] = {}
    for name, path in paths.items():
        is_package = path.name == "__init__.py"
        edges: set[str] = set()
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in _anywhere(tree) if deferred else _module_level(tree.body):
            if isinstance(node, ast.Import):
                edges.update(alias.name for alias in node.names if alias.name in paths)
                continue
            base = node.module or ""
            if node.level:  # relative: from the module's own package upwards
                package = name.split(".") if is_package else name.split(".")[:-1]
                anchor = package[: len(package) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                target = f"{base}.{alias.name}"
                if target in paths:
                    edges.add(target)
                elif base in paths:
                    edges.add(base)
        edges.discard(name)
        graph[name] = edges
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), sorted."""
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


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert cycles(graph) == [["a", "b", "c"]]


def test_the_import_graph_sees_the_product() -> None:
    graph = import_graph()
    assert graph.get("bot.app"), "bot.app imports product modules"
    assert "handlers.aadhaar" in graph["handlers.router"]  # from handlers import aadhaar
    assert "bot.runtime.fanout" in import_graph(deferred=True)["bot.__main__"]  # in a function


@pytest.mark.parametrize("deferred", [False, True], ids=["module-level", "deferred-too"])
def test_no_import_cycle(deferred: bool) -> None:
    """No cycle, even counting the imports deferred into functions: those only hide one from
    Python's import machinery (handlers/prompts <-> language, turn <-> prompts did)."""
    found = cycles(import_graph(deferred=deferred))
    assert not found, "import cycles among product modules:\n" + "\n".join(
        " <-> ".join(component) for component in found
    )


# ------------------------------------------------------------------ what ships


def _imported(tree: ast.AST) -> list[tuple[int, str]]:
    """Every module named by an import statement, with its line (relative imports resolve
    inside the product, so they name no top-level package here)."""
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def test_the_product_never_imports_testing_or_bench() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}: import {module}"
        for package in PRODUCT
        for path in sorted((ROOT / package).rglob("*.py"))
        for line, module in _imported(ast.parse(path.read_text(), str(path)))
        if module.split(".")[0] in NOT_SHIPPED
    ]
    assert not offenders, "\n".join(offenders)


def test_pyproject_installs_only_the_product() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert pyproject["tool"]["setuptools"]["packages"]["find"]["include"] == ["bot*", "handlers*"]


def test_the_scan_sees_an_import_of_testing() -> None:
    tree = ast.parse("import testing.clock\nfrom bench.report import X\nfrom . import y\n")
    assert [module for _, module in _imported(tree)] == ["testing.clock", "bench.report"]
