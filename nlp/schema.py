"""The comment table's columns, the special theme ids and the result types that every stage shares.

It imports nothing heavy, so the app, the exports and the run store can use these names without
loading spaCy, PyTorch or BERTopic.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

#: A substantive comment that fits no theme.
OUTLIER = -1
#: A non-answer ("Ingen kommentar"): never given a theme.
NONANSWER = -2
OUTLIER_LABEL = "Uten tema"
NONANSWER_LABEL = "Ikke svar"

# Columns of the comment table (comments.parquet, the tagged file, the app), in output order.
ID = "id"
RESPONDENT = "respondent"       # wide layout: whose answer it is (--id-column, else the row)
QUESTION = "question"           # wide layout: the open column the answer came from
ORIGINAL_TEXT = "original_text"   # only with --keep-original
TEXT = "text"                     # cleaned and redacted
IS_NONANSWER = "is_nonanswer"
IS_DUPLICATE = "is_duplicate"
VARIETY = "variety"               # nb or nn
TOPIC_ID = "topic_id"
TOPIC_LABEL = "topic_label"
TOPIC_SCORE = "topic_score"
CODES = "codes"                 # all of a comment's themes, "|"-joined, the primary (topic_id) first
N_CODES = "n_codes"
CODE_SENTIMENT = "code_sentiment"  # each code's sentiment ("|"-joined, as `codes`), "" when all are the comment's
# Columns the app's run store adds to a run's comments (no export carries them): the assignment before edits
FITTED_TOPIC_ID = "fitted_topic_id"
FITTED_CODES = "fitted_codes"
FITTED_CODE_SENTIMENT = "fitted_code_sentiment"
SENTIMENT = "sentiment"
SENTIMENT_SCORE = "sentiment_score"
REDACTED = "redacted"
THEME_COLUMN_PREFIX = "tema "

#: Sentiment values in display order, and their names in the app and the reports (Bokmål).
SENTIMENTS = ("positive", "neutral", "mixed", "negative")
SENTIMENT_NB = {"positive": "Positiv", "neutral": "Nøytral", "mixed": "Blandet", "negative": "Negativ"}


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
    model: Any   # nlp.themes.model.ThemeModel (or per-question models); not imported: schema stays a leaf
    edits: Any   # nlp.themes.edits.Edits
    metadata: dict[str, Any]
    drivers: pd.DataFrame | None = None  # with a rating column: one row per theme (nlp.report.rating_drivers)
    ratings: pd.DataFrame | None = None  # with a rating column: every respondent's rating as read


@dataclass
class Edited:
    """Comments and themes as the report shows them: after the analyst's edits, if any."""

    comments: pd.DataFrame
    themes: list[ThemeInfo]

    def theme(self, theme_id: int) -> ThemeInfo | None:
        return next((t for t in self.themes if t.id == theme_id), None)

    def label_of(self, theme_id: int) -> str:
        if theme_id == OUTLIER:
            return OUTLIER_LABEL
        if theme_id == NONANSWER:
            return NONANSWER_LABEL
        t = self.theme(theme_id)
        return t.label if t else OUTLIER_LABEL

    @property
    def theme_columns(self) -> list[str]:
        return [theme_column(t.id, t.label) for t in self.themes]
