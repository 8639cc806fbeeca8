"""The operator as Airflow sees it: lineage (the Minimax list in, the table out), a `:param:` per
argument, arguments kept unchanged for templating, a DAG file that imports it cheaply, and the
provider's metadata naming it."""

from __future__ import annotations

import inspect
import subprocess
import sys

from airflow_provider_minimax.sandbox import Sandbox
from airflow_provider_minimax.transfers.minimax_to_sql import MinimaxToSqlOperator
from tests.postgres import parse_dsn
from tests.transfers.conftest import LEDGER, Warehouse, transfer_task, utc

START, END = utc(2025, 11, 3), utc(2025, 11, 10)


def test_lineage_names_the_minimax_list_in_and_the_postgresql_table_out(
    conn: Sandbox, postgres_warehouse: Warehouse, postgres_dsn: str
) -> None:
    task = transfer_task(LEDGER, organisation_ids=[123, 124])
    reports = task.execute({"data_interval_start": START, "data_interval_end": END})
    lineage = task.get_openlineage_facets_on_complete(None)
    root = conn.base_url.rstrip("/").rsplit("/", 1)[0]
    assert [(d.namespace, d.name) for d in lineage.inputs] == [
        (root, f"SI/API/api/orgs/{org}/journals/journal-entries") for org in (123, 124)
    ]
    [table] = lineage.outputs
    dsn = parse_dsn(postgres_dsn)
    assert table.namespace == f"postgres://127.0.0.1:{dsn['port']}"
    assert table.name == f"{dsn['dbname']}.public.ledger"
    columns = {field.name: field.type for field in table.facets["schema"].fields}
    assert columns["Debit"] == "NUMERIC" and columns["JournalDate"] == "DATE"
    assert columns["organisation_id"] == "BIGINT" and "_loaded_at" in columns
    statistics = table.outputFacets["outputStatistics"]
    assert statistics.rowCount == sum(report["rows"] for report in reports)


def test_lineage_of_a_sqlite_table_names_its_file(
    conn: Sandbox, warehouse: Warehouse, monkeypatch: object
) -> None:
    task = transfer_task("customers", table="customers")
    task.execute({})
    [table] = task.get_openlineage_facets_on_complete(None).outputs
    if warehouse.kind == "sqlite":
        assert table.namespace.startswith("sqlite:///") and table.name == "customers"
        assert table.namespace.endswith("warehouse.db")
    else:
        assert table.namespace.startswith("postgres://") and table.name.endswith(".customers")


def test_every_argument_has_a_param_line_along_the_classes() -> None:
    documented = "\n".join(
        inspect.getdoc(klass) or ""
        for klass in MinimaxToSqlOperator.__mro__
        if klass.__module__.startswith("airflow_provider_minimax")
    )
    for klass in MinimaxToSqlOperator.__mro__:
        if not klass.__module__.startswith("airflow_provider_minimax"):
            continue
        if "__init__" not in vars(klass):
            continue
        for name, parameter in inspect.signature(klass.__init__).parameters.items():
            if parameter.kind is parameter.KEYWORD_ONLY:
                assert f":param {name}:" in documented, f"{klass.__name__}: no :param {name}:"


def test_templated_arguments_are_kept_unchanged_until_rendered() -> None:
    task = MinimaxToSqlOperator(
        task_id="t",
        resource="{{ params.resource }}",
        sql_conn_id="{{ params.db }}",
        table="{{ params.table }}",
        delete_missing="{{ params.delete }}",
        mode="{{ params.mode }}",
    )
    for name in ("resource", "sql_conn_id", "table", "delete_missing", "mode"):
        assert name in task.template_fields
        assert getattr(task, name).startswith("{{ params.")
    task.render_template_fields(
        {
            "params": {
                "resource": "customers",
                "db": "w",
                "table": "c",
                "delete": "true",
                "mode": "full",
            }
        }
    )
    assert (task.resource, task.table, task.delete_missing) == ("customers", "c", "true")


def test_a_dag_file_importing_the_operator_does_not_import_the_client_or_the_warehouse() -> None:
    code = (
        "import sys\n"
        "import airflow_provider_minimax.transfers.minimax_to_sql\n"
        # not requests: Airflow 2 imports it itself
        "loaded = [m for m in sys.modules if m.startswith(('airflow_provider_minimax.client', "
        "'airflow_provider_minimax.warehouse', 'psycopg'))]\n"
        "print(loaded)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_the_provider_metadata_names_the_transfer() -> None:
    from airflow_provider_minimax.get_provider_info import get_provider_info

    [entry] = get_provider_info()["transfers"]
    assert entry["python-module"] == "airflow_provider_minimax.transfers.minimax_to_sql"
    assert entry["source-integration-name"] == "Minimax"
