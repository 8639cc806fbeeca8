"""Row writers that stream to a binary file, one batch (a page) at a time.

- JSONL: each record as the API gave it, one per line.
- CSV: reference objects flattened to `Customer_ID`, `Customer_Name`, `Customer_ResourceUrl`;
  lists as JSON text; columns fixed by the first batch, in the API's field order; amounts exact.
- Parquet (the `parquet` extra): nested structures kept; the schema comes from the first batch,
  with amounts as decimal128(38, 10), so no value is rounded through a float.
"""

from __future__ import annotations

import csv
import decimal
import io
import json
from collections.abc import Sequence
from typing import Any, BinaryIO, Protocol

from .schema import NUMBER_FIELDS

FORMATS = ("jsonl", "csv", "parquet")
Row = dict[str, Any]


class RowWriter(Protocol):
    def write(self, rows: Sequence[Row]) -> None: ...

    def close(self) -> None: ...


def _json_default(value: Any) -> Any:
    if isinstance(value, decimal.Decimal):
        return float(value) if value == value.to_integral_value() else str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


class JsonlWriter:
    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self._encode = json.JSONEncoder(
            ensure_ascii=False, separators=(",", ":"), default=_json_default
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
        return json.dumps(value, ensure_ascii=False, default=_json_default)
    if isinstance(value, float):
        return repr(value)
    return str(value)


class CsvWriter:
    """Flat columns; a reference object `X` becomes `X_ID`, `X_Name`, `X_ResourceUrl`."""

    def __init__(self, out: BinaryIO) -> None:
        self.out = out
        self.columns: list[tuple[str, str | None]] | None = None  # (field, sub-field)

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
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        if self.columns is None:
            self.columns = self._discover(rows)
            writer.writerow([f"{name}_{sub}" if sub else name for name, sub in self.columns])
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
            raise ValueError(f"{name} held a reference in earlier rows but {value!r} here")
        return _csv_text(value.get(sub))

    def close(self) -> None:
        return None


class ParquetWriter:
    """One Parquet file, a row group per batch; the schema is fixed by the first batch."""

    def __init__(self, out: BinaryIO) -> None:
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
        if self.schema is None:
            inferred = pa.Table.from_pylist(list(rows)).schema
            self.schema = pa.schema([self._exact(field) for field in inferred])
            self._writer = self._pq.ParquetWriter(self.out, self.schema, compression="zstd")
        try:
            table = pa.Table.from_pylist(list(rows), schema=self.schema)
        except (pa.ArrowInvalid, pa.ArrowTypeError) as error:
            raise ValueError(
                f"A later page does not fit the Parquet schema of the first ({error}); "
                "export this resource as JSONL or CSV."
            ) from None
        self._writer.write_table(table)

    def close(self) -> None:
        if self._writer is None:  # no rows at all: still a valid (empty) Parquet file
            self._pq.write_table(self._pa.table({}), self.out)
            return
        self._writer.close()


def writer_for(format_name: str, out: BinaryIO) -> RowWriter:
    if format_name == "jsonl":
        return JsonlWriter(out)
    if format_name == "csv":
        return CsvWriter(out)
    if format_name == "parquet":
        return ParquetWriter(out)
    raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {format_name!r}")
