"""The site builds without a warning, every page is in its navigation, every operator is
documented, and every code block is either run by a test or says why it is not."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from tests.docs.snippets import DOCS, ROOT, all_snippets, parse

MKDOCS_YML = ROOT / "mkdocs.yml"
# The functions of tests/docs that take a snippet's name as their first argument.
SNIPPET_USERS = {"snippet", "run_dag", "run_python", "localised"}
# The classes DAG authors use, whatever provider info lists (the export operator included).
DOCUMENTED_CLASSES = {
    "airflow_provider_minimax.operators.records": [
        "MinimaxCreateOperator",
        "MinimaxGetOperator",
        "MinimaxUpdateOperator",
        "MinimaxDeleteOperator",
    ],
    "airflow_provider_minimax.operators.action": ["MinimaxActionOperator"],
    "airflow_provider_minimax.operators.export": ["MinimaxExportOperator"],
    "airflow_provider_minimax.operators.sync": ["MinimaxSyncOperator"],
    "airflow_provider_minimax.transfers.minimax_to_sql": ["MinimaxToSqlOperator"],
    "airflow_provider_minimax.sensors.record": ["MinimaxRecordSensor"],
    "airflow_provider_minimax.triggers.record": ["MinimaxRecordTrigger"],
}


def config() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(MKDOCS_YML.read_text("utf-8"))
    return loaded


def nav_pages(nav: Any) -> list[str]:
    """The Markdown files a `nav:` names, however deeply nested."""
    if isinstance(nav, str):
        return [nav] if nav.endswith(".md") else []
    if isinstance(nav, dict):
        return [page for value in nav.values() for page in nav_pages(value)]
    if isinstance(nav, list):
        return [page for item in nav for page in nav_pages(item)]
    return []


def test_the_site_builds_strictly_without_a_warning(tmp_path: Path) -> None:
    site = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(MKDOCS_YML), "-d", site],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "WARNING" not in output, output
    for page in nav_pages(config()["nav"]):
        built = site / ("index.html" if page == "index.md" else f"{page[:-3]}/index.html")
        assert built.exists(), f"{page} was not built"
    for picture in ("connection-form.png", "grid-view.png"):
        assert (site / "img" / picture).exists(), picture


def test_every_page_is_in_the_navigation_once() -> None:
    pages = nav_pages(config()["nav"])
    assert len(pages) == len(set(pages)), pages
    on_disk = sorted(path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md"))
    assert sorted(pages) == on_disk


def test_the_site_is_built_into_a_folder_git_ignores() -> None:
    site_dir = config()["site_dir"]
    assert site_dir.startswith("out/"), site_dir
    ignored = ROOT.joinpath(".gitignore").read_text("utf-8").split()
    assert "/out/" in ignored or "out/" in ignored


def test_every_operator_sensor_and_trigger_is_documented_with_each_argument() -> None:
    """Each class of provider info's modules (and the export operator) has a section on the
    operators page whose text names every argument of its __init__."""
    from airflow_provider_minimax.get_provider_info import get_provider_info

    info = get_provider_info()
    modules = {
        module
        for kind in ("operators", "sensors", "triggers")
        for entry in info[kind]
        for module in entry["python-modules"]
    }
    classes = {name: list(names) for name, names in DOCUMENTED_CLASSES.items()}
    for module_name in modules:
        module = importlib.import_module(module_name)
        defined = [
            name
            for name, value in vars(module).items()
            if inspect.isclass(value)
            and value.__module__ == module_name
            and not name.startswith("_")
            and hasattr(value, "execute" if "trigger" not in module_name else "run")
        ]
        classes.setdefault(module_name, [])
        classes[module_name] += [name for name in defined if name not in classes[module_name]]
    page = (DOCS / "operators.md").read_text("utf-8")
    for module_name, names in classes.items():
        for name in names:
            found = re.search(rf"^## {name}\n(.*?)(?=^## |\Z)", page, re.MULTILINE | re.DOTALL)
            assert found, f"operators.md has no section '## {name}'"
            section = found.group(1)
            assert f"`{module_name}.{name}`" in section, f"{name}: its import path"
            cls = getattr(importlib.import_module(module_name), name)
            parameters = [
                parameter
                for parameter in inspect.signature(cls.__init__).parameters
                if parameter not in ("self", "kwargs", "args")
            ]
            missing = [p for p in parameters if f"`{p}`" not in section]
            assert not missing, f"{name}: arguments missing from its section: {missing}"


def test_every_python_block_is_named_or_says_why_it_is_not_run() -> None:
    blocks = all_snippets()
    python = [block for block in blocks if block.language in ("python", "py")]
    assert len(python) >= 20
    unmarked = [block.where for block in python if not block.name and not block.not_run]
    assert not unmarked, f"add <!-- snippet: name --> or <!-- not-run: reason -->: {unmarked}"
    names = [block.name for block in blocks if block.name]
    assert len(names) == len(set(names)), f"names used twice: {names}"
    vague = [
        block.where for block in blocks if block.not_run is not None and len(block.not_run) < 10
    ]
    assert not vague, f"say why a block is not run: {vague}"


def used_snippet_names() -> set[str]:
    """Names passed as the first argument to the snippet helpers in tests/docs/test_*.py."""
    used: set[str] = set()
    for path in Path(__file__).parent.glob("test_*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in SNIPPET_USERS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                used.add(node.args[0].value)
    return used


def test_every_named_block_is_used_by_a_test_and_every_used_name_exists() -> None:
    named = {block.name for block in all_snippets() if block.name}
    used = used_snippet_names()
    assert sorted(named - used) == [], "named blocks no test runs"
    assert sorted(used - named) == [], "tests use names no block has"


def test_the_marker_parser() -> None:
    """Markers bind to the block right after them, and only to it."""
    text = (
        "<!-- snippet: a -->\n```python\nx = 1\n```\n\n"
        "<!-- not-run: needs a real account -->\n```python\ny = 2\n```\n"
        "\n```bash\necho\n```\n"
    )
    a, not_run, plain = parse("x.md", text)
    assert (a.name, a.code, a.line) == ("a", "x = 1\n", 2)
    assert (not_run.name, not_run.not_run) == (None, "needs a real account")
    assert (plain.language, plain.name, plain.not_run) == ("bash", None, None)
