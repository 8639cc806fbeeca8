"""The client against the Croatian and Serbian worlds: a code list that ignores PageSize."""

from __future__ import annotations

from pathlib import Path

import pytest

from airflow_provider_minimax.client import ClientConfig, Credentials, MinimaxClient
from airflow_provider_minimax.sandbox import Sandbox, Settings


@pytest.mark.parametrize("max_workers", [1, 4])
@pytest.mark.parametrize("country", ["HR", "RS"])
def test_the_countries_list_arrives_whole_in_one_request(
    country: str, max_workers: int, tmp_path: Path
) -> None:
    """The service sends over 200 countries in one page whatever PageSize asks: the client takes
    them all from that one answer and asks for no second page."""
    with Sandbox(Settings(country=country)) as sandbox:
        creds = sandbox.settings.credentials
        config = ClientConfig(
            Credentials(creds.client_id, creds.client_secret, creds.username, creds.password),
            base_url=sandbox.base_url,
            organisation_id=123,
            guard_dir=tmp_path / "guard",
        )
        client = MinimaxClient(config)
        try:
            rows = list(client.list("countries", page_size=50, max_workers=max_workers))
            serbia = client.get_by_code("countries", "RS")
        finally:
            client.close()
        assert len(rows) > 200
        assert len({row["Code"] for row in rows}) == len(rows)
        assert {row["Code"]: row["CountryId"] for row in rows}["RS"] == serbia["CountryId"]
        routes = sandbox.stats()["by_route"]
        lists = sum(count for route, count in routes.items() if route.endswith("/countries"))
        assert lists == 1, routes
