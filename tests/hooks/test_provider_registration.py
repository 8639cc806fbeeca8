"""Airflow finds the provider: its CLI lists the package and the `minimax` connection type."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.dagtools import AIRFLOW_3
from tests.support import FORM_FIELDS

HOOK_CLASS = "airflow_provider_minimax.hooks.minimax.MinimaxHook"


def airflow_json(*args: str) -> Any:
    """`airflow <args> -o json` with the test run's AIRFLOW_HOME; its parsed output."""
    airflow = Path(sys.executable).parent / "airflow"
    done = subprocess.run(
        [str(airflow), *args, "-o", "json"],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    start = done.stdout.index("[")  # anything logged before the JSON document
    return json.loads(done.stdout[start:])


def test_providers_list_shows_the_package(airflow_db: str) -> None:
    """`airflow providers list` names airflow-provider-minimax with its version."""
    from airflow_provider_minimax import __version__

    providers = {row["package_name"]: row for row in airflow_json("providers", "list")}
    assert providers["airflow-provider-minimax"]["version"] == __version__
    assert "Minimax" in providers["airflow-provider-minimax"]["description"]


def test_providers_hooks_shows_the_connection_type(airflow_db: str) -> None:
    """`airflow providers hooks` maps connection type minimax to MinimaxHook."""
    hooks = {row["connection_type"]: row for row in airflow_json("providers", "hooks")}
    minimax = hooks["minimax"]
    assert minimax["class"] == HOOK_CLASS
    assert minimax["package_name"] == "airflow-provider-minimax"
    assert minimax["conn_id_attribute_name"] == "minimax_conn_id"
    assert minimax["hook_name"] == "Minimax"


def test_providers_manager_exposes_the_connection_form() -> None:
    """In process, the form's extra fields are registered; the client secret is sensitive."""
    from airflow.providers_manager import ProvidersManager

    manager = ProvidersManager()
    widgets = {
        name: info
        for name, info in manager.connection_form_widgets.items()
        if name.startswith("extra__minimax__")
    }
    assert set(widgets) == {f"extra__minimax__{field}" for field in FORM_FIELDS}
    assert widgets["extra__minimax__client_secret"].is_sensitive is True
    assert widgets["extra__minimax__client_id"].is_sensitive is False
    # Airflow 3 names the hook by its path (from provider info), Airflow 2 by its class name
    # (from the hook's own WTForms widgets).
    hook_name = HOOK_CLASS if AIRFLOW_3 else HOOK_CLASS.rpartition(".")[2]
    assert all(info.hook_class_name == hook_name for info in widgets.values())
    behaviour = manager.field_behaviours["minimax"]
    assert behaviour["hidden_fields"] == ["schema", "port"]
    assert behaviour["relabeling"]["host"] == "Base URL"


def test_every_module_provider_info_names_imports_and_holds_its_classes() -> None:
    """Operators, sensors, triggers and hooks listed in get_provider_info() import cleanly."""
    import importlib

    from airflow_provider_minimax.get_provider_info import get_provider_info

    info = get_provider_info()
    modules = {
        module
        for section in ("operators", "sensors", "triggers", "hooks")
        for entry in info[section]
        for module in entry["python-modules"]
    }
    loaded = {name: importlib.import_module(name) for name in sorted(modules)}
    names = {attr for module in loaded.values() for attr in vars(module)}
    assert {
        "MinimaxCreateOperator",
        "MinimaxGetOperator",
        "MinimaxUpdateOperator",
        "MinimaxDeleteOperator",
        "MinimaxActionOperator",
        "MinimaxRecordSensor",
        "MinimaxRecordTrigger",
        "MinimaxHook",
    } <= names
