"""Turn the teacher's tags of unlabelled NoReC sentences into spaCy training files (silver NER).

    .venv/bin/python -m training.teacher.silver --teacher runs/teacher/ner --gold runs/pipeline/corpus \
        --out runs/distill

Reads `silver_words.jsonl` (prep.py) and `out/tags.npz` + `out/scores.json` (train.py) and writes
`<out>/corpus/train/silver_{nob,nno}.spacy`: the sentences, 10 to a doc like the gold corpus, with
the teacher's entities (strict BIO spans; an I- that continues nothing starts an entity, as in
train.py's scorer), beside copies of the gold train files (`--gold-copies` times, 2 by default) and the gold
dev files, so that `training.pipeline.dedicated --work <out>` trains the student NER on gold and
silver together.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import numpy as np

from .train import spans


def silver_docs(words: list[list[str]], tags: np.ndarray, labels: list[str], per_doc: int = 10):
    """Docs of `per_doc` sentences each, with the teacher's entities."""
    from spacy.tokens import Doc, Span
    from spacy.vocab import Vocab

    vocab = Vocab()
    pos = 0
    for start in range(0, len(words), per_doc):
        group = words[start:start + per_doc]
        flat, ents, sent_starts = [], [], []
        for sent in group:
            bio = [labels[t] for t in tags[pos:pos + len(sent)]]
            pos += len(sent)
            ents.extend((len(flat) + a, len(flat) + b, label) for a, b, label in spans(bio))
            sent_starts.extend([True] + [False] * (len(sent) - 1))
            flat.extend(sent)
        doc = Doc(vocab, words=flat, sent_starts=sent_starts)
        doc.ents = [Span(doc, a, b, label=label) for a, b, label in sorted(ents)]
        yield doc
    if pos != len(tags):
        raise ValueError(f"{pos} words in the sentences but {len(tags)} teacher tags")


def main(argv: list[str] | None = None) -> None:
    from spacy.tokens import DocBin

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--teacher", type=Path, default=Path("runs/teacher/ner"),
                    help="prep.py's folder, with train.py's output in out/")
    ap.add_argument("--gold", type=Path, default=Path("runs/pipeline/corpus"),
                    help="train.py's converted corpus (train/ and dev/ with nob.spacy, nno.spacy)")
    ap.add_argument("--gold-copies", type=int, default=2,
                    help="weight of gold against silver (2 shipped: dev NER F nob 80.72, nno 79.23; 1: 79.77, 79.03)")
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args(argv)

    labels = json.loads((args.teacher / "out" / "scores.json").read_text())["labels"]
    tags = np.load(args.teacher / "out" / "tags.npz")
    rows = [json.loads(line) for line in open(args.teacher / "silver_words.jsonl", encoding="utf-8")]
    train, dev = args.out / "corpus" / "train", args.out / "corpus" / "dev"
    train.mkdir(parents=True, exist_ok=True)
    dev.mkdir(parents=True, exist_ok=True)
    counts = {}
    for variety in ("nob", "nno"):
        for copy in range(args.gold_copies):
            shutil.copyfile(args.gold / "train" / f"{variety}.spacy", train / f"{variety}_{copy}.spacy")
        shutil.copyfile(args.gold / "dev" / f"{variety}.spacy", dev / f"{variety}.spacy")
        words = [r["words"] for r in rows if r["variety"] == variety]
        db = DocBin(store_user_data=False)
        n_ents = 0
        for doc in silver_docs(words, tags[f"silver_{variety}.ner"], labels):
            db.add(doc)
            n_ents += len(doc.ents)
        db.to_disk(train / f"silver_{variety}.spacy")
        counts[variety] = {"sentences": len(words), "entities": n_ents}
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
