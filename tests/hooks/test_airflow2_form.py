"""The connection form of Airflow 2.11's web server, driven through its Flask app.

Airflow 2 builds the form's extra fields from the hook's WTForms widgets (hooks/form.py);
Airflow 3's React UI builds them from provider info instead (tests/ui covers that). Here the
real Airflow 2 web app renders "Add connection", validates and saves what a user types, and
its REST API's "Test connection" reaches the sandbox with what was saved.
"""

from __future__ import annotations

import json
import re
import uuid
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_minimax.get_provider_info import CONN_FIELDS
from airflow_provider_minimax.hooks.minimax import MinimaxHook
from airflow_provider_minimax.sandbox import Sandbox
from tests.dagtools import AIRFLOW_3

pytestmark = pytest.mark.skipif(
    AIRFLOW_3, reason="Airflow 3 has no Flask connection form (tests/ui checks its React UI)"
)


@pytest.fixture
def web(airflow_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A test client of Airflow 2's web app: anonymous users are Admin, no CSRF token needed."""
    config = tmp_path / "webserver_config.py"
    config.write_text('AUTH_ROLE_PUBLIC = "Admin"\nWTF_CSRF_ENABLED = False\n', "utf-8")
    monkeypatch.setenv("AIRFLOW__WEBSERVER__CONFIG_FILE", str(config))
    monkeypatch.setenv("AIRFLOW__CORE__TEST_CONNECTION", "Enabled")
    from airflow.www.app import create_app

    app = create_app(testing=True)
    return app.test_client()


def form_data(sandbox: Sandbox, conn_id: str, **fields: str) -> dict[str, str]:
    """What a user types into "Add connection" for the sandbox."""
    creds = sandbox.settings.credentials
    data = {
        "conn_id": conn_id,
        "conn_type": "minimax",
        "host": sandbox.base_url,
        "login": creds.username,
        "password": creds.password,
    }
    data |= {f"extra__minimax__{name}": "" for name in CONN_FIELDS}
    data |= {
        "extra__minimax__client_id": creds.client_id,
        "extra__minimax__client_secret": creds.client_secret,
        "extra__minimax__organisation_id": "123",
    }
    return data | {f"extra__minimax__{name}": value for name, value in fields.items()}


def stored_extra(conn_id: str) -> dict[str, Any] | None:
    from airflow.models import Connection
    from airflow.utils.session import create_session

    with create_session() as session:
        conn = session.query(Connection).filter(Connection.conn_id == conn_id).one_or_none()
        return None if conn is None else json.loads(conn.extra)


def test_add_connection_renders_every_extra_field_with_the_right_input(web: Any) -> None:
    html = web.get("/connection/add").get_data(as_text=True)
    assert re.search(r'<option value="minimax">Minimax</option>', html)
    for name, spec in CONN_FIELDS.items():
        [tag] = re.findall(rf'<input[^>]*\bid="extra__minimax__{name}"[^>]*>', html)
        secret = spec["schema"].get("format") == "password"
        assert ('type="password"' in tag) is secret, tag
        assert f'placeholder="{spec["label"]}"' in tag


def test_saved_form_becomes_a_connection_the_hook_uses(
    web: Any, minimax_sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Empty optional fields are saved as nulls; the hook takes them as "use the default"."""
    answer = web.post("/connection/add", data=form_data(minimax_sandbox, "minimax_form"))
    assert answer.status_code == 302, answer.get_data(as_text=True)[:2000]
    extra = stored_extra("minimax_form")
    assert extra is not None
    assert extra["client_id"] == minimax_sandbox.settings.credentials.client_id
    assert extra["organisation_id"] == 123 and extra["page_size"] is None
    ok, message = MinimaxHook("minimax_form").test_connection()
    assert ok is True, message


def test_a_number_field_refuses_text_and_nothing_is_saved(
    web: Any, minimax_sandbox: Sandbox
) -> None:
    data = form_data(minimax_sandbox, "minimax_bad_form", max_retries="three")
    html = web.post("/connection/add", data=data).get_data(as_text=True)
    field = html[html.index('id="extra__minimax__max_retries"') :]
    assert "Not a valid integer value." in field[: field.index("</td>")]
    assert stored_extra("minimax_bad_form") is None


def test_test_connection_through_the_rest_api(web: Any, minimax_sandbox: Sandbox) -> None:
    """Airflow 2's "Test" button posts the unsaved form to /api/v1/connections/test."""
    creds = minimax_sandbox.settings.credentials
    body = {
        "connection_id": "minimax_unsaved",
        "conn_type": "minimax",
        "host": minimax_sandbox.base_url,
        "login": creds.username,
        "password": creds.password,
        "extra": json.dumps({"client_id": creds.client_id, "client_secret": creds.client_secret}),
    }
    answer = web.post("/api/v1/connections/test", json=body)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.get_json()["status"] is True, answer.get_json()

    # A password of this test's own: the refusal it leaves behind concerns no other test.
    wrong_password = f"wrong-{uuid.uuid4().hex[:12]}"
    wrong = web.post("/api/v1/connections/test", json=body | {"password": wrong_password})
    assert wrong.get_json()["status"] is False
    assert "refused the login" in wrong.get_json()["message"]
    assert minimax_sandbox.stats()["rejected_logins"] == 1
