"""What ships and what tests: the product (``bot``, ``handlers``) never imports the testing
package or the benchmarks, and pyproject.toml installs the product alone."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PRODUCT = ("bot", "handlers")
NOT_SHIPPED = ("testing", "bench", "tests")


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
        f"{path.relative_to(REPO)}:{line}: import {module}"
        for package in PRODUCT
        for path in sorted((REPO / package).rglob("*.py"))
        for line, module in _imported(ast.parse(path.read_text(), str(path)))
        if module.split(".")[0] in NOT_SHIPPED
    ]
    assert not offenders, "\n".join(offenders)


def test_pyproject_installs_only_the_product() -> None:
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text())
    assert pyproject["tool"]["setuptools"]["packages"]["find"]["include"] == ["bot*", "handlers*"]


def test_the_scan_sees_an_import_of_testing() -> None:
    tree = ast.parse("import testing.clock\nfrom bench.report import X\nfrom . import y\n")
    assert [module for _, module in _imported(tree)] == ["testing.clock", "bench.report"]


def test_no_module_over_600_lines() -> None:
    long = [
        f"{path.relative_to(REPO)}: {count} lines"
        for package in (*PRODUCT, "testing")
        for path in sorted((REPO / package).rglob("*.py"))
        if (count := len(path.read_text().splitlines())) > 600
    ]
    assert not long, "\n".join(long)
