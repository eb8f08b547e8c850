"""One fine-tuning run: e5-small (top `--trainable` layers) + linear head on mean-pooled states.

    python -m training.sentiment_ft.train --data ../shared/data --out RUNDIR --trainable 12 --seed 0 \
        [--fold F --folds 3]

Trains on NoReC_sentence train + the substantive labelled survey comments (mixed ones left out),
or, with `--fold F`, on every row outside fold F (cross-fitting: the held-out rows get logits
from a model that never saw them); `--holdout-year 2021` leaves that survey round out as well. Writes `run.json` (dev scores per epoch, minutes),
`logits.npz` (dev, and the held-out or survey rows; for the final and for the weight-averaged
model) and `state.safetensors` / `state_avg.safetensors` (fine-tuned layers + head, float32).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F

from . import data as D
from .net import SentimentNet, Tokenizer, load_weights, pad, predict, tokenize


def macro_f1(y: np.ndarray, pred: np.ndarray) -> tuple[float, list[float]]:
    f = []
    for c in range(3):
        tp = float(((pred == c) & (y == c)).sum())
        denom = float((pred == c).sum() + (y == c).sum())
        f.append(200 * tp / denom if denom else 0.0)
    return float(np.mean(f)), f


def epoch_batches(lengths: np.ndarray, idx: np.ndarray, batch: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Shuffled, then sorted by length within chunks of 20 batches (less padding), batches shuffled."""
    idx = rng.permutation(idx)
    out = []
    chunk = batch * 20
    for a in range(0, len(idx), chunk):
        part = idx[a:a + chunk]
        part = part[np.argsort(lengths[part], kind="stable")]
        out.extend(part[b:b + batch] for b in range(0, len(part), batch))
    return [out[i] for i in rng.permutation(len(out))]


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--trainable", type=int, default=12)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--head-lr", type=float, default=1e-3)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--max-pieces", type=int, default=128)
    ap.add_argument("--survey-weight", type=float, default=1.0)
    ap.add_argument("--no-survey", action="store_true")
    ap.add_argument("--avg-from", type=float, default=0.67, help="average weights from this share of the steps on")
    ap.add_argument("--fold", type=int, default=-1)
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--holdout-year", default="",
                    help="also leave out the survey comments of this round (a replica of the full recipe for "
                         "scoring that round as unseen)")
    ap.add_argument("--fp32", action="store_true", help="no bf16 autocast")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--limit-steps", type=int, default=0, help="stop after N steps (timing)")
    ap.add_argument("--smoke", type=int, default=0, help="train and score on N rows only (smoke test)")
    args = ap.parse_args(argv)

    t0 = time.time()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    bf16 = not args.fp32
    rows, dev, _ = D.load(args.data)
    weights = load_weights()
    tok = Tokenizer(weights)
    seqs = tokenize(tok, rows.texts, args.max_pieces)
    dev_seqs = tokenize(tok, dev.texts, args.max_pieces)
    lengths = np.array([len(s) for s in seqs])
    fold_of = D.folds(rows, args.folds)
    use = rows.y < 3
    if args.no_survey:
        use &= rows.source == "norec"
    if args.fold >= 0:
        use &= fold_of != args.fold
    if args.holdout_year:
        use &= ~((rows.source == "survey") & (rows.year == args.holdout_year))
    train_idx = np.flatnonzero(use)
    if args.smoke:
        train_idx = train_idx[:args.smoke]
        dev.texts, dev.y = dev.texts[:args.smoke], dev.y[:args.smoke]
        dev_seqs = dev_seqs[:args.smoke]
    sample_w = np.where(rows.source == "survey", args.survey_weight, 1.0).astype(np.float32)

    net = SentimentNet(weights, args.trainable)
    y_t = torch.from_numpy(rows.y)
    w_t = torch.from_numpy(sample_w)
    cache = None
    if net.first > 0:  # branch: the frozen lower layers run once, their states are reused each epoch
        cache = [None] * len(seqs)
        order = train_idx[np.argsort(-lengths[train_idx])]
        with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
            for a in range(0, len(order), 64):
                b = order[a:a + 64]
                ids, att = pad([seqs[i] for i in b], tok.pad)
                x = net.lower(ids, att).to(torch.bfloat16)
                for r, i in enumerate(b):
                    cache[i] = x[r, : lengths[i]].clone()
        print(json.dumps({"cached_lower": int(net.first), "minutes": round((time.time() - t0) / 60, 2)}), flush=True)

    enc_params = [p for n, p in net.named_parameters() if p.requires_grad and not n.startswith("head.")]
    opt = torch.optim.AdamW([{"params": enc_params, "lr": args.lr},
                             {"params": list(net.head.parameters()), "lr": args.head_lr}], weight_decay=0.01)
    steps_per_epoch = -(-len(train_idx) // args.batch)
    total = steps_per_epoch * args.epochs
    warmup = max(1, total // 10)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup))))
    avg, n_avg, avg_start = None, 0, int(total * args.avg_from)
    log, step = [], 0
    for epoch in range(args.epochs):
        net.train()
        loss_sum = 0.0
        for b in epoch_batches(lengths, train_idx, args.batch, rng):
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
                if cache is None:
                    ids, att = pad([seqs[i] for i in b], tok.pad)
                    logits, _ = net(ids, att)
                else:
                    width = int(lengths[b].max())
                    x = torch.zeros((len(b), width, net.head.in_features), dtype=torch.bfloat16)
                    att = torch.zeros((len(b), width), dtype=torch.long)
                    for r, i in enumerate(b):
                        x[r, : lengths[i]] = cache[i]
                        att[r, : lengths[i]] = 1
                    logits, _ = net.upper(x if bf16 else x.float(), att)
            bt = torch.from_numpy(b)
            loss = (F.cross_entropy(logits.float(), y_t[bt], reduction="none") * w_t[bt]).sum() / w_t[bt].sum()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(enc_params + list(net.head.parameters()), 1.0)
            opt.step()
            sched.step()
            step += 1
            loss_sum += float(loss.detach())
            if step > avg_start:
                state = net.trained_state()
                if avg is None:
                    avg = {k: v.detach().clone().float() for k, v in state.items()}
                    n_avg = 1
                else:
                    n_avg += 1
                    for k, v in state.items():
                        avg[k].add_(v.detach().float() - avg[k], alpha=1.0 / n_avg)
            if step % 50 == 0:
                print(json.dumps({"epoch": epoch + 1, "step": step, "of": total, "loss": round(loss_sum / (step - epoch * steps_per_epoch), 4),
                                  "minutes": round((time.time() - t0) / 60, 2)}), flush=True)
            if args.limit_steps and step >= args.limit_steps:
                print(json.dumps({"steps": step, "seconds": round(time.time() - t0, 1)}), flush=True)
                return {}
        z, _ = predict(net, dev_seqs, tok.pad, bf16)
        f, per = macro_f1(dev.y, z.argmax(1))
        log.append({"epoch": epoch + 1, "loss": round(loss_sum / steps_per_epoch, 4), "dev_macro_f1": round(f, 2),
                    "dev_f1": [round(v, 2) for v in per], "minutes": round((time.time() - t0) / 60, 2)})
        print(json.dumps(log[-1]), flush=True)

    args.out.mkdir(parents=True, exist_ok=True)
    from safetensors.torch import save_file

    final = {k: v.detach().clone().float().contiguous() for k, v in net.trained_state().items()}
    save_file(final, str(args.out / "state.safetensors"))
    save_file({k: v.contiguous() for k, v in avg.items()}, str(args.out / "state_avg.safetensors"))
    # rows to score: dev; held-out fold rows (cross-fitting) or the survey rows (full run)
    score_idx = np.flatnonzero(fold_of == args.fold) if args.fold >= 0 else np.flatnonzero(rows.source == "survey")
    if args.smoke:
        score_idx = score_idx[:args.smoke]
    out, summary = {"score_idx": score_idx}, {}
    for name, state in (("final", final), ("avg", avg)):
        net.load_state_dict(state, strict=False)
        z, pooled = predict(net, dev_seqs, tok.pad, bf16)
        out[f"{name}.dev"] = z
        out[f"{name}.dev_pooled"] = pooled
        zz, pp = predict(net, [seqs[i] for i in score_idx], tok.pad, bf16)
        out[f"{name}.rows"] = zz
        out[f"{name}.rows_pooled"] = pp
        f, per = macro_f1(dev.y, z.argmax(1))
        summary[name] = {"dev_macro_f1": round(f, 2), "dev_f1": [round(v, 2) for v in per]}
        if args.fold >= 0:
            held = rows.y[score_idx] < 3
            nr = held & (rows.source[score_idx] == "norec")
            sv = held & (rows.source[score_idx] == "survey")
            summary[name]["heldout_norec_macro_f1"] = round(macro_f1(rows.y[score_idx][nr], zz[nr].argmax(1))[0], 2)
            if sv.any():
                summary[name]["heldout_survey_macro_f1"] = round(macro_f1(rows.y[score_idx][sv], zz[sv].argmax(1))[0], 2)
    np.savez_compressed(args.out / "logits.npz", **out)
    result = {"args": {k: str(v) for k, v in vars(args).items()}, "log": log, "scores": summary,
              "n_train": int(len(train_idx)), "minutes": round((time.time() - t0) / 60, 2)}
    (args.out / "run.json").write_text(json.dumps(result, indent=1))
    print(json.dumps({"scores": summary, "minutes": result["minutes"]}), flush=True)
    return result


if __name__ == "__main__":
    main()
