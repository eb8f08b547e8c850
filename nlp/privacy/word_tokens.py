"""The plain word tokenizer redaction uses on raw text (no spaCy), shared by the name finder and its lexicon."""

from __future__ import annotations

import re

_WORD = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*|\d+|[^\w\s]")


def word_tokens(text: str) -> list[tuple[int, int, str]]:
    """(start, end, token) for words (with inner hyphens/apostrophes), numbers and punctuation."""
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]
