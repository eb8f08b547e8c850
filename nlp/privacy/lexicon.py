"""Word lists that drive name redaction: first names, surnames, and places/organisations to keep.

The lists are package data in `nlp/resources/` (plain text, one entry a line or whitespace
separated) so that they can be read and extended without touching code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from nlp.privacy.word_tokens import word_tokens


def _read(name: str) -> list[str]:
    text = resources.files("nlp").joinpath("resources", name).read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _words(name: str) -> frozenset[str]:
    return frozenset(w.casefold() for line in _read(name) for w in line.split())


@dataclass(frozen=True)
class Lexicon:
    """Case-folded first names and surnames; case-sensitive place and organisation phrases."""

    first_names: frozenset[str]
    ambiguous_first_names: frozenset[str]
    surnames: frozenset[str]
    #: phrase (tuple of tokens, original case) -> True; places and organisations
    keep_phrases: frozenset[tuple[str, ...]]
    keep_words_folded: frozenset[str]
    #: single-word organisation names (case-folded): never part of a person's name
    org_words_folded: frozenset[str]
    max_phrase_len: int
    #: first token of a keep phrase -> the phrase lengths starting with it (longest first)
    phrase_starts: dict[str, tuple[int, ...]]


def _tokens(phrase: str) -> tuple[str, ...]:

    return tuple(t for _, _, t in word_tokens(phrase))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Load the bundled lists once per process."""
    phrases = {_tokens(p) for p in _read("places.txt") + _read("organisations.txt")}
    phrases.discard(())
    singles = {p[0].casefold() for p in phrases if len(p) == 1}
    orgs = {p[0].casefold() for p in map(_tokens, _read("organisations.txt")) if len(p) == 1}
    return Lexicon(
        first_names=_words("first_names.txt"),
        ambiguous_first_names=_words("ambiguous_first_names.txt"),
        surnames=_words("surnames.txt"),
        keep_phrases=frozenset(phrases),
        keep_words_folded=frozenset(singles),
        org_words_folded=frozenset(orgs),
        max_phrase_len=max(len(p) for p in phrases),
        phrase_starts=_starts(phrases),
    )


def _starts(phrases: set[tuple[str, ...]]) -> dict[str, tuple[int, ...]]:
    out: dict[str, set[int]] = {}
    for p in phrases:
        out.setdefault(p[0], set()).add(len(p))
    return {k: tuple(sorted(v, reverse=True)) for k, v in out.items()}
