"""Which themes each comment is in: all of its codes, as one matrix that every count reads (issue 17).

A comment keeps a primary theme (`topic_id`) and has a set of codes, the primary first (`codes`:
codebook ids, `T<n>` for discovered themes). It is *in* each of its codes. The comment table
carries this as one 0/1 column per theme (`tema <id>: <label>`), written from the code sets by
`membership_columns` (in `analyze`, `tag` and the app's edits) and read back by `members`, which
every count uses: sizes and shares, group comparisons and trends with their tests, sentiment per
theme, quotes, the workbook, SPSS, drivers and the app. So the command line and the app count
alike, and a comment with two codes counts in both themes (shares add up to more than 100 %).
"Uten tema" and "Ikke svar" are read from `topic_id`. Pure: numpy, pandas and `nlp.schema`.
"""

from __future__ import annotations

import re
from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from nlp.schema import CODE_SENTIMENT, CODES, N_CODES, SENTIMENT, THEME_COLUMN_PREFIX, TOPIC_ID, theme_column

#: theme ids of question k of a per-question run start at k x QUESTION_BLOCK
#: (`nlp.themes.per_question.ID_STEP`; a test keeps the two equal)
QUESTION_BLOCK = 1000
SEPARATOR = "|"
_COLUMN = re.compile(re.escape(THEME_COLUMN_PREFIX) + r"(-?[0-9]+): ")


def code_name(theme_id: int, codebook_id: str | None = None) -> str:
    """How `codes` names a theme: its codebook id, else `T<id>`."""
    return codebook_id or f"T{int(theme_id)}"


def code_names(themes: Iterable) -> dict[int, str]:
    """Theme id -> its name in `codes`, for themes with `id` and `codebook_id` (ThemeInfo, Theme)."""
    return {int(t.id): code_name(t.id, getattr(t, "codebook_id", None)) for t in themes}


def split_codes(cell: object) -> list[str]:
    """The names in one `codes` cell (empty for a blank or missing cell)."""
    if cell is None or (isinstance(cell, float) and np.isnan(cell)):
        return []
    return [part.strip() for part in str(cell).split(SEPARATOR) if part.strip()]


def join_codes(code_ids: Sequence[int], names: Mapping[int, str]) -> str:
    return SEPARATOR.join(names[int(c)] for c in code_ids)


def parse_codes(codes: Sequence[object], primary: Sequence[int], themes: Iterable) -> list[list[int]]:
    """Theme ids per row from a `codes` column, in its order, each once.

    A name several themes answer to (a codebook theme in each question of a per-question run)
    is the one in the row's question, the block of its primary theme. ValueError names the row
    (1-based) and the name that is no theme of ``themes``.
    """
    by_name: dict[str, list[int]] = {}
    for tid, name in code_names(themes).items():
        by_name.setdefault(name, []).append(tid)
    out: list[list[int]] = []
    for row, (cell, p) in enumerate(zip(codes, primary), start=1):
        ids: list[int] = []
        for name in split_codes(cell):
            candidates = by_name.get(name)
            if not candidates:
                raise ValueError(f"codes, row {row}: {name!r} is not a theme of this run")
            pick = candidates[0] if len(candidates) == 1 else next(
                (c for c in candidates if c // QUESTION_BLOCK == int(p) // QUESTION_BLOCK), candidates[0])
            if pick not in ids:
                ids.append(pick)
        out.append(ids)
    return out


def membership_matrix(code_sets: Sequence[Sequence[int]], theme_ids: Sequence[int]) -> np.ndarray:
    """Rows x themes, 1 where the theme is one of the row's codes (int8)."""
    position = {int(t): j for j, t in enumerate(theme_ids)}
    matrix = np.zeros((len(code_sets), len(position)), dtype=np.int8)
    for i, codes in enumerate(code_sets):
        for c in codes:
            j = position.get(int(c))
            if j is not None:
                matrix[i, j] = 1
    return matrix


def membership_columns(code_sets: Sequence[Sequence[int]], themes: Sequence[tuple[int, str]]) -> dict[str, np.ndarray]:
    """The 0/1 theme columns of the comment table (`tema <id>: <label>`), one per (id, label)."""
    matrix = membership_matrix(code_sets, [t for t, _ in themes])
    return {theme_column(t, label): matrix[:, j] for j, (t, label) in enumerate(themes)}


def code_columns(code_sets: Sequence[Sequence[int]], names: Mapping[int, str]) -> dict[str, object]:
    """`codes` and `n_codes` of the comment table."""
    return {CODES: [join_codes(c, names) for c in code_sets],
            N_CODES: np.array([len(c) for c in code_sets], dtype=np.int16)}


def theme_column_ids(columns: Iterable[object]) -> dict[int, str]:
    """Theme id -> its 0/1 column, for the theme columns among ``columns``."""
    out: dict[int, str] = {}
    for col in columns:
        m = _COLUMN.match(str(col))
        if m:
            out.setdefault(int(m.group(1)), str(col))
    return out


def members(comments: pd.DataFrame, theme_ids: Sequence[int]) -> np.ndarray:
    """Rows x themes (bool): whether each comment is in each theme.

    A theme is read from its 0/1 column; "Uten tema" (-1), "Ikke svar" (-2) and a theme without
    a column (a table from before several codes, or a hand-built one) from `topic_id`.
    """
    columns = theme_column_ids(comments.columns)
    topic = comments[TOPIC_ID].to_numpy(dtype=int)
    out = np.zeros((len(comments), len(theme_ids)), dtype=bool)
    for j, t in enumerate(theme_ids):
        t = int(t)
        col = columns.get(t) if t >= 0 else None
        out[:, j] = comments[col].fillna(0).to_numpy(dtype=float) > 0 if col else topic == t
    return out


def member_mask(comments: pd.DataFrame, theme_id: int) -> np.ndarray:
    """Whether each comment is in one theme (see `members`)."""
    return members(comments, [theme_id])[:, 0]


def theme_sizes(comments: pd.DataFrame, theme_ids: Sequence[int]) -> np.ndarray:
    """Comments in each theme (a comment counts in each of its codes)."""
    return members(comments, theme_ids).sum(axis=0).astype(int)


def several_codes(comments: pd.DataFrame) -> int:
    """Comments with more than one code."""
    if N_CODES in comments:
        return int((comments[N_CODES].fillna(0).to_numpy(dtype=float) > 1).sum())
    return 0


def code_sentiments(comments: pd.DataFrame, theme_ids: Sequence[int], themes: Iterable = ()) -> np.ndarray:
    """Rows x themes (object): the sentiment each comment has in each theme it is in, else None.

    A comment's sentiment in a theme is its own (`sentiment`), unless `code_sentiment` gives that
    code one of its own (`nlp.themes.code_sentiment`: the sentiment of the clauses that carry
    it); ``themes`` (with `id` and `codebook_id`) name the codes, as in `parse_codes` (without
    them every code has the comment's sentiment)."""
    inside = members(comments, theme_ids)
    labels = np.asarray(comments[SENTIMENT].astype(str).to_numpy(), dtype=object)
    out = np.where(inside, labels[:, None], None).astype(object)
    themes = list(themes)
    if CODE_SENTIMENT not in comments or CODES not in comments or not len(theme_ids) or not themes:
        return out
    own = comments[CODE_SENTIMENT].to_numpy(dtype=object)
    rows = np.flatnonzero([isinstance(v, str) and v != "" for v in own])
    if not len(rows):
        return out
    position = {int(t): j for j, t in enumerate(theme_ids)}
    ids = parse_codes(comments[CODES].to_numpy(dtype=object)[rows],
                      comments[TOPIC_ID].to_numpy(dtype=int)[rows], themes)
    for i, codes in zip(rows, ids):
        for c, sentiment in zip(codes, own[i].split(SEPARATOR)):
            j = position.get(c)
            if j is not None and inside[i, j] and sentiment:
                out[i, j] = sentiment
    return out


def sentiment_counts(comments: pd.DataFrame, theme_ids: Sequence[int], sentiments: Sequence[str],
                     themes: Iterable = ()) -> pd.DataFrame:
    """Themes x sentiments: how many comments of each theme have each sentiment in it."""
    per = code_sentiments(comments, theme_ids, themes)
    table = np.zeros((len(theme_ids), len(sentiments)), dtype=int)
    for k, s in enumerate(sentiments):
        table[:, k] = (per == s).sum(axis=0)
    return pd.DataFrame(table, index=pd.Index([int(t) for t in theme_ids], name=TOPIC_ID), columns=list(sentiments))
