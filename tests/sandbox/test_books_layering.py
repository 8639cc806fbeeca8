"""The books are a room of their own: they read the catalogue, not the store, routes or client.

The sandbox-wide layering test looks at the modules directly under sandbox/; this one covers the
`books` subpackage, and also keeps its modules free of import circles (TYPE_CHECKING blocks
included, since an `ast` walk sees those too).
"""

from __future__ import annotations

import ast
from pathlib import Path

BOOKS_DIR = Path(__file__).resolve().parents[2] / "airflow_provider_minimax" / "sandbox" / "books"
PACKAGE = "airflow_provider_minimax.sandbox.books"
# The one module outside the package the books may read: which kinds exist and their ID fields.
ALLOWED_OUTSIDE = {"airflow_provider_minimax.sandbox.catalogue"}


def _imports(path: Path) -> set[str]:
    """The absolute names of the project modules `path` imports."""
    tree = ast.parse(path.read_text("utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                found.add(node.module or "")
                continue
            assert node.level == 1, f"{path.name}: no imports from a parent package, please"
            if node.module:
                found.add(f"{PACKAGE}.{node.module}")
            else:  # from . import a, b
                found.update(f"{PACKAGE}.{alias.name}" for alias in node.names)
    return {name for name in found if name.startswith(("airflow_provider_minimax", "airflow"))}


def _module_name(path: Path) -> str:
    return PACKAGE if path.stem == "__init__" else f"{PACKAGE}.{path.stem}"


GRAPH = {_module_name(path): _imports(path) for path in sorted(BOOKS_DIR.glob("*.py"))}


def test_the_books_import_only_themselves_and_the_catalogue() -> None:
    assert len(GRAPH) > 10, "the books package was not found"
    for module, imported in GRAPH.items():
        outside = {name for name in imported if not name.startswith(PACKAGE + ".")}
        assert outside <= ALLOWED_OUTSIDE, f"{module} imports {sorted(outside - ALLOWED_OUTSIDE)}"


def test_the_books_have_no_import_circles() -> None:
    done: set[str] = set()

    def visit(module: str, path: tuple[str, ...]) -> None:
        if module in path:
            circle = " -> ".join((*path[path.index(module) :], module))
            raise AssertionError(f"import circle: {circle}")
        if module in done:
            return
        for imported in sorted(GRAPH.get(module, set())):
            visit(imported, (*path, module))
        done.add(module)

    for module in GRAPH:
        visit(module, ())
