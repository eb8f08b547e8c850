"""Lemmas for unseen Norwegian compounds, from the lemma of their last part.

The trainable lemmatizer learns edit trees from the treebank; on compounds it never saw it
often strips too much or too little ("praksisplasser" -> "praksisplasse", "flyktningtjenesten"
-> "flyktningtjenest"), and survey comments are full of such compounds. Norwegian compounds
inflect on their head, so for a content word the treebank never saw, the longest known ending
with a known lemma gives the lemma: "praksis" + lemma("plasser") = "praksisplass".
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

FACTORY = "fritekst_compound_lemmas"
CONTENT_POS = ("NOUN", "ADJ", "VERB")


class CompoundLemmatizer:
    """Sets the lemma of unseen compound content words; leaves every other token alone.

    `known` holds every word form of the training data (those the lemmatizer learned);
    `heads` maps "form|UPOS" to the treebank's most frequent lemma for that form.
    """

    def __init__(self, min_prefix: int = 3, min_suffix: int = 4) -> None:
        self.min_prefix = min_prefix
        self.min_suffix = min_suffix
        self.known: set[str] = set()
        self.heads: dict[str, str] = {}

    def lemma_for(self, form: str, pos: str) -> str | None:
        low = form.lower()
        if pos not in CONTENT_POS or low in self.known or not low.isalpha():
            return None
        for i in range(self.min_prefix, len(low) - self.min_suffix + 1):
            head = self.heads.get(f"{low[i:]}|{pos}")
            if head is not None:
                return low[:i] + head
        return None

    def __call__(self, doc: Doc) -> Doc:
        for tok in doc:
            lemma = self.lemma_for(tok.text, tok.pos_)
            if lemma is not None:
                tok.lemma_ = lemma
        return doc

    def fit(self, rows: Iterable[tuple[str, str, str]]) -> "CompoundLemmatizer":
        """Learn from (form, lemma, UPOS) triples of a treebank."""
        counts: dict[str, Counter] = defaultdict(Counter)
        for form, lemma, pos in rows:
            low = form.lower()
            self.known.add(low)
            if pos in CONTENT_POS and low.isalpha() and lemma and lemma.isalpha():
                counts[f"{low}|{pos}"][lemma.lower()] += 1
        self.heads = {k: c.most_common(1)[0][0] for k, c in sorted(counts.items())}
        return self

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        data = {"known": sorted(self.known), "heads": self.heads}
        (path / "compounds.json").write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> "CompoundLemmatizer":
        data = json.loads((Path(path) / "compounds.json").read_text(encoding="utf-8"))
        self.known, self.heads = set(data["known"]), dict(data["heads"])
        return self


@Language.factory(FACTORY, default_config={"min_prefix": 3, "min_suffix": 4})
def make_compound_lemmatizer(nlp: Language, name: str, min_prefix: int, min_suffix: int) -> CompoundLemmatizer:
    return CompoundLemmatizer(min_prefix, min_suffix)
