"""The package's modules import each other in layers: no import circle, not even one closed only
by an import under `if TYPE_CHECKING:` or inside a function."""

from __future__ import annotations

from tests.layering import PACKAGE, cycles, import_graph, modules


def test_the_graph_sees_sub_packages_and_relative_imports() -> None:
    graph = import_graph()
    assert f"{PACKAGE}.sandbox.app" in modules()
    assert f"{PACKAGE}.sandbox.store" in graph[f"{PACKAGE}.sandbox.app"]  # from .store import
    assert {name.count(".") for name in modules()} >= {0, 1, 2}


def test_the_package_has_no_import_circle() -> None:
    found = cycles(import_graph())
    assert not found, "import circles:\n" + "\n".join(" -> ".join(c) for c in found)


def test_a_circle_is_found_and_shown() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set()}
    assert cycles(graph) == [["a", "b", "c", "a"]]
