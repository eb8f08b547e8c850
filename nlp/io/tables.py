"""`read_table`: any supported file to a frame of text columns."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from nlp.errors import InputError
from nlp.io.delimited import read_delimited
from nlp.io.excel import read_excel
from nlp.io.parquet import read_parquet
from nlp.io.raw import RawTable, unique_header

SUPPORTED_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".parquet")

_TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
_EXCEL_SUFFIXES = (".xlsx", ".xlsm")


def read_table(path: str | Path, sheet: str | None = None) -> pd.DataFrame:
    """Read a CSV/TSV/TXT, XLSX/XLSM or Parquet file with every column as text.

    Missing cells become ``""``, and so do cells that only say "missing" (``NaN``, ``nan``,
    ``N/A``, ``#N/A``, ``NA``, ``null``, ``None``, any case); no types are inferred. The first
    non-empty row is the header (required). ``sheet`` picks an Excel sheet by name (default: the first sheet) and is
    ignored for other formats. A header-only file gives an empty frame; an empty file raises.
    """
    return read_raw(path, sheet).frame()


def read_raw(path: str | Path, sheet: str | None = None) -> RawTable:
    path = Path(path)
    source = path.name or str(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputError(
            f"{source}: unsupported file type '{path.suffix or '(none)'}' "
            f"(supported: {', '.join(SUPPORTED_SUFFIXES)})"
        )
    if not path.exists():
        raise InputError(f"{source}: file not found ({path})")
    if path.is_dir():
        raise InputError(f"{source}: is a folder, not a file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{source}: cannot read file ({exc.strerror or exc})") from None
    if not data.strip():
        raise InputError(f"{source}: the file is empty")

    if suffix in _TEXT_SUFFIXES:
        table = read_delimited(data, source, suffix)
    elif suffix in _EXCEL_SUFFIXES:
        table = read_excel(data, source, sheet)
    else:
        table = read_parquet(data, source)
    table.header = unique_header(table.header)
    return table
