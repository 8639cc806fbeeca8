"""Every switch has a provider test, every switch is a CLI flag, a Settings field and a
run-time key, and the `switch` marker runs a test once per position (tests/switches.py)."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
import requests

from airflow_provider_minimax.sandbox import Sandbox, Settings
from airflow_provider_minimax.sandbox import settings as sandbox_settings
from airflow_provider_minimax.sandbox.__main__ import settings_from
from tests.support import Api
from tests.switches import SWITCHES

ROOT = Path(__file__).resolve().parents[2]
# An inner pytest run, in order, of the files a test writes into its tmp_path.
_PYTEST = (sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:cacheprovider")


def test_each_switch_starts_in_its_first_position() -> None:
    defaults = Settings()
    assert {name: getattr(defaults, name) for name in SWITCHES} == {
        name: positions[0] for name, positions in SWITCHES.items()
    }


# Switches whose provider test cannot move them per test: the lock-out threshold is tested at
# its default by tests/reliability/test_lockout.py (a threshold of 1 locks on the first wrong
# password, which no client can prevent), the page cap by tests/client/test_lists.py with caps
# of its own.
_SHOWN_WITHOUT_THE_MARKER = {"lockout_threshold", "max_page_size"}


def test_every_switch_is_moved_by_a_provider_test() -> None:
    """A new switch of the sandbox cannot go without a test of the provider by accident."""
    marked = set()
    for path in ROOT.joinpath("tests").rglob("test_*.py"):
        if "sandbox" in path.relative_to(ROOT / "tests").parts:
            continue
        marked |= _switches_marked(ast.parse(path.read_text(encoding="utf-8")))
    assert set(SWITCHES) - _SHOWN_WITHOUT_THE_MARKER <= marked, sorted(set(SWITCHES) - marked)


def _switches_marked(tree: ast.AST) -> set[str]:
    """The names in `@pytest.mark.switch(...)` decorators of a module's tests (not in text)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            for decorator in node.decorator_list:
                if (
                    isinstance(decorator, ast.Call)
                    and isinstance(decorator.func, ast.Attribute)
                    and decorator.func.attr == "switch"
                ):
                    names |= {
                        arg.value
                        for arg in decorator.args
                        if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
                    }
    return names


@pytest.mark.parametrize("name", sorted(SWITCHES))
def test_every_switch_is_a_flag_a_field_and_a_run_time_key(name: str, api: Api) -> None:
    position = SWITCHES[name][-1]
    flag = "--" + name.replace("_", "-")
    _, settings = settings_from([flag, str(position)])
    assert getattr(settings, name) == position
    assert name in sandbox_settings.RUNTIME_SETTINGS
    assert api.admin("PATCH", "settings", json={name: position})[name] == position
    assert getattr(api.sandbox.settings, name) == position


def test_a_position_not_on_the_list_is_refused(api: Api) -> None:
    response = api.session.patch(
        f"{api.sandbox.root_url}/_sandbox/settings", json={"location_style": "header"}, timeout=10
    )
    assert response.status_code == 400
    assert "location_style" in response.json()["Message"]
    assert api.sandbox.settings.location_style == "path"


def test_lockout_threshold_at_run_time_reaches_the_logins(api: Api) -> None:
    api.sandbox.configure(lockout_threshold=1)
    assert api.token_request(password="wrong").status_code == 400
    assert api.sandbox.stats()["locked_applications"] == 1
    assert api.token_request().status_code == 400  # locked: the right password fails too


def test_the_command_line_starts_a_sandbox_in_the_positions_asked(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [
            *(sys.executable, "-m", "airflow_provider_minimax.sandbox", "--port", "0"),
            *("--location-style", "query", "--write-answer", "no-content"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    try:
        base = next(line for line in process.stdout if "ready in" in line).split(" at ")[-1]
        base = base.strip()
        form = Settings().credentials.token_form()
        token = requests.post(f"{base}AUT/oauth20/token", data=form, timeout=10).json()
        headers = {"Authorization": f"Bearer {token['access_token']}"}
        made = requests.post(
            f"{base}API/api/orgs/123/analytics",
            json={"Code": "CLI", "Name": "Ukazna vrstica"},
            headers=headers,
            timeout=10,
        )
        assert "/analytics?id=" in made.headers["Location"]
        record = requests.get(made.headers["Location"], headers=headers, timeout=10).json()
        record["Name"] = "Spremenjeno"
        put = requests.put(
            f"{base}API/api/orgs/123/analytics/{record['AnalyticId']}",
            json=record,
            headers=headers,
            timeout=10,
        )
        assert put.status_code == 204
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.switch("location_style")
def test_a_marked_test_runs_with_the_sandbox_in_its_position(
    minimax_sandbox: Sandbox, switch_position: str, switch_name: str
) -> None:
    assert switch_name == "location_style"
    assert switch_position in ("path", "query")
    assert minimax_sandbox.settings.location_style == switch_position


_INNER_TESTS = """
import json, os
import pytest

def _record(**seen):
    with open(os.environ["SWITCH_LOG"], "a") as log:
        log.write(json.dumps(seen) + "\\n")

@pytest.mark.switch("location_style")
def test_one(minimax_sandbox, switch_position):
    _record(test="one", position=switch_position, live=minimax_sandbox.settings.location_style)

@pytest.mark.switch("write_answer")
@pytest.mark.switch("budget_answer")
def test_two(minimax_sandbox, switch_name, switch_position):
    live = {name: getattr(minimax_sandbox.settings, name)
            for name in ("write_answer", "budget_answer")}
    _record(test="two", switch=switch_name, position=switch_position, live=live)

@pytest.mark.switch("max_page_size")
def test_three(minimax_sandbox):
    _record(test="three", live=minimax_sandbox.settings.max_page_size)

def test_zz_after(minimax_sandbox_server):
    # Without the fixture that resets: what the marked tests left behind.
    live = {name: getattr(minimax_sandbox_server.settings, name)
            for name in ("location_style", "write_answer", "budget_answer", "max_page_size")}
    _record(test="after", live=live)
"""

_INNER_CONFTEST = """
from tests.switches import _switch_set, pytest_generate_tests  # noqa: F401
from tests.switches import switch_name, switch_position  # noqa: F401

def pytest_configure(config):
    config.addinivalue_line("markers", "switch(*names): sandbox switches")
"""


def _inner_run(tmp_path: Path, *extra: str) -> tuple[subprocess.CompletedProcess[str], list[Any]]:
    (tmp_path / "conftest.py").write_text(_INNER_CONFTEST)
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(_INNER_TESTS))
    log = tmp_path / "seen.jsonl"
    environment = os.environ | {"SWITCH_LOG": str(log), "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [*_PYTEST, "--rootdir", str(tmp_path), "-c", os.devnull, str(tmp_path), *extra],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=environment,
    )
    lines = log.read_text().splitlines() if log.exists() else []
    return done, [json.loads(line) for line in lines]


def test_the_marker_runs_each_position_of_each_switch_once_and_resets(tmp_path: Path) -> None:
    done, seen = _inner_run(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    one = [(entry["position"], entry["live"]) for entry in seen if entry["test"] == "one"]
    assert one == [("path", "path"), ("query", "query")]
    two = [(entry["switch"], entry["position"]) for entry in seen if entry["test"] == "two"]
    # Each position of each switch, one switch at a time: 3 + 2 runs, not 3 x 2.
    assert sorted(two) == sorted(
        [("write_answer", p) for p in ("empty", "record", "no-content")]
        + [("budget_answer", p) for p in ("429", "message")]
    )
    for entry in seen:
        if entry["test"] == "two":
            others = dict(entry["live"])
            assert others.pop(entry["switch"]) == entry["position"]
            assert all(value == SWITCHES[name][0] for name, value in others.items())
    # The marker alone (no switch_position argument) still runs the test per position.
    assert [entry["live"] for entry in seen if entry["test"] == "three"] == [1000, 100]
    after = [entry["live"] for entry in seen if entry["test"] == "after"]
    assert after == [
        {
            "location_style": "path",
            "write_answer": "empty",
            "budget_answer": "429",
            "max_page_size": 1000,
        }
    ]
    assert "10 passed" in done.stdout, done.stdout  # 2 + (3 + 2) + 2 + 1


def test_an_unknown_switch_name_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(_INNER_CONFTEST)
    (tmp_path / "test_bad.py").write_text(
        "import pytest\n\n@pytest.mark.switch('colour')\ndef test_x(): pass\n"
    )
    done = subprocess.run(
        [*_PYTEST, "--rootdir", str(tmp_path), "-c", os.devnull, str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
    )
    assert done.returncode != 0
    assert "colour" in done.stdout + done.stderr
