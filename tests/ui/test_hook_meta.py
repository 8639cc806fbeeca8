"""The API server describes the `minimax` connection form as get_provider_info() declares it.

`GET /ui/connections/hook_meta` is what Airflow 3's React UI builds the connection form from.
"""

from __future__ import annotations

from typing import Any

import pytest

from .conftest import ApiServer

# hook_meta's names for the standard fields -> the names ui-field-behaviour uses.
STANDARD_FIELDS = {
    "description": "description",
    "url_schema": "schema",
    "host": "host",
    "port": "port",
    "login": "login",
    "password": "password",
}


@pytest.fixture(scope="module")
def minimax_meta(api_server: ApiServer) -> dict[str, Any]:
    response = api_server.get("/ui/connections/hook_meta")
    assert response.status_code == 200, response.text
    by_type = {meta["connection_type"]: meta for meta in response.json()}
    assert "minimax" in by_type, f"connection types offered: {sorted(by_type)}"
    return by_type["minimax"]


def test_the_minimax_type_names_its_hook(
    minimax_meta: dict[str, Any], minimax_form: dict[str, Any]
) -> None:
    assert minimax_meta["hook_name"] == minimax_form["hook-name"]
    assert minimax_meta["hook_class_name"] == minimax_form["hook-class-name"]


def test_standard_fields_are_hidden_relabelled_and_explained(
    minimax_meta: dict[str, Any], minimax_form: dict[str, Any]
) -> None:
    behaviour = minimax_form["ui-field-behaviour"]
    for meta_name, name in STANDARD_FIELDS.items():
        hidden = name in behaviour["hidden-fields"]
        title = behaviour["relabeling"].get(name)
        placeholder = behaviour["placeholders"].get(name)
        # Airflow sends null for a field the provider leaves as it is.
        expected = (
            {"hidden": hidden, "title": title, "placeholder": placeholder}
            if hidden or title or placeholder
            else None
        )
        assert minimax_meta["standard_fields"][meta_name] == expected, meta_name


def test_extra_fields_carry_label_description_and_schema(
    minimax_meta: dict[str, Any], minimax_form: dict[str, Any]
) -> None:
    fields = minimax_meta["extra_fields"]
    assert list(fields) == list(minimax_form["conn-fields"])  # the form keeps the declared order
    for name, spec in minimax_form["conn-fields"].items():
        # The label travels as the JSON schema's title; the rest of the schema as declared.
        assert fields[name]["schema"] == spec["schema"] | {"title": spec["label"]}, name
        assert fields[name]["description"] == spec["description"], name


def test_secrets_are_flagged_sensitive(
    minimax_meta: dict[str, Any], minimax_form: dict[str, Any]
) -> None:
    """`format: password` is what makes the UI render a masked input for the field."""
    sensitive = {
        name
        for name, field in minimax_meta["extra_fields"].items()
        if field["schema"].get("format") == "password"
    }
    declared = {
        name
        for name, spec in minimax_form["conn-fields"].items()
        if spec["schema"].get("format") == "password"
    }
    assert sensitive == declared
    assert "client_secret" in sensitive  # a secret shown in clear text would be a leak
