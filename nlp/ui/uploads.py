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
_ID_NAMES = ("id", "svarid", "respondentid", "respid", "respondent", "respondentnr", "respondentnummer",
             "løpenummer", "lopenummer", "nr")
#: words in a column name that say it holds a rating (checked on the name without spaces or punctuation)
_RATING_WORDS = ("nyttig", "fornøyd", "fornoyd", "tilfreds", "vurder", "karakter", "anbefal", "score", "rating",
                 "nps", "skala", "hvorgodt", "hvorenig")
_SCALE_IN_NAME = re.compile(r"(?<!\d)(0|1)\s*[-–—]\s*(5|7|10)(?!\d)")
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")
#: the rating scales the upload form offers (`nlp.report.rating_drivers.SCALES`); None: inferred from the values
SCALE_CHOICES: dict[str, tuple[float, float] | None] = {
    "Gjett ut fra verdiene": None, "1–5": (1.0, 5.0), "1–7": (1.0, 7.0), "0–10": (0.0, 10.0)}


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


def _filled(frame: pd.DataFrame, col) -> pd.Series:
    values = frame[col].astype(str).str.strip()
    return values[values != ""]


def guess_text_columns(frame: pd.DataFrame, exclude: tuple[str | None, ...] = ()) -> list[str]:
    """The columns of open answers, in file order: mostly unique free text.

    A column qualifies when its filled cells are mostly distinct (at least half), are words
    rather than numbers or codes (letters in at least 80 %), and run to three words or more on
    average. That keeps out ids (one token), categories (few distinct values, however long:
    the question column of a long file) and short labels (municipality names). Blank cells do
    not count against a column: in a wide export most respondents skip most questions. Empty
    when no column qualifies (`guess_text_column` then picks the single most text-like one).
    """
    out = []
    for col in frame.columns:
        if col in exclude:
            continue
        filled = _filled(frame, col)
        if len(filled) < min(3, len(frame)) or filled.empty:
            continue
        distinct = filled.nunique() / len(filled)
        letters = filled.str.contains(r"[^\W\d_]{2,}", regex=True).mean()
        words = filled.str.split().str.len().mean()
        if distinct >= 0.5 and letters >= 0.8 and words >= 3:
            out.append(col)
    return out


def rating_candidates(frame: pd.DataFrame, exclude: tuple[str | None, ...] = ()) -> list[str]:
    """Columns that look like a rating, in file order: nearly every filled cell a number (80 %),
    nearly all of them (90 %) within 0-10, and at least two different values. Years, municipality
    numbers and other codes fall outside 0-10; a few typos or "vet ikke" do not disqualify a
    column (the drivers name and leave out those rows)."""
    out = []
    for col in frame.columns:
        if col in exclude:
            continue
        filled = _filled(frame, col)
        if len(filled) < 2:
            continue
        numeric = filled[filled.str.fullmatch(_NUMBER)]
        if len(numeric) < 0.8 * len(filled):
            continue
        values = pd.to_numeric(numeric.str.replace(",", ".", regex=False), errors="coerce").dropna()
        if values.between(0, 10).mean() < 0.9 or values.nunique() < 2:
            continue
        out.append(col)
    return out


def guess_rating_column(frame: pd.DataFrame, exclude: tuple[str | None, ...] = ()) -> str | None:
    """The rating to link the themes to: a rating-like column (`rating_candidates`) whose name says
    so (a scale such as "(1-5)", or words like nyttig, fornøyd, vurdering, anbefale); else none,
    since a rating changes what the run reports and should be the analyst's choice."""
    for col in rating_candidates(frame, exclude):
        name = str(col)
        if _SCALE_IN_NAME.search(name) or any(w in _key(name) for w in _RATING_WORDS):
            return col
    return None


def guess_scale_choice(column: str) -> str:
    """The form's scale for a rating column: the one its name states ("Nytte (1-5)"), else inferred."""
    found = _SCALE_IN_NAME.search(str(column))
    label = f"{found.group(1)}–{found.group(2)}" if found else ""
    return label if label in SCALE_CHOICES else next(iter(SCALE_CHOICES))


def guess_id_column(frame: pd.DataFrame, exclude: str | tuple[str | None, ...] | None = None) -> str | None:
    """A column whose values are all filled in and unique, preferably named like an id."""
    excluded = (exclude,) if isinstance(exclude, str) or exclude is None else tuple(exclude)
    candidates = []
    for col in frame.columns:
        if col in excluded:
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
