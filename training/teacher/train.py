"""Fine-tune e5-small to tag NorNE entities and UPOS, then tag the unlabelled sentences.

    python -m training.teacher.train --bundle runs/teacher/ner/bundle.npz --out runs/teacher/ner/out \
        --epochs 3 --lr 1e-4 --max-tokens 4096

Runs on a GPU in minutes (bf16); on this 2-core CPU the command above took 45 min (about 12 min
an epoch, plus tagging). Keeps the epoch with the best mean dev
entity F1 of the two varieties (dev is for tuning; the UD test split is never seen) and writes
`tags.npz` (per-word NorNE tag ids for the silver sentences, and for dev to inspect) and
`scores.json` (dev entity F1 and UPOS accuracy per epoch) and the best epoch's weights
(`teacher.safetensors`).
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from nlp.embed.e5_weights import unpack
from .encoder import Encoder, init_scale, state_dict_from


class Part:
    """One split of the bundle: sentences as piece ids, with each word's first piece."""

    def __init__(self, arrays, name: str):
        self.ids = arrays[f"{name}.ids"]
        self.starts = arrays[f"{name}.starts"].astype(np.int64)
        self.offsets = arrays[f"{name}.offsets"]
        self.word_offsets = arrays[f"{name}.word_offsets"]
        self.ner = arrays[f"{name}.ner"].astype(np.int64) if f"{name}.ner" in arrays else None
        self.upos = arrays[f"{name}.upos"].astype(np.int64) if f"{name}.upos" in arrays else None

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def sentence(self, i: int):
        a, b = self.offsets[i], self.offsets[i + 1]
        wa, wb = self.word_offsets[i], self.word_offsets[i + 1]
        ner = self.ner[wa:wb] if self.ner is not None else None
        upos = self.upos[wa:wb] if self.upos is not None else None
        return self.ids[a:b], self.starts[wa:wb], ner, upos


def batches(part: Part, indices: list[int], max_tokens: int):
    """Length-sorted batches under a padded token budget."""
    order = sorted(indices, key=lambda i: part.offsets[i + 1] - part.offsets[i])
    batch, longest = [], 0
    for i in order:
        n = int(part.offsets[i + 1] - part.offsets[i]) + 2
        if batch and max(longest, n) * (len(batch) + 1) > max_tokens:
            yield batch
            batch, longest = [], 0
        batch.append(i)
        longest = max(longest, n)
    if batch:
        yield batch


def collate(part: Part, batch: list[int], special: dict, device):
    sents = [part.sentence(i) for i in batch]
    width = max(len(ids) for ids, *_ in sents) + 2
    ids = torch.full((len(sents), width), special["pad"], dtype=torch.long)
    att = torch.zeros((len(sents), width), dtype=torch.long)
    rows, cols, ner, upos = [], [], [], []
    for r, (piece_ids, starts, n, u) in enumerate(sents):
        seq = [special["bos"], *piece_ids.tolist(), special["eos"]]
        ids[r, :len(seq)] = torch.tensor(seq)
        att[r, :len(seq)] = 1
        rows.extend([r] * len(starts))
        cols.extend((starts + 1).tolist())
        if n is not None:
            ner.extend(n.tolist())
            upos.extend(u.tolist())
    out = {"ids": ids.to(device), "att": att.to(device), "rows": torch.tensor(rows, device=device),
           "cols": torch.tensor(cols, device=device)}
    if ner:
        out["ner"] = torch.tensor(ner, device=device)
        out["upos"] = torch.tensor(upos, device=device)
    return out


class Tagger(nn.Module):
    def __init__(self, config: dict, n_ner: int, n_upos: int, dropout: float = 0.1):
        super().__init__()
        self.encoder = Encoder(config)
        self.drop = nn.Dropout(dropout)
        self.ner = nn.Linear(config["hidden"], n_ner)
        self.upos = nn.Linear(config["hidden"], n_upos)
        init_scale(self.ner)
        init_scale(self.upos)

    def forward(self, b):
        states = self.encoder(b["ids"], b["att"])
        words = self.drop(states[b["rows"], b["cols"]])
        return self.ner(words), self.upos(words)


def spans(tags: list[str]) -> set[tuple[int, int, str]]:
    """Strict entity spans from BIO tags; an I- that does not continue an entity starts one."""
    out, start, label = set(), None, None
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, typ = tag.partition("-")
        if start is not None and not (prefix == "I" and typ == label):
            out.add((start, i, label))
            start = None
        if prefix == "B" or (prefix == "I" and start is None):
            start, label = i, typ
    return out


def predict(model: Tagger, part: Part, special: dict, device, max_tokens: int):
    model.eval()
    ner_pred = np.zeros(len(part.starts), np.int8)
    upos_pred = np.zeros(len(part.starts), np.int8)
    with torch.no_grad(), torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
        for batch in batches(part, list(range(len(part))), max_tokens):
            b = collate(part, batch, special, device)
            ner, upos = model(b)
            ner, upos = ner.argmax(-1).cpu().numpy(), upos.argmax(-1).cpu().numpy()
            k = 0
            for i in batch:
                wa, wb = part.word_offsets[i], part.word_offsets[i + 1]
                ner_pred[wa:wb] = ner[k:k + wb - wa]
                upos_pred[wa:wb] = upos[k:k + wb - wa]
                k += wb - wa
    return ner_pred, upos_pred


def score(part: Part, ner_pred: np.ndarray, upos_pred: np.ndarray, labels: list[str]) -> dict:
    tp = n_pred = n_gold = 0
    for i in range(len(part)):
        wa, wb = part.word_offsets[i], part.word_offsets[i + 1]
        gold = spans([labels[t] for t in part.ner[wa:wb]])
        pred = spans([labels[t] for t in ner_pred[wa:wb]])
        tp += len(gold & pred)
        n_pred += len(pred)
        n_gold += len(gold)
    p, r = tp / max(n_pred, 1), tp / max(n_gold, 1)
    n = part.word_offsets[-1]
    mask = part.upos[:n] >= 0
    return {"ents_p": 100 * p, "ents_r": 100 * r, "ents_f": 100 * (2 * p * r / max(p + r, 1e-9)),
            "upos": 100 * float((upos_pred[:n][mask] == part.upos[:n][mask]).mean())}


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bundle", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--epochs", type=int, default=6)
    ap.add_argument("--lr", type=float, default=8e-5)
    ap.add_argument("--max-tokens", type=int, default=8192, help="padded tokens per training batch")
    ap.add_argument("--max-minutes", type=float, default=7.0, help="stop starting epochs after this")
    ap.add_argument("--layers", type=int, help="use only the first N layers (smoke tests)")
    ap.add_argument("--limit", type=int, help="use only N sentences of each part (smoke tests)")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)

    t0 = time.time()
    random.seed(args.seed)
    torch.manual_seed(args.seed)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    arrays = dict(np.load(args.bundle))
    meta = json.loads(bytes(arrays.pop("meta")).decode())
    config = dict(meta["config"], layers=args.layers or meta["config"]["layers"])
    labels, special = meta["ner_labels"], meta["special"]
    weights = unpack({k[2:]: v for k, v in arrays.items() if k.startswith("w.")}, config)
    parts = {name: Part(arrays, name) for name in meta["parts"]}
    if args.limit:
        for p in parts.values():
            p.offsets, p.word_offsets = p.offsets[:args.limit + 1], p.word_offsets[:args.limit + 1]

    model = Tagger(config, len(labels), len(meta["upos"]))
    model.encoder.load_state_dict(state_dict_from(weights, config["layers"]))
    model.to(device)
    heads = [p for n, p in model.named_parameters() if not n.startswith("encoder.")]
    opt = torch.optim.AdamW([{"params": model.encoder.parameters(), "lr": args.lr},
                             {"params": heads, "lr": args.lr * 10}], weight_decay=0.01)
    train = [(name, i) for name in ("train_nob", "train_nno") for i in range(len(parts[name]))]
    steps_per_epoch = sum(1 for name in ("train_nob", "train_nno")
                          for _ in batches(parts[name], list(range(len(parts[name]))), args.max_tokens))
    total = steps_per_epoch * args.epochs
    warmup = max(1, total // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / warmup) * max(0.0, (total - s) / max(1, total - warmup)))
    log, best, best_state = [], -1.0, None
    for epoch in range(args.epochs):
        if (time.time() - t0) / 60 > args.max_minutes:
            break
        model.train()
        work = []
        for name in ("train_nob", "train_nno"):
            idx = list(range(len(parts[name])))
            random.shuffle(idx)  # shuffled within length buckets by the stable sort's input order
            work.extend((name, b) for b in batches(parts[name], idx, args.max_tokens))
        random.shuffle(work)
        loss_sum, done = 0.0, 0
        for name, batch in work:
            b = collate(parts[name], batch, special, device)
            with torch.autocast(device.type, dtype=torch.bfloat16, enabled=device.type == "cuda"):
                ner, upos = model(b)
            loss = F.cross_entropy(ner.float(), b["ner"]) + 0.5 * F.cross_entropy(upos.float(), b["upos"], ignore_index=-100)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            loss_sum += float(loss.detach())
            done += 1
            if done % 25 == 0:
                print(json.dumps({"epoch": epoch + 1, "step": done, "of": len(work), "loss": round(loss_sum / done, 4),
                                  "minutes": round((time.time() - t0) / 60, 2)}), flush=True)
        dev = {v: score(parts[f"dev_{v}"], *predict(model, parts[f"dev_{v}"], special, device, 16384), labels)
               for v in ("nob", "nno")}
        mean_f = (dev["nob"]["ents_f"] + dev["nno"]["ents_f"]) / 2
        log.append({"epoch": epoch + 1, "loss": loss_sum / max(1, len(work)), "dev": dev,
                    "minutes": round((time.time() - t0) / 60, 2)})
        print(json.dumps(log[-1]), flush=True)
        if mean_f > best:
            best = mean_f
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    args.out.mkdir(parents=True, exist_ok=True)
    from safetensors.torch import save_file

    # the teacher itself (pruned vocabulary: the bundle's piece ids), to tag more text later
    save_file({k: v.contiguous() for k, v in best_state.items()}, str(args.out / "teacher.safetensors"))
    out = {}
    for name in parts:
        if name.startswith(("silver", "dev")):
            out[f"{name}.ner"], out[f"{name}.upos"] = predict(model, parts[name], special, device, 16384)
    args.out.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out / "tags.npz", **out)
    summary = {"log": log, "best_mean_ents_f": best, "labels": labels, "upos": meta["upos"],
               "device": torch.cuda.get_device_name() if device.type == "cuda" else "cpu",
               "minutes": round((time.time() - t0) / 60, 2), "args": {k: str(v) for k, v in vars(args).items()}}
    (args.out / "scores.json").write_text(json.dumps(summary, indent=1))
    print(json.dumps({"best_mean_ents_f": best, "minutes": summary["minutes"]}), flush=True)


if __name__ == "__main__":
    main()
