"""The scrubber: every spelling of a held secret goes, wherever the server's words are cut."""

from __future__ import annotations

import base64
import html
import urllib.parse
import uuid

import requests

from airflow_provider_minimax.client.messages import field_errors, server_words
from airflow_provider_minimax.client.scrub import register_credentials, register_token, scrub


def answer(status: int, body: str, content_type: str = "text/plain") -> requests.Response:
    response = requests.Response()
    response.status_code = status
    response._content = body.encode()
    response.headers["Content-Type"] = content_type
    response.encoding = "utf-8"
    return response


def test_every_spelling_of_a_secret_goes() -> None:
    mark = uuid.uuid4().hex
    password = f'pw {mark}/+&=%<"é'
    register_credentials("scrub-client", f"secret-{mark}", password)
    texts = [
        password,
        urllib.parse.quote(password, safe=""),
        urllib.parse.quote(password, safe="").lower(),
        urllib.parse.quote_plus(password),
        html.escape(password),
        base64.b64encode(f"scrub-client:secret-{mark}".encode()).decode(),
    ]
    for text in texts:
        assert mark not in scrub(f"echo: {text} end") and "scrub-client:" not in scrub(text)
        assert scrub(f"echo: {text} end").startswith("echo: ***")


def test_a_secret_cut_by_the_length_limit_leaves_no_half() -> None:
    """The words are cut at 300 characters after scrubbing: a token straddling the cut does not
    leave its first half behind."""
    token = f"TOKEN{uuid.uuid4().hex}{uuid.uuid4().hex}"
    register_token(token)
    words = server_words(answer(500, "x" * 280 + f" Bearer {token} and more"))
    assert token[:8] not in words and "Bearer ***" in words


def test_a_secret_behind_html_is_gone_before_tags_and_spaces_are_undone() -> None:
    token = f"TOKEN {uuid.uuid4().hex}  two  spaces"
    register_token(token)
    page = f"<html><body><pre>Authorization: Bearer {html.escape(token)}</pre></body></html>"
    words = server_words(answer(500, page, "text/html"))
    assert token.split()[1] not in words and "***" in words


def test_field_errors_are_scrubbed_too() -> None:
    token = f"TOKEN{uuid.uuid4().hex}"
    register_token(token)
    body = (
        '{"ValidationMessages": [{"PropertyName": "Authorization", '
        f'"Message": "Bearer {token} is not valid"}}]}}'
    )
    [error] = field_errors(answer(400, body, "application/json"))
    assert token not in error.message and error.message == "Bearer *** is not valid"


def test_a_short_secret_goes_only_where_it_stands_alone() -> None:
    register_credentials("c", "sx", "p")
    assert scrub("password=p&client_secret=sx") == "password=***&client_secret=***"
    assert scrub("The user name or password is incorrect.") == (
        "The user name or password is incorrect."
    )
