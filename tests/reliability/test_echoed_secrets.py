"""Echoed secrets: a server whose error pages repeat the request gets none of it into our texts.

A hostile server (tests/hostile.py) stands in for Minimax, or for a proxy before it, and its error
answers echo what the client sent: the token form (password, client secret), the
`Authorization: Bearer …` header, a Basic header made of the client's pair, the refresh token
it issued; raw, URL- and form-encoded, HTML-escaped, in HTML, JSON and plain text. Each canary
carries a unique hex mark that survives every one of those spellings, so a search for the marks
(and for the Basic value) finds any of them. After each case: no mark in the exception's text,
repr and attributes, the operator's failure, the log records, the guard file and the Airflow
Variable the hook's guard store wrote; the guard file is 0600 in a 0700 folder.
"""

from __future__ import annotations

import base64
import html
import json
import logging
import stat
import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_minimax.client import MinimaxError
from airflow_provider_minimax.client.auth import forget_tokens
from airflow_provider_minimax.client.guard import forget_in_process
from airflow_provider_minimax.hooks.minimax import MinimaxHook
from airflow_provider_minimax.operators.records import MinimaxGetOperator
from tests.hostile import Answer, HostileServer, Json, Received, Reply
from tests.logtools import operator_logs

MARKS = {name: uuid.uuid4().hex for name in ("password", "secret", "access", "refresh")}
CLIENT_ID = "echo-client"
USERNAME = "echo-user"
# Characters that each encoding spells differently (space, /, +, &, =, %, <, ", é).
PASSWORD = f'CANARY pw/{MARKS["password"]}+&=%<"é'
SECRET = f"CANARY:secret {MARKS['secret']}/&"
TOKEN_PATH = "/SI/AUT/oauth20/token"
RECORD_PATH = "/SI/API/api/orgs/1/customers/1"
BASIC = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()


def access_token(n: int) -> str:
    return f"CANARYTOKEN{n}x{MARKS['access']}"


def refresh_token() -> str:
    return f"CANARYREFRESH{MARKS['refresh']}"


# -- what the server echoes -------------------------------------------------------------------


def form_of(seen: Received) -> dict[str, str]:
    return {k: v[0] for k, v in urllib.parse.parse_qs(seen.body.decode()).items()}


def headers_text(seen: Received) -> str:
    return "\n".join(f"{k}: {v}" for k, v in seen.headers.items())


def everything(seen: Received) -> str:
    """All a careless server could repeat: the secrets it saw or made first, then the rest
    (the refresh token only once it was issued: a client cannot know one it never received)."""
    bearer = seen.headers.get("Authorization", "")
    issued = f"refresh_token={refresh_token()} " if bearer else ""
    return (
        f"Authorization: {bearer} Basic {BASIC} {issued}"
        f"form={form_of(seen)} body={seen.body.decode()} {headers_text(seen)}"
    )


def html_page(status: int, seen: Received, *, title_echo: bool) -> Reply:
    title = f"{status} {html.escape(form_of(seen).get('password', ''))}" if title_echo else ""
    body = (
        f"<html><head><title>{title}</title></head><body><h1>Server Error</h1>"
        f"<pre>{html.escape(everything(seen))}</pre>"
        f'<input value="{urllib.parse.quote(everything(seen))}"></body></html>'
    )
    if not title_echo:
        body = body.replace("<title></title>", "")
    return Reply(status, body.encode(), {"Content-Type": "text/html; charset=utf-8"})


def plain(status: int, seen: Received) -> Reply:
    return Reply(status, everything(seen).encode(), {"Content-Type": "text/plain; charset=utf-8"})


def granted() -> Callable[[Received], Answer]:
    issued = iter(range(1, 100))

    def grant(seen: Received) -> Answer:
        return Json(
            {
                "access_token": access_token(next(issued)),
                "token_type": "bearer",
                "expires_in": 3600,
                "refresh_token": refresh_token(),
            }
        )

    return grant


@dataclass(frozen=True)
class Case:
    name: str
    token: Callable[[Received], Answer] | None  # None: tokens are granted
    record: Callable[[Received], Answer] | None = None
    refusal: bool = False


CASES = [
    # A refused login whose answer echoes the form: the lock-out guard's record and Variable.
    Case(
        "token JSON 400 echoing the form",
        lambda seen: Json(
            {"error": "invalid_grant", "error_description": everything(seen)}, status=400
        ),
        refusal=True,
    ),
    Case("token plain 400 echoing the form", lambda seen: plain(400, seen), refusal=True),
    Case(
        "token HTML 401 with the password in its title",
        lambda seen: html_page(401, seen, title_echo=True),
        refusal=True,
    ),
    Case(
        "token JSON 403 with the form URL-encoded",
        lambda seen: Json({"Message": urllib.parse.quote(everything(seen))}, status=403),
        refusal=True,
    ),
    Case("token plain 503 echoing the form", lambda seen: plain(503, seen)),
    # API calls whose error pages echo the Bearer header.
    Case("HTML 500 echoing the headers", None, lambda seen: html_page(500, seen, title_echo=False)),
    Case(
        "JSON 400 with the token in its validation messages",
        None,
        lambda seen: Json(
            {
                "Message": headers_text(seen),
                "ValidationMessages": [
                    {"PropertyName": seen.headers.get("Authorization"), "Message": everything(seen)}
                ],
            },
            status=400,
        ),
    ),
    Case("plain 404 echoing the headers", None, lambda seen: plain(404, seen)),
    Case("JSON 500 echo of the whole request", None, lambda seen: Json(everything(seen), 500)),
    Case("401 echoing each token it refuses", None, lambda seen: plain(401, seen)),
    Case(
        "200 not JSON, the token in its Content-Type",
        None,
        lambda seen: Reply(
            200, b"<oops>", {"Content-Type": f"text/x-{seen.headers.get('Authorization')}"}
        ),
    ),
]


# -- where secrets could land -----------------------------------------------------------------


def leaks(texts: dict[str, str]) -> list[tuple[str, int]]:
    """`place: …context…` for every mark (or the Basic value) found, with the bytes it spans."""
    needles = [*MARKS.values(), BASIC]
    found = []
    for place, text in texts.items():
        for needle in needles:
            at = text.find(needle)
            if at >= 0:
                context = text[max(0, at - 60) : at + len(needle) + 10]
                found.append((f"{place}: …{context}…", text.count(needle) * len(needle)))
    return found


def error_texts(error: BaseException) -> dict[str, str]:
    texts: dict[str, str] = {}
    current: BaseException | None = error
    depth = 0
    while current is not None and depth < 10:
        texts[f"str {depth}"] = str(current)
        texts[f"repr {depth}"] = repr(current)
        texts[f"attributes {depth}"] = repr(vars(current))
        current = current.__cause__ or current.__context__
        depth += 1
    return texts


def refused_variables() -> dict[str, str]:
    from airflow.models.variable import Variable
    from airflow.utils.session import create_session

    with create_session() as session:
        rows = session.query(Variable).filter(Variable.key.like("minimax_refused_login_%")).all()
        return {row.key: str(row.val) for row in rows}


def delete_refused_variables() -> None:
    from airflow.models.variable import Variable

    for key in refused_variables():
        Variable.delete(key)


@pytest.fixture
def server() -> Iterator[HostileServer]:
    with HostileServer() as hostile:
        yield hostile


@pytest.fixture
def variables(airflow_db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The hook's guard store writes the metadata database's Variables, as a server process."""
    monkeypatch.setenv("_AIRFLOW_PROCESS_CONTEXT", "server")
    delete_refused_variables()
    yield
    delete_refused_variables()


def use_connection(monkeypatch: pytest.MonkeyPatch, server: HostileServer, guard: Path) -> None:
    connection = {
        "conn_type": "minimax",
        "host": f"{server.origin}/SI/",
        "login": USERNAME,
        "password": PASSWORD,
        "extra": {
            "client_id": CLIENT_ID,
            "client_secret": SECRET,
            "organisation_id": 1,
            "max_retries": 0,
            "guard_dir": str(guard),
        },
    }
    monkeypatch.setenv("AIRFLOW_CONN_MINIMAX_DEFAULT", json.dumps(connection))


def run_case(
    case: Case, server: HostileServer, guard: Path, caplog: pytest.LogCaptureFixture
) -> dict[str, str]:
    """One case from a fresh process state; every text a secret could have reached."""
    forget_tokens()
    forget_in_process()
    server.script("POST", TOKEN_PATH, case.token or granted())
    if case.record is not None:
        server.script("GET", RECORD_PATH, case.record)
    caplog.clear()
    texts: dict[str, str] = {}
    with operator_logs() as events:
        with pytest.raises(MinimaxError) as caught:
            MinimaxHook().get("customers", 1)
        texts |= {f"error {k}": v for k, v in error_texts(caught.value).items()}
        with pytest.raises(Exception) as failed:  # noqa: PT011 - what the operator raises
            MinimaxGetOperator(task_id="get", resource="customers", id=1).execute({})
        texts |= {f"operator {k}": v for k, v in error_texts(failed.value).items()}
    texts["operator log events"] = "\n".join(repr(event) for event in events)
    texts["stdlib log"] = caplog.text
    texts["stdlib records"] = "\n".join(repr(vars(record)) for record in caplog.records)
    for path in sorted(guard.glob("*.json")):
        texts[f"guard file {path.name}"] = path.read_text("utf-8")
    texts |= {f"variable {k}": v for k, v in refused_variables().items()}
    return texts


def test_no_echoed_secret_reaches_an_error_a_log_the_guard_or_a_variable(
    server: HostileServer,
    variables: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    report: Any,
) -> None:
    caplog.set_level(logging.DEBUG)
    found: list[tuple[str, int]] = []
    unmarked: list[str] = []
    places = 0
    for number, case in enumerate(CASES):
        guard = tmp_path / f"guard-{number}"
        use_connection(monkeypatch, server, guard)
        texts = run_case(case, server, guard, caplog)
        places += len(texts)
        found += [(f"[{case.name}] {leak}", size) for leak, size in leaks(texts)]
        # The server did echo the secrets (else the case proves nothing) ...
        token_posts = server.requests_to("POST", TOKEN_PATH)
        assert token_posts and token_posts[-1].carries(MARKS["password"])
        if case.record is not None:
            assert server.requests_to("GET", RECORD_PATH)[-1].carries(MARKS["access"])
        # ... and the texts were looked at: the error carries the scrubbing's mark.
        if not any("***" in text for name, text in texts.items() if name.startswith("error")):
            unmarked.append(case.name)
        if case.refusal:
            [record_file] = guard.glob("*.json")
            assert stat.S_IMODE(record_file.stat().st_mode) == 0o600, case.name
            assert stat.S_IMODE(guard.stat().st_mode) == 0o700, case.name
            record = json.loads(record_file.read_text("utf-8"))
            assert set(record) == {
                "refused_at",
                "key",
                "service",
                "username",
                "status",
                "server_message",
            }
            assert len(record["server_message"]) <= 200
            assert any(name.startswith("variable") for name in texts), case.name
            delete_refused_variables()
    report(
        "echoed_secrets",
        cases=len(CASES),
        refusal_cases=sum(case.refusal for case in CASES),
        places_checked=places,
        secrets_checked=len(MARKS) + 1,
        leaks=len(found),
        bytes_leaked=sum(size for _, size in found),
    )
    assert not found, "\n".join(leak for leak, _ in found)
    assert not unmarked
