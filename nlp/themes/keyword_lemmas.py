"""Which lemmas may become theme keywords: content words, never names or personal data."""

from __future__ import annotations

from typing import Iterable

from nlp.pipeline.spacy_pipeline import Annotation
from nlp.themes.stopwords import STOP_WORDS

CONTENT_POS = frozenset({"NOUN", "PROPN", "ADJ", "VERB"})
#: entity types whose words never become keywords (people; NorNE's PER)
NAME_ENTS = frozenset({"PER"})


def keyword_tokens(annotation: Annotation, masked: Iterable[tuple[int, int]] = ()) -> list[str]:
    """Lemmas of content words outside person names and outside `masked` character spans.

    Lemmas are lowercased except acronyms and mixed-case organisation names (NAV, IMDi), so
    "Kommunen" and "kommunen" count as one word but IMDi keeps its spelling.
    """
    blocked = [(s, e) for s, e, label in annotation.ents if label in NAME_ENTS]
    blocked += list(masked)
    out: list[str] = []
    for word, start, lemma, pos in zip(annotation.words, annotation.idx, annotation.lemmas, annotation.pos):
        if pos not in CONTENT_POS:
            continue
        end = start + len(word)
        if any(s < end and start < e for s, e in blocked):
            continue
        lemma = lemma or word
        keep_case = len(word) > 1 and (word.isupper() or any(c.isupper() for c in word[1:]))
        token = word if keep_case else lemma.lower()
        if len(token) < 2 or token.lower() in STOP_WORDS or not any(c.isalpha() for c in token):
            continue
        if not all(c.isalpha() or c == "-" for c in token):
            continue
        out.append(token)
    return out
