"""Every switch of the sandbox and its positions, and the `switch` marker that runs a test
under each of them.

    @pytest.mark.switch("location_style")
    def test_create_reads_back(minimax_sandbox, make_client, switch_position): ...

runs the test once per position ("path", then "query") with `minimax_sandbox` configured to it
and set back to its default afterwards. Several switches on one test (`switch("a", "b")` or two
markers) run it under each position of each switch in turn, not under every combination: one
switch moves at a time, the others stay at their defaults.

The table is the sandbox's own (settings.SWITCHES); tests/sandbox/test_switches.py checks that
every switch is moved by some provider test, so a new one cannot go untested by accident.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from airflow_provider_minimax.sandbox.settings import SWITCHES


def cases(names: list[str]) -> list[tuple[str, Any]]:
    """(switch, position) for each position of each named switch, in order, each once."""
    unknown = [name for name in names if name not in SWITCHES]
    if unknown or not names:
        raise pytest.UsageError(
            f"@pytest.mark.switch needs switch names out of {sorted(SWITCHES)}, not {names}"
        )
    seen: list[tuple[str, Any]] = []
    for name in dict.fromkeys(names):
        seen += [(name, position) for position in SWITCHES[name]]
    return seen


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    names = [name for mark in metafunc.definition.iter_markers("switch") for name in mark.args]
    if not names and not metafunc.definition.get_closest_marker("switch"):
        return
    chosen = cases(names)
    # parametrize() wants the name among the test's fixtures (pytest prunes it again later:
    # `_switch_set` below sets the position up for a test that does not ask for it).
    if "switch_position" not in metafunc.fixturenames:
        metafunc.fixturenames.append("switch_position")
    metafunc.parametrize(
        "switch_position",
        chosen,
        indirect=True,
        ids=[f"{name}={position}" for name, position in chosen],
    )


@pytest.fixture(autouse=True)
def _switch_set(request: pytest.FixtureRequest) -> None:
    """The marker alone is enough: a test that does not ask for `switch_position` still runs in
    the position (pytest drops a fixture added to a test's closure at parametrization)."""
    callspec = getattr(request.node, "callspec", None)
    if callspec is not None and "switch_position" in callspec.params:
        request.getfixturevalue("switch_position")


@pytest.fixture
def switch_position(request: pytest.FixtureRequest, minimax_sandbox: Any) -> Iterator[Any]:
    """The position the test runs under (the `minimax_sandbox` is configured to it)."""
    param = getattr(request, "param", None)
    if param is None:
        raise pytest.UsageError("switch_position needs @pytest.mark.switch(name) on the test")
    name, position = param
    before = minimax_sandbox.configure()[name]  # a test's own sandbox may not start at default
    minimax_sandbox.configure(**{name: position})
    yield position
    minimax_sandbox.configure(**{name: before})


@pytest.fixture
def switch_name(request: pytest.FixtureRequest, switch_position: Any) -> str:
    """The switch the test runs under (for tests marked with several)."""
    name: str = request.node.callspec.params["switch_position"][0]
    return name
