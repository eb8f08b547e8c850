"""The table every reader builds: header and rows as text, with their spreadsheet row numbers."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from nlp.errors import InputError


@dataclass
class RawTable:
    """Header and data rows as strings, with the spreadsheet row number of each data row."""

    header: list[str]
    rows: list[list[str]]
    row_numbers: list[int]
    header_row: int = 1
    #: how the file was read (encoding, delimiter), for messages and logs
    details: dict[str, str] = field(default_factory=dict)

    def frame(self) -> pd.DataFrame:
        data = {name: [row[i] for row in self.rows] for i, name in enumerate(self.header)}
        return pd.DataFrame(data, columns=self.header, dtype=str)


def assemble(
    records: Sequence[Sequence[str]],
    source: str,
    details: dict[str, str],
    extend_header: bool = False,
) -> RawTable:
    """Header = first non-empty record (spreadsheet row = index + 1); pad short rows.

    A row wider than the header is an error for delimited text (a delimiter or quote problem
    would shift every later column), but in a spreadsheet it is just a value written beside
    the table: with ``extend_header`` it gets a ``column_<n>`` column instead. Columns with a
    blank header and no values (Excel formatting) are dropped.
    """
    start = next((i for i, r in enumerate(records) if any(c.strip() for c in r)), None)
    if start is None:
        raise InputError(f"{source}: the file is empty (no header row)")
    header = [clean_header(c) for c in records[start]]
    body = [
        (record, index + 1)
        for index, record in enumerate(
            ([_blank_if_missing(c) for c in r] for r in records[start + 1 :]), start=start + 1
        )
        if any(c.strip() for c in record)
    ]
    if extend_header:
        widest = max((_used_width(record) for record, _ in body), default=0)
        header += [""] * max(0, widest - len(header))
    width = len(header)
    rows: list[list[str]] = []
    numbers: list[int] = []
    for record, number in body:
        if len(record) > width:
            if any(c.strip() for c in record[width:]):
                raise InputError(
                    f"{source}: row {number} (spreadsheet row) has {_used_width(record)} fields "
                    f"but the header has {width} (check the delimiter and quotes; "
                    f"read as {details.get('delimiter', 'a table')}-separated)"
                )
            record = record[:width]
        elif len(record) < width:
            record += [""] * (width - len(record))
        rows.append(record)
        numbers.append(number)
    keep = [
        i for i, name in enumerate(header) if name or any(row[i].strip() for row in rows)
    ]
    # blank names are numbered by spreadsheet position (column D -> column_4)
    header = [header[i] or f"column_{i + 1}" for i in keep]
    if len(keep) < width:
        rows = [[row[i] for i in keep] for row in rows]
    if not header:
        raise InputError(f"{source}: the header row has no column names")
    return RawTable(header, rows, numbers, header_row=start + 1, details=details)


#: whole-cell spellings of "no value" written by pandas, R, Excel and databases
MISSING_MARKERS = frozenset({"nan", "n/a", "#n/a", "na", "null", "none"})


def _blank_if_missing(cell: str) -> str:
    """``""`` for a data cell that only says "missing" (NaN, N/A, #N/A, NA, null, None)."""
    return "" if cell.strip().casefold() in MISSING_MARKERS else cell


def _used_width(record: Sequence[str]) -> int:
    """Number of fields up to the last non-empty one."""
    for i in range(len(record) - 1, -1, -1):
        if record[i].strip():
            return i + 1
    return 0


def clean_header(name: str) -> str:
    return name.replace("\ufeff", "").strip()


def unique_header(header: list[str]) -> list[str]:
    """Blank header cells become ``column_<n>`` (1-based); repeated names get `` (2)``, ..."""
    used: set[str] = set()
    out = []
    for i, name in enumerate(header, start=1):
        base = name or f"column_{i}"
        candidate, k = base, 2
        while candidate in used:
            candidate, k = f"{base} ({k})", k + 1
        used.add(candidate)
        out.append(candidate)
    return out


def reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def column_key(name: str) -> str:
    """Case-, whitespace- and punctuation-free form: "Svar-ID" == "svar id" == "SVAR_ID"."""
    folded = unicodedata.normalize("NFKC", str(name)).casefold()
    return "".join(ch for ch in folded if ch.isalnum())
