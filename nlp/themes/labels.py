"""Readable Norwegian theme labels from c-TF-IDF keywords."""

from __future__ import annotations

from typing import Sequence


def _overlaps(a: str, b: str) -> bool:
    """Same word, one inside the other ("tilskudd" / "integreringstilskudd"), or shared stem."""
    a, b = a.lower(), b.lower()
    return a in b or b in a or (len(a) > 5 and len(b) > 5 and a[:5] == b[:5])


def distinct_keywords(keywords: Sequence[str], k: int) -> list[str]:
    """The first k keywords that do not repeat a word or stem of an earlier one."""
    chosen: list[str] = []
    for kw in keywords:
        parts = kw.split()
        if any(_overlaps(p, q) for p in parts for c in chosen for q in c.split()):
            continue
        chosen.append(kw)
        if len(chosen) == k:
            break
    return chosen


def make_label(keywords: Sequence[str]) -> str:
    """A short phrase: a strong multi-word keyword, or the two leading keywords joined by "og".

    A bigram ranked in the top three reads more naturally ("Negativ sosial kontroll") than
    two single words, so it leads the label when present.
    """
    if not keywords:
        return "Uten nøkkelord"
    head = next((kw for kw in keywords[:3] if " " in kw), None)
    picked = [head] if head else []
    rest = distinct_keywords([kw for kw in keywords if kw != head and (not head or not any(_overlaps(p, q) for p in kw.split() for q in head.split()))], 2 - len(picked))
    picked += rest
    if not picked:
        picked = [keywords[0]]
    phrase = " og ".join(picked) if len(picked) == 2 else picked[0]
    return _capitalise(phrase)


def _capitalise(phrase: str) -> str:
    first = phrase.split(" ", 1)
    head = first[0]
    if head.isupper() or any(c.isupper() for c in head[1:]):  # acronyms such as NAV, IMDi stay
        return phrase
    return head[:1].upper() + head[1:] + (" " + first[1] if len(first) > 1 else "")
