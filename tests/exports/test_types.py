"""Column types come from the vendor's model: a value of another JSON type on a later page is
converted to the column's type; one that cannot be fails the export at once, naming it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from airflow.providers.common.compat.sdk import AirflowFailException

from airflow_provider_minimax.exports.conform import ExportValueError
from airflow_provider_minimax.sandbox import Sandbox
from tests.exports.helpers import ORG, export, read_rows


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_a_number_in_a_text_field_on_a_later_page_keeps_the_text_type(
    conn: Sandbox, connect: Callable[..., Any], tmp_path: Path, file_format: str
) -> None:
    """The service's lenient reader may store `"PostalCode": 4000` as given; the column stays
    text, as on the first page (before, Parquet failed with a ValueError, retried for nothing)."""
    connect(conn, page_size=1)  # one row a page: the planted row is on a later page
    second = conn.ids(ORG, "customers")[1]
    conn.change(ORG, "customers", second, PostalCode=4000)
    path = tmp_path / f"customers.{file_format}"
    export("customers", path, format=file_format)
    rows = {int(row["CustomerId"]): row for row in read_rows(path, file_format)}
    assert rows[second]["PostalCode"] == "4000"
    if file_format == "parquet":
        import pyarrow.parquet as pq

        assert str(pq.read_schema(path).field("PostalCode").type) == "string"


@pytest.mark.parametrize("file_format", ["csv", "parquet"])
def test_a_value_that_cannot_be_converted_fails_at_once_naming_record_and_field(
    conn: Sandbox, tmp_path: Path, file_format: str
) -> None:
    item = conn.ids(ORG, "items")[2]
    conn.change(ORG, "items", item, Price="abc")
    path = tmp_path / f"items.{file_format}"
    with pytest.raises(AirflowFailException) as failure:
        export("items", path, format=file_format)
    assert isinstance(failure.value.__cause__, ExportValueError)
    assert f"ItemId {item}" in str(failure.value) and "field Price" in str(failure.value)
    assert not path.exists()  # nothing written half
