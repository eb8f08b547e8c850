"""Plain word rules redaction uses on raw text (no spaCy): the tokenizer shared by the name finder and its lexicon, and name parts."""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+|[^\w\s]")


def word_tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, token) for words (with inner hyphens/apostrophes), numbers and punctuation."""
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


def is_name_part(word: str, parts: set[str]) -> bool:
    """`word` is one of `parts`, or its genitive (spaCy-free: the redactor uses it on cached annotations)."""
    return word in parts or (word.endswith("s") and word[:-1] in parts)  # genitive: "Nordmanns"
