"""The comment table's columns, the special theme ids and the result types that every stage shares.

It imports nothing heavy, so the app, the exports and the run store can use these names without
loading spaCy, PyTorch or BERTopic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from nlp.themes.edits import Edits
    from nlp.themes.model import ThemeModel

#: A substantive comment that fits no theme.
OUTLIER = -1
#: A non-answer ("Ingen kommentar"): never given a theme.
NONANSWER = -2
OUTLIER_LABEL = "Uten tema"
NONANSWER_LABEL = "Ikke svar"

# Columns of the comment table (comments.parquet, the tagged file, the app), in output order.
ID = "id"
ORIGINAL_TEXT = "original_text"   # only with --keep-original
TEXT = "text"                     # cleaned and redacted
IS_NONANSWER = "is_nonanswer"
IS_DUPLICATE = "is_duplicate"
VARIETY = "variety"               # nb or nn
TOPIC_ID = "topic_id"
TOPIC_LABEL = "topic_label"
TOPIC_SCORE = "topic_score"
SENTIMENT = "sentiment"
SENTIMENT_SCORE = "sentiment_score"
REDACTED = "redacted"
THEME_COLUMN_PREFIX = "tema "


def proba_column(label: str) -> str:
    return f"p_{label}"


def theme_column(theme_id: int, label: str) -> str:
    """The 0/1 column of one theme: `tema 3: Bolig og bosetting`."""
    return f"{THEME_COLUMN_PREFIX}{theme_id}: {label}"


@dataclass
class ThemeInfo:
    id: int
    label: str
    keywords: list[str]
    size: int
    share: float
    quote_ids: list[str] = field(default_factory=list)
    codebook_id: str | None = None


@dataclass
class Analysis:
    """One row per input row, in input order, with the themes and the model that gave them."""

    comments: pd.DataFrame
    themes: list[ThemeInfo]
    model: ThemeModel
    edits: Edits
    metadata: dict[str, Any]
