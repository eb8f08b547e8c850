"""Group columns (rolle, fylke, år) as the tables and filters show them: blank cells named, values in a natural order."""

from __future__ import annotations

from typing import Iterable

import pandas as pd

EMPTY_GROUP = "(tom)"


def group_values(comments: pd.DataFrame, column: str) -> list[str]:
    """Distinct values of a group column in a natural order (numbers numerically, e.g. years)."""
    values = comments[column].fillna("").astype(str).map(lambda v: v.strip() or EMPTY_GROUP).unique().tolist()
    return sort_values(values)


def sort_values(values: Iterable[str]) -> list[str]:
    values = list(values)

    def key(v: str):
        try:
            return (0, float(v.replace(",", ".")), v)
        except ValueError:
            return (1 if v != EMPTY_GROUP else 2, 0.0, v.casefold())

    return sorted(values, key=key)


def group_series(comments: pd.DataFrame, column: str) -> pd.Series:
    """A group column as the strings the filters show (blank cells as "(tom)")."""
    return comments[column].fillna("").astype(str).str.strip().replace("", EMPTY_GROUP)
