"""Behaviour 7: lazy lists that page by what the server returns and check TotalRows."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from airflow_provider_minimax.client import MinimaxConfigurationError, MinimaxTruncationError
from airflow_provider_minimax.sandbox import Sandbox


def test_list_pages_by_what_the_server_returns(minimax_sandbox: Sandbox, make_client: Any) -> None:
    minimax_sandbox.configure(max_page_size=7)
    client = make_client(page_size=500)
    rows = list(client.list("customers"))
    expected = minimax_sandbox.ids(123, "customers")
    assert [row["CustomerId"] for row in rows] == expected
    assert client.stats.pages == -(-len(expected) // 7)


def test_list_is_lazy(minimax_sandbox: Sandbox, make_client: Any) -> None:
    minimax_sandbox.configure(max_page_size=5)
    client = make_client()
    rows = client.list("customers")
    next(rows)
    assert client.stats.pages == 1


def test_filters_are_sent_as_the_service_reads_them(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    import datetime

    client = make_client()
    day = datetime.date(2025, 11, 20)
    rows = list(client.list("issuedinvoices", DateIssuedFrom=day, DateIssuedTo=day))
    assert rows and all(row["DateIssued"].startswith("2025-11-20") for row in rows)
    assert minimax_sandbox.stats()["ignored_parameters"] == {}


def test_parallel_pages_arrive_complete_and_in_order(
    minimax_sandbox: Sandbox, make_client: Any
) -> None:
    minimax_sandbox.configure(max_page_size=10)
    client = make_client()
    sequential = [row["JournalEntryId"] for row in client.list("journals/journal-entries")]
    parallel = [
        row["JournalEntryId"] for row in client.list("journals/journal-entries", max_workers=4)
    ]
    assert parallel == sequential
    assert len(parallel) == len(set(parallel)) > 100


@pytest.mark.parametrize("size", [0, -1, 10_001, "100"])
def test_bad_page_sizes_are_refused(make_client: Any, size: Any) -> None:
    with pytest.raises(MinimaxConfigurationError, match="page_size"):
        make_client().list("customers", page_size=size)


def test_unknown_resource_is_refused_with_a_suggestion(make_client: Any) -> None:
    with pytest.raises(MinimaxConfigurationError, match="Did you mean 'customers'"):
        make_client().list("custmers")


class _LyingServer:
    """A server whose list pages do not add up (the real service could misbehave so)."""

    def __init__(self, pages: list[dict[str, Any]]) -> None:
        pages_json = [json.dumps(page).encode() for page in pages]

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self._send(b'{"access_token": "t", "expires_in": 3600}')

            def do_GET(self) -> None:
                number = int(self.path.split("CurrentPage=")[1].split("&")[0])
                self._send(pages_json[min(number, len(pages_json)) - 1])

            def _send(self, body: bytes) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}/SI/"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.parametrize(
    ("pages", "words"),
    [
        (
            [{"Rows": [{"ID": 1}], "TotalRows": 3}, {"Rows": [], "TotalRows": 3}],
            "ended after 1 of 3",
        ),
        (
            [{"Rows": [{"ID": 1}], "TotalRows": 2}, {"Rows": [{"ID": 2}], "TotalRows": 5}],
            "TotalRows changed",
        ),
        (
            [{"Rows": [{"ID": 1}, {"ID": 2}], "TotalRows": 1}],
            "Received 2 rows where TotalRows said 1",
        ),
    ],
)
def test_lists_that_do_not_add_up_are_errors(
    make_client: Any, pages: list[dict[str, Any]], words: str
) -> None:
    server = _LyingServer(pages)
    try:
        client = make_client(base_url=server.base_url)
        with pytest.raises(MinimaxTruncationError, match=words):
            list(client.list("customers"))
    finally:
        server.close()
