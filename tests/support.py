"""Helpers for talking to the sandbox over real HTTP, the way any client would."""

from __future__ import annotations

from typing import Any

import requests

from airflow_provider_minimax.sandbox import Sandbox

ORG = 123
# The connection form's extra fields, as a DAG author sees them in the Airflow UI.
FORM_FIELDS = (
    "client_id",
    "client_secret",
    "organisation_id",
    "country",
    "scope",
    "page_size",
    "timeout",
    "max_retries",
)


class Api:
    """A bare HTTP client for the sandbox: a token, then requests under /API/api/."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.session = requests.Session()
        self.token = self.get_token()

    def get_token(self, **overrides: str) -> str:
        response = self.token_request(**overrides)
        assert response.status_code == 200, response.text
        token: str = response.json()["access_token"]
        return token

    def token_request(self, **overrides: str) -> requests.Response:
        return self.session.post(
            self.sandbox.token_url, data=self.token_form(**overrides), timeout=10
        )

    def token_form(self, **overrides: str) -> dict[str, str]:
        return self.sandbox.settings.credentials.token_form(**overrides)

    def url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.sandbox.api_url}api/{path}"

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token}"} | kwargs.pop("headers", {})
        return self.session.request(method, self.url(path), headers=headers, timeout=10, **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def ok(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.request(method, path, **kwargs)
        assert response.status_code < 300, f"{response.status_code} {response.text}"
        return response.json() if response.content else None

    def rows(self, path: str, **params: Any) -> list[dict[str, Any]]:
        """Every row of a list, page by page."""
        rows: list[dict[str, Any]] = []
        page = 1
        while True:
            body = self.ok("GET", path, params={**params, "CurrentPage": page, "PageSize": 1000})
            rows += body["Rows"]
            if not body["Rows"] or len(rows) >= body["TotalRows"]:
                return rows
            page += 1

    def org(self, path: str) -> str:
        return f"orgs/{ORG}/{path}"

    def admin(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self.session.request(
            method, f"{self.sandbox.root_url}/_sandbox/{path}", timeout=10, **kwargs
        )
        assert response.status_code < 300, response.text
        return response.json()


def draft_invoice(
    api: Api, lines: tuple[tuple[float, float], ...] = ((2, 49.99),), day: str = "2025-12-01"
) -> dict[str, Any]:
    """A new draft invoice to the first customer: one row per (quantity, price), VAT rate S."""
    customer = api.rows(api.org("customers"))[0]
    item = api.rows(api.org("items"))[0]
    rate = api.ok("GET", api.org("vatrates/code(S)"))
    rows = [
        {
            "Item": {"ID": item["ItemId"]},
            "Quantity": quantity,
            "Price": price,
            "VatRate": {"ID": rate["VatRateId"]},
        }
        for quantity, price in lines
    ]
    body: dict[str, Any] = {
        "Customer": {"ID": customer["CustomerId"]},
        "DateIssued": day,
        "DateTransaction": day,
        "DateDue": "2025-12-15",
        "IssuedInvoiceRows": rows,
    }
    if api.sandbox.settings.country == "HR":  # Croatian invoices name the issuing employee
        body["Employee"] = {"ID": api.rows(api.org("employees"))[0]["EmployeeId"]}
    location = api.request("POST", api.org("issuedinvoices"), json=body).headers["Location"]
    return api.ok("GET", location)


def act(
    api: Api,
    resource: str,
    record_id: int,
    action: str,
    row_version: str | None,
    method: str = "PUT",
    **params: str,
) -> Any:
    query = dict(params)
    if row_version is not None:
        query["rowVersion"] = row_version
    # requests URL-encodes params: "+" must travel as %2B or the server reads a space.
    return api.request(method, api.org(f"{resource}/{record_id}/actions/{action}"), params=query)


# Two one-task DAGs around the lock-out guard's Airflow Variable: a round trip through the
# store, and MinimaxHook().test_connection() run as a task on `minimax_default`.
GUARD_DAGS = """
import datetime

from airflow.providers.common.compat.sdk import dag, task

START = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)


@dag(dag_id="minimax_guard_round_trip", schedule=None, start_date=START, catchup=False)
def round_trip_dag():
    @task
    def round_trip():
        from airflow_provider_minimax.hooks.minimax import VariableGuardStore

        store = VariableGuardStore()
        store.write("minimax_refused_login_round_trip", '{"status": "400"}')
        seen = store.read("minimax_refused_login_round_trip")
        store.delete("minimax_refused_login_round_trip")
        return {"seen": seen, "after_delete": store.read("minimax_refused_login_round_trip")}

    round_trip()


@dag(dag_id="minimax_guard_check", schedule=None, start_date=START, catchup=False)
def check_dag():
    @task
    def check():
        from airflow_provider_minimax.hooks.minimax import MinimaxHook

        ok, message = MinimaxHook().test_connection()
        return {"ok": ok, "message": message}

    check()


round_trip_dag()
check_dag()
"""
