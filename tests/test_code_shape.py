"""Guard rails on the code's shape: the layers import downwards only, no router imports
another, and modules and functions stay small enough to read in one go."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("locator", "geodata", "maps", "reports", "api")
# Which of our packages each may import: `locator` is the ground, `api` the top.
MAY_IMPORT = {
    "locator": {"locator"},
    "geodata": {"locator", "geodata"},
    "maps": {"locator", "maps"},
    "reports": {"locator", "geodata", "maps", "reports"},
    "api": set(PACKAGES),
}
MAX_MODULE_LINES = 400
MAX_FUNCTION_LINES = 60


def _python_files(*folders: str) -> Iterator[Path]:
    for folder in folders:
        yield from sorted((ROOT / folder).rglob("*.py"))


def _imports(path: Path) -> set[str]:
    """The modules a file imports, in full (`from api.routes import x` gives `api.routes`)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_each_layer_imports_only_the_layers_below(package: str) -> None:
    wrong = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _python_files(package)
        for name in sorted(_imports(path))
        if name.split(".")[0] in PACKAGES and name.split(".")[0] not in MAY_IMPORT[package]
    ]
    assert wrong == []


def test_no_router_imports_another_router() -> None:
    wrong = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in _python_files("api/routes")
        for name in sorted(_imports(path))
        if name.startswith("api.routes")
    ]
    assert wrong == []


def test_modules_and_functions_are_small() -> None:
    too_big = []
    for path in _python_files(*PACKAGES, "bench", "tests"):
        text = path.read_text(encoding="utf-8")
        where = path.relative_to(ROOT)
        if text.count("\n") > MAX_MODULE_LINES:
            too_big.append(f"{where}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_big.append(f"{where}:{node.lineno} {node.name}: {length} lines")
    assert too_big == []
