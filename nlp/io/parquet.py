"""Parquet files: every column as text."""

from __future__ import annotations

import io


from nlp.errors import InputError
from nlp.io.excel import excel_text
from nlp.io.raw import RawTable, assemble, clean_header, reason


def read_parquet(data: bytes, source: str) -> RawTable:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
    except Exception as exc:  # ArrowInvalid, OSError, ... on a damaged file
        raise InputError(f"{source}: cannot read the Parquet file ({reason(exc)})") from None
    header = [clean_header(str(name)) for name in table.column_names]
    columns: list[list[str]] = []
    for column in table.columns:
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        kind = column.type
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            values = column.to_pylist()
        elif pa.types.is_floating(kind):
            values = [None if v is None else excel_text(float(v)) for v in column.to_pylist()]
        elif pa.types.is_boolean(kind):
            values = [None if v is None else ("TRUE" if v else "FALSE") for v in column.to_pylist()]
        elif pa.types.is_integer(kind) or pa.types.is_decimal(kind):
            values = pc.cast(column, pa.string()).to_pylist()
        else:
            values = [None if v is None else excel_text(v) for v in column.to_pylist()]
        columns.append(["" if v is None else str(v) for v in values])
    if not header:
        raise InputError(f"{source}: the Parquet file has no columns")
    records = [header] + ([list(row) for row in zip(*columns)] if table.num_rows else [])
    return assemble(records, source, details={})
