"""Pack what the teacher needs into one folder small enough to carry to a training machine.

    .venv/bin/python -m training.teacher.prep --corpus runs/pipeline/corpus --out runs/teacher/ner

Writes `bundle.npz` (the encoder with its vocabulary cut to the pieces these sentences use,
4-bit matrices still packed; gold NDT train/dev with NorNE tags and UPOS; unlabelled NoReC
sentences, piece ids only) and `silver_words.jsonl` (the NoReC sentences' words, kept here to
build spaCy docs from the teacher's tags). The sentences are tokenized by fritekst's pipeline,
so the teacher tags exactly the tokens the student sees.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
from pathlib import Path

import numpy as np

from nlp.embed.e5_weights import read
from .encoder import PieceTokenizer

MAX_PIECES = 254  # positions left for <s> and </s>
UPOS = ["ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN",
        "PUNCT", "SCONJ", "SYM", "VERB", "X"]


def gold_sentences(path: Path, nlp) -> list[tuple[list[str], list[str], list[str]]]:
    from spacy.tokens import DocBin

    out = []
    for doc in DocBin().from_disk(path).get_docs(nlp.vocab):
        for sent in doc.sents:  # the corpus packs several sentences into a doc
            tags = ["O" if t.ent_iob_ in ("O", "") else f"{t.ent_iob_}-{t.ent_type_}" for t in sent]
            out.append(([t.text for t in sent], tags, [t.pos_ for t in sent]))
    return out


def has_inner_capital(words: list[str]) -> bool:
    return any(w[:1].isupper() for w in words[1:])


def silver_sentences(norec: Path, nlp, per_variety: dict[str, int], seed: int) -> dict[str, list[list[str]]]:
    """NoReC sentences of 5-60 tokens by written variety; sentences with a capitalised word after
    the first (where names are) are kept, the others one time in four."""
    from nlp.clean import detect_variety

    rng = random.Random(seed)
    with gzip.open(norec, "rt", encoding="utf-8") as f:
        docs = [json.loads(line)["text"] for line in f]
    rng.shuffle(docs)
    out: dict[str, list[list[str]]] = {v: [] for v in per_variety}
    for text in docs:
        variety = {"nb": "nob", "nn": "nno"}.get(detect_variety(text[:3000]))
        if variety not in out or len(out[variety]) >= per_variety[variety]:
            if all(len(out[v]) >= per_variety[v] for v in out):
                break
            continue
        for line in text.split("\n")[1:]:  # the first line is the title
            words = [t.text for t in nlp.tokenizer(line.strip()) if not t.is_space]
            if 5 <= len(words) <= 60 and (has_inner_capital(words) or rng.random() < 0.25):
                out[variety].append(words)
    return {v: s[:per_variety[v]] for v, s in out.items()}


def main(argv: list[str] | None = None) -> None:
    from nlp.pipeline.spacy_pipeline import load_pipeline

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, default=Path("runs/pipeline/corpus"),
                    help="train.py's converted corpus (train/ and dev/ with nob.spacy, nno.spacy)")
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--model", type=Path, default=Path("models/norsk_pipeline"), help="for its tokenizer")
    ap.add_argument("--silver-nob", type=int, default=30000)
    ap.add_argument("--silver-nno", type=int, default=30000, help="NoReC has about 10,000 Nynorsk ones")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)

    nlp = load_pipeline(str(args.model))
    weights = read(dequantize=False)
    tok = PieceTokenizer(weights.pieces, weights.scores, weights.norm, weights.special["unk"])
    parts = {f"{split}_{v}": gold_sentences(args.corpus / split / f"{v}.spacy", nlp)
             for split in ("train", "dev") for v in ("nob", "nno")}
    silver = silver_sentences(args.data / "norec" / "train.jsonl.gz", nlp,
                              {"nob": args.silver_nob, "nno": args.silver_nno}, args.seed)
    for v, sents in silver.items():
        parts[f"silver_{v}"] = [(words, None, None) for words in sents]
    ner_labels = sorted({t for name, sents in parts.items() if name.startswith("train")
                         for _, tags, _ in sents for t in tags} - {"O"})
    ner_labels = ["O"] + ner_labels

    arrays: dict[str, np.ndarray] = {}
    used: set[int] = set(weights.special.values())
    encoded = {}
    for name, sents in parts.items():
        pieces = tok.words([w for words, _, _ in sents for w in words])
        it = iter(pieces)
        encoded[name] = [[next(it) for _ in words] for words, _, _ in sents]
        for sent in encoded[name]:
            for ids in sent:
                used.update(ids)
    keep = np.array(sorted(used), dtype=np.int64)
    remap = {int(old): new for new, old in enumerate(keep)}
    for name, sents in parts.items():
        ids, starts, offsets, word_offsets, tags, upos = [], [], [0], [0], [], []
        for (words, ner, pos), word_pieces in zip(sents, encoded[name]):
            flat, first = [], []
            for p in word_pieces:
                if len(flat) + len(p) > MAX_PIECES:
                    break
                first.append(len(flat))
                flat.extend(remap[i] for i in p)
            n = len(first)  # words past MAX_PIECES (rare) get no prediction: tagged "O" downstream
            ids.extend(flat); starts.extend(first); offsets.append(len(ids)); word_offsets.append(len(starts))
            if ner is not None:
                tags.extend(ner_labels.index(t) for t in ner[:n])
                upos.extend(UPOS.index(p) if p in UPOS else -100 for p in pos[:n])
        arrays[f"{name}.ids"] = np.array(ids, np.int32)
        arrays[f"{name}.starts"] = np.array(starts, np.int16)
        arrays[f"{name}.offsets"] = np.array(offsets, np.int64)
        arrays[f"{name}.word_offsets"] = np.array(word_offsets, np.int64)
        if tags:
            arrays[f"{name}.ner"] = np.array(tags, np.int8)
            arrays[f"{name}.upos"] = np.array(upos, np.int16)
    for key, value in weights.tensors.items():
        arrays["w." + key] = value[keep] if key == "emb.word" else value
    meta = {"config": {**weights.config, "vocab": len(keep)}, "special": {k: remap[v] for k, v in weights.special.items()},
            "ner_labels": ner_labels, "upos": UPOS, "parts": {k: len(v) for k, v in parts.items()}}
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), np.uint8)
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out / "bundle.npz", **arrays)
    with open(args.out / "silver_words.jsonl", "w", encoding="utf-8") as f:
        for v in ("nob", "nno"):
            for words in silver[v]:
                f.write(json.dumps({"variety": v, "words": words}, ensure_ascii=False) + "\n")
    size = (args.out / "bundle.npz").stat().st_size
    print(json.dumps({**meta["parts"], "vocab": len(keep), "labels": ner_labels, "bundle_mb": round(size / 1e6, 1)}))


if __name__ == "__main__":
    main()
