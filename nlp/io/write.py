"""`write_table`: result tables as Parquet, CSV/TSV (UTF-8 with BOM) or XLSX, formula-safe."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from nlp.atomic import atomic_file
from nlp.errors import InputError
from nlp.io.excel import excel_text
from nlp.io.raw import reason
from nlp.report.safe_cells import XLSX_OPTIONS, escape_cell, neutralise_frame

WRITABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".parquet")

_EXCEL_MAX_ROWS = 1_048_576
_EXCEL_MAX_CHARS = 32_767


_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def write_table(df: pd.DataFrame, path: str | Path) -> None:
    """Write ``df`` by suffix: .csv (UTF-8 with BOM, comma, opens cleanly in Excel), .tsv,
    .xlsx or .parquet. The index is not written.

    CSV, TSV and XLSX are formula-safe (:mod:`nlp.report.safe_cells`): text cells and headers that
    start with ``= + - @``, a tab or a carriage return get a leading ``'``; number columns are
    untouched. In .xlsx, text is also always stored as text (never a formula or link), control
    characters that XML forbids are removed and cells are cut at Excel's 32,767 characters.
    Parquet keeps the text exactly (it is the machine-readable output). The file is written
    beside the target and moved into place, so a failure never leaves a half-written file or
    destroys the previous one.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in WRITABLE_SUFFIXES:
        raise InputError(
            f"{path.name}: cannot write '{path.suffix or '(none)'}' files "
            f"(supported: {', '.join(WRITABLE_SUFFIXES)})"
        )
    if path.is_dir():
        raise InputError(f"{path.name}: is a folder, not a file ({path})")
    try:
        with atomic_file(path) as tmp:
            _write(df, tmp, suffix, path.name)
    except InputError:
        raise
    except Exception as exc:  # OSError, xlsxwriter's FileCreateError, pyarrow type errors
        raise InputError(f"{path.name}: cannot write file ({reason(exc)})") from None


def _write(df: pd.DataFrame, tmp: Path, suffix: str, shown: str) -> None:
    if suffix == ".parquet":
        out = df.reset_index(drop=True)
        out.columns = [str(c) for c in out.columns]
        out.to_parquet(tmp, index=False)
    elif suffix == ".csv":  # CRLF (RFC 4180): a lone "\r" in a text is then quoted, not a line break
        neutralise_frame(df).to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\r\n")
    elif suffix == ".tsv":
        neutralise_frame(df).to_csv(tmp, index=False, sep="\t", encoding="utf-8", lineterminator="\r\n")
    else:
        _write_xlsx(df, tmp, shown)


def _xlsx_text(value: str) -> str:
    """Text as an XLSX cell holds it: XML-illegal characters removed, formula-escaped, cut."""
    return escape_cell(_ILLEGAL_XML.sub("", value))[:_EXCEL_MAX_CHARS]


def _write_column(ws, c: int, column: pd.Series) -> None:
    """One column's cells: plain bool and number columns in one pass, mixed ones cell by cell.

    A per-cell type check on 10,000 rows x 90 columns (one 0/1 column per theme) cost seconds.
    """
    import math

    import numpy as np

    values = column.tolist()
    if pd.api.types.is_bool_dtype(column.dtype) and not column.isna().any():
        for r, value in enumerate(values, start=1):
            ws.write_boolean(r, c, value)
        return
    if pd.api.types.is_float_dtype(column.dtype) and column.dtype != object:
        for r, value in enumerate(values, start=1):
            if not math.isnan(value):
                ws.write_number(r, c, value)
        return
    if pd.api.types.is_integer_dtype(column.dtype) and column.dtype != object and not column.isna().any() \
            and (len(column) == 0 or int(column.abs().max()) < 2**53):
        for r, value in enumerate(values, start=1):
            ws.write_number(r, c, float(value))
        return
    for r, value in enumerate(values, start=1):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            continue
        if value is pd.NA or value is pd.NaT:
            continue
        if isinstance(value, (bool, np.bool_)):
            ws.write_boolean(r, c, bool(value))
        elif isinstance(value, (float, np.floating)) or (
            isinstance(value, (int, np.integer)) and abs(int(value)) < 2**53
        ):
            ws.write_number(r, c, float(value))
        else:
            text = value if isinstance(value, str) else excel_text(value)
            ws.write_string(r, c, _xlsx_text(text))


def _write_xlsx(df: pd.DataFrame, path: Path, shown: str) -> None:
    """``df`` as one sheet; text cells always as text, escaped by `_xlsx_text`."""
    import xlsxwriter

    if len(df) + 1 > _EXCEL_MAX_ROWS:
        raise InputError(
            f"{shown}: {len(df)} rows do not fit in an Excel sheet "
            f"(max {_EXCEL_MAX_ROWS - 1}); write .csv or .parquet instead"
        )
    wb = xlsxwriter.Workbook(str(path), {**XLSX_OPTIONS, "nan_inf_to_errors": True})
    try:
        ws = wb.add_worksheet("data")
        bold = wb.add_format({"bold": True})
        for c, name in enumerate(df.columns):
            ws.write_string(0, c, _xlsx_text(str(name)), bold)
        for c, (_, column) in enumerate(df.items()):
            _write_column(ws, c, column)
        ws.freeze_panes(1, 0)
    finally:
        wb.close()
