"""Texts per second of the fine-tuned sentiment model on this machine (bf16 autocast, batches sorted
by length under a token budget, as `nlp.e5_torch` runs): A = the whole 12-layer encoder from raw
text, B = only the fine-tuned upper layers over lower-layer states the shared encoder already has;
and the shared frozen encoder itself for reference.

    python -m training.sentiment_ft.speed --data ../shared/data --trainable 6 [--state FILE]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch

from . import data as D
from .net import SentimentNet, Tokenizer, load_weights, pad, tokenize

TOKEN_BUDGET, MAX_BATCH = 4096, 64


def batches(seqs):
    order = sorted(range(len(seqs)), key=lambda j: -len(seqs[j]))
    start = 0
    while start < len(order):
        size = max(1, min(MAX_BATCH, TOKEN_BUDGET // len(seqs[order[start]])))
        yield order[start:start + size]
        start += size


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--trainable", type=int, default=6)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    rows, dev, _ = D.load(args.data)
    texts = dev.texts + [t for t, s in zip(rows.texts, rows.source) if s == "survey"]
    w = load_weights()
    tok = Tokenizer(w)
    seqs = tokenize(tok, texts, 128)
    out = {"texts": len(texts), "threads": args.threads}
    for label, trainable in (("A_full_12_layers", 12), (f"frozen_lower_{12 - args.trainable}", args.trainable),
                             (f"B_upper_{args.trainable}", args.trainable)):
        net = SentimentNet(w, trainable).eval()
        best = np.inf
        for _ in range(args.repeats):
            t0 = time.perf_counter()
            spent = 0.0
            with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16):
                for b in batches(seqs):
                    ids, att = pad([seqs[i] for i in b], tok.pad)
                    if label.startswith("A"):
                        net(ids, att)
                    elif label.startswith("frozen"):
                        net.lower(ids, att)
                    else:
                        x = net.lower(ids, att)
                        t1 = time.perf_counter()
                        net.upper(x, att)
                        spent += time.perf_counter() - t1
            total = time.perf_counter() - t0
            best = min(best, spent if label.startswith("B") else total)
        out[label] = round(len(texts) / best, 1)
        print(json.dumps({label: out[label]}), flush=True)
    print(json.dumps(out))
    return out


if __name__ == "__main__":
    main()
