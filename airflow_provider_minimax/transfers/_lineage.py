"""OpenLineage for MinimaxToSqlOperator (the `openlineage` extra): the Minimax lists in, the
table out.

The inputs are named as the export names them (operators/_lineage.py: the list's own URL). The
table is named by OpenLineage's rule for databases, from the hook's own account of its database
(common-sql's `get_openlineage_database_info`): namespace `postgres://host:5432`, name
`database.schema.table`. A database whose hook gives none (SQLite) is named by its connection:
`sqlite://<file>` and the table. OpenLineage is imported only when the listener asks.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from airflow_provider_minimax.operators._lineage import dataset_id

if TYPE_CHECKING:
    from airflow_provider_minimax.operators._lineage import Lineage


class Loaded(NamedTuple):
    """One organisation's finished load, as the operator keeps it for lineage."""

    result: dict[str, Any]  # the load's report (rows, inserted, updated, …)
    source: str  # the list's URL: https://moj.minimax.si/SI/API/api/orgs/123/journals/…


def table_dataset(hook: Any, table: str) -> tuple[str, str]:
    """(namespace, name) of `table` in the hook's database; never raises (lineage never fails
    a task): what is not known is left out of the name."""
    parts = table.split(".")
    try:
        connection = hook.get_connection(hook.get_conn_id())
    except Exception:
        return f"{getattr(hook, 'conn_type', 'sql')}://", table
    info = None
    try:
        info = hook.get_openlineage_database_info(connection)
    except Exception:  # the openlineage extra is missing, or the hook has no such method
        info = None
    if info is None:
        where = connection.host or connection.schema or connection.conn_id
        return f"{connection.conn_type}://{where}", table
    if len(parts) == 1:
        try:
            parts = [hook.get_openlineage_default_schema() or "public", *parts]
        except Exception:
            parts = ["public", *parts]
    name = ".".join(part for part in (info.database, *parts) if part)
    return f"{info.scheme}://{info.authority}", name


def transfer_lineage(
    loaded: list[Loaded], table: tuple[str, str], columns: list[tuple[str, str]]
) -> Lineage:
    """Every list read (once each) as inputs; the table, its columns and its rows, as output."""
    from airflow.providers.openlineage.extractors import OperatorLineage
    from openlineage.client.event_v2 import Dataset, OutputDataset
    from openlineage.client.facet_v2 import output_statistics_output_dataset, schema_dataset

    inputs = {dataset_id(item.source): None for item in loaded}
    outputs: list[Dataset] = []
    if loaded:
        schema = schema_dataset.SchemaDatasetFacet(
            fields=[schema_dataset.SchemaDatasetFacetFields(n, kind) for n, kind in columns]
        )
        statistics = output_statistics_output_dataset.OutputStatisticsOutputDatasetFacet(
            rowCount=sum(item.result["rows"] for item in loaded)
        )
        outputs.append(
            OutputDataset(
                namespace=table[0],
                name=table[1],
                facets={"schema": schema},
                outputFacets={"outputStatistics": statistics},
            )
        )
    return OperatorLineage(
        inputs=[Dataset(namespace=ns, name=name) for ns, name in inputs], outputs=outputs
    )
