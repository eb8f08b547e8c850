"""Later (or earlier) mentions of a person by part of the name: "Kari Nordmann ... Nordmann sa".

The NER tags a full name from its context but often misses the same person referred to by a
surname alone, or labels it as an organisation ("Robolis vil ...", "Etnestads inntrykk"). Within
one text a capitalised word that is part of a full name tagged as a person is that person; for
privacy that matters as much as the full name. Dev NER F (UD dev, NorNE types): nob +1.0,
nno +0.4 (benchmarks/RESULTS.md).
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from nlp.privacy.word_tokens import is_name_part

FACTORY = "fritekst_name_mentions"
PERSON = "PER"


def name_parts(doc: Doc) -> set[str]:
    """Capitalised words of the text's multi-word person names (one-word ones are too unsure)."""
    return {t.text for e in doc.ents if e.label_ == PERSON and len(e) > 1
            for t in e if len(t.text) > 1 and t.text[0].isupper()}


def mark_name_mentions(doc: Doc) -> Doc:
    parts = name_parts(doc)
    if not parts:
        return doc
    ents = [Span(doc, e.start, e.end, label=PERSON) if len(e) == 1 and e.label_ != PERSON and e.text in parts
            else e for e in doc.ents]
    tagged = {i for e in ents for i in range(e.start, e.end)}
    ents += [Span(doc, t.i, t.i + 1, label=PERSON) for t in doc if t.i not in tagged and is_name_part(t.text, parts)]
    doc.ents = filter_spans(ents)
    return doc


@Language.factory(FACTORY)
def make_name_mentions(nlp: Language, name: str):
    """A factory (not `Language.component`) so that the `spacy_factories` entry point in
    pyproject.toml lets a plain `spacy.load` of the shipped pipeline find it."""
    return mark_name_mentions
