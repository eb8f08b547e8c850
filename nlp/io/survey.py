"""`load_survey`: the text, id and group columns of a survey file, checked and resolved by name."""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from nlp.errors import InputError
from nlp.io.raw import column_key
from nlp.io.tables import read_raw


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
    raw = read_raw(path, sheet)
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
