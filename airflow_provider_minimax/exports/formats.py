"""Row writers that stream to a binary file, one batch (a page) at a time.

- JSONL: each record as the API gave it, one per line.
- CSV: reference objects flattened to `Customer_ID`, `Customer_Name`, `Customer_ResourceUrl`;
  lists as JSON text; the vendor model's columns in its order; amounts exact.
- Parquet (the `parquet` extra): nested structures kept; the schema is the vendor model's, with
  amounts as decimal128(38, 10), so no value is rounded through a float.
Without a shape (a resource the vendor digest does not describe) the first batch decides.
"""

from __future__ import annotations

import csv
import decimal
import io
import json
from collections.abc import Sequence
from typing import Any, BinaryIO, Protocol

from .conform import Conformer, ExportValueError
from .schema import NUMBER_FIELDS
from .shapes import Shape

FORMATS = ("jsonl", "csv", "parquet")
Row = dict[str, Any]


class RowWriter(Protocol):
    def write(self, rows: Sequence[Row]) -> None: ...

    def close(self) -> None: ...


def json_default(value: Any) -> Any:
    """Decimals as JSON numbers: every amount of an accounting API survives a float's repr
    (at most 15 significant digits); a longer one is written as text rather than rounded."""
    if isinstance(value, decimal.Decimal):
        as_float = float(value)
        return as_float if decimal.Decimal(repr(as_float)) == value else str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


class JsonlWriter:
    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self._encode = json.JSONEncoder(
            ensure_ascii=False, separators=(",", ":"), default=json_default
        ).encode

    def write(self, rows: Sequence[Row]) -> None:
        if rows:
            text = "\n".join(self._encode(row) for row in rows) + "\n"
            self.out.write(text.encode("utf-8"))

    def close(self) -> None:
        return None


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False, default=json_default)
    if isinstance(value, float):
        return repr(value)
    return str(value)


_REFERENCE = ("ID", "Name", "ResourceUrl")


def columns_of(shape: Shape) -> list[tuple[str, str | None]]:
    columns: list[tuple[str, str | None]] = []
    for name, kind in shape.items():
        if kind == "ref":
            columns += [(name, sub) for sub in _REFERENCE]
        elif isinstance(kind, dict) and "object" in kind:
            columns += [(name, sub) for sub in kind["object"]]
        else:
            columns.append((name, None))
    return columns


class CsvWriter:
    """Flat columns; a reference object `X` becomes `X_ID`, `X_Name`, `X_ResourceUrl`.

    With a shape the columns are the vendor model's, in its order, header written even for an
    empty export; without one they are discovered from the first batch.
    """

    def __init__(self, out: BinaryIO, shape: Shape | None = None) -> None:
        self.out = out
        self.columns: list[tuple[str, str | None]] | None = None  # (field, sub-field)
        self._conform = Conformer(shape) if shape is not None else None
        if shape is not None:
            self.columns = columns_of(shape)
            self._header()

    def _header(self) -> None:
        assert self.columns is not None
        names = [f"{name}_{sub}" if sub else name for name, sub in self.columns]
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(names)
        self.out.write(buffer.getvalue().encode("utf-8"))

    def _discover(self, rows: Sequence[Row]) -> list[tuple[str, str | None]]:
        fields: dict[str, list[str] | None] = {}
        for row in rows:
            for name, value in row.items():
                known = fields.setdefault(name, None)
                if isinstance(value, dict):
                    subs = known if known is not None else []
                    subs += [key for key in value if key not in subs]
                    fields[name] = subs
        return [(name, sub) for name, subs in fields.items() for sub in (subs if subs else [None])]

    def write(self, rows: Sequence[Row]) -> None:
        if not rows:
            return
        if self._conform is not None:  # each value as its column's type, on every page alike
            rows = [self._conform(row) for row in rows]
        if self.columns is None:
            self.columns = self._discover(rows)
            self._header()
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        for row in rows:
            writer.writerow([self._cell(row, name, sub) for name, sub in self.columns])
        self.out.write(buffer.getvalue().encode("utf-8"))

    @staticmethod
    def _cell(row: Row, name: str, sub: str | None) -> str:
        value = row.get(name)
        if sub is None:
            return _csv_text(value)
        if value is None:
            return ""
        if not isinstance(value, dict):
            raise ExportValueError(f"{name} held a reference in earlier rows but {value!r} here")
        return _csv_text(value.get(sub))

    def close(self) -> None:
        return None


class ParquetWriter:
    """One Parquet file, a row group per batch; the schema is fixed by the first batch."""

    def __init__(self, out: BinaryIO, shape: Shape | None = None) -> None:
        try:
            import pyarrow as pa
            import pyarrow.parquet as pq
        except ImportError:
            raise RuntimeError(
                "Parquet needs pyarrow: pip install 'airflow-provider-minimax[parquet]'."
            ) from None
        self._pa = pa
        self._pq = pq
        self.out = out
        self.schema: Any = None
        self._writer: Any = None
        self._conform = Conformer(shape) if shape is not None else None
        if shape is not None:
            self._open(
                pa.schema([pa.field(name, self._type(kind)) for name, kind in shape.items()])
            )

    def _type(self, kind: Any) -> Any:
        """An Arrow type from a shape kind: amounts exact, references as structs."""
        pa = self._pa
        if kind == "int":
            return pa.int64()
        if kind == "number":
            return pa.decimal128(38, 10)
        if kind == "bool":
            return pa.bool_()
        if kind == "ref":
            return pa.struct(
                [("ID", pa.int64()), ("Name", pa.string()), ("ResourceUrl", pa.string())]
            )
        if isinstance(kind, dict) and "rows" in kind:
            return pa.list_(pa.struct([(n, self._type(k)) for n, k in kind["rows"].items()]))
        if isinstance(kind, dict) and "object" in kind:
            return pa.struct([(n, self._type(k)) for n, k in kind["object"].items()])
        if isinstance(kind, dict) and "list" in kind:
            return pa.list_(self._type(kind["list"]))
        return pa.string()

    def _open(self, schema: Any) -> None:
        self.schema = schema
        self._writer = self._pq.ParquetWriter(self.out, schema, compression="zstd")

    def _exact(self, field: Any) -> Any:
        """Amounts as decimal128(38, 10), recursively; columns with no value yet as text."""
        pa = self._pa
        kind = field.type
        if pa.types.is_struct(kind):
            kind = pa.struct([self._exact(child) for child in kind])
        elif pa.types.is_list(kind):
            kind = pa.list_(self._exact(kind.value_field).type)
        elif pa.types.is_decimal(kind) or (
            field.name in NUMBER_FIELDS
            and (pa.types.is_integer(kind) or pa.types.is_floating(kind))
        ):
            kind = pa.decimal128(38, 10)
        elif pa.types.is_null(kind):
            kind = pa.string()
        return pa.field(field.name, kind)

    def write(self, rows: Sequence[Row]) -> None:
        if not rows:
            return
        pa = self._pa
        if self._conform is not None:  # each value as its column's type, on every page alike
            rows = [self._conform(row) for row in rows]
        if self.schema is None:
            inferred = pa.Table.from_pylist(list(rows)).schema
            self._open(pa.schema([self._exact(field) for field in inferred]))
        try:
            table = pa.Table.from_pylist(list(rows), schema=self.schema)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
            # The same rows fail the same way on a retry: fail the export at once.
            raise ExportValueError(
                f"A later page does not fit the Parquet schema of the first ({error}); "
                "export this resource as JSONL or CSV."
            ) from None
        self._writer.write_table(table)

    def close(self) -> None:
        if self._writer is None:  # no rows at all: still a valid (empty) Parquet file
            self._pq.write_table(self._pa.table({}), self.out)
            return
        self._writer.close()


def writer_for(format_name: str, out: BinaryIO, shape: Shape | None = None) -> RowWriter:
    """A writer for the format; `shape` (from shapes.py) fixes CSV and Parquet columns."""
    if format_name == "jsonl":
        return JsonlWriter(out)
    if format_name == "csv":
        return CsvWriter(out, shape)
    if format_name == "parquet":
        return ParquetWriter(out, shape)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format_name!r}")
