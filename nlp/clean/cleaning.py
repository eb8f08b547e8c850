"""`clean`: every answer normalised and flagged as non-answer, duplicate, Bokmål or Nynorsk."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nlp.clean.nonanswer import is_nonanswer
from nlp.clean.normal_form import normalize
from nlp.clean.variety import detect_variety


@dataclass
class Cleaned:
    """Per-row cleaning results, aligned with the input texts."""

    text: list[str]  # normalized
    is_nonanswer: list[bool]
    is_duplicate: list[bool]  # same normalized text (ignoring case) as an earlier answer
    variety: list[str]  # "nb" or "nn"


def clean(texts: Sequence[str]) -> Cleaned:
    """Normalise every text and flag non-answers, exact duplicates and written variety.

    A duplicate is a substantive answer whose normalised, casefolded text equals an earlier
    substantive answer; the first occurrence is not a duplicate. Non-answers are never
    duplicates: they are their own pre-code, however often they occur.
    """
    normalized = [normalize(t) for t in texts]
    nonanswer = [is_nonanswer(t) for t in normalized]
    seen: set[str] = set()
    duplicate = []
    for text, empty in zip(normalized, nonanswer):
        if empty:
            duplicate.append(False)
            continue
        key = text.casefold()
        duplicate.append(key in seen)
        seen.add(key)
    variety = [detect_variety(t) for t in normalized]
    return Cleaned(text=normalized, is_nonanswer=nonanswer, is_duplicate=duplicate,
                   variety=variety)
