"""Behaviour 2: the password grant, token expiry, wrong credentials and the lock-out."""

from __future__ import annotations

import time

import pytest
import requests

from airflow_provider_minimax.sandbox import Sandbox, Settings
from tests.support import Api


def test_password_grant_gives_a_bearer_token(api: Api) -> None:
    body = api.token_request().json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 3600
    assert {"access_token", "refresh_token", "scope"} <= set(body)
    assert api.get("currentuser/orgs").status_code == 200


@pytest.mark.parametrize("path", ["AUT/oauth20/token", "aut/OAuth20/Token", "AUT/OAUTH20/TOKEN"])
def test_token_path_is_case_insensitive(api: Api, path: str) -> None:
    form = api.token_form()
    assert requests.post(api.sandbox.base_url + path, data=form, timeout=10).status_code == 200


def test_missing_or_unknown_token_is_401(api: Api) -> None:
    url = api.url("currentuser/orgs")
    assert requests.get(url, timeout=10).status_code == 401
    unknown = requests.get(url, headers={"Authorization": "Bearer nope"}, timeout=10)
    assert unknown.status_code == 401
    assert "denied" in unknown.json()["Message"]


def test_tokens_expire_after_their_lifetime() -> None:
    with Sandbox(Settings(token_lifetime=1)) as sandbox:
        api = Api(sandbox)
        assert api.get("currentuser/orgs").status_code == 200
        time.sleep(1.2)
        assert api.get("currentuser/orgs").status_code == 401


def test_admin_can_expire_every_token(api: Api) -> None:
    assert api.admin("POST", "tokens/expire")["expired"] >= 1
    assert api.get("currentuser/orgs").status_code == 401
    api.token = api.get_token()
    assert api.get("currentuser/orgs").status_code == 200


def test_wrong_password_is_400_with_oauth_error(api: Api) -> None:
    response = api.token_request(password="wrong")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_grant"
    assert api.sandbox.stats()["rejected_logins"] == 1


def test_wrong_client_secret_is_400_invalid_client(api: Api) -> None:
    response = api.token_request(client_secret="wrong")
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_client"


def test_plain_text_login_errors_when_configured(api: Api) -> None:
    api.sandbox.configure(login_error_style="plain")
    response = api.token_request(password="wrong")
    assert response.status_code == 400
    assert response.text == "Bad Request"
    assert response.headers["Content-Type"].startswith("text/plain")


def test_repeated_wrong_passwords_lock_the_application(api: Api) -> None:
    for _ in range(4):
        assert api.token_request(password="wrong").status_code == 400
    # Four failures: not locked yet, the right password still works and clears the count.
    assert api.token_request().status_code == 200
    for _ in range(5):
        assert api.token_request(password="wrong").status_code == 400
    locked = api.token_request()
    assert locked.status_code == 400
    assert "locked" in locked.json()["error_description"]
    assert api.sandbox.stats()["locked_applications"] == 1
    # Only the administrator's reset (in Minimax: re-creating the application) undoes it.
    api.admin("POST", "unlock")
    assert api.token_request().status_code == 200


def test_lockout_threshold_is_configurable() -> None:
    with Sandbox(Settings(lockout_threshold=2)) as sandbox:
        api = Api(sandbox)
        api.token_request(password="x")
        api.token_request(password="x")
        assert api.token_request().status_code == 400
