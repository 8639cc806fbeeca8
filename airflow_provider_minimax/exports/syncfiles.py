"""A sync's files as bytes: the source read (JSONL, CSV, or a list from XCom), and what a run
leaves beside it: the results (JSONL, a line per record) and the dead letter (the failed records
in the source's own format, ready to be the next run's source). Formats: docs/sync.md.

No storage here: operators/_syncfiles.py reads and writes these bytes on any ObjectStoragePath.

CSV cells are text: the payload check (client/payload.py) reads them as the model's types, as
Minimax would. A column the export writes for a reference (`Country_ID`) is read back as the
reference (`{"ID": …}`; its `_Name` and `_ResourceUrl` are the service's, and left out); a
nested object's columns (`Address_City`) as the object; a list's or document rows' JSON text as
that JSON. An empty cell is a field not given (not an empty value), so that a CSV with columns
for several kinds of record leaves Minimax's values alone where a row has none.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from airflow_provider_minimax.client.models import shape_of
from airflow_provider_minimax.client.syncplan import Unreadable

SOURCE_FORMATS = ("jsonl", "csv")
_EXTENSIONS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv"}
_READ_ONLY_OF_REFERENCES = ("Name", "ResourceUrl")
_EXTRA_CELLS = "\0extra"  # where csv puts the cells of a row beyond the header's columns


@dataclass
class SourceRecord:
    number: int  # its place among the source's records, from 1
    line: int | None  # where it starts in the file (None: a list)
    fields: Any  # what the sync is given: a mapping, or Unreadable
    raw: Any  # what the dead letter writes back: the JSONL line, the CSV row, the list item


@dataclass
class Source:
    format: str  # "jsonl", "csv" or "list"
    records: list[SourceRecord] = field(default_factory=list)
    header: list[str] = field(default_factory=list)  # a CSV's columns, in their order

    @property
    def fields(self) -> list[Any]:
        return [record.fields for record in self.records]


def format_of(name: str, given: str | None = None) -> str:
    """The source's format: as given, else by the file's extension."""
    if given:
        chosen = given.lower().lstrip(".")
        if chosen not in SOURCE_FORMATS:
            raise ValueError(
                f"source_format must be one of {', '.join(SOURCE_FORMATS)}, not {given!r}."
            )
        return chosen
    for extension, chosen in _EXTENSIONS.items():
        if name.lower().endswith(extension):
            return chosen
    raise ValueError(
        f"Cannot tell the format of {name!r} by its extension (.jsonl, .ndjson or .csv): give "
        "source_format='jsonl' or 'csv'."
    )


def list_source(items: Sequence[Any]) -> Source:
    """Records handed over as a list (XCom)."""
    return Source("list", [SourceRecord(n, None, item, item) for n, item in enumerate(items, 1)])


def read_source(data: bytes, source_format: str, resource: str) -> Source:
    """The records of a JSONL or CSV file (UTF-8; a byte order mark is allowed)."""
    text = data.decode("utf-8-sig")
    if source_format == "jsonl":
        return _jsonl(text)
    return _csv(text, resource)


def _jsonl(text: str) -> Source:
    source = Source("jsonl")
    for line_number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue  # a blank line (the last one, often) is no record
        try:
            fields: Any = json.loads(line)
        except json.JSONDecodeError as error:
            fields = Unreadable(
                f"Line {line_number} is not JSON: {error.msg} at column {error.colno}."
            )
        source.records.append(SourceRecord(len(source.records) + 1, line_number, fields, line))
    return source


def _csv(text: str, resource: str) -> Source:
    reader = csv.DictReader(io.StringIO(text, newline=""), restkey=_EXTRA_CELLS)
    source = Source("csv", header=list(reader.fieldnames or []))
    shape = shape_of(resource, "body") or shape_of(resource, "record") or {}
    while True:
        line = reader.line_num + 1  # a quoted cell may span lines: where the row starts
        row = next(reader, None)
        if row is None:
            return source
        fields: Any
        if _EXTRA_CELLS in row:
            cells = len(source.header) + len(row[_EXTRA_CELLS])
            fields = Unreadable(
                f"The row at line {line} has {cells} cells and the header "
                f"{len(source.header)} columns."
            )
        else:
            fields = _fields_of_row(row, shape)
        raw = {name: row.get(name) or "" for name in source.header}
        source.records.append(SourceRecord(len(source.records) + 1, line, fields, raw))


def _fields_of_row(row: Mapping[str, Any], shape: Mapping[str, Any]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for column, cell in row.items():
        if cell is None or cell == "":
            continue
        name, _, sub = column.partition("_")
        kind = shape.get(name) if sub and column not in shape else None
        if kind == "ref":
            if sub == "ID":
                fields[name] = {"ID": cell}
            elif sub not in _READ_ONLY_OF_REFERENCES:
                fields[column] = cell  # no part of a reference: the payload check names it
        elif isinstance(kind, dict) and "object" in kind:
            fields.setdefault(name, {})[sub] = cell
        else:
            fields[column] = _json_of(cell) if isinstance(shape.get(column), dict) else cell
    return fields


def _json_of(cell: str) -> Any:
    """A list or document rows, as the export writes them: JSON text (else the text, which
    the payload check then refuses, naming the field)."""
    try:
        return json.loads(cell)
    except json.JSONDecodeError:
        return cell


def dead_letter(source: Source, failed: Iterable[int]) -> bytes:
    """The records numbered `failed`, in the source's own format (a list's as JSONL)."""
    wanted = set(failed)
    records = [record for record in source.records if record.number in wanted]
    if source.format == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, source.header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(record.raw for record in records)
        return buffer.getvalue().encode("utf-8")
    if source.format == "jsonl":
        return "".join(f"{record.raw}\n" for record in records).encode("utf-8")
    return json_lines(record.raw for record in records)


def json_lines(items: Iterable[Any]) -> bytes:
    """One JSON document a line (values JSON has no type for, as their text)."""
    return "".join(
        json.dumps(item, ensure_ascii=False, default=str) + "\n" for item in items
    ).encode("utf-8")
