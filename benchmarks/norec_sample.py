"""A fixed sample of real Norwegian sentences from the NoReC dev split, shared by the benchmarks.

The speed and topic-quality (NPMI) benchmarks import this one function so that both measure
on exactly the same 10,000 sentences.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Collection

import numpy as np


def norec_sentences(data_dir: Path, n: int = 10_000, seed: int = 0, exclude: Collection[str] = ()) -> list[str]:
    """`n` distinct sentences from `data_dir/norec/dev.jsonl.gz`, drawn at random, in file order.

    Each document's text has one sentence per line and usually a title on its first line, so
    the first line and blank lines are skipped, and lines under 5 words (headings, ratings)
    are dropped; the rest are deduplicated before drawing, so every sentence is distinct.
    `exclude` keeps sentences out of the draw (a reference corpus disjoint from a sample).
    """
    path = Path(data_dir) / "norec" / "dev.jsonl.gz"
    pool: dict[str, None] = {}
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            for sentence in json.loads(line)["text"].split("\n")[1:]:
                sentence = sentence.strip()
                if len(sentence.split()) >= 5 and sentence not in exclude:
                    pool.setdefault(sentence)
    sentences = list(pool)
    if n > len(sentences):
        raise ValueError(f"{path}: only {len(sentences)} distinct sentences of 5+ words, {n} asked for")
    picked = np.sort(np.random.default_rng(seed).choice(len(sentences), size=n, replace=False))
    return [sentences[i] for i in picked]
