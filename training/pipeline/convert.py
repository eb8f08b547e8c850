"""Convert NDT (native) and UD CoNLL-U files into spaCy DocBin training/dev corpora.

NDT train sentences get UD tags from `mapping.py`; lemmas and NorNE entity tags are kept as they
are. Consecutive sentences from the same source file are grouped into one Doc so that the sentence
segmenter sees real sentence boundaries.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Iterable

from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

from nlp.eval.pipeline import repair_iob

from .corpus import Sentence, read_conll
from .mapping import convert_sentence

#: no space before these tokens, none after the opening ones (NDT has no SpaceAfter column)
_NO_SPACE_BEFORE = {",", ".", "!", "?", ":", ";", ")", "»", "...", "%"}
_NO_SPACE_AFTER = {"(", "«"}


def _ndt_spaces(forms: list[str]) -> list[bool]:
    spaces = []
    for i, form in enumerate(forms):
        nxt = forms[i + 1] if i + 1 < len(forms) else None
        spaces.append(not (form in _NO_SPACE_AFTER or (nxt is not None and nxt in _NO_SPACE_BEFORE)))
    return spaces


def sentence_columns(sent: Sentence, native: bool) -> dict[str, list]:
    """Words, spaces, tags, lemmas and entity tags of one sentence in UD terms."""
    if native:
        mapped = convert_sentence(sent)
        toks = [t for t, _ in mapped]
        forms = [t.form for t in toks]
        return {
            "words": forms,
            "spaces": _ndt_spaces(forms),
            "pos": [u.upos for _, u in mapped],
            "morphs": [u.feats if u.feats != "_" else "" for _, u in mapped],
            "lemmas": [t.lemma for t in toks],
            "ents": [t.ner for t in toks],
        }
    toks = sent.tokens
    return {
        "words": [t.form for t in toks],
        "spaces": [t.space_after for t in toks],
        "pos": [t.pos for t in toks],
        "morphs": [t.feats if t.feats != "_" else "" for t in toks],
        "lemmas": [t.lemma for t in toks],
        "ents": [t.ner for t in toks],
    }


def _source(sent: Sentence) -> str:
    return sent.sent_id.rsplit("-", 1)[0] if "-" in sent.sent_id else ""


def group_sentences(sents: Iterable[Sentence], per_doc: int) -> Iterable[list[Sentence]]:
    """Runs of up to `per_doc` consecutive sentences from one source file."""
    group: list[Sentence] = []
    for s in sents:
        if group and (len(group) >= per_doc or _source(s) != _source(group[0])):
            yield group
            group = []
        group.append(s)
    if group:
        yield group


def make_doc(vocab: Vocab, sents: list[Sentence], native: bool) -> Doc:
    cols: dict[str, list] = {k: [] for k in ("words", "spaces", "pos", "morphs", "lemmas", "ents")}
    sent_starts: list[bool] = []
    for s in sents:
        c = sentence_columns(s, native)
        if not c["words"]:
            continue
        c["spaces"][-1] = True
        for k in cols:
            cols[k].extend(c[k])
        sent_starts.extend([True] + [False] * (len(c["words"]) - 1))
    cols["ents"] = repair_iob(cols["ents"])
    return Doc(vocab, **cols, sent_starts=sent_starts)


def convert_file(path: Path, out: Path, native: bool, per_doc: int = 10) -> int:
    vocab = Vocab()
    db = DocBin(store_user_data=False)
    n = 0
    for group in group_sentences(read_conll(path), per_doc):
        db.add(make_doc(vocab, group, native))
        n += len(group)
    out.parent.mkdir(parents=True, exist_ok=True)
    db.to_disk(out)
    return n


def convert_all(data: Path, out_dir: Path, per_doc: int = 10) -> dict[str, int]:
    """train_{nob,nno}.spacy from NDT train, dev_{nob,nno}.spacy from UD dev."""
    counts = {}
    for v in ("nob", "nno"):
        counts[f"train_{v}"] = convert_file(data / "ndt" / v / "train.conll", out_dir / f"train_{v}.spacy", True, per_doc)
        counts[f"dev_{v}"] = convert_file(data / "ud" / v / "dev.conllu", out_dir / f"dev_{v}.spacy", False, per_doc)
    return counts


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, default=Path("training/pipeline/corpus"))
    ap.add_argument("--per-doc", type=int, default=10)
    args = ap.parse_args(argv)
    print(convert_all(args.data, args.out, args.per_doc))


if __name__ == "__main__":
    main()
