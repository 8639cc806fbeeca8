"""OpenLineage for MinimaxExportOperator (the `openlineage` extra): what it read, what it wrote.

The operator keeps an `Exported` per file as it runs; once it has run, the OpenLineage provider's
listener asks for `operator_lineage`. OpenLineage itself is imported only inside the functions
that build its objects: a task runs without it (the extra is optional), and DAG files, which
import the operator but not this module, never pay for it.

Datasets are named by OpenLineage's rule for anything with a URL (namespace = scheme://authority,
name = the path), so that together they say where the data is:
- an input per organisation, the Minimax list the rows came from: namespace
  `https://moj.minimax.si`, name `SI/API/api/orgs/123/issuedinvoices` (OpenLineage has no
  convention of its own for REST APIs; with the whole path, country included, namespace + "/" +
  name is the list's own URL);
- an output per file: `file` and the absolute path on a local disk, `s3://bucket` and the key on
  object storage (gs://, az://, … alike), as Airflow's own file operators name them.
No secret is named: credentials live in the connection's login, password and extra, never in a
URL here; user information in a URL (an ObjectStoragePath's connection ID) is dropped.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

from airflow_provider_minimax.exports.shapes import Shape

if TYPE_CHECKING:
    from airflow.providers.openlineage.extractors import OperatorLineage
    from openlineage.client.event_v2 import Dataset, OutputDataset
    from openlineage.client.facet_v2 import schema_dataset

    Field = schema_dataset.SchemaDatasetFacetFields
    Lineage = OperatorLineage[Dataset, Any]

# Column types by the shape's kinds (exports/shapes.py), as the writers store them: amounts are
# exact decimals in every format; a reference is a struct of these three fields.
_TYPES = {"int": "integer", "number": "decimal", "bool": "boolean", "text": "string"}
_REFERENCE: Shape = {"ID": "int", "Name": "text", "ResourceUrl": "text"}
_FORMAT_NAMES = {"jsonl": "JSONL", "csv": "CSV", "parquet": "Parquet"}


class Exported(NamedTuple):
    """One organisation's finished export, as the operator keeps it for lineage."""

    manifest: dict[str, Any]  # the file: path, format, rows, bytes, sha256, mode, window
    source: str  # the list's URL: https://moj.minimax.si/SI/API/api/orgs/123/issuedinvoices
    shape: Shape | None  # the columns written; None when the first rows decided them


def dataset_id(url: str) -> tuple[str, str]:
    """(namespace, name) of a URL: `file` and the absolute path for a local file, else
    `scheme://host[:port]` and the path without its leading slash."""
    # Split by hand, not with urllib: a local path may hold `#` or `?`, which are no URL syntax
    # in an export's path (url_of does not escape them).
    scheme, _, rest = url.partition("://")
    authority, _, path = rest.partition("/")
    if scheme == "file":
        return "file", "/" + path
    return f"{scheme}://{authority.rpartition('@')[2]}", path


def operator_lineage(exported: list[Exported]) -> Lineage:
    """The inputs and outputs of an export's run; each appears once however often it was named."""
    from airflow.providers.openlineage.extractors import OperatorLineage

    inputs: dict[tuple[str, str], Dataset] = {}
    outputs: dict[tuple[str, str], Dataset] = {}
    for item in exported:
        inputs[dataset_id(item.source)] = _input(item)
        outputs[dataset_id(item.manifest["path"])] = _output(item)
    return OperatorLineage(inputs=list(inputs.values()), outputs=list(outputs.values()))


def _input(item: Exported) -> Dataset:
    from openlineage.client.event_v2 import Dataset

    namespace, name = dataset_id(item.source)
    return Dataset(namespace=namespace, name=name)


def _output(item: Exported) -> OutputDataset:
    from openlineage.client.event_v2 import OutputDataset
    from openlineage.client.facet_v2 import (
        dataset_version_dataset,
        documentation_dataset,
        output_statistics_output_dataset,
        schema_dataset,
    )

    manifest = item.manifest
    namespace, name = dataset_id(manifest["path"])
    facets: dict[str, Any] = {
        "documentation": documentation_dataset.DocumentationDatasetFacet(
            description=_description(manifest)
        ),
        # The content's hash: the same rows exported again are the same version.
        "version": dataset_version_dataset.DatasetVersionDatasetFacet(
            datasetVersion=manifest["sha256"]
        ),
    }
    if item.shape is not None:  # without one the writer took the columns from the first rows
        facets["schema"] = schema_dataset.SchemaDatasetFacet(
            fields=_columns(item.shape, manifest["format"])
        )
    statistics = output_statistics_output_dataset.OutputStatisticsOutputDatasetFacet(
        rowCount=manifest["rows"], size=manifest["bytes"]
    )
    return OutputDataset(
        namespace=namespace,
        name=name,
        facets=facets,
        outputFacets={"outputStatistics": statistics},
    )


def _description(manifest: dict[str, Any]) -> str:
    """E.g. `issuedinvoices of Minimax organisation 123, days 2025-11-03 to 2025-11-09, JSONL`."""
    if manifest.get("window"):
        which = "days {first_day} to {last_day}".format(**manifest["window"])
    elif manifest.get("modified"):
        which = "records modified from {} to {}".format(*manifest["modified"])
    else:
        which = "all records"
    file_format = _FORMAT_NAMES.get(manifest["format"], manifest["format"])
    return (
        f"{manifest['resource']} of Minimax organisation {manifest['organisation_id']}, "
        f"{which}, {file_format}"
    )


def _columns(shape: Shape, file_format: str) -> list[Field]:
    """The file's columns: nested as in JSONL and Parquet, flattened as the CSV header is."""
    if file_format == "csv":
        return _flat_columns(shape)
    return [_nested(name, kind) for name, kind in shape.items()]


def _nested(name: str, kind: Any) -> Field:
    """A field of a nested shape; arrays and structs as OpenLineage's schema facet spells them."""
    from openlineage.client.facet_v2 import schema_dataset

    if kind == "ref":
        kind = {"object": _REFERENCE}
    if isinstance(kind, dict):
        if "object" in kind:
            children = [_nested(child, sub) for child, sub in kind["object"].items()]
            return schema_dataset.SchemaDatasetFacetFields(name, "struct", fields=children)
        element = {"object": kind["rows"]} if "rows" in kind else kind["list"]
        return schema_dataset.SchemaDatasetFacetFields(
            name, "array", fields=[_nested("_element", element)]
        )
    return schema_dataset.SchemaDatasetFacetFields(name, _TYPES.get(kind, "string"))


def _flat_columns(shape: Shape) -> list[Field]:
    """The CSV columns: a reference or object `X` as `X_ID`, `X_Name`, …; lists as JSON text."""
    from openlineage.client.facet_v2 import schema_dataset

    # The CSV writer's own column list, so that these names are its header's, in its order.
    from airflow_provider_minimax.exports.formats import columns_of

    fields = []
    for name, sub in columns_of(shape):
        kind = shape[name]
        if sub is not None:
            kind = (_REFERENCE if kind == "ref" else kind["object"])[sub]
        column_type = _TYPES.get(kind, "string") if isinstance(kind, str) else "string"
        fields.append(
            schema_dataset.SchemaDatasetFacetFields(f"{name}_{sub}" if sub else name, column_type)
        )
    return fields
