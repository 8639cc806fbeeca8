"""Bad answers, generated: every one is a typed MinimaxError that says what was wrong.

A small local HTTP server answers the token request normally and everything else with what
Hypothesis draws: bodies that are not JSON, empty bodies and HTML pages with status 200, JSON of
the wrong shape, list envelopes with missing or mistyped `Rows` / `TotalRows`, pages that do not
add up or whose `TotalRows` moves, creates without a usable `Location`, and error statuses with
odd bodies. The client must answer each with a MinimaxError subclass whose text names the call and
the problem: never KeyError, TypeError, AttributeError or ValueError, and never a list that is
quietly shorter (or longer) than its TotalRows.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from airflow_provider_minimax.client import (
    ClientConfig,
    Credentials,
    MemoryLedger,
    MinimaxAmbiguousWriteError,
    MinimaxClient,
    MinimaxError,
    MinimaxResponseError,
)
from tests.reliability.conftest import runs

ORG = 123
SETTINGS = settings(
    max_examples=runs(25, 200),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)
SEEN: dict[str, Counter[str]] = {}  # test -> outcome kind -> examples, for the report


# -- the lying server -------------------------------------------------------------------------


@dataclass
class Answer:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def as_json(value: Any, status: int = 200) -> Answer:
    return Answer(status, json.dumps(value).encode())


Scenario = Callable[[str, str, dict[str, str]], Answer]
HONEST_ORGS = as_json(
    {"Rows": [{"Organisation": {"ID": ORG, "Name": "Demo"}, "APIAccess": "D"}], "TotalRows": 1}
)


class LyingServer:
    """Answers tokens and the organisation list honestly, the rest as `scenario` says."""

    def __init__(self) -> None:
        self.scenario: Scenario = lambda method, path, query: as_json({})
        self.orgs: Answer = HONEST_ORGS
        self.calls: list[tuple[str, str]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                self._answer()

            def do_POST(self) -> None:
                self._answer()

            def do_PUT(self) -> None:
                self._answer()

            def _answer(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                path, _, query_text = self.path.partition("?")
                query = dict(part.partition("=")[::2] for part in query_text.split("&") if part)
                owner.calls.append((self.command, path))
                if path.endswith("/AUT/oauth20/token"):
                    answer = as_json({"access_token": "lying-token", "expires_in": 3600})
                elif path.lower().endswith("/currentuser/orgs"):
                    answer = owner.orgs
                else:
                    answer = owner.scenario(self.command, path, query)
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(answer.body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/SI/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def lying_server() -> Iterator[LyingServer]:
    lying = LyingServer()
    yield lying
    lying.close()


@pytest.fixture
def server(lying_server: LyingServer, report: Any) -> Iterator[LyingServer]:
    """The module's lying server, honest about organisations; the figures reported after."""
    lying_server.orgs = HONEST_ORGS
    yield lying_server
    report(
        "bad_responses",
        examples_per_property=runs(25, 200),
        typed_errors_by_test={test: dict(counts) for test, counts in sorted(SEEN.items())},
        untyped_errors=0,
    )


def client_for(server: LyingServer, guard_dir: Path, **options: Any) -> MinimaxClient:
    config = ClientConfig(
        Credentials("lying-client", "lying-secret", "lying-user", "lying-password"),
        base_url=server.base_url,
        organisation_id=ORG,
        guard_dir=guard_dir,
        max_retries=1,
        backoff_initial=0.001,
        backoff_max=0.001,
        timeout=10,
        **options,
    )
    # A ledger of its own: a budget refusal one example provokes must not block the next.
    return MinimaxClient(config, sleep=lambda seconds: None, ledger=MemoryLedger())


def outcome(
    server: LyingServer, guard_dir: Path, call: Callable[[MinimaxClient], Any], **options: Any
) -> tuple[Any, MinimaxError | None]:
    """`call` on a fresh client of the lying server (closed afterwards): its result, or the
    MinimaxError it raised; any other exception fails the test."""
    client = client_for(server, guard_dir, **options)
    try:
        return call(client), None
    except MinimaxError as error:
        return None, error
    finally:
        client.close()


# What the tests ask of the lying server, through a client.
def read_list(client: MinimaxClient) -> list[Any]:
    return list(client.list("customers"))


def create_one(client: MinimaxClient) -> Any:
    return client.create("customers", {"Code": "X", "Name": "Y"})


def get_one(client: MinimaxClient) -> Any:
    return client.get("customers", 5)


def check_typed(
    test: str,
    error: MinimaxError | None,
    *,
    path: str,
    words: tuple[str, ...],
    count: bool = True,
) -> MinimaxError:
    """A MinimaxError whose text names the call's path and one of `words` (what was wrong)."""
    assert error is not None, "a bad answer was taken as a good one"
    if count:  # the figures count the properties' examples, not the known bugs'
        SEEN.setdefault(test, Counter())[type(error).__name__] += 1
    text = str(error)
    assert text.strip() and path in text, text
    assert any(word.lower() in text.lower() for word in words), f"{words} not in {text!r}"
    assert "lying-token" not in text and "lying-password" not in text
    return error


# -- strategies of bad bodies -----------------------------------------------------------------


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


NOT_JSON = st.text(min_size=1, max_size=120).filter(lambda text: not _is_json(text))
HTML = st.builds(
    lambda title, text: (
        f"<!DOCTYPE html><html><head><title>{title}</title></head><body><p>{text}</p></body></html>"
    ),
    st.text(st.characters(categories=["L", "N", "Zs"]), max_size=30),
    st.text(st.characters(categories=["L", "N", "Zs", "P"]), max_size=80),
)
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=20),
)
ANY_JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=10,
)


@st.composite
def bad_bodies(draw: st.DrawFn) -> tuple[str, Answer]:
    """(kind, answer) of a 200 answer that is no record and no list envelope."""
    kind = draw(st.sampled_from(["not_json", "empty", "html", "json_not_object"]))
    if kind == "not_json":
        content_type = draw(st.sampled_from(["application/json", "text/plain", "text/html"]))
        return kind, Answer(200, draw(NOT_JSON).encode(), f"{content_type}; charset=utf-8")
    if kind == "empty":
        return kind, Answer(200, b"", draw(st.sampled_from(["application/json", "text/plain"])))
    if kind == "html":
        return kind, Answer(200, draw(HTML).encode(), "text/html; charset=utf-8")
    value = draw(
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            st.text(max_size=30),
            st.lists(ANY_JSON, max_size=4),
        )
    )
    return kind, as_json(value)


WORDS = {
    "not_json": ("JSON", "record", "Rows"),  # text that happens to decode: "not a record"
    "empty": ("empty body",),
    "html": ("not JSON",),
    "json_not_object": ("JSON object", "a record", "Rows"),
    "rows": ("Rows",),
    "total": ("TotalRows",),
    "pages": ("rows",),
    "location": ("Location",),
}


def row(page: int, number: int) -> dict[str, Any]:
    return {"CustomerId": page * 1000 + number, "Code": f"P{page}R{number}"}


@st.composite
def bad_envelopes(draw: st.DrawFn) -> tuple[str, Any]:
    """(kind, body) of a list page whose envelope is wrong."""
    rows = [row(1, number) for number in range(draw(st.integers(0, 3)))]
    kind = draw(st.sampled_from(["no_rows", "no_total", "rows_type", "row_type", "total_type"]))
    extra = draw(st.dictionaries(st.sampled_from(["Message", "PageSize", "rows"]), SCALARS))
    if kind == "no_rows":
        return "rows", {**extra, "TotalRows": len(rows)}
    if kind == "no_total":
        return "total", {**extra, "Rows": rows}
    if kind == "rows_type":
        wrong = draw(
            st.one_of(
                st.none(),
                st.integers(),
                st.text(max_size=10),
                st.dictionaries(st.text(max_size=5), SCALARS, max_size=3),
            )
        )
        return "rows", {"Rows": wrong, "TotalRows": len(rows)}
    if kind == "row_type":
        items = draw(st.lists(st.one_of(SCALARS, st.lists(SCALARS, max_size=2)), min_size=1))
        return "rows", {"Rows": [*rows, *items], "TotalRows": len(rows) + len(items)}
    total = draw(
        st.one_of(
            st.text(st.sampled_from("0123456789"), min_size=1, max_size=3),  # "3": a string
            st.integers(max_value=-1),
            st.booleans(),
            st.floats(allow_nan=False, allow_infinity=False).filter(lambda n: n != int(n))
            | st.just(float(len(rows))),
            st.none(),
            st.lists(st.integers(), max_size=2),
        )
    )
    return "total", {"Rows": rows, "TotalRows": total}


# -- lists ------------------------------------------------------------------------------------


def honest_pages(page_size: int, total: int) -> list[dict[str, Any]]:
    """The pages an honest service serves: `page_size` rows each, the last one the rest."""
    if total == 0:
        return [{"Rows": [], "TotalRows": 0}]
    pages = []
    for number, start in enumerate(range(0, total, page_size), start=1):
        count = min(page_size, total - start)
        pages.append({"Rows": [row(number, i) for i in range(count)], "TotalRows": total})
    return pages


@st.composite
def paginations(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[str]]:
    """Pages of one list, honest or with a few lies; (pages, the lies told)."""
    pages = honest_pages(draw(st.integers(1, 6)), draw(st.integers(0, 25)))
    lies: list[str] = []
    for _ in range(draw(st.integers(0, 2))):
        lie = draw(
            st.sampled_from(
                ["total_moves", "short_page", "long_page", "empty_page", "drop_last", "extra_page"]
            )
        )
        number = draw(st.integers(0, len(pages) - 1))
        page = pages[number]
        if lie == "total_moves":
            said = page["TotalRows"]
            page["TotalRows"] = draw(st.integers(0, 40).filter(lambda n, said=said: n != said))
        elif lie == "short_page" and page["Rows"]:
            page["Rows"] = page["Rows"][: draw(st.integers(0, len(page["Rows"]) - 1))]
        elif lie == "long_page":
            page["Rows"] = page["Rows"] + [row(number + 1, 900 + i) for i in range(3)]
        elif lie == "empty_page":
            page["Rows"] = []
        elif lie == "drop_last" and len(pages) > 1:
            pages.pop()
        elif lie == "extra_page":
            pages.append({"Rows": [row(len(pages) + 1, 0)], "TotalRows": pages[-1]["TotalRows"]})
        else:
            continue
        lies.append(lie)
    return pages, lies


def serve_pages(pages: list[dict[str, Any] | Answer]) -> Scenario:
    """List pages by CurrentPage; after the last, an empty page with its TotalRows."""

    def scenario(method: str, path: str, query: dict[str, str]) -> Answer:
        number = int(query.get("CurrentPage", "1"))
        if number <= len(pages):
            page = pages[number - 1]
            return page if isinstance(page, Answer) else as_json(page)
        last = next((p for p in reversed(pages) if isinstance(p, dict)), {"TotalRows": 0})
        return as_json({"Rows": [], "TotalRows": last.get("TotalRows", 0)})

    return scenario


def served_prefix_ok(result: list[dict[str, Any]], pages: list[dict[str, Any]]) -> bool:
    """True when `result` is what pages 1..k hold, in order, for some k, every one of them said
    the same TotalRows, and that is how many rows came: a correct list."""
    received: list[dict[str, Any]] = []
    for k, page in enumerate(pages, start=1):
        if page["TotalRows"] != pages[0]["TotalRows"]:
            return False
        received += page["Rows"]
        if received == result:
            return len(result) == pages[0]["TotalRows"] and (
                k == 1 or all(p["Rows"] for p in pages[:k])
            )
    return False


@SETTINGS
@given(pagination=paginations(), workers=st.sampled_from([1, 3]))
@example(
    pagination=([{"Rows": [row(1, 0)], "TotalRows": 3}, {"Rows": [], "TotalRows": 3}], ["x"]),
    workers=1,
)
@example(
    pagination=(
        [{"Rows": [row(1, 0), row(1, 1)], "TotalRows": 4}, {"Rows": [row(2, 0)], "TotalRows": 4}],
        ["x"],
    ),
    workers=3,
)
def test_lists_that_do_not_add_up_are_errors_never_short_lists(
    server: LyingServer, tmp_path: Path, pagination: Any, workers: int
) -> None:
    """Any pagination: either exactly the rows of pages that agree on TotalRows, as many as it
    says, or a MinimaxError about the rows. An honest pagination is always read whole."""
    pages, lies = pagination
    server.scenario = serve_pages(pages)
    result, error = outcome(server, tmp_path / "guard", read_list, max_workers=workers)
    if error is None:
        SEEN.setdefault("lists", Counter())["read whole"] += 1
        assert served_prefix_ok(result, pages), f"a wrong list was returned: {len(result)} rows"
    else:
        assert lies, f"an honest list was refused: {error}"
        check_typed("lists", error, path="customers", words=WORDS["pages"] + ("TotalRows",))


@SETTINGS
@given(
    bad=st.one_of(bad_bodies(), bad_envelopes()),
    where=st.integers(1, 3),
    workers=st.sampled_from([1, 3]),
)
def test_bad_list_pages_are_response_errors(
    server: LyingServer, tmp_path: Path, bad: tuple[str, Any], where: int, workers: int
) -> None:
    """Page 1, 2 or 3 of a three-page list is not a list envelope: MinimaxResponseError."""
    kind, body = bad
    pages: list[dict[str, Any] | Answer] = list(honest_pages(2, 5))
    pages[where - 1] = body if isinstance(body, Answer) else as_json(body)
    server.scenario = serve_pages(pages)
    _, error = outcome(server, tmp_path / "guard", read_list, max_workers=workers)
    error = check_typed("list pages", error, path="customers", words=WORDS[kind])
    assert isinstance(error, MinimaxResponseError)


@SETTINGS
@given(bad=st.one_of(bad_bodies(), bad_envelopes()))
def test_bad_organisation_lists_are_response_errors(
    server: LyingServer, tmp_path: Path, bad: tuple[str, Any]
) -> None:
    """currentuser/orgs (read before every write) that is no list envelope: MinimaxResponseError,
    and the create is not sent."""
    kind, body = bad
    server.orgs = body if isinstance(body, Answer) else as_json(body)
    server.calls.clear()
    _, error = outcome(server, tmp_path / "guard", create_one)
    check_typed("organisation lists", error, path="currentuser/orgs", words=WORDS[kind])
    assert isinstance(error, MinimaxResponseError)
    assert not [call for call in server.calls if call[0] == "POST" and "/API/" in call[1]]


@pytest.mark.parametrize(
    "bad_row",
    [{"APIAccess": "D"}, {"Organisation": None}, {"Organisation": {"ID": "123"}}, {"ID": 123}],
)
def test_organisation_rows_without_an_id_are_response_errors(
    server: LyingServer, tmp_path: Path, bad_row: dict[str, Any]
) -> None:
    """A currentuser/orgs row without a numeric Organisation.ID stops a write before it is sent."""
    server.orgs = as_json({"Rows": [bad_row], "TotalRows": 1})
    server.calls.clear()
    _, error = outcome(server, tmp_path / "guard", create_one)
    check_typed("organisation rows", error, path="currentuser/orgs", words=("Organisation.ID",))
    assert not [call for call in server.calls if call[0] == "POST" and "/API/" in call[1]]


# -- one record -------------------------------------------------------------------------------


@SETTINGS
@given(bad=bad_bodies())
def test_bad_record_answers_are_response_errors(
    server: LyingServer, tmp_path: Path, bad: tuple[str, Answer]
) -> None:
    """GET customers/5 answered with no record: MinimaxResponseError naming the path."""
    kind, answer = bad
    server.scenario = lambda method, path, query: answer
    _, error = outcome(server, tmp_path / "guard", get_one)
    error = check_typed("get", error, path="customers/5", words=WORDS[kind])
    assert isinstance(error, MinimaxResponseError)


ERROR_BODIES = st.one_of(
    st.builds(lambda message: {"Message": message}, ANY_JSON),
    st.builds(lambda error, text: {"error": error, "error_description": text}, ANY_JSON, ANY_JSON),
    st.builds(
        lambda items: {"Message": "refused", "ValidationMessages": items},
        st.lists(
            st.one_of(
                SCALARS,
                st.fixed_dictionaries({"Message": ANY_JSON}, optional={"PropertyName": ANY_JSON}),
            ),
            max_size=3,
        ),
    ),
    ANY_JSON,
)


@SETTINGS
@given(
    status=st.sampled_from([400, 401, 403, 404, 405, 409, 410, 418, 422, 429, 500, 502, 503]),
    body=st.one_of(
        ERROR_BODIES.map(lambda value: as_json(value)),
        bad_bodies().map(lambda pair: pair[1]),
    ),
    method=st.sampled_from(["get", "create"]),
)
def test_error_statuses_with_odd_bodies_are_typed(
    server: LyingServer, tmp_path: Path, status: int, body: Answer, method: str
) -> None:
    """An error status with any body (JSON of any shape, text, HTML, nothing): a MinimaxError
    naming the status and the path."""
    answer = Answer(status, body.body, body.content_type)
    server.scenario = lambda method, path, query: answer
    _, error = outcome(server, tmp_path / "guard", get_one if method == "get" else create_one)
    check_typed("error statuses", error, path="customers", words=(f"HTTP {status}",))


@pytest.mark.parametrize("messages", [5, True, 1.5], ids=["int", "bool", "float"])
def test_validation_messages_that_are_not_a_list_give_a_typed_error(
    server: LyingServer, tmp_path: Path, messages: Any
) -> None:
    """400 {"Message": "refused", "ValidationMessages": 5}: MinimaxValidationError."""
    answer = as_json({"Message": "refused", "ValidationMessages": messages}, 400)
    server.scenario = lambda method, path, query: answer
    _, error = outcome(server, tmp_path / "guard", get_one)
    check_typed("error statuses", error, path="customers", words=("refused",), count=False)


# -- creates ----------------------------------------------------------------------------------

NO_ID_SEGMENTS = st.one_of(
    st.sampled_from(["", "new", "-5", "12a", "1.0", "0x1F", "%31", "5/edit", "None"]),
    # Header values are Latin-1; no digits of any kind (those are another test's).
    st.text(
        st.characters(max_codepoint=255, exclude_categories=["Nd", "No", "Cc", "Cs"]),
        min_size=1,
        max_size=12,
    ).filter(lambda text: not set(text) & set("?#")),
).filter(lambda segment: not segment.strip().rstrip("/").rsplit("/", 1)[-1].isdigit())


@st.composite
def bad_creates(draw: st.DrawFn) -> tuple[str, dict[str, str], Answer | None]:
    """(kind, the POST's headers, the answer to reading the record back)."""
    kind = draw(st.sampled_from(["no_location", "location_without_id", "bad_read_back"]))
    if kind == "no_location":
        return "location", {}, None
    if kind == "location_without_id":
        segment = draw(NO_ID_SEGMENTS)
        # After the resource itself, `?id=5` names record 5 (the query form of a Location):
        # only a query that names no ID leaves it ambiguous there.
        queries = ["", "?id=5", "?CustomerId=42"] if segment else ["", "?id=", "?Code=5", "?id=x"]
        query = draw(st.sampled_from(queries))
        location = f"http://127.0.0.1/SI/API/api/orgs/123/customers/{segment}{query}"
        return "location", {"Location": location}, None
    body_kind, answer = draw(bad_bodies())
    return body_kind, {"Location": "http://127.0.0.1/SI/API/api/orgs/123/customers/77"}, answer


@SETTINGS
@given(bad=bad_creates(), status=st.sampled_from([200, 201]))
def test_creates_without_a_usable_answer_are_response_errors(
    server: LyingServer, tmp_path: Path, bad: tuple[str, dict[str, str], Answer | None], status: int
) -> None:
    """A create answered without a Location, with one that names no ID, or whose record reads
    back as no record: the record may exist, so MinimaxAmbiguousWriteError saying why (a task
    fails at once instead of being retried into a duplicate; the POST was sent once)."""
    kind, headers, read_back = bad

    def scenario(method: str, path: str, query: dict[str, str]) -> Answer:
        if method == "POST":
            return Answer(status, b"", headers=headers)
        if read_back is not None and path.endswith("/customers/77"):
            return read_back
        return as_json({"Message": "no such record"}, 404)

    server.scenario = scenario
    server.calls.clear()
    _, error = outcome(server, tmp_path / "guard", create_one)
    error = check_typed("create", error, path="customers", words=WORDS[kind])
    assert isinstance(error, MinimaxAmbiguousWriteError)
    assert [call for call in server.calls if call[0] == "POST" and "/API/" in call[1]] == [
        ("POST", "/SI/API/api/orgs/123/customers")
    ]


@pytest.mark.parametrize(
    "location",
    ["orgs/123", "orgs/123/", "orgs/123/items/77", "orgs/123/customers/\u00b2"],
    ids=["organisation", "organisation-slash", "another-resource", "superscript-two"],
)
def test_a_location_that_names_no_record_of_the_resource_is_no_id(
    server: LyingServer, tmp_path: Path, location: str
) -> None:
    """A create answered with a Location that is not `…/customers/{digits}`: a
    MinimaxResponseError about the Location; never another record read back as the new one."""

    def scenario(method: str, path: str, query: dict[str, str]) -> Answer:
        if method == "POST":
            return Answer(201, b"", headers={"Location": f"{server.base_url}API/api/{location}"})
        if path.rstrip("/").rsplit("/", 1)[-1].isdigit():  # any customer exists here
            return as_json({"CustomerId": int(path.rsplit("/", 1)[-1]), "Code": "SOMEONE-ELSE"})
        return as_json({"Message": "no such record"}, 404)

    server.scenario = scenario
    result, error = outcome(server, tmp_path / "guard", create_one)
    assert result is None, f"another record was returned as the new one: {result}"
    check_typed("create", error, path="customers", words=("Location",), count=False)


def test_a_create_without_location_fails_the_task_without_a_retry(
    server: LyingServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """MinimaxCreateOperator, POST answered 201 without Location (the record exists): the task
    fails for good (AirflowFailException), as for any create that may have been stored."""
    from airflow.providers.common.compat.sdk import AirflowFailException

    from airflow_provider_minimax.operators.records import MinimaxCreateOperator

    connection = {
        "conn_type": "minimax",
        "host": server.base_url,
        "login": "lying-user",
        "password": "lying-password",
        "extra": {
            "client_id": "lying-client",
            "client_secret": "lying-secret",
            "organisation_id": ORG,
        },
    }
    monkeypatch.setenv("AIRFLOW_CONN_MINIMAX_DEFAULT", json.dumps(connection))
    server.scenario = lambda method, path, query: Answer(201, b"")
    task = MinimaxCreateOperator(
        task_id="create", resource="customers", payload={"Code": "X", "Name": "Y"}
    )
    with pytest.raises(Exception, match="no Location") as caught:
        task.execute({})
    assert isinstance(caught.value, AirflowFailException), type(caught.value).__name__
