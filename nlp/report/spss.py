"""SPSS export: one row per comment, each theme a 0/1 variable with value and variable labels.

Analysts in Norwegian public bodies often continue in SPSS; a ``.sav`` file carries what a CSV
loses: the theme labels as variable labels, "Nei"/"Ja" on the 0/1 codes, sentiment as a
labelled numeric and the original column names (with spaces, æøå and question marks) as
variable labels on valid SPSS names. Text is written unchanged (a cell starting with ``=`` is
a spreadsheet concern, not SPSS's). The file is written to a temporary name and renamed, so a
failed export never leaves a half-written ``.sav`` behind.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from nlp.atomic import atomic_file
from nlp.errors import OutputError
from nlp.report.rating_drivers import answer_themes
from nlp.themes.membership import members

#: SPSS limits, in bytes (UTF-8)
MAX_NAME_BYTES = 64
MAX_VARIABLE_LABEL_BYTES = 256
MAX_VALUE_LABEL_BYTES = 120
MAX_FILE_LABEL_BYTES = 64
#: SPSS keywords that cannot be variable names
RESERVED = frozenset({"ALL", "AND", "BY", "EQ", "GE", "GT", "LE", "LT", "NE", "NOT", "OR", "TO", "WITH"})

THEME_VALUE_LABELS = {0: "Nei", 1: "Ja"}
#: sentiment labels as codes: the order of nlp.sentiment's LABELS, then mixed
SENTIMENT_CODES = {"positive": 1, "negative": 2, "neutral": 3, "mixed": 4}
SENTIMENT_VALUE_LABELS = {1: "Positiv", 2: "Negativ", 3: "Nøytral", 4: "Blandet"}

_TRANSLIT = str.maketrans({"æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "å": "aa", "Å": "AA", "ß": "ss"})


@dataclass(frozen=True)
class SavLayout:
    """What was written: the SPSS name of each column and theme, for the run summary."""

    path: Path
    rows: int
    names: dict[str, str]            # source column -> SPSS variable
    theme_variables: dict[int, str]  # theme id -> SPSS variable


def _truncate(text: str, limit: int) -> str:
    """At most ``limit`` UTF-8 bytes, never cutting a character in half."""
    data = text.encode("utf-8")
    return text if len(data) <= limit else data[:limit].decode("utf-8", errors="ignore")


def spss_name(name: object, taken: set[str]) -> str:
    """A valid, unique SPSS variable name for ``name``, added to ``taken`` (upper-cased).

    ASCII only (æ -> ae, ø -> o, å -> aa; other accents dropped) so the file opens the same in
    SPSS's code-page and Unicode modes; starts with a letter, letters/digits/_ only, no trailing
    underscore, not a keyword, at most 64 bytes; names are compared case-insensitively as in SPSS.
    """
    text = unicodedata.normalize("NFKD", str(name).translate(_TRANSLIT))
    text = text.encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9_]+", "_", text)
    text = re.sub(r"_+", "_", text).strip("_")
    if not text or not text[0].isalpha():
        text = f"v_{text}".rstrip("_")
    if text.upper() in RESERVED:
        text = f"{text}_v"
    base = text[:MAX_NAME_BYTES].rstrip("_")
    candidate, k = base, 1
    while candidate.upper() in taken:
        k += 1
        suffix = f"_{k}"
        candidate = base[: MAX_NAME_BYTES - len(suffix)].rstrip("_") + suffix
    taken.add(candidate.upper())
    return candidate


def _sentiment_variable(values: pd.Series) -> tuple[pd.Series, dict[int, str]]:
    """Sentiment labels as codes 1-4 (unknown labels get the next codes); blank = system-missing."""
    codes = dict(SENTIMENT_CODES)
    labels = dict(SENTIMENT_VALUE_LABELS)
    text = values.astype("string").str.strip()
    for extra in sorted(set(text.dropna()) - set(codes) - {""}):
        codes[extra] = max(codes.values()) + 1
        labels[codes[extra]] = _truncate(extra, MAX_VALUE_LABEL_BYTES)
    numeric = text.map(codes, na_action="ignore").astype("float64")
    return numeric, labels


def _plain_variable(values: pd.Series) -> tuple[pd.Series, str]:
    """A column as SPSS can hold it, with its measure: numbers stay numbers, the rest is text."""
    if pd.api.types.is_bool_dtype(values):
        return values.astype("float64"), "nominal"
    if pd.api.types.is_numeric_dtype(values):
        return values.astype("float64"), "scale"
    if pd.api.types.is_datetime64_any_dtype(values):
        return values, "scale"
    text = values.astype("string").fillna("").astype(object)
    return text, "nominal"


def sav_frame(
    comments: pd.DataFrame,
    themes: Sequence[tuple[int, str]],
    codes_column: str | None = "codes",
    columns: Iterable[str] | None = None,
    sentiment_column: str | None = "sentiment",
    value_labels: Mapping[str, Mapping[float, str]] | None = None,
    theme_prefix: str = "tema_",
) -> tuple[pd.DataFrame, dict, SavLayout]:
    """The frame and metadata :func:`write_sav` writes (separate so it can be checked without I/O).

    Returns the frame with SPSS names, the keyword arguments for ``pyreadstat.write_sav`` and the
    layout (with ``path`` left empty).
    """
    if codes_column is not None and codes_column not in comments.columns:
        raise ValueError(f"no theme column {codes_column!r} in the comments")
    columns = [c for c in comments.columns if c != codes_column] if columns is None else list(columns)
    missing = [c for c in columns if c not in comments.columns]
    if missing:
        raise ValueError(f"columns not in the comments: {missing}")
    theme_ids = [int(t) for t, _ in themes]
    if len(set(theme_ids)) != len(theme_ids):
        raise ValueError("a theme id occurs twice in the theme list")
    if codes_column is None:  # the table's own 0/1 theme columns: every code of each comment
        membership = pd.DataFrame(members(comments, theme_ids).astype(np.int8), columns=theme_ids)
    else:
        membership = answer_themes(comments[codes_column])
        unknown = sorted(set(membership.columns) - set(theme_ids))
        if unknown:
            raise ValueError(f"theme ids {unknown} are in {codes_column!r} but not in the theme list")
        membership = membership.reindex(columns=theme_ids, fill_value=0)

    taken: set[str] = set()
    # themes first, so tema_3 always means theme 3 whatever the survey's own columns are called
    theme_vars = {t: spss_name(f"{theme_prefix}{t}", taken) for t in theme_ids}
    names = {c: spss_name(c, taken) for c in columns}
    value_labels = dict(value_labels or {})

    data: dict[str, pd.Series] = {}
    labels: dict[str, str] = {}
    measures: dict[str, str] = {}
    formats: dict[str, str] = {}  # whole-number codes shown without decimals
    spss_value_labels: dict[str, dict[float, str]] = {}
    for column in columns:
        var = names[column]
        series = comments[column]
        if column == sentiment_column:
            data[var], spss_value_labels[var] = _sentiment_variable(series)
            measures[var], formats[var] = "nominal", "F2.0"
        else:
            data[var], measures[var] = _plain_variable(series)
            if column in value_labels:
                spss_value_labels[var] = {k: _truncate(str(v), MAX_VALUE_LABEL_BYTES)
                                          for k, v in value_labels[column].items()}
                measures[var] = "nominal"
        labels[var] = _truncate(str(column), MAX_VARIABLE_LABEL_BYTES)
    for (t, label), var in zip(themes, theme_vars.values()):
        data[var] = membership[int(t)].astype("float64")
        labels[var] = _truncate(str(label).strip() or f"Tema {t}", MAX_VARIABLE_LABEL_BYTES)
        measures[var], formats[var] = "nominal", "F1.0"
        spss_value_labels[var] = dict(THEME_VALUE_LABELS)
    frame = pd.DataFrame({k: v.to_numpy() for k, v in data.items()}, index=pd.RangeIndex(len(comments)))
    kwargs = {"column_labels": labels, "variable_value_labels": spss_value_labels, "variable_measure": measures,
              "variable_format": formats}
    layout = SavLayout(Path(), len(frame), names, theme_vars)
    return frame, kwargs, layout


def write_sav(
    comments: pd.DataFrame,
    themes: Sequence[tuple[int, str]],
    path: str | Path,
    codes_column: str | None = "codes",
    columns: Iterable[str] | None = None,
    sentiment_column: str | None = "sentiment",
    value_labels: Mapping[str, Mapping[float, str]] | None = None,
    theme_prefix: str = "tema_",
    file_label: str = "fritekst",
) -> SavLayout:
    """Write one row per comment to an SPSS ``.sav`` file, atomically; returns the layout.

    ``comments``: one row per comment/answer. ``themes``: (id, label) for every theme, in the
    order the variables should have; each becomes ``tema_<id>``, 0/1 with "Nei"/"Ja" and the
    label as variable label. ``codes_column`` holds each comment's themes: ``|``-joined ids or an
    int topic id (-1 / -2 = none); None reads the table's 0/1 theme columns (every code of each
    comment, `nlp.themes.membership.members`). ``columns`` (default: all but ``codes_column``) are carried
    over under valid SPSS names with the original name as variable label: numbers as numbers,
    everything else as text (ids such as "0301" stay text), ``sentiment_column`` as a labelled
    numeric, and any column in ``value_labels`` with those labels.
    """
    import pyreadstat  # a heavy C extension, only needed when exporting

    frame, kwargs, layout = sav_frame(comments, themes, codes_column, columns, sentiment_column,
                                      value_labels, theme_prefix)
    path = Path(path)
    if path.is_dir():
        raise OutputError(f"{path.name}: is a folder, not a file ({path})")
    try:
        with atomic_file(path) as tmp:
            pyreadstat.write_sav(frame, tmp, file_label=_truncate(file_label, MAX_FILE_LABEL_BYTES), **kwargs)
    except Exception as exc:  # OSError, or pyreadstat's own errors for what it cannot write
        raise OutputError(f"{path.name}: cannot write the SPSS file ({exc})") from exc
    return SavLayout(path, layout.rows, layout.names, layout.theme_variables)

