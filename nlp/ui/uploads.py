"""An uploaded survey file: reading it for the column pickers, and sensible default choices.

Uploads are capped in bytes and rows (`upload_limits`: FRITEKST_MAX_UPLOAD_MB, default 50,
and FRITEKST_MAX_UPLOAD_ROWS, default 200,000), so one upload cannot fill the server's memory
or keep it busy for hours.
"""

from __future__ import annotations

import io
import math
import os
import re
import tempfile
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from nlp.errors import FritekstError, InputError
from nlp.io import read_table

MAX_UPLOAD_MB_ENV = "FRITEKST_MAX_UPLOAD_MB"
MAX_UPLOAD_ROWS_ENV = "FRITEKST_MAX_UPLOAD_ROWS"
DEFAULT_MAX_UPLOAD_MB = 50
DEFAULT_MAX_UPLOAD_ROWS = 200_000
_MB = 1024 * 1024
MAX_GROUP_VALUES = 60

_TEXT_NAMES = ("svar", "kommentar", "kommentarer", "fritekst", "tekst", "text", "comment", "answer", "merknad")
_ID_NAMES = ("id", "svarid", "respondentid", "respid", "løpenummer", "lopenummer", "nr")


@dataclass(frozen=True)
class UploadLimits:
    """The largest upload the app accepts."""

    max_mb: float = DEFAULT_MAX_UPLOAD_MB
    max_rows: int = DEFAULT_MAX_UPLOAD_ROWS

    @property
    def max_bytes(self) -> int:
        return int(self.max_mb * _MB)

    @property
    def widget_mb(self) -> int:
        """For Streamlit's uploader, which takes whole megabytes."""
        return max(1, math.ceil(self.max_mb))


def _positive(environ: Mapping[str, str], name: str, default: float, kind: type) -> float:
    raw = (environ.get(name) or "").strip().replace("_", "")
    try:
        value = kind(raw)
    except ValueError:
        return default
    return value if value > 0 and math.isfinite(value) else default


def upload_limits(environ: Mapping[str, str] | None = None) -> UploadLimits:
    """The limits from FRITEKST_MAX_UPLOAD_MB and FRITEKST_MAX_UPLOAD_ROWS; a missing or invalid
    value gives the default."""
    environ = os.environ if environ is None else environ
    return UploadLimits(max_mb=_positive(environ, MAX_UPLOAD_MB_ENV, DEFAULT_MAX_UPLOAD_MB, float),
                        max_rows=int(_positive(environ, MAX_UPLOAD_ROWS_ENV, DEFAULT_MAX_UPLOAD_ROWS, int)))


def uploader_label(limits: UploadLimits) -> str:
    """The upload widget's label, with the limits (Norwegian)."""
    mb = f"{limits.max_mb:g}".replace(".", ",")
    rows = f"{limits.max_rows:,}".replace(",", "\u00a0")
    return f"Fil med svar: CSV, XLSX eller Parquet (maks {mb} MB og {rows} rader)"


class UploadTooLarge(InputError):
    """An upload over the byte or row limit."""


def _number(n: float) -> str:
    """1234.5 -> '1 234,5': written as the app's users read numbers."""
    text = f"{n:,.{0 if float(n).is_integer() else 1}f}"
    return text.replace(",", " ").replace(".", ",")


def check_upload_size(size: int, limits: UploadLimits) -> None:
    if size > limits.max_bytes:
        raise UploadTooLarge(f"the file is {_number(round(size / _MB, 1))} MB; the limit is "
                             f"{_number(limits.max_mb)} MB ({MAX_UPLOAD_MB_ENV})")


def check_upload_rows(rows: int, limits: UploadLimits) -> None:
    if rows > limits.max_rows:
        raise UploadTooLarge(f"the file has {_number(rows)} rows; the limit is {_number(limits.max_rows)} rows "
                             f"({MAX_UPLOAD_ROWS_ENV})")


@dataclass
class UploadedTable:
    name: str
    frame: pd.DataFrame      # every cell as text
    sheets: list[str]        # Excel sheet names (empty for other formats)


def _key(name: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKC", str(name)).casefold() if ch.isalnum())


def read_upload(data: bytes, name: str, sheet: str | None = None,
                limits: UploadLimits | None = None) -> UploadedTable:
    """Read the upload the same way the analysis will (raises InputError on a bad file, and
    UploadTooLarge on one over the limits)."""
    limits = limits or UploadLimits()
    check_upload_size(len(data), limits)
    suffix = Path(name).suffix.lower()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / ("upload" + suffix if suffix else "upload")
        path.write_bytes(data)
        try:
            frame = read_table(path, sheet)
        except FritekstError as exc:  # name the user's file, not the temporary copy
            raise type(exc)(str(exc).replace(path.name, Path(name).name, 1)) from None
    check_upload_rows(len(frame), limits)
    return UploadedTable(Path(name).name, frame, excel_sheets(data) if suffix in (".xlsx", ".xlsm") else [])


def excel_sheets(data: bytes) -> list[str]:
    try:
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
        try:
            return [ws.title for ws in wb.worksheets]
        finally:
            wb.close()
    except Exception:  # noqa: BLE001 - read_table reports a damaged workbook
        return []


def guess_text_column(frame: pd.DataFrame) -> str | None:
    """The column that holds the open answers: a telling name, else the longest texts."""
    if frame.empty or not len(frame.columns):
        return None
    scores = {}
    for col in frame.columns:
        values = frame[col].astype(str).str.strip()
        filled = values[values != ""]
        if filled.empty:
            continue
        numeric = filled.str.fullmatch(r"[-+]?\d+([.,]\d+)?").mean()
        mean_len = filled.str.len().mean()
        words = filled.str.split().str.len().mean()
        score = mean_len * (1 - numeric) + 5 * words
        if _key(col) in _TEXT_NAMES:
            score *= 3
        scores[col] = score
    return max(scores, key=scores.get) if scores else None


def guess_id_column(frame: pd.DataFrame, exclude: str | None = None) -> str | None:
    """A column whose values are all filled in and unique, preferably named like an id."""
    candidates = []
    for col in frame.columns:
        if col == exclude:
            continue
        values = frame[col].astype(str).str.strip()
        if (values == "").any() or not values.is_unique:
            continue
        key = _key(col)
        named = key in _ID_NAMES or key.endswith("id") or key.startswith("id")
        short = values.str.len().mean() <= 40
        if named and short:
            candidates.append((0, list(frame.columns).index(col), col))
    return min(candidates)[2] if candidates else None


def guess_group_columns(frame: pd.DataFrame, exclude: tuple[str | None, ...] = (), limit: int = 6) -> list[str]:
    """Columns that split respondents into a few groups (rolle, fylke, år, spørsmål ...)."""
    out = []
    n = len(frame)
    most = min(MAX_GROUP_VALUES, max(4, int(1.5 * n ** 0.5)))  # groups large enough to compare
    for col in frame.columns:
        if col in exclude:
            continue
        values = frame[col].astype(str).str.strip()
        filled = values[values != ""]
        distinct = filled.nunique()
        if not 2 <= distinct <= most:
            continue
        key = _key(col)
        if key.endswith(("nr", "nummer", "kode", "code", "id")) and filled.str.fullmatch(r"\d+").all():
            continue  # municipality numbers and other codes: the names are the groups
        out.append(col)
    return out[:limit]


def group_candidates(frame: pd.DataFrame, exclude: tuple[str | None, ...] = ()) -> list[str]:
    """Every column that could be a group column (anything but the text and id columns)."""
    return [c for c in frame.columns if c not in exclude]


_SAFE = re.compile(r"[^\w\-. ]")


def download_name(source: str, what: str, suffix: str) -> str:
    """`kommuneundersokelse_2019-temaer.xlsx`: the source's stem, made safe for a file name."""
    stem = _SAFE.sub("_", Path(source).stem).strip(" ._") or "fritekst"
    return f"{stem[:60]}-{what}{suffix}"
