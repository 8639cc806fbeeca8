"""OpenLineage: an export reports the Minimax lists it read and the files it wrote."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_minimax.operators._lineage import dataset_id
from airflow_provider_minimax.operators.export import MinimaxExportOperator
from airflow_provider_minimax.sandbox import FaultRule, Sandbox
from tests.exports.helpers import (
    context,
    csv_header,
    daily_export_dag,
    expected,
    list_path,
    read_rows,
    utc,
)
from tests.support import Api

START, END = utc(2025, 11, 3), utc(2025, 11, 10)
ROOT = Path(__file__).resolve().parents[2]
REFERENCE = [("ID", "integer", []), ("Name", "string", []), ("ResourceUrl", "string", [])]


def export(
    resource: str,
    destination: Path | str,
    start: Any = None,
    end: Any = None,
    **options: Any,
) -> tuple[Any, Any]:
    """Run an export as helpers.export does; (its XCom, the lineage OpenLineage would get)."""
    task = MinimaxExportOperator(
        task_id="export", resource=resource, destination=str(destination), **options
    )
    result = task.execute(context(start, end) if start and end else {})
    return result, task.get_openlineage_facets_on_complete(None)


def names(datasets: list[Any]) -> list[tuple[str, str]]:
    return [(dataset.namespace, dataset.name) for dataset in datasets]


def service(sandbox: Sandbox) -> str:
    """The input namespace: the sandbox's scheme, host and port."""
    parts = urllib.parse.urlsplit(sandbox.base_url)
    return f"{parts.scheme}://{parts.netloc}"


def list_name(org: int, path: str) -> str:
    return f"SI/API/api/orgs/{org}/{path}"


def schema(dataset: Any) -> list[tuple[str, str, list[Any]]]:
    """The schema facet as (name, type, children), recursively."""

    def field(f: Any) -> tuple[str, str, list[Any]]:
        return f.name, f.type, [field(child) for child in f.fields or []]

    return [field(f) for f in dataset.facets["schema"].fields]


def arrow_schema(path: Path) -> list[tuple[str, str, list[Any]]]:
    """A Parquet file's own schema in the same terms, from its Arrow types."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    def field(name: str, kind: Any) -> tuple[str, str, list[Any]]:
        if pa.types.is_struct(kind):
            return name, "struct", [field(child.name, child.type) for child in kind]
        if pa.types.is_list(kind):
            return name, "array", [field("_element", kind.value_type)]
        simple = {"int64": "integer", "bool": "boolean", "string": "string"}
        return name, "decimal" if pa.types.is_decimal(kind) else simple[str(kind)], []

    return [field(f.name, f.type) for f in pq.read_schema(path)]


def statistics(dataset: Any) -> tuple[int, int]:
    facet = dataset.outputFacets["outputStatistics"]
    return facet.rowCount, facet.size


def test_jsonl_names_the_list_read_and_the_file_written(
    conn: Sandbox, api: Api, tmp_path: Path
) -> None:
    """One organisation: the input is the list's URL (namespace + name), which answers with the
    rows exported; the output is the file, with its columns, rows, bytes, hash and window."""
    path = tmp_path / "invoices.jsonl"
    manifest, lineage = export("issuedinvoices", path, START, END)
    namespace = service(conn)
    assert names(lineage.inputs) == [(namespace, list_name(123, "issuedinvoices"))]
    listed = api.ok("GET", f"{namespace}/{lineage.inputs[0].name}", params=manifest["filters"])
    want = expected(conn, "issuedinvoices", START, END)
    assert listed["TotalRows"] == manifest["rows"] == len(want) > 0

    assert names(lineage.outputs) == [("file", str(path))]
    output = lineage.outputs[0]
    rows = read_rows(path, "jsonl")
    columns = schema(output)
    assert {name for name, _, _ in columns} == {key for row in rows for key in row}
    assert ("Customer", "struct", REFERENCE) in columns
    assert ("IssuedInvoiceId", "integer", []) in columns
    assert ("InvoiceValue", "decimal", []) in columns
    assert statistics(output) == (len(rows), path.stat().st_size)
    assert output.facets["version"].datasetVersion == hashlib.sha256(path.read_bytes()).hexdigest()
    assert output.facets["documentation"].description == (
        "issuedinvoices of Minimax organisation 123, days 2025-11-03 to 2025-11-09, JSONL"
    )


def test_parquet_of_several_organisations_one_input_and_output_each(
    conn: Sandbox, tmp_path: Path
) -> None:
    """organisation_ids="all": an input and a file per organisation, each file's
    schema that of the Parquet file itself."""
    destination = f"{tmp_path}/{{organisation_id}}/invoices.parquet"
    manifests, lineage = export(
        "issuedinvoices", destination, START, END, format="parquet", organisation_ids="all"
    )
    assert [m["organisation_id"] for m in manifests] == [123, 124]
    namespace = service(conn)
    assert names(lineage.inputs) == [
        (namespace, list_name(123, "issuedinvoices")),
        (namespace, list_name(124, "issuedinvoices")),
    ]
    paths = [tmp_path / org / "invoices.parquet" for org in ("123", "124")]
    assert names(lineage.outputs) == [("file", str(p)) for p in paths]
    for org, path, output in zip((123, 124), paths, lineage.outputs, strict=True):
        assert schema(output) == arrow_schema(path)
        want = len(expected(conn, "issuedinvoices", START, END, org=org))
        assert statistics(output) == (want, path.stat().st_size)
        assert want == len(read_rows(path, "parquet")) > 0


def test_parquet_with_detail_has_nested_rows(conn: Sandbox, tmp_path: Path) -> None:
    """Full records: the document rows are an array whose element is a struct."""
    path = tmp_path / "invoices.parquet"
    _, lineage = export("issuedinvoices", path, START, END, format="parquet", detail=True)
    columns = schema(lineage.outputs[0])
    assert columns == arrow_schema(path)
    rows = next(c for c in columns if c[0] == "IssuedInvoiceRows")
    assert rows[1] == "array"
    assert [(name, kind) for name, kind, _ in rows[2]] == [("_element", "struct")]


def test_csv_columns_are_the_header(conn: Sandbox, tmp_path: Path) -> None:
    """CSV: the schema is the flat header (references as X_ID, X_Name, X_ResourceUrl); a
    reference export is all records."""
    path = tmp_path / "customers.csv"
    manifest, lineage = export("customers", path, format="csv")
    output = lineage.outputs[0]
    assert names(lineage.inputs) == [(service(conn), list_name(123, "customers"))]
    assert [name for name, _, _ in schema(output)] == csv_header(path)
    assert ("Country_ID", "integer", []) in schema(output)
    assert statistics(output) == (manifest["rows"], path.stat().st_size)
    assert manifest["rows"] == len(expected(conn, "customers")) > 0
    assert output.facets["documentation"].description == (
        "customers of Minimax organisation 123, all records, CSV"
    )


def test_fields_narrow_the_schema(conn: Sandbox, tmp_path: Path) -> None:
    """`fields` chooses the columns written, and so the columns reported, in their order."""
    path = tmp_path / "invoices.jsonl"
    _, lineage = export(
        "issuedinvoices", path, START, END, fields="Customer,IssuedInvoiceId,InvoiceValue"
    )
    assert schema(lineage.outputs[0]) == [
        ("Customer", "struct", REFERENCE),
        ("IssuedInvoiceId", "integer", []),
        ("InvoiceValue", "decimal", []),
    ]


def test_changes_are_described_by_the_modification_times(conn: Sandbox, tmp_path: Path) -> None:
    path = tmp_path / "changes.jsonl"
    manifest, lineage = export("customers", path, START, END, mode="changes")
    first, last = manifest["modified"]
    assert lineage.outputs[0].facets["documentation"].description == (
        f"customers of Minimax organisation 123, records modified from {first} to {last}, JSONL"
    )


def test_no_secret_in_the_lineage(conn: Sandbox, tmp_path: Path) -> None:
    """Neither the login nor the secrets of the connection appear in any dataset or facet."""
    from openlineage.client.serde import Serde

    _, lineage = export("issuedinvoices", tmp_path / "x.jsonl", START, END, detail=True)
    text = "".join(Serde.to_json(d) for d in lineage.inputs + lineage.outputs)
    creds = conn.settings.credentials
    for secret in (creds.client_secret, creds.password, creds.username):
        assert secret not in text


def test_a_failed_export_reports_the_files_that_landed(
    conn: Sandbox, connect: Any, tmp_path: Path
) -> None:
    """Nothing run: nothing reported. The second organisation failing: the first one's list and
    file (complete, in place) are reported, the second's are not."""
    task = MinimaxExportOperator(
        task_id="export",
        resource="issuedinvoices",
        destination=f"{tmp_path}/{{organisation_id}}.jsonl",
        organisation_ids=[123, 124],
    )
    nothing = task.get_openlineage_facets_on_complete(None)
    assert (nothing.inputs, nothing.outputs) == ([], [])
    connect(conn, max_retries=0)
    conn.add_fault(FaultRule("status", status=500, path=list_path("issuedinvoices", org=124)))
    with pytest.raises(Exception):  # noqa: B017, PT011 (the error itself is tested elsewhere)
        task.execute(context(START, END))
    lineage = task.get_openlineage_facets_on_complete(None)
    assert names(lineage.inputs) == [(service(conn), list_name(123, "issuedinvoices"))]
    assert names(lineage.outputs) == [("file", f"{tmp_path}/123.jsonl")]


@pytest.mark.parametrize(
    ("url", "namespace", "name"),
    [
        ("file:///data/a b#1.jsonl", "file", "/data/a b#1.jsonl"),
        ("s3://bucket/minimax/2025-11-05/x.parquet", "s3://bucket", "minimax/2025-11-05/x.parquet"),
        ("s3://aws_prod@bucket/x.jsonl", "s3://bucket", "x.jsonl"),  # a connection ID
        ("gs://bucket/x.csv", "gs://bucket", "x.csv"),
        (
            "https://moj.minimax.si/SI/API/api/orgs/1/customers",
            "https://moj.minimax.si",
            "SI/API/api/orgs/1/customers",
        ),
        ("http://user:secret@127.0.0.1:8080/SI/x", "http://127.0.0.1:8080", "SI/x"),
    ],
)
def test_dataset_names_follow_openlineage(url: str, namespace: str, name: str) -> None:
    """Object storage is scheme://bucket and the key; a local file `file` and its absolute path;
    a URL's user information is never part of a name."""
    assert dataset_id(url) == (namespace, name)


# Uninstalled, the provider takes its entry point along; installed, Airflow's provider discovery
# loads the package's get_provider_info (plain metadata) from it, so those two stay importable.
IMPORT_WITHOUT_OPENLINEAGE = """
import importlib.abc
import sys

DISCOVERED = ("airflow.providers.openlineage", "airflow.providers.openlineage.get_provider_info")


class Missing(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        provider = name.startswith("airflow.providers.openlineage.") and name not in DISCOVERED
        if name.split(".")[0] == "openlineage" or provider:
            raise ModuleNotFoundError(f"No module named {name!r}")
        return None


sys.meta_path.insert(0, Missing())
from airflow_provider_minimax.operators.export import MinimaxExportOperator

MinimaxExportOperator(task_id="export", resource="customers", destination="/tmp/c.jsonl")
print(sorted(set(name for name in sys.modules if "openlineage" in name) - set(DISCOVERED)))
"""


def test_the_operator_imports_without_openlineage() -> None:
    """With neither openlineage nor its Airflow provider importable, a DAG file that imports the
    operator and makes a task still loads (the extra is optional)."""
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_WITHOUT_OPENLINEAGE],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]"


# OpenLineage decides whether to listen when Airflow loads its plugins, once per process: the
# DAG runs in a process of its own, started with a transport configured.
RUN_DAG = """
import sys
from pathlib import Path

import pendulum
import pytest

from tests.dagtools import bundle_runner

with pytest.MonkeyPatch.context() as monkeypatch:
    run = bundle_runner(Path(sys.argv[1]), monkeypatch, "minimax-lineage-tests")
    logical_date = pendulum.datetime(2025, 11, 5, tz="UTC")
    dag_run = run(sys.argv[2], "minimax_export_lineage", logical_date=logical_date)
    print(f"state={dag_run.state}")  # among log lines on stdout
"""


@pytest.mark.slow
def test_a_dag_run_emits_the_lineage(airflow_db: str, conn: Sandbox, tmp_path: Path) -> None:
    """With the OpenLineage provider configured (a file transport), a dag.test() run emits a
    COMPLETE event for the export task naming our input and output, with row count and schema;
    no secret of the connection is in any event."""
    folder, events = tmp_path / "exports", tmp_path / "openlineage.jsonl"
    transport = {"type": "file", "log_file_path": str(events), "append": True}
    env = os.environ | {"AIRFLOW__OPENLINEAGE__TRANSPORT": json.dumps(transport)}
    source = daily_export_dag("minimax_export_lineage", folder, "parquet")
    done = subprocess.run(
        [sys.executable, "-c", RUN_DAG, str(tmp_path / "dags"), source],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "state=success" in done.stdout.splitlines(), done.stdout[-3000:]

    text = events.read_text("utf-8")
    complete = [
        event
        for event in map(json.loads, text.splitlines())
        if event["eventType"] == "COMPLETE"
        and event["job"]["name"] == "minimax_export_lineage.export_invoices"
    ]
    assert len(complete) == 1
    event = complete[0]
    path = folder / "2025-11-05" / "123" / "issuedinvoices.parquet"
    assert [(d["namespace"], d["name"]) for d in event["inputs"]] == [
        (service(conn), list_name(123, "issuedinvoices"))
    ]
    assert [(d["namespace"], d["name"]) for d in event["outputs"]] == [("file", str(path))]
    output = event["outputs"][0]
    manifest = json.loads(Path(f"{path}.manifest.json").read_text("utf-8"))
    assert output["outputFacets"]["outputStatistics"]["rowCount"] == manifest["rows"] > 0
    assert manifest["rows"] == len(read_rows(path, "parquet"))
    assert output["outputFacets"]["outputStatistics"]["size"] == path.stat().st_size
    columns = [field["name"] for field in output["facets"]["schema"]["fields"]]
    assert columns == [name for name, _, _ in arrow_schema(path)]
    creds = conn.settings.credentials
    assert creds.client_secret not in text and creds.password not in text
