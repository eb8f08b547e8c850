"""Score a spaCy pipeline on a CoNLL-U file with NorNE tags in MISC (UPOS, feats, lemma, sents, NER).

The pipeline reads the raw text rebuilt from the file (its own tokenizer included) and is aligned
to the gold tokens, the way `spacy evaluate` scores the published nb_core_news models.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass, field
from pathlib import Path

from spacy.scorer import Scorer, get_ner_prf
from spacy.tokens import Doc
from spacy.training import Example
from spacy.vocab import Vocab

from nlp.errors import InputError
from nlp.pipeline.spacy_pipeline import has_variety_heads, load_pipeline, process


@dataclass
class _Sent:
    words: list[str] = field(default_factory=list)
    spaces: list[bool] = field(default_factory=list)
    pos: list[str] = field(default_factory=list)
    morphs: list[str] = field(default_factory=list)
    lemmas: list[str] = field(default_factory=list)
    ents: list[str] = field(default_factory=list)


def read_conllu(path: Path) -> list[_Sent]:
    """Sentences of a CoNLL-U file; NorNE IOB tags come from `name=` in MISC (O when absent)."""
    if not path.is_file():
        raise InputError(f"CoNLL-U file not found: {path}")
    sents: list[_Sent] = []
    cur = _Sent()
    with open(path, encoding="utf-8") as fh:
        for lineno, raw in enumerate(fh, 1):
            line = raw.rstrip("\n")
            if not line.strip():
                if cur.words:
                    sents.append(cur)
                cur = _Sent()
                continue
            if line.startswith("#"):
                continue
            cols = line.split("\t")
            if len(cols) != 10:
                raise InputError(f"{path}:{lineno}: expected 10 tab-separated CoNLL-U columns, got {len(cols)}")
            if "-" in cols[0] or "." in cols[0]:
                continue
            misc = cols[9].split("|")
            ner = next((m[5:] for m in misc if m.startswith("name=")), "O")
            cur.words.append(cols[1])
            cur.spaces.append("SpaceAfter=No" not in misc)
            cur.pos.append(cols[3])
            cur.morphs.append("" if cols[5] == "_" else cols[5])
            cur.lemmas.append(cols[2])
            cur.ents.append(ner)
    if cur.words:
        sents.append(cur)
    if not sents:
        raise InputError(f"{path}: no sentences found")
    return sents


def repair_iob(tags: list[str]) -> list[str]:
    """NorNE IOB tags with stray I- tags (no B- before them) turned into B-: spaCy's `ents` format."""
    out, prev = [], "O"
    for tag in tags:
        if tag.startswith("I-") and prev[2:] != tag[2:]:
            tag = "B-" + tag[2:]
        out.append(tag)
        prev = tag
    return out


def gold_docs(sents: list[_Sent], per_doc: int) -> list[Doc]:
    """Reference Docs of `per_doc` consecutive sentences each (so sentence boundaries are scored)."""
    vocab = Vocab()
    docs = []
    for i in range(0, len(sents), per_doc):
        group = sents[i : i + per_doc]
        words, spaces, pos, morphs, lemmas, ents, starts = [], [], [], [], [], [], []
        for s in group:
            sp = list(s.spaces)
            sp[-1] = True
            words += s.words
            spaces += sp
            pos += s.pos
            morphs += s.morphs
            lemmas += s.lemmas
            ents += s.ents
            starts += [True] + [False] * (len(s.words) - 1)
        spaces[-1] = False
        docs.append(Doc(vocab, words=words, spaces=spaces, pos=pos, morphs=morphs, lemmas=lemmas,
                        ents=repair_iob(ents), sent_starts=starts))
    return docs


def evaluate_file(path: str | Path, model: str | None = None, per_doc: int = 10, variety: str = "auto") -> dict:
    """Scores in percent plus words/s of the annotation run (whatever threads the process has).

    With the bundled pipeline, each text (`per_doc` sentences) goes through the Bokmål or the
    Nynorsk heads: detected per text with `variety="auto"`, as the product does, or forced.
    """
    nlp = load_pipeline(model)
    refs = gold_docs(read_conllu(Path(path)), per_doc)
    texts = [d.text for d in refs]
    if not has_variety_heads(nlp):
        varieties = [None] * len(texts)
    elif variety == "auto":
        from nlp.clean import detect_variety

        varieties = [detect_variety(t) for t in texts]
    else:
        varieties = [variety] * len(texts)
    preds: list[Doc | None] = [None] * len(texts)
    t0 = time.perf_counter()
    for v in dict.fromkeys(varieties):
        idx = [i for i, x in enumerate(varieties) if x == v]
        docs = process(nlp, (nlp.make_doc(texts[i]) for i in idx), v)
        for i, d in zip(idx, docs):
            preds[i] = d
    seconds = time.perf_counter() - t0
    examples = [Example(p, r) for p, r in zip(preds, refs)]
    n_words = sum(len(r) for r in refs)

    def morph_key(token, attr):
        return token.morph.key

    pos = Scorer.score_token_attr(examples, "pos")
    morph = Scorer.score_token_attr(examples, "morph", getter=morph_key)
    lemma = Scorer.score_token_attr(examples, "lemma")
    sents = Scorer.score_spans(examples, "sents", has_annotation=lambda d: d.has_annotation("SENT_START"))
    toks = Scorer.score_tokenization(examples)
    ner = get_ner_prf(examples)

    def pct(x):
        return None if x is None else round(100 * x, 2)

    per_type = {
        label: {k: pct(v) for k, v in prf.items()}
        for label, prf in sorted((ner.get("ents_per_type") or {}).items())
    }
    return {
        "file": str(path),
        "model": model or "default",
        "pipeline": f"{nlp.meta.get('lang')}_{nlp.meta.get('name')}-{nlp.meta.get('version')}",
        "sentences": sum(len(list(r.sents)) for r in refs),
        "varieties": {str(v): varieties.count(v) for v in dict.fromkeys(varieties)},
        "words": n_words,
        "token_acc": pct(toks["token_acc"]),
        "upos": pct(pos["pos_acc"]),
        "morph": pct(morph["morph_acc"]),
        "lemma": pct(lemma["lemma_acc"]),
        "sents_p": pct(sents["sents_p"]),
        "sents_r": pct(sents["sents_r"]),
        "sents_f": pct(sents["sents_f"]),
        "ents_p": pct(ner["ents_p"]),
        "ents_r": pct(ner["ents_r"]),
        "ents_f": pct(ner["ents_f"]),
        "ents_per_type": per_type,
        "seconds": round(seconds, 3),
        "words_per_second": round(n_words / seconds) if seconds > 0 else None,
    }


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--conllu", required=True, type=Path, help="CoNLL-U file with name=B-PER tags in MISC")
    parser.add_argument("--model", default=None, help="pipeline folder or installed spaCy package (default: bundled)")
    parser.add_argument("--sents-per-doc", type=int, default=10, help="sentences joined into one text")
    parser.add_argument("--variety", choices=["auto", "nb", "nn"], default="auto",
                        help="Bokmål or Nynorsk heads of the bundled pipeline (default: detected per text)")


def run(args: argparse.Namespace) -> dict:
    return evaluate_file(args.conllu, args.model, args.sents_per_doc, args.variety)
