"""Readers for the native NDT (CoNLL-X + NorNE) and UD CoNLL-U files, and dev alignment.

NDT and UD dev hold the same sentences under different sent_ids (and NDT has a few extra),
so pairs are found by their token sequence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator


@dataclass
class Token:
    id: int
    form: str
    lemma: str
    pos: str  # NDT POS, or UPOS for CoNLL-U
    feats: str  # NDT features (`appell|mask|ub|ent`) or UD features (`Definite=Ind|...`)
    head: int
    deprel: str
    misc: str
    space_after: bool = True

    @property
    def ner(self) -> str:
        """NorNE IOB tag from the MISC column (`name=B-PER`), `O` when absent."""
        for part in self.misc.split("|"):
            if part.startswith("name="):
                return part[5:]
        return "O"


@dataclass
class Sentence:
    sent_id: str
    tokens: list[Token] = field(default_factory=list)
    text: str | None = None

    @property
    def forms(self) -> tuple[str, ...]:
        return tuple(t.form for t in self.tokens)


def read_conll(path: str | Path) -> Iterator[Sentence]:
    """Read NDT CoNLL-X or UD CoNLL-U; multiword-token and empty-node lines are skipped."""
    sent: Sentence | None = None
    with open(path, encoding="utf-8") as fh:
        for raw in fh:
            line = raw.rstrip("\n")
            if not line.strip():
                if sent is not None and sent.tokens:
                    yield sent
                sent = None
                continue
            if sent is None:
                sent = Sentence(sent_id="")
            if line.startswith("#"):
                key, _, value = line[1:].partition("=")
                if key.strip() == "sent_id":
                    sent.sent_id = value.strip()
                elif key.strip() == "text":
                    sent.text = value.strip()
                continue
            cols = line.split("\t")
            if "-" in cols[0] or "." in cols[0]:
                continue
            misc = cols[9] if len(cols) > 9 else "_"
            sent.tokens.append(
                Token(
                    id=int(cols[0]),
                    form=cols[1],
                    lemma=cols[2],
                    pos=cols[3],
                    feats=cols[5],
                    head=int(cols[6]) if cols[6] != "_" else 0,
                    deprel=cols[7],
                    misc=misc,
                    space_after="SpaceAfter=No" not in misc.split("|"),
                )
            )
    if sent is not None and sent.tokens:
        yield sent


def align_by_tokens(ndt: list[Sentence], ud: list[Sentence]) -> list[tuple[Sentence, Sentence]]:
    """Pair each UD sentence with the NDT sentence of identical token sequence (first unused)."""
    by_forms: dict[tuple[str, ...], list[Sentence]] = {}
    for s in ndt:
        by_forms.setdefault(s.forms, []).append(s)
    pairs = []
    for u in ud:
        cands = by_forms.get(u.forms)
        if cands:
            pairs.append((cands.pop(0), u))
    return pairs
