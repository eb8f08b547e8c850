"""Reading survey files (CSV/TSV, Excel, Parquet) and writing result tables: the public face.

Every cell is read as text, so ids such as ``"0301"`` and answers such as ``"1"`` survive
unchanged. Problems a user can fix raise :class:`~nlp.errors.InputError` with one line that
names the file and, where it applies, the row and column.

Row numbers in messages are *spreadsheet rows*: the header is row 1 and the first data row
is row 2, exactly what a user sees when the file is opened in Excel (a quoted CSV field that
spans several lines still counts as one row). Rows whose every cell is empty carry nothing
and are skipped, but the numbering of the other rows is kept, so a row-number id still points
at the right spreadsheet row (id = spreadsheet row - 1).
"""

from nlp.faces import public_face

__getattr__, __all__ = public_face(__name__, {
    "Survey": "survey",
    "load_survey": "survey",
    "resolve_column": "survey",
    "read_table": "tables",
    "SUPPORTED_SUFFIXES": "tables",
    "write_table": "write",
    "WRITABLE_SUFFIXES": "write",
})
