"""Spreadsheet formula neutralisation (CSV/formula injection, OWASP) for every table written.

A respondent can type ``=HYPERLINK(...)`` or ``@SUM(A1)``; opened in Excel or LibreOffice a
CSV or XLSX cell that starts with ``=`` ``+`` ``-`` ``@``, a tab or a carriage return may be
evaluated as a formula. Every CSV, TSV and XLSX this project writes (``comments.xlsx``,
``topics.csv``, ``summary.xlsx``, ``tag --out``, the app's downloads) passes its text cells and
column headers through :func:`escape_cell`, which prefixes such text with a single quote
``'``. Numeric, boolean and date columns are left alone, so real numbers stay numbers (``-1``
in a number column is a number, not a formula). Parquet keeps the original text: it is the
machine-readable output and spreadsheet programs do not open it. Sheet names are not cells and
are never evaluated (Excel also forbids a leading ``'`` in them), so they are left as they are.

The escape is reversible: text that already starts with quotes followed by a trigger character
gets one more quote, so :func:`unescape_cell` gives back exactly the original (``load_run``
uses it for the theme labels in ``topics.csv``).
"""

from __future__ import annotations

import pandas as pd

#: characters that make a spreadsheet cell a formula (or start one in some programs)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

#: xlsxwriter options: text is always written as text, never as a formula, link or number
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def _needs_quote(text: str) -> bool:
    return text.lstrip("'").startswith(FORMULA_START)


def escape_cell(value):
    """``'`` + text for text that a spreadsheet could read as a formula; anything else unchanged."""
    if isinstance(value, str) and _needs_quote(value):
        return "'" + value
    return value


def unescape_cell(value):
    """The inverse of :func:`escape_cell`."""
    if isinstance(value, str) and value.startswith("'") and _needs_quote(value):
        return value[1:]
    return value


def neutralise_frame(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``df`` with text cells and column headers escaped; numeric columns untouched.

    Text is escaped in object, string and category columns (group values, labels, ids); numbers
    stored in such a column (mixed types) stay numbers.
    """
    out = df.copy()
    out.columns = [escape_cell(str(c)) if isinstance(c, str) else c for c in df.columns]
    for i in range(out.shape[1]):
        column = out.iloc[:, i]
        if isinstance(column.dtype, pd.CategoricalDtype):
            column = column.astype(object)
        elif not (pd.api.types.is_object_dtype(column.dtype) or pd.api.types.is_string_dtype(column.dtype)):
            continue
        out.isetitem(i, column.map(escape_cell, na_action="ignore"))
    return out
