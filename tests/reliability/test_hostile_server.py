"""A hostile server: redirects elsewhere, answers that trickle or never end, answers too large.

"Our" host is a HostileServer on 127.0.0.1 playing Minimax (token, organisations, a customer);
"the other host" is one on 127.0.0.2, where a redirect may point. What the other host received
is asserted byte for byte: never the password, the client secret, the token or a record.

`make test` runs every redirect case, the deadline cases, and the size cases with 8 MB bodies;
`make reliability` (MINIMAX_RELIABILITY=full) the size cases with 50 MB bodies.
"""

from __future__ import annotations

import time
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_minimax.client import (
    ClientConfig,
    Credentials,
    MinimaxAmbiguousWriteError,
    MinimaxAuthError,
    MinimaxClient,
    MinimaxDeadlineError,
    MinimaxError,
    MinimaxRedirectError,
    MinimaxResponseTooLargeError,
    MinimaxServerError,
    MinimaxTokenRedirectError,
)
from tests.hostile import Endless, HostileServer, Huge, Json, Redirect, Trickle
from tests.reliability.conftest import FULL

ORG = 123
CLIENT_ID, SECRET, USER, PASSWORD = "hostile-client", "S3CRET-client", "hostile-user", "PW-canary"
TOKEN = "TOKEN-canary-0123456789"
API = f"/SI/API/api/orgs/{ORG}"
TOKEN_PATH = "/SI/AUT/oauth20/token"
CUSTOMER = {"CustomerId": 1, "Code": "C1", "Name": "Ours", "RowVersion": "v1"}
REDIRECTS = (301, 302, 303, 307, 308)
MB = 1024 * 1024
BODY_BYTES = (50 if FULL else 8) * MB
CAP = 1 * MB
SLACK = 0.6  # seconds past a deadline: the watchdog's thread start and the error's making

SEEN: Counter[str] = Counter()  # redirect cases tried, and what the other host received
LONGEST: dict[str, tuple[float, float]] = {}  # case -> (seconds, deadline)
PEAKS: dict[str, tuple[int, int, int]] = {}  # case -> (peak bytes, cap, body bytes)


@pytest.fixture
def ours() -> Iterator[HostileServer]:
    with HostileServer("127.0.0.1") as server:
        server.script("POST", TOKEN_PATH, Json({"access_token": TOKEN, "expires_in": 3600}))
        server.script(
            "GET",
            "/SI/API/api/currentuser/orgs",
            Json({"Rows": [{"Organisation": {"ID": ORG, "Name": "Demo"}}], "TotalRows": 1}),
        )
        server.script("GET", f"{API}/customers/1", Json(CUSTOMER))
        yield server


@pytest.fixture
def other() -> Iterator[HostileServer]:
    with HostileServer("127.0.0.2") as server:
        stolen = {"access_token": "OTHER-token", "CustomerId": 1, "Name": "Theirs"}
        for path in (TOKEN_PATH, f"{API}/customers", f"{API}/customers/1"):
            for method in ("GET", "POST", "PUT"):
                server.script(method, path, Json(stolen, 201 if method == "POST" else 200))
        yield server


@pytest.fixture
def client_for(tmp_path: Path) -> Iterator[Callable[..., MinimaxClient]]:
    made: list[MinimaxClient] = []

    def make(server: HostileServer, **overrides: Any) -> MinimaxClient:
        options: dict[str, Any] = {
            "base_url": f"{server.origin}/SI/",
            "organisation_id": ORG,
            "guard_dir": tmp_path / "guard",
            "backoff_initial": 0.01,
            "backoff_max": 0.02,
        } | overrides
        credentials = Credentials(CLIENT_ID, SECRET, USER, PASSWORD)
        client = MinimaxClient(ClientConfig(credentials, **options), sleep=lambda _: None)
        made.append(client)
        return client

    yield make
    for client in made:
        client.close()


def _leaked(server: HostileServer) -> int:
    """Bytes of secrets and of our record the server received."""
    canaries = (PASSWORD, SECRET, TOKEN, "Changed")
    return sum(len(c) for r in server.received for c in canaries if r.carries(c))


def _assert_clean(error: BaseException, *, other: HostileServer) -> None:
    text = f"{error} {error!r} {getattr(error, 'location', '')}"
    for secret in (PASSWORD, SECRET, TOKEN, "LEAK"):
        assert secret not in text
    assert other.received == [], "a redirect elsewhere must not be followed"
    SEEN["leaked bytes"] += _leaked(other)


def _target(kind: str, ours: HostileServer, other: HostileServer, path: str) -> str:
    host = other if kind == "other" else ours
    # A query a hijacker might have put there; the error must not show it.
    return f"{host.origin}{path}?ticket=LEAK"


def _figures(report: Any) -> None:
    report("hostile_redirects", **dict(SEEN))


# -- redirects ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["same", "other"])
@pytest.mark.parametrize("status", REDIRECTS)
def test_the_token_request_never_follows_a_redirect(
    ours: HostileServer, other: HostileServer, client_for: Any, report: Any, status: int, kind: str
) -> None:
    moved = f"{TOKEN_PATH}/moved"
    ours.script("POST", TOKEN_PATH, Redirect(status, _target(kind, ours, other, moved)))
    ours.script("POST", moved, Json({"access_token": "SAME-HOST-token"}))
    ours.script("GET", moved, Json({"access_token": "SAME-HOST-token"}))
    client = client_for(ours)
    with pytest.raises(MinimaxTokenRedirectError) as caught:
        client.get("customers", 1)
    error = caught.value
    assert isinstance(error, MinimaxAuthError) and isinstance(error, MinimaxRedirectError)
    assert error.retry_may_help is False
    assert error.status == status
    assert (other.host if kind == "other" else ours.host) in str(error)
    assert error.location is not None and error.location.endswith("/moved?…")
    _assert_clean(error, other=other)
    assert [r.path for r in ours.received] == [TOKEN_PATH], "sent once, followed nowhere"
    SEEN["token redirects refused"] += 1
    _figures(report)


@pytest.mark.parametrize("status", REDIRECTS)
def test_a_get_follows_a_redirect_to_the_same_origin_only(
    ours: HostileServer, client_for: Any, report: Any, status: int
) -> None:
    ours.script("GET", f"{API}/customers/7", Redirect(status, f"{API}/customers/8"))
    ours.script("GET", f"{API}/customers/8", Json({"CustomerId": 7, "Name": "moved here"}))
    client = client_for(ours)
    assert client.get("customers", 7)["Name"] == "moved here"
    followed = ours.requests_to("GET", f"{API}/customers/8")
    assert [r.headers.get("Authorization") for r in followed] == [f"Bearer {TOKEN}"]
    assert client.stats.api_calls == 2  # each hop is a call Minimax would count
    SEEN["same-origin GET redirects followed"] += 1
    _figures(report)


@pytest.mark.parametrize("status", REDIRECTS)
def test_a_get_redirected_to_another_host_is_an_error(
    ours: HostileServer, other: HostileServer, client_for: Any, report: Any, status: int
) -> None:
    ours.script(
        "GET", f"{API}/customers/1", Redirect(status, _target("other", ours, other, f"{API}/x"))
    )
    with pytest.raises(MinimaxRedirectError) as caught:
        client_for(ours).get("customers", 1)
    assert caught.value.retry_may_help is False
    assert caught.value.status == status and "127.0.0.2" in str(caught.value)
    _assert_clean(caught.value, other=other)
    SEEN["cross-origin GET redirects refused"] += 1
    _figures(report)


def test_a_same_origin_redirect_loop_stops_after_a_few_hops(
    ours: HostileServer, client_for: Any
) -> None:
    ours.script("GET", f"{API}/customers/5", Redirect(302, f"{API}/customers/6"))
    ours.script("GET", f"{API}/customers/6", Redirect(302, f"{API}/customers/5"))
    client = client_for(ours)
    with pytest.raises(MinimaxRedirectError, match="after 3 redirects"):
        client.get("customers", 5)
    assert client.stats.api_calls == 4


def test_another_port_on_the_same_host_is_another_origin(
    ours: HostileServer, client_for: Any
) -> None:
    with HostileServer("127.0.0.1") as twin:
        ours.script("GET", f"{API}/customers/1", Redirect(307, f"{twin.origin}{API}/customers/1"))
        with pytest.raises(MinimaxRedirectError, match="another origin"):
            client_for(ours).get("customers", 1)
        assert twin.received == []


@pytest.mark.parametrize("kind", ["same", "other"])
@pytest.mark.parametrize("status", REDIRECTS)
def test_a_create_is_never_re_sent_after_a_redirect(
    ours: HostileServer, other: HostileServer, client_for: Any, report: Any, status: int, kind: str
) -> None:
    moved = f"{API}/customers/moved"
    ours.script("POST", f"{API}/customers", Redirect(status, _target(kind, ours, other, moved)))
    with pytest.raises(MinimaxRedirectError) as caught:
        client_for(ours).create("customers", {"Code": "C2", "Name": "Changed"})
    assert caught.value.retry_may_help is False and caught.value.method == "POST"
    _assert_clean(caught.value, other=other)
    assert ours.requests_to("POST", moved) == [] and ours.requests_to("GET", moved) == []
    SEEN["POST redirects refused"] += 1
    _figures(report)


@pytest.mark.parametrize("kind", ["same", "other"])
@pytest.mark.parametrize("status", REDIRECTS)
def test_an_update_never_reports_success_when_its_put_was_redirected(
    ours: HostileServer, other: HostileServer, client_for: Any, report: Any, status: int, kind: str
) -> None:
    moved = f"{API}/customers/1/moved"
    ours.script("PUT", f"{API}/customers/1", Redirect(status, _target(kind, ours, other, moved)))
    with pytest.raises(MinimaxRedirectError) as caught:
        client_for(ours).update("customers", 1, {"Name": "Changed"})
    assert caught.value.method == "PUT" and caught.value.retry_may_help is False
    _assert_clean(caught.value, other=other)
    assert len(ours.requests_to("PUT", f"{API}/customers/1")) == 1  # not retried either
    assert ours.requests_to("PUT", moved) == [] and ours.requests_to("GET", moved) == []
    SEEN["PUT redirects refused"] += 1
    _figures(report)


# -- time ---------------------------------------------------------------------------------------


def _timed(case: str, deadline: float, call: Callable[[], Any], report: Any) -> BaseException:
    started = time.monotonic()
    with pytest.raises(MinimaxError) as caught:
        call()
    elapsed = time.monotonic() - started
    LONGEST[case] = (round(elapsed, 2), deadline)
    report("hostile_deadlines", **{name: list(value) for name, value in LONGEST.items()})
    assert elapsed <= deadline + SLACK, f"{case}: {elapsed:.2f} s against a {deadline} s deadline"
    return caught.value


@pytest.mark.parametrize("headers_too", [False, True], ids=["body", "headers"])
def test_a_trickling_get_is_cut_at_its_deadline(
    ours: HostileServer, client_for: Any, report: Any, headers_too: bool
) -> None:
    # One byte every 50 ms: each read returns long before the 2 s timeout, the answer in 50 s.
    ours.script("GET", f"{API}/customers/1", Trickle(1000, 0.05, headers_too=headers_too))
    client = client_for(ours, timeout=2, deadline=1.0, max_retries=0)
    case = f"GET trickling {'headers' if headers_too else 'body'}"
    error = _timed(case, 1.0, lambda: client.get("customers", 1), report)
    assert isinstance(error, MinimaxDeadlineError) and isinstance(error, MinimaxServerError)
    assert error.retry_may_help is True and "deadline of 1 s" in str(error)


def test_an_endless_body_is_cut_at_its_deadline_and_retried_as_counted(
    ours: HostileServer, client_for: Any, report: Any
) -> None:
    ours.script("GET", f"{API}/customers/1", Endless(b"1," * 2048, gap=0.01))
    client = client_for(ours, timeout=2, deadline=0.7, max_retries=2)
    error = _timed(
        "GET endless body, 3 attempts", 3 * 0.7, lambda: client.get("customers", 1), report
    )
    assert isinstance(error, MinimaxDeadlineError)
    assert client.stats.api_calls == 3 and client.stats.retries == 2


def test_a_post_over_its_deadline_is_an_ambiguous_write(
    ours: HostileServer, client_for: Any, report: Any
) -> None:
    ours.script("POST", f"{API}/customers", Trickle(1000, 0.05, status=201))
    client = client_for(ours, timeout=2, deadline=0.8)
    call = lambda: client.create("customers", {"Code": "C2", "Name": "New"})  # noqa: E731
    error = _timed("POST trickling answer", 0.8, call, report)
    assert isinstance(error, MinimaxAmbiguousWriteError) and "deadline" in str(error)
    assert len(ours.requests_to("POST", f"{API}/customers")) == 1  # not sent again


def test_a_trickling_token_answer_is_cut_at_its_deadline(
    ours: HostileServer, client_for: Any, report: Any
) -> None:
    ours.script("POST", TOKEN_PATH, Trickle(500, 0.05, headers_too=True))
    client = client_for(ours, timeout=2, deadline=0.8)
    error = _timed("token request trickling", 0.8, lambda: client.get("customers", 1), report)
    assert isinstance(error, MinimaxDeadlineError) and "token request" in str(error)
    assert PASSWORD not in str(error) and SECRET not in str(error)


def test_the_default_deadline_is_three_timeouts_and_at_least_a_minute() -> None:
    credentials = Credentials(CLIENT_ID, SECRET, USER, PASSWORD)
    assert ClientConfig(credentials).exchange_deadline == 180
    assert ClientConfig(credentials, timeout=5).exchange_deadline == 60
    assert ClientConfig(credentials, timeout=5, deadline=7).exchange_deadline == 7


# -- size ---------------------------------------------------------------------------------------


def _peak(case: str, body: int, call: Callable[[], Any], report: Any) -> BaseException:
    tracemalloc.start()
    try:
        with pytest.raises(MinimaxError) as caught:
            call()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    PEAKS[case] = (peak, CAP, body)
    report("hostile_sizes", **{name: list(value) for name, value in PEAKS.items()})
    return caught.value


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "no-length"])
def test_an_oversize_page_is_refused_at_the_cap(
    ours: HostileServer, client_for: Any, report: Any, declared: bool
) -> None:
    ours.script("GET", f"{API}/customers/1", Huge(BODY_BYTES, declare_length=declared))
    client = client_for(ours, max_response_bytes=CAP)
    case = f"GET {BODY_BYTES // MB} MB page, {'with' if declared else 'without'} Content-Length"
    error = _peak(case, BODY_BYTES, lambda: client.get("customers", 1), report)
    assert isinstance(error, MinimaxResponseTooLargeError) and error.retry_may_help is False
    assert "max_response_bytes" in str(error) and "page_size" in str(error)
    assert client.stats.api_calls == 1  # not retried: it is as large the next time
    assert PEAKS[case][0] < 3 * CAP, f"peak {PEAKS[case][0]:,} bytes against a {CAP:,} cap"


def test_a_huge_error_page_is_read_only_as_far_as_its_message(
    ours: HostileServer, client_for: Any, report: Any
) -> None:
    page = Huge(BODY_BYTES, status=502, content_type="text/html")
    ours.script("GET", f"{API}/customers/1", page)
    client = client_for(ours, max_response_bytes=CAP, max_retries=2)
    started = time.monotonic()
    case = f"GET {BODY_BYTES // MB} MB HTML 502 page, 3 attempts"
    error = _peak(case, BODY_BYTES, lambda: client.get("customers", 1), report)
    assert time.monotonic() - started < 5
    assert isinstance(error, MinimaxServerError) and "502 Bad Gateway" in str(error)
    assert client.stats.api_calls == 3
    assert PEAKS[case][0] < CAP // 2  # 64 KiB of each page, not the page


def test_an_oversize_answer_to_a_post_is_an_ambiguous_write(
    ours: HostileServer, client_for: Any, report: Any
) -> None:
    ours.script("POST", f"{API}/customers", Huge(BODY_BYTES, status=201))
    client = client_for(ours, max_response_bytes=CAP)
    call = lambda: client.create("customers", {"Code": "C3", "Name": "New"})  # noqa: E731
    error = _peak(f"POST answered with {BODY_BYTES // MB} MB", BODY_BYTES, call, report)
    assert isinstance(error, MinimaxAmbiguousWriteError) and "max_response_bytes" in str(error)
    assert len(ours.requests_to("POST", f"{API}/customers")) == 1


def test_an_answer_under_the_cap_is_read_whole(ours: HostileServer, client_for: Any) -> None:
    big = {**CUSTOMER, "Notes": "n" * (CAP - 1000)}
    ours.script("GET", f"{API}/customers/1", Json(big))
    assert client_for(ours, max_response_bytes=CAP).get("customers", 1)["Notes"] == big["Notes"]


def test_answers_read_whole_keep_their_connection_for_the_next_call(
    ours: HostileServer, client_for: Any
) -> None:
    """Streamed reading must give a connection back to the pool once its answer has ended."""
    ours.script("GET", f"{API}/customers/2", Json({"Message": "no such customer"}, 404))
    client = client_for(ours)
    for _ in range(5):
        client.get("customers", 1)
    with pytest.raises(MinimaxError):
        client.get("customers", 2)
    client.get("customers", 1)
    assert len({r.peer for r in ours.received}) == 1
