"""Redact personal data from free-text survey comments before they are shown, written or modelled.

Respondents write names of case workers and refugees, phone numbers, e-mail addresses, national
identity numbers and street addresses into comments. Under the GDPR these must not travel with
quotes and tagged files, so fritekst replaces them by placeholders everywhere by default, while
keeping the words analysts need (municipality, county and organisation names, case numbers,
amounts, dates, paragraphs of law).

    >>> r = Redactor(use_ner=False).redact("Ring Kari Nordmann på 412 34 567")
    >>> r.text
    'Ring [NAVN] på [TELEFON]'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from nlp.privacy.names import NameFinder
from nlp.privacy.word_tokens import is_name_part, word_tokens
from nlp.privacy.patterns import find_addresses, find_emails, find_fnr, find_phones

PLACEHOLDERS = {
    "PER": "[NAVN]",
    "PHONE": "[TELEFON]",
    "EMAIL": "[E-POST]",
    "FNR": "[FØDSELSNUMMER]",
    "ADDRESS": "[ADRESSE]",
}
#: the words inside the placeholders; topic models and keyword lists treat them as stopwords
TYPES = tuple(PLACEHOLDERS)
#: on overlap the more specific pattern wins: an e-mail address contains a name, not the other way round
_PRIORITY = {"EMAIL": 0, "FNR": 1, "PHONE": 2, "ADDRESS": 3, "PER": 4}
_NER_PERSON_LABELS = frozenset({"PER", "PERSON"})


@dataclass(frozen=True)
class Span:
    """A redacted piece of the ORIGINAL text: `text[start:end]` is personal data of `type`."""

    start: int
    end: int
    type: str


@dataclass(frozen=True)
class Redaction:
    """The text with placeholders substituted, and the spans (original offsets) that were replaced."""

    text: str
    spans: tuple[Span, ...]

    def overlaps(self, start: int, end: int) -> bool:
        """True when original characters [start, end) touch a redacted span (e.g. a token to drop)."""
        return any(s.start < end and start < s.end for s in self.spans)

    def token_mask(self, idx: Sequence[int], words: Sequence[str]) -> list[bool]:
        """For tokens given by start offsets and forms: True where the token is (part of) personal data.

        Use it to drop names from lemma lists computed on the original text (topic keywords).
        """
        return [self.overlaps(i, i + len(w)) for i, w in zip(idx, words)]


def apply_spans(text: str, spans: Sequence[Span]) -> str:
    """Replace each span by its placeholder (spans must not overlap)."""
    out, pos = [], 0
    for sp in sorted(spans, key=lambda s: s.start):
        out.append(text[pos:sp.start])
        out.append(PLACEHOLDERS[sp.type])
        pos = sp.end
    out.append(text[pos:])
    return "".join(out)


def _ner_person_spans(annotation, finder: NameFinder, toks, protected) -> list[tuple[int, int]]:
    """NER PER spans that survive `NameFinder.accept_ner` (places, roles, street names, nouns out)."""
    if annotation is None:
        return []
    keep = finder.keep_ranges(toks)
    pos_at = dict(zip(annotation.idx, annotation.pos))
    out = []
    for start, end, label in annotation.ents:
        if label in _NER_PERSON_LABELS:
            span = finder.accept_ner(annotation.text, toks, start, end, keep, protected, pos_at)
            if span is not None:
                out.append(span)
    return out


def _name_echoes(spans: Sequence[Span], toks, finder: NameFinder) -> list[tuple[int, int]]:
    """Words of a full name found in the text where they recur alone: "Kari Nordmann ... Nordmann sa".

    A lone surname at the start of a sentence is too unsure to redact on its own, but once the
    text has named the person in full it is that person. First names that are also words ("Per",
    "Dag") and place or organisation names are left alone.
    """
    parts: set[str] = set()
    for sp in spans:
        if sp.type == "PER":
            words = [w for s, e, w in toks if sp.start <= s and e <= sp.end and w[:1].isalpha()]
            if len(words) > 1:
                parts |= {w for w in words if len(w) > 1 and finder.is_cap(w) and not finder.is_ambiguous(w)}
    if not parts:
        return []
    keep = finder.keep_ranges(toks)
    return [(s, e) for s, e, w in toks
            if is_name_part(w, parts)
            and not any(sp.start < e and s < sp.end for sp in spans)
            and not any(ks <= s and e <= ke for ks, ke in keep)]


def _propn_starts(annotation) -> frozenset[int]:
    if annotation is None:
        return frozenset()
    return frozenset(i for i, p in zip(annotation.idx, annotation.pos) if p == "PROPN")


def _resolve(text: str, candidates: list[tuple[int, int, str]]) -> tuple[Span, ...]:
    """Non-overlapping spans: higher-priority types first, overlapping names merged into one."""
    accepted: list[Span] = []
    for start, end, kind in sorted(candidates, key=lambda c: (_PRIORITY[c[2]], c[0], -(c[1] - c[0]))):
        clash = [a for a in accepted if a.start < end and start < a.end]
        if not clash:
            accepted.append(Span(start, end, kind))
        elif kind == "PER" and all(a.type == "PER" for a in clash):
            for a in clash:
                accepted.remove(a)
            accepted.append(Span(min([start] + [a.start for a in clash]), max([end] + [a.end for a in clash]), "PER"))
    accepted.sort(key=lambda s: s.start)
    merged: list[Span] = []
    for sp in accepted:  # "Kari" + "Nordmann" found separately -> one [NAVN]
        if merged and sp.type == "PER" and merged[-1].type == "PER" and text[merged[-1].end:sp.start] in (" ", "\u00a0"):
            merged[-1] = Span(merged[-1].start, sp.end, "PER")
        else:
            merged.append(sp)
    return tuple(merged)


class Redactor:
    """Find and replace personal data; combines the pipeline's NER with patterns and name rules.

    use_ner: also use the spaCy pipeline's PER entities (from given annotations, or by running the
    pipeline when none are given). nlp: a loaded spaCy Language; None -> `nlp.pipeline.spacy_pipeline.load_pipeline()`.
    """

    def __init__(self, use_ner: bool = True, nlp=None):
        self.use_ner = use_ner
        self.nlp = nlp
        self.names_ = NameFinder()

    def find(self, text: str, annotation=None) -> tuple[Span, ...]:
        """The spans of personal data in `text` (original offsets, sorted, non-overlapping)."""
        candidates: list[tuple[int, int, str]] = []
        for kind, finder in (("EMAIL", find_emails), ("FNR", find_fnr), ("PHONE", find_phones),
                             ("ADDRESS", find_addresses)):
            candidates += [(s, e, kind) for s, e in finder(text)]
        protected = [(s, e) for s, e, _ in candidates]
        toks = word_tokens(text)
        propn = _propn_starts(annotation if self.use_ner else None)
        candidates += [(s, e, "PER") for s, e in self.names_.find(text, toks, protected, propn)]
        if self.use_ner and annotation is not None:
            if annotation.text != text:
                raise ValueError("annotation is for a different text")
            candidates += [(s, e, "PER") for s, e in _ner_person_spans(annotation, self.names_, toks, protected)]
        spans = _resolve(text, candidates)
        echoes = _name_echoes(spans, toks, self.names_)
        return _resolve(text, candidates + [(s, e, "PER") for s, e in echoes]) if echoes else spans

    def redact(self, text: str, annotation=None) -> Redaction:
        """Redact one text; with use_ner and no annotation the pipeline is run on it."""
        if self.use_ner and annotation is None and text.strip():
            annotation = self._annotate([text])[0]
        spans = self.find(text, annotation)
        return Redaction(apply_spans(text, spans), spans)

    def redact_many(self, texts: Sequence[str], annotations=None) -> list[Redaction]:
        """Redact many texts; pass the analyzer's annotations to avoid running the pipeline twice."""
        texts = list(texts)
        if annotations is None and self.use_ner:
            annotations = self._annotate(texts)
        if annotations is None:
            annotations = [None] * len(texts)
        if len(annotations) != len(texts):
            raise ValueError(f"{len(annotations)} annotations for {len(texts)} texts")
        out = []
        for text, ann in zip(texts, annotations):
            spans = self.find(text, ann if self.use_ner else None)
            out.append(Redaction(apply_spans(text, spans), spans))
        return out

    def _annotate(self, texts: list[str]):
        from nlp.pipeline.spacy_pipeline import annotate, load_pipeline

        if self.nlp is None:
            self.nlp = load_pipeline()
        return annotate(texts, nlp=self.nlp)
