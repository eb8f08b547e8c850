"""`load_survey`: the text, id and group columns of a survey file, checked and resolved by name."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from nlp.errors import InputError
from nlp.io.raw import column_key
from nlp.io.tables import read_raw
from nlp.schema import ID, QUESTION, RESPONDENT, TEXT


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
        lambda c: column_key(c) == column_key(wanted) and column_key(wanted) != "",
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
    keys = {column_key(c): c for c in columns}
    close = difflib.get_close_matches(column_key(wanted), list(keys), n=1, cutoff=0.75)
    if close:
        hint = f"; did you mean '{keys[close[0]]}'?"
    shown = columns[:30]
    more = f", ... ({len(columns) - 30} more)" if len(columns) > 30 else ""
    available = ", ".join(shown) + more if columns else "none"
    raise InputError(f"{source}: no column '{name}' (available: {available}){hint}")


@dataclass
class Survey:
    """One survey file reduced to what the analysis needs: one row per answer.

    Long layout (one text column): one row per input row, every row kept. Wide layout (several
    text columns, as survey tools export): one row per non-empty answer cell, with the
    respondent's id, the question (the column's name) and the respondent's other columns.
    """

    source: str  # file name for messages
    frame: pd.DataFrame  # "id", "text", [respondent, question], group columns, carried columns
    text_column: str  # the resolved original column name (wide: the names joined by ", ")
    id_column: str | None
    group_columns: list[str]  # resolved original names (wide: "question" added)
    questions: list[str] = field(default_factory=list)  # wide: the open columns, in the order given
    carried_columns: list[str] = field(default_factory=list)  # wide: the respondent's other columns
    rating_column: str | None = None
    respondents: int = 0
    blank_answers: int = 0  # wide: empty answer cells, which give no row
    #: with a rating column: every respondent's rating as read (index: respondent id), and
    #: "row", the respondent's spreadsheet row, for messages
    ratings: pd.DataFrame | None = None

    @property
    def wide(self) -> bool:
        return bool(self.questions)

    @property
    def respondent_column(self) -> str:
        """The column that says whose answer a row is (the answer id itself in the long layout)."""
        return RESPONDENT if self.wide else ID


def _row_list(rows: Sequence[int], limit: int = 10) -> str:
    shown = ", ".join(str(r) for r in rows[:limit])
    return shown + (f", ... ({len(rows) - limit} more)" if len(rows) > limit else "")


def load_survey(
    path: str | Path,
    text_column: str | Sequence[str],
    id_column: str | None = None,
    group_columns: Sequence[str] = (),
    sheet: str | None = None,
    rating_column: str | None = None,
) -> Survey:
    """Read a survey file and pick its text (one column, or several for a wide export), id and group columns.

    Ids come from ``id_column`` (stripped; every id must be non-empty and unique) or else are
    the 1-based data row number (spreadsheet row - 1) as a string; in the wide layout they name
    the respondent, and each answer's id is ``<respondent>-<n>`` for the n-th text column. The
    text is kept as read (``""`` for an empty cell); cleaning happens later. Errors name the
    file, the column and the spreadsheet rows involved.
    """
    raw = read_raw(path, sheet)
    source = Path(path).name or str(path)
    df = raw.frame()
    if not len(df):
        raise InputError(f"{source}: no data rows (only a header: {', '.join(raw.header)})")
    wanted = [text_column] if isinstance(text_column, str) else list(text_column)
    if not wanted:
        raise InputError(f"{source}: no text column given")
    text_names = [resolve_column(df, name, source) for name in wanted]
    twice = sorted({n for n in text_names if text_names.count(n) > 1})
    if twice:
        raise InputError(f"{source}: text column {', '.join(repr(n) for n in twice)} is given twice")
    wide = len(text_names) > 1
    id_name = resolve_column(df, id_column, source) if id_column else None
    rating_name = resolve_column(df, rating_column, source) if rating_column else None
    reserved = {ID, TEXT} | ({RESPONDENT, QUESTION} if wide else set())
    groups: list[str] = []
    for group in group_columns:
        resolved = resolve_column(df, group, source)
        if resolved in reserved:
            raise InputError(
                f"{source}: group column '{resolved}' clashes with the output column "
                f"'{resolved}'; rename it in the file"
            )
        if resolved in text_names:
            raise InputError(f"{source}: column '{resolved}' is both a text column and a group column")
        if resolved not in groups:
            groups.append(resolved)

    cells = df[text_names].to_numpy()
    if not any(str(t).strip() for t in cells.ravel()):
        shown = ", ".join(f"'{n}'" for n in text_names)
        raise InputError(f"{source}: {'columns' if wide else 'column'} {shown} {'have' if wide else 'has'} "
                         f"no text in any of {'their' if wide else 'its'} {len(df)} rows")
    ids = _ids(df, id_name, raw, source)
    ratings = None
    if rating_name:
        ratings = pd.DataFrame({"rating": df[rating_name].to_numpy(), "row": raw.row_numbers},
                               index=pd.Index(ids, name=RESPONDENT))
    if not wide:
        frame = pd.DataFrame({ID: ids, TEXT: df[text_names[0]].tolist()}, dtype=str)
        for col in [*groups, *([rating_name] if rating_name and rating_name not in groups else [])]:
            frame[col] = df[col].to_numpy()
        return Survey(source=source, frame=frame.reset_index(drop=True), text_column=text_names[0],
                      id_column=id_name, group_columns=groups, rating_column=rating_name,
                      respondents=len(frame), ratings=ratings)
    survey = _melt(df, ids, text_names, id_name, groups, rating_name, source)
    survey.ratings = ratings
    return survey


def _ids(df: pd.DataFrame, id_name: str | None, raw, source: str) -> list[str]:
    if id_name is None:
        return [str(n - raw.header_row) for n in raw.row_numbers]
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
    return ids


def _melt(df: pd.DataFrame, ids: list[str], questions: list[str], id_name: str | None, groups: list[str],
          rating_name: str | None, source: str) -> Survey:
    """Wide to long: one row per non-empty answer cell, respondent by respondent, questions in order."""
    taken = {ID, TEXT, RESPONDENT, QUESTION, *groups}
    carried: dict[str, str] = {}  # output name -> file column
    for col in df.columns:
        if col in questions or col == id_name or col in groups:
            continue
        name = col if col not in taken else f"{col} (fil)"
        carried[name] = col
        taken.add(name)
    rows, blank = [], 0
    for i, rid in enumerate(ids):
        for j, question in enumerate(questions, start=1):
            text = df.at[i, question]
            if not str(text).strip():
                blank += 1
                continue
            rows.append((f"{rid}-{j}", text, rid, question, i))
    positions = [r[4] for r in rows]
    frame = pd.DataFrame({ID: [r[0] for r in rows], TEXT: [r[1] for r in rows],
                          RESPONDENT: [r[2] for r in rows], QUESTION: [r[3] for r in rows]}, dtype=str)
    for col in groups:
        frame[col] = df[col].to_numpy()[positions]
    for name, col in carried.items():
        frame[name] = df[col].to_numpy()[positions]
    rating_out = None
    if rating_name:
        rating_out = rating_name if rating_name in groups else next(n for n, c in carried.items() if c == rating_name)
    return Survey(source=source, frame=frame, text_column=", ".join(questions), id_column=id_name,
                  group_columns=[*groups, QUESTION], questions=questions, carried_columns=list(carried),
                  rating_column=rating_out, respondents=len(ids), blank_answers=blank)
