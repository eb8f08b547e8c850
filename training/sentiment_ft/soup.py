"""Average the weights of several runs (a "soup": same start, zero-initialised head) and score the
average on dev; writes RUNDIR/NAME/{state.safetensors, logits.npz, run.json} like a training run.

    python -m training.sentiment_ft.soup --runs RUNDIR --members B6_f0 B6_f1 B6_f2 --name B6_soup [--variant avg]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import save_file

from . import data as D
from .export import soup
from .net import SentimentNet, Tokenizer, load_weights, predict, tokenize
from .train import macro_f1


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--runs", type=Path, required=True)
    ap.add_argument("--members", nargs="+", required=True)
    ap.add_argument("--name", required=True)
    ap.add_argument("--variant", default="final", choices=("final", "avg"))
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    torch.set_num_threads(args.threads)
    fname = "state_avg.safetensors" if args.variant == "avg" else "state.safetensors"
    state = soup([args.runs / m / fname for m in args.members])
    trainable = json.loads((args.runs / args.members[0] / "run.json").read_text())["args"]["trainable"]
    w = load_weights()
    net = SentimentNet(w, int(trainable))
    net.load_state_dict(state, strict=False)
    rows, dev, _ = D.load(args.data)
    tok = Tokenizer(w)
    z, pooled = predict(net, tokenize(tok, dev.texts, 128), tok.pad)
    # the survey rows as well, as a full training run scores them (the 2021 holdout reads them)
    score_idx = np.flatnonzero(rows.source == "survey")
    zz, _ = predict(net, tokenize(tok, [rows.texts[i] for i in score_idx], 128), tok.pad)
    out = args.runs / args.name
    out.mkdir(parents=True, exist_ok=True)
    save_file({k: v.contiguous() for k, v in state.items()}, str(out / "state.safetensors"))
    np.savez_compressed(out / "logits.npz", **{"final.dev": z, "final.dev_pooled": pooled, "avg.dev": z,
                                               "score_idx": score_idx, "final.rows": zz, "avg.rows": zz})
    f, per = macro_f1(dev.y, z.argmax(1))
    res = {"args": {"members": args.members, "variant": args.variant, "trainable": trainable},
           "scores": {"final": {"dev_macro_f1": round(f, 2), "dev_f1": [round(v, 2) for v in per]}}}
    (out / "run.json").write_text(json.dumps(res, indent=1))
    print(json.dumps(res), flush=True)


if __name__ == "__main__":
    main()
