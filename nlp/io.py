"""Reading survey files (CSV/TSV, Excel, Parquet) and writing result tables.

Every cell is read as text, so ids such as ``"0301"`` and answers such as ``"1"`` survive
unchanged. Problems a user can fix raise :class:`~nlp.errors.InputError` with one line that
names the file and, where it applies, the row and column.

Row numbers in messages are *spreadsheet rows*: the header is row 1 and the first data row
is row 2, exactly what a user sees when the file is opened in Excel (a quoted CSV field that
spans several lines still counts as one row). Rows whose every cell is empty carry nothing
and are skipped, but the numbering of the other rows is kept, so a row-number id still points
at the right spreadsheet row (id = spreadsheet row - 1).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import difflib
import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from nlp.errors import InputError
from nlp.report.safe_cells import XLSX_OPTIONS, escape_cell, neutralise_frame

SUPPORTED_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".parquet")
WRITABLE_SUFFIXES = (".csv", ".tsv", ".xlsx", ".parquet")

_TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
_EXCEL_SUFFIXES = (".xlsx", ".xlsm")
_DELIMITERS = (",", ";", "\t")
_DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}
#: records inspected when choosing the delimiter
_SNIFF_RECORDS = 200
_EXCEL_MAX_ROWS = 1_048_576
_EXCEL_MAX_CHARS = 32_767

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls and encrypted .xlsx
_ZIP_MAGIC = b"PK\x03\x04"
_PARQUET_MAGIC = b"PAR1"


@dataclass
class _RawTable:
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


# --------------------------------------------------------------------------- reading


def read_table(path: str | Path, sheet: str | None = None) -> pd.DataFrame:
    """Read a CSV/TSV/TXT, XLSX/XLSM or Parquet file with every column as text.

    Missing cells become ``""``, and so do cells that only say "missing" (``NaN``, ``nan``,
    ``N/A``, ``#N/A``, ``NA``, ``null``, ``None``, any case); no types are inferred. The first
    non-empty row is the header (required). ``sheet`` picks an Excel sheet by name (default: the first sheet) and is
    ignored for other formats. A header-only file gives an empty frame; an empty file raises.
    """
    return _read_raw(path, sheet).frame()


def _read_raw(path: str | Path, sheet: str | None = None) -> _RawTable:
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
        table = _read_delimited(data, source, suffix)
    elif suffix in _EXCEL_SUFFIXES:
        table = _read_excel(data, source, sheet)
    else:
        table = _read_parquet(data, source)
    table.header = _unique_header(table.header)
    return table


# ----------------------------------------------------------------- delimited text


def _decode(data: bytes, source: str) -> tuple[str, str]:
    """Bytes to text: UTF-8 (with or without BOM) strictly, UTF-16 with BOM, then cp1252.

    cp1252 decodes Norwegian ``æøå`` from Windows Excel correctly, and it is only tried when
    strict UTF-8 fails, so UTF-8 text is never misread. charset-normalizer only breaks the tie
    for the rare bytes that cp1252 leaves undefined.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise InputError(
                f"{source}: starts with a UTF-8 marker but is not valid UTF-8 "
                f"(byte {exc.start + 3}: {exc.reason})"
            ) from None
    for bom, codec in ((b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if data.startswith(bom):
            try:
                return data[2:].decode(codec), "utf-16"
            except UnicodeDecodeError as exc:
                raise InputError(f"{source}: invalid UTF-16 text ({exc.reason})") from None
    if data.startswith(_ZIP_MAGIC):
        raise InputError(f"{source}: is a zip/Excel file, not text; save it as .xlsx or export CSV")
    if data.startswith(_OLE_MAGIC):
        raise InputError(
            f"{source}: is an old Excel (.xls) or encrypted file, not text; export CSV"
        )
    if data.startswith(_PARQUET_MAGIC):
        raise InputError(f"{source}: is a Parquet file, not text; rename it to .parquet")
    head = data[:8192]
    if head.count(b"\x00") > len(head) // 4:
        # UTF-16 without a byte-order mark: every other byte of ASCII text is zero
        codec = "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            raise InputError(f"{source}: is a binary file, not CSV text") from None
        sample = text[:4096]
        if sum(ch.isascii() for ch in sample) < len(sample) // 2:
            raise InputError(f"{source}: is a binary file, not CSV text")
        return text, codec
    controls = sum(b < 9 or 13 < b < 32 or b == 127 for b in head)
    if controls > len(head) // 20:
        raise InputError(f"{source}: is a binary file, not CSV text")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        pass
    # Bytes cp1252 leaves undefined: an old DOS (cp850) or Mac export, or cp1252 with stray
    # bytes. Pick the reading with the most Norwegian letters and the fewest oddities.
    # (charset-normalizer was tried here and misreads short Norwegian samples as UTF-16/CJK.)
    candidates = []
    for order, codec in enumerate(("cp1252", "cp850", "mac_roman")):
        sample = data[:65536].decode(codec, errors="replace")
        candidates.append((_plausibility(sample), -order, codec))
    codec = max(candidates)[2]
    return data.decode(codec, errors="replace"), codec


_NORWEGIAN_LETTERS = set("æøåÆØÅ")
_PLAIN = set(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    " \t\r\n.,;:!?-_()[]/'\"%&+=*@#éÉèüÜöÖäÄ«»–—’“”§€"
)


def _plausibility(text: str) -> int:
    """Norwegian letters count for a decoding, characters unusual in survey answers against."""
    norwegian = sum(ch in _NORWEGIAN_LETTERS for ch in text)
    odd = sum(ch not in _PLAIN and ch not in _NORWEGIAN_LETTERS for ch in text)
    return norwegian - 3 * odd


def _parse(text: str, delimiter: str, strict: bool, limit: int | None = None) -> list[list[str]]:
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=delimiter,
        quotechar='"',
        doublequote=True,
        strict=strict,
    )
    records = []
    for record in reader:
        records.append(record)
        if limit is not None and len(records) >= limit:
            break
    return records


def _choose_delimiter(text: str, suffix: str) -> str:
    """Pick ``,`` ``;`` or tab: the one that gives a multi-column header with consistent rows.

    csv.Sniffer only breaks ties: on its own it is fooled by commas inside answers of
    semicolon files (the Norwegian Excel default) and by quoted multi-line fields.
    """
    try:
        sniffed = csv.Sniffer().sniff(text[:16384], delimiters="".join(_DELIMITERS)).delimiter
    except csv.Error:
        sniffed = None
    default = "\t" if suffix == ".tsv" else ","
    scored = []
    for order, delim in enumerate(_DELIMITERS):
        records = [r for r in _parse(text, delim, strict=False, limit=_SNIFF_RECORDS) if r]
        if not records:
            continue
        width = len(records[0])
        body = records[1:]
        consistency = sum(len(r) == width for r in body) / len(body) if body else 1.0
        key = (
            width > 1,
            consistency,
            delim == default if width == 1 else delim == sniffed,
            delim == sniffed,
            width,
            -order,
        )
        scored.append((key, delim))
    if not scored:
        return default
    return max(scored)[1]


def _read_delimited(data: bytes, source: str, suffix: str) -> _RawTable:
    text, encoding = _decode(data, source)
    if text.startswith("\ufeff"):  # a BOM inside UTF-16, or a doubled one
        text = text[1:]
    if not text.strip():
        raise InputError(f"{source}: the file is empty")
    csv.field_size_limit(2**31 - 1)
    delimiter = _choose_delimiter(text, suffix)
    try:
        records = _parse(text, delimiter, strict=True)
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            row = len(_parse(text, delimiter, strict=False)) or 1
            raise InputError(
                f'{source}: row {row} (spreadsheet row) opens a quote (") that is never closed'
            ) from None
        records = _parse(text, delimiter, strict=False)  # stray quotes inside fields
    return _assemble(
        records, source, details={"encoding": encoding, "delimiter": _DELIMITER_NAMES[delimiter]}
    )


def _assemble(
    records: Sequence[Sequence[str]],
    source: str,
    details: dict[str, str],
    extend_header: bool = False,
) -> _RawTable:
    """Header = first non-empty record (spreadsheet row = index + 1); pad short rows.

    A row wider than the header is an error for delimited text (a delimiter or quote problem
    would shift every later column), but in a spreadsheet it is just a value written beside
    the table: with ``extend_header`` it gets a ``column_<n>`` column instead. Columns with a
    blank header and no values (Excel formatting) are dropped.
    """
    start = next((i for i, r in enumerate(records) if any(c.strip() for c in r)), None)
    if start is None:
        raise InputError(f"{source}: the file is empty (no header row)")
    header = [_clean_header(c) for c in records[start]]
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
    return _RawTable(header, rows, numbers, header_row=start + 1, details=details)


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


def _clean_header(name: str) -> str:
    return name.replace("\ufeff", "").strip()


def _unique_header(header: list[str]) -> list[str]:
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


# ----------------------------------------------------------------------- Excel

_OOXML_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _excel_text(value: object) -> str:
    """A cell value as the text a user sees, without float noise (``1.0`` -> ``"1"``)."""
    if value is None:
        return ""
    if isinstance(value, str):
        # OOXML escapes control characters as _xHHHH_ (Excel writes "\r" as _x000D_)
        return _OOXML_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return format(value, ".15g")
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, (_dt.date, _dt.time)):
        return value.isoformat()
    return str(value)


def _read_excel(data: bytes, source: str, sheet: str | None) -> _RawTable:
    if data.startswith(_OLE_MAGIC):
        raise InputError(
            f"{source}: is an old Excel (.xls) or password-protected workbook; "
            "save it as an unprotected .xlsx"
        )
    if not data.startswith(_ZIP_MAGIC):
        raise InputError(f"{source}: is not a valid Excel .xlsx file (not a zip archive)")
    import openpyxl

    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, AttributeError) as exc:
        raise InputError(f"{source}: cannot read the Excel file ({_reason(exc)})") from None
    except Exception as exc:  # openpyxl raises assorted types on damaged XML
        raise InputError(f"{source}: cannot read the Excel file ({_reason(exc)})") from None
    try:
        names = [ws.title for ws in wb.worksheets]
        if not names:
            raise InputError(f"{source}: the workbook has no worksheets")
        if sheet is None:
            ws = wb.worksheets[0]
        else:
            title = _match_sheet(sheet, names)
            if title is None:
                raise InputError(
                    f"{source}: no sheet '{sheet}' (sheets: {', '.join(names)})"
                )
            ws = wb[title]
        try:
            ws.reset_dimensions()  # some writers store wrong dimensions; read every cell
            records = [
                [_excel_text(cell.value) for cell in row] for row in ws.iter_rows()
            ]
        except InputError:
            raise
        except Exception as exc:
            raise InputError(
                f"{source}: cannot read sheet '{ws.title}' ({_reason(exc)})"
            ) from None
    finally:
        wb.close()
    while records and not any(c.strip() for c in records[-1]):
        records.pop()
    if not records:
        raise InputError(f"{source}: sheet '{ws.title}' is empty")
    return _assemble(records, source, details={"sheet": ws.title}, extend_header=True)


def _match_sheet(wanted: str, names: Sequence[str]) -> str | None:
    if wanted in names:
        return wanted
    key = _column_key(wanted)
    matches = [n for n in names if _column_key(n) == key]
    return matches[0] if len(matches) == 1 else None


def _reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


# --------------------------------------------------------------------- Parquet


def _read_parquet(data: bytes, source: str) -> _RawTable:
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(io.BytesIO(data))
    except Exception as exc:  # ArrowInvalid, OSError, ... on a damaged file
        raise InputError(f"{source}: cannot read the Parquet file ({_reason(exc)})") from None
    header = [_clean_header(str(name)) for name in table.column_names]
    columns: list[list[str]] = []
    for column in table.columns:
        if pa.types.is_dictionary(column.type):
            column = column.cast(column.type.value_type)
        kind = column.type
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            values = column.to_pylist()
        elif pa.types.is_floating(kind):
            values = [None if v is None else _excel_text(float(v)) for v in column.to_pylist()]
        elif pa.types.is_boolean(kind):
            values = [None if v is None else ("TRUE" if v else "FALSE") for v in column.to_pylist()]
        elif pa.types.is_integer(kind) or pa.types.is_decimal(kind):
            values = pc.cast(column, pa.string()).to_pylist()
        else:
            values = [None if v is None else _excel_text(v) for v in column.to_pylist()]
        columns.append(["" if v is None else str(v) for v in values])
    if not header:
        raise InputError(f"{source}: the Parquet file has no columns")
    records = [header] + ([list(row) for row in zip(*columns)] if table.num_rows else [])
    return _assemble(records, source, details={})


# --------------------------------------------------------------------- columns


def _column_key(name: str) -> str:
    """Case-, whitespace- and punctuation-free form: "Svar-ID" == "svar id" == "SVAR_ID"."""
    folded = unicodedata.normalize("NFKC", str(name)).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def resolve_column(df: pd.DataFrame, name: str, source: str) -> str:
    """The column of ``df`` that ``name`` refers to, as spelt in the file.

    Matching, strictest first: exact; ignoring case and surrounding spaces; ignoring case,
    spaces and punctuation (so ``svar-id``, ``Svar ID``, ``SVAR_ID`` and ``svarid`` all find
    ``Svar-ID``). Letters such as ``æøå`` and digits always count. If two columns match at the
    same level the name is ambiguous and an :class:`InputError` lists them.
    """
    columns = [str(c) for c in df.columns]
    wanted = str(name)
    if wanted in columns:
        return wanted
    tests = (
        lambda c: c.strip().casefold() == wanted.strip().casefold(),
        lambda c: _column_key(c) == _column_key(wanted) and _column_key(wanted) != "",
    )
    for test in tests:
        matches = [c for c in columns if test(c)]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise InputError(
                f"{source}: column name '{name}' is ambiguous "
                f"(matches {', '.join(repr(m) for m in matches)}); use the exact name"
            )
    hint = ""
    keys = {_column_key(c): c for c in columns}
    close = difflib.get_close_matches(_column_key(wanted), list(keys), n=1, cutoff=0.75)
    if close:
        hint = f"; did you mean '{keys[close[0]]}'?"
    shown = columns[:30]
    more = f", ... ({len(columns) - 30} more)" if len(columns) > 30 else ""
    available = ", ".join(shown) + more if columns else "none"
    raise InputError(f"{source}: no column '{name}' (available: {available}){hint}")


# ---------------------------------------------------------------------- survey


@dataclass
class Survey:
    """One survey file reduced to what the analysis needs, one row per input row."""

    source: str  # file name for messages
    frame: pd.DataFrame  # "id", "text", then the group columns under their original names
    text_column: str  # the resolved original column name
    id_column: str | None
    group_columns: list[str]  # resolved original names


def _row_list(rows: Sequence[int], limit: int = 10) -> str:
    shown = ", ".join(str(r) for r in rows[:limit])
    return shown + (f", ... ({len(rows) - limit} more)" if len(rows) > limit else "")


def load_survey(
    path: str | Path,
    text_column: str,
    id_column: str | None = None,
    group_columns: Sequence[str] = (),
    sheet: str | None = None,
) -> Survey:
    """Read a survey file and pick its text, id and group columns.

    Ids come from ``id_column`` (stripped; every id must be non-empty and unique) or else are
    the 1-based data row number (spreadsheet row - 1) as a string. The text is kept as read
    (``""`` for an empty cell); cleaning happens later. Errors name the file, the column and
    the spreadsheet rows involved.
    """
    raw = _read_raw(path, sheet)
    source = Path(path).name or str(path)
    df = raw.frame()
    if not len(df):
        raise InputError(f"{source}: no data rows (only a header: {', '.join(raw.header)})")

    text_name = resolve_column(df, text_column, source)
    id_name = resolve_column(df, id_column, source) if id_column else None
    groups: list[str] = []
    for group in group_columns:
        resolved = resolve_column(df, group, source)
        if resolved in ("id", "text"):
            raise InputError(
                f"{source}: group column '{resolved}' clashes with the output column "
                f"'{resolved}'; rename it in the file"
            )
        if resolved not in groups:
            groups.append(resolved)

    texts = df[text_name].tolist()
    if not any(t.strip() for t in texts):
        raise InputError(
            f"{source}: column '{text_name}' has no text in any of its {len(texts)} rows"
        )

    if id_name is not None:
        ids = [" ".join(v.split()) for v in df[id_name].tolist()]
        empty = [n for v, n in zip(ids, raw.row_numbers) if not v]
        if empty:
            raise InputError(
                f"{source}: column '{id_name}' has empty ids at rows {_row_list(empty)} "
                "(spreadsheet rows)"
            )
        positions: dict[str, list[int]] = {}
        for v, n in zip(ids, raw.row_numbers):
            positions.setdefault(v, []).append(n)
        repeated = [v for v, rows in positions.items() if len(rows) > 1]
        if repeated:
            rows = sorted(n for v in repeated for n in positions[v])
            raise InputError(
                f"{source}: column '{id_name}' has duplicate ids at rows {_row_list(rows)} "
                f"(spreadsheet rows; first: '{repeated[0]}')"
            )
    else:
        ids = [str(n - raw.header_row) for n in raw.row_numbers]

    frame = pd.DataFrame({"id": ids, "text": texts}, dtype=str)
    for group in groups:
        frame[group] = df[group].to_numpy()
    frame = frame.reset_index(drop=True)
    return Survey(
        source=source,
        frame=frame,
        text_column=text_name,
        id_column=id_name,
        group_columns=groups,
    )


# --------------------------------------------------------------------- writing

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
    import os
    import uuid

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in WRITABLE_SUFFIXES:
        raise InputError(
            f"{path.name}: cannot write '{path.suffix or '(none)'}' files "
            f"(supported: {', '.join(WRITABLE_SUFFIXES)})"
        )
    if path.is_dir():
        raise InputError(f"{path.name}: is a folder, not a file ({path})")
    tmp: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:12]}.tmp")
        if suffix == ".parquet":
            out = df.reset_index(drop=True)
            out.columns = [str(c) for c in out.columns]
            out.to_parquet(tmp, index=False)
        elif suffix == ".csv":  # CRLF (RFC 4180): a lone "\r" in a text is then quoted, not a line break
            neutralise_frame(df).to_csv(tmp, index=False, encoding="utf-8-sig", lineterminator="\r\n")
        elif suffix == ".tsv":
            neutralise_frame(df).to_csv(tmp, index=False, sep="\t", encoding="utf-8", lineterminator="\r\n")
        else:
            _write_xlsx(df, tmp, path.name)
        os.replace(tmp, path)
        tmp = None
    except InputError:
        raise
    except Exception as exc:  # OSError, xlsxwriter's FileCreateError, pyarrow type errors
        raise InputError(f"{path.name}: cannot write file ({_reason(exc)})") from None
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)


def _xlsx_text(value: str) -> str:
    """Text as an XLSX cell holds it: XML-illegal characters removed, formula-escaped, cut."""
    return escape_cell(_ILLEGAL_XML.sub("", value))[:_EXCEL_MAX_CHARS]


def _write_xlsx(df: pd.DataFrame, path: Path, shown: str) -> None:
    """``df`` as one sheet; text cells always as text, escaped by `_xlsx_text`."""
    import math

    import numpy as np
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
            for r, value in enumerate(column.tolist(), start=1):
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
                    text = value if isinstance(value, str) else _excel_text(value)
                    ws.write_string(r, c, _xlsx_text(text))
        ws.freeze_panes(1, 0)
    finally:
        wb.close()
