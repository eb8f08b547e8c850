"""Selecting comments: group filters, sentiment, theme and full-text search."""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from nlp.report.groups import group_series
from nlp.themes.membership import members



def search_terms(query: str) -> list[str]:
    """Words to find; "quoted phrases" stay together."""
    terms: list[str] = []
    parts = str(query).split('"')
    for i, part in enumerate(parts):
        if i % 2:  # inside quotes
            phrase = " ".join(part.split())
            if phrase:
                terms.append(phrase.casefold())
        else:
            terms += [w.casefold() for w in part.split()]
    return terms


def text_matches(texts: pd.Series, query: str) -> np.ndarray:
    """Rows whose text contains every search term (case-insensitive, literal, no regex)."""
    terms = search_terms(query)
    mask = np.ones(len(texts), dtype=bool)
    if not terms:
        return mask
    folded = texts.fillna("").astype(str).str.casefold()
    for term in terms:
        mask &= folded.str.contains(term, regex=False).to_numpy()
    return mask


def filter_comments(
    comments: pd.DataFrame,
    *,
    groups: Mapping[str, Sequence[str]] | None = None,
    sentiments: Sequence[str] = (),
    topic_ids: Sequence[int] | None = None,
    search: str = "",
    include_nonanswers: bool = True,
    include_duplicates: bool = True,
    text_column: str = "text",
) -> pd.DataFrame:
    """Comments that pass every filter; an empty selection for a filter means "all"."""
    mask = np.ones(len(comments), dtype=bool)
    for column, wanted in (groups or {}).items():
        if wanted:
            mask &= group_series(comments, column).isin([str(v) for v in wanted]).to_numpy()
    if sentiments:
        mask &= comments["sentiment"].isin(list(sentiments)).to_numpy()
    if topic_ids:  # in any of the themes, as any of its codes
        mask &= members(comments, [int(t) for t in topic_ids]).any(axis=1)
    if not include_nonanswers:
        mask &= ~comments["is_nonanswer"].to_numpy(dtype=bool)
    if not include_duplicates:
        mask &= ~comments["is_duplicate"].to_numpy(dtype=bool)
    if search.strip():
        mask &= text_matches(comments[text_column], search)
    return comments[mask]
