"""A full stop after a number that ends a sentence is a token of its own: "i 2006. Då ...".

spaCy's Norwegian tokenizer keeps "5." whole as an ordinal ("5. mai"), which is right inside a
sentence and wrong at its end, where the year swallows the full stop and the sentence boundary
is lost. In NDT train a number and "." at the end of a sentence are always two tokens (381
times), and a one-token ordinal "N." is followed by a lower-case word 340 times out of 348. The
tokenizer sees one word at a time, so this runs as the pipeline's first component: "N." is split
where the next word starts with a capital letter (not a month name: "17. Mai") or nothing follows.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

FACTORY = "fritekst_number_full_stops"
NUMBER_STOP = re.compile(r"\d+(?:[.,]\d+)*\.")
MONTHS = frozenset("januar februar mars april mai juni juli august september oktober november desember".split())


def _next_word(doc: Doc, i: int):
    for token in doc[i + 1:]:
        if not token.is_space:
            return token
    return None


def split_number_full_stops(doc: Doc) -> Doc:
    targets = []
    for token in doc:
        if not NUMBER_STOP.fullmatch(token.text):
            continue
        nxt = _next_word(doc, token.i)
        if nxt is None or (nxt.text[:1].isupper() and nxt.text.lower() not in MONTHS):
            targets.append(token)
    if targets:
        with doc.retokenize() as retokenizer:
            for token in targets:
                retokenizer.split(token, [token.text[:-1], "."], heads=[(token, 1), (token, 1)])
    return doc


@Language.factory(FACTORY)
def make_number_full_stops(nlp: Language, name: str):
    """A factory with a `spacy_factories` entry point, so plain `spacy.load` finds it."""
    return split_number_full_stops
