"""Train small floret (hashed subword) word vectors on NoReC and convert them to spaCy vectors.

    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python -m training.pipeline.vectors \
        --data ../shared/data --work runs/vectors

floret stores one table of `bucket` rows for words and subwords together, so every word, unseen
ones and misspellings included, gets a vector, and the table size is fixed (bucket x dim x 4 bytes).
Text is tokenized with the same spaCy tokenizer the pipeline uses, so vector keys match tokens.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import time
from pathlib import Path

import spacy

from .tokenizer_exceptions import add_tokenizer_exceptions


def write_tokenized(data: Path, out: Path) -> int:
    """NoReC train+dev documents, tokenized, one sentence (line of the source) per line."""
    nlp = add_tokenizer_exceptions(spacy.blank("nb"))
    n_tokens = 0
    out.parent.mkdir(parents=True, exist_ok=True)
    with open(out, "w", encoding="utf-8") as fo:
        for split in ("train", "dev"):
            with gzip.open(data / "norec" / f"{split}.jsonl.gz", "rt", encoding="utf-8") as fh:
                lines = (ln for doc in fh for ln in json.loads(doc)["text"].split("\n") if ln.strip())
                for doc in nlp.tokenizer.pipe(lines, batch_size=2000):
                    toks = [t.text for t in doc if not t.is_space]
                    n_tokens += len(toks)
                    fo.write(" ".join(toks) + "\n")
    return n_tokens


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--work", type=Path, default=Path("runs/vectors"))
    ap.add_argument("--dim", type=int, default=128)
    ap.add_argument("--bucket", type=int, default=40000)
    ap.add_argument("--epoch", type=int, default=5)
    ap.add_argument("--min-count", type=int, default=5)
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)

    import floret

    t0 = time.time()
    corpus = args.work / "norec.tok.txt"
    if not corpus.exists():
        print("tokens:", write_tokenized(args.data, corpus), f"({time.time() - t0:.0f}s)", flush=True)
    model = floret.train_unsupervised(
        str(corpus),
        model="cbow",
        mode="floret",
        hashCount=2,
        bucket=args.bucket,
        minn=4,
        maxn=5,
        minCount=args.min_count,
        dim=args.dim,
        epoch=args.epoch,
        thread=args.threads,
        verbose=1,
    )
    vec_file = args.work / "norec.floret"
    model.save_floret_vectors(str(vec_file))
    print(f"floret trained ({time.time() - t0:.0f}s)", flush=True)
    out = args.work / "spacy_vectors"
    subprocess.run(
        [sys.executable, "-m", "spacy", "init", "vectors", "nb", str(vec_file), str(out), "--mode", "floret"],
        check=True,
    )
    print(f"spaCy vectors in {out} ({time.time() - t0:.0f}s)", flush=True)


if __name__ == "__main__":
    main()
