"""Evaluate fine-tuning runs and stack them into the existing SentimentModel without leakage.

    python -m training.sentiment_ft.stack --runs RUNDIR --config A12 [--variant final|avg]

For a config X it reads the cross-fitting runs X_f0..X_f{k-1} (every train/survey row gets logits
from a model that never saw it) and the full runs X_s0.. (dev logits). Reports:

* `finetune`: the fine-tuned head alone, dev macro-F1 per seed, temperature fitted on the
  cross-fitted NoReC logits (never on dev); the same for the mean of the seeds' logits;
* `cv`: macro-F1 of the cross-fitted logits over NoReC train (and over the survey comments);
* `stack`: `SentimentModel` (domain offsets, gate, temperature, clause model, mixed detector, as
  today) fed [frozen e5 embedding, fine-tune logits * scale] instead of the embedding: fitted on
  the cross-fitted logits, applied at prediction time to a full run's logits. Survey OOF and the
  2021 holdout are computed as `training.sentiment` computes them; the 2021 rows' logits come from
  fold 0, whose model never saw the 2021 round.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from . import data as D


def _embed_fn():
    try:
        from nlp.embed import EmbeddingCache, embed, get_encoder
    except ImportError:  # pragma: no cover
        from nlp.embed.encoders import EmbeddingCache, embed, get_encoder
    enc = get_encoder()
    return (lambda texts: embed(list(texts), enc, EmbeddingCache.default())), enc.dim, enc


def _sentiment():
    from nlp.sentiment import LABELS, SentimentModel, SentimentResult
    try:
        from nlp.sentiment import expected_calibration_error
    except ImportError:  # restructured package (nlp/sentiment/calibration.py)
        from nlp.sentiment.calibration import expected_calibration_error
    try:
        from nlp.eval_sentiment import score
    except ImportError:  # pragma: no cover
        from nlp.eval.sentiment import score
    return LABELS, SentimentModel, SentimentResult, expected_calibration_error, score


def softmax(z):
    z = z - z.max(1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(1, keepdims=True)


def oof_logits(runs: Path, config: str, variant: str, n: int, fold_of: np.ndarray, k: int, key="rows"):
    out = None
    for f in range(k):
        z = np.load(runs / f"{config}_f{f}" / "logits.npz")
        idx = z["score_idx"]
        assert (fold_of[idx] == f).all()
        arr = z[f"{variant}.{key}"]
        if out is None:
            out = np.zeros((n, arr.shape[1]), np.float32)
        out[idx] = arr
    return out


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--runs", type=Path, required=True)
    ap.add_argument("--config", required=True)
    ap.add_argument("--variant", default="final")
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--scales", type=float, nargs="+", default=[1.0])
    ap.add_argument("--survey-weight", type=float, default=2.0)
    ap.add_argument("--C", type=float, default=3.0, help="the stacker's inverse regularisation (SentimentModel C)")
    ap.add_argument("--no-stack", action="store_true")
    ap.add_argument("--dev-runs", nargs="+", help="run folders whose dev logits to score (default: CONFIG_s<seed>)")
    ap.add_argument("--dev-from-folds", action="store_true",
                    help="the seed replicas are the fold models (each trained on (k-1)/k of the rows, seed = fold)")
    ap.add_argument("--holdout-run",
                    help="a run trained without the 2021 round on everything else (train.py --holdout-year, or a "
                         "soup of such runs): the 2021 holdout is also scored on its logits, a replica of the "
                         "full recipe; fold 0's model saw only two thirds of NoReC")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--save", type=Path, help="write the stacker (a SentimentModel folder) here")
    args = ap.parse_args(argv)
    LABELS, SentimentModel, SentimentResult, ece_fn, score = _sentiment()
    try:
        from nlp.sentiment import fit_temperature
    except ImportError:
        from nlp.sentiment.calibration import fit_temperature
    from training.sentiment import survey_oof, with_nonanswers
    from training.sentiment_data import load_lexicon, subset
    from .train import macro_f1

    rows, dev, raw = D.load(args.data)
    fold_of = D.folds(rows, args.folds)
    n = len(rows.texts)
    oof = oof_logits(args.runs, args.config, args.variant, n, fold_of, args.folds)
    nr, sv = rows.source == "norec", rows.source == "survey"
    three = rows.y < 3
    report: dict = {"config": args.config, "variant": args.variant}
    report["cv"] = {"norec_train_macro_f1": round(macro_f1(rows.y[nr], oof[nr].argmax(1))[0], 2),
                    "norec_train_f1": [round(v, 2) for v in macro_f1(rows.y[nr], oof[nr].argmax(1))[1]],
                    "survey_macro_f1_3class": round(macro_f1(rows.y[sv & three], oof[sv & three].argmax(1))[0], 2)}
    temp = fit_temperature(oof[three], rows.y[three])
    report["temperature_from_oof"] = round(temp, 3)
    kind = "f" if args.dev_from_folds else "s"
    names = args.dev_runs or [f"{args.config}_{kind}{s}" for s in args.seeds]
    dev_logits = {name: np.load(args.runs / name / "logits.npz")[f"{args.variant}.dev"] for name in names
                  if (args.runs / name / "logits.npz").exists()}
    ft = {}
    for s, z in dev_logits.items():
        p = softmax(z / temp)
        f, per = macro_f1(dev.y, p.argmax(1))
        ft[s] = {"macro_f1": round(f, 2), "f1": [round(v, 2) for v in per], "ece": round(ece_fn(p, dev.y), 4),
                          "ece_uncalibrated": round(ece_fn(softmax(z), dev.y), 4)}
    seed_runs = [n for n in (f"{args.config}_s{s}" for s in args.seeds) if n in dev_logits]
    if seed_runs:  # the full-data seeds only (fold models and soups are listed on their own)
        ft["mean_of_seeds"] = round(float(np.mean([ft[n]["macro_f1"] for n in seed_runs])), 2)
        zmean = np.mean([dev_logits[n] for n in seed_runs], axis=0)
        p = softmax(zmean / temp)
        f, per = macro_f1(dev.y, p.argmax(1))
        ft["ensemble_of_seeds"] = {"macro_f1": round(f, 2), "f1": [round(v, 2) for v in per], "ece": round(ece_fn(p, dev.y), 4)}
    report["finetune"] = ft
    print(json.dumps(report), flush=True)
    if args.no_stack:
        return report

    embed, dim, enc_name = _embed_fn()
    lexicon = load_lexicon(args.data)
    train, survey, survey_all, substantive = raw["train"], raw["survey"], raw["survey_all"], raw["substantive"]
    n_tr = len(train)
    emb = embed(rows.texts)
    dev_emb = embed(dev.texts)
    years = survey.extra["year"].to_numpy()
    replica = None
    if args.holdout_run:
        z = np.load(args.runs / args.holdout_run / "logits.npz")
        replica = np.zeros_like(oof)
        replica[z["score_idx"]] = z[f"{args.variant}.rows"]
    stacks = {}
    for scale in args.scales:
        feats = np.hstack([emb, scale * oof]).astype(np.float32)

        def fit(keep_survey: np.ndarray):
            texts = list(train.texts) + [t for t, k in zip(survey.texts, keep_survey) if k]
            labels = list(train.labels) + [l for l, k in zip(survey.labels, keep_survey) if k]
            groups = list(train.groups) + [g for g, k in zip(survey.groups, keep_survey) if k]
            x = np.vstack([feats[:n_tr], feats[n_tr:][keep_survey]])
            cl = [False] * n_tr + [True] * int(keep_survey.sum())
            w = [1.0] * n_tr + [args.survey_weight] * int(keep_survey.sum())
            return SentimentModel(C=args.C).fit(texts, x, labels, lexicon, groups=groups, comment_level=cl, sample_weight=w)

        res = {}
        model = fit(np.ones(len(survey), bool))
        oof_p = model.oof_proba_
        res["stack_cv_norec_train_macro_f1"] = round(macro_f1(rows.y[:n_tr], oof_p[:n_tr].argmax(1))[0], 2)
        sres = with_nonanswers(survey_all, substantive, survey_oof(model, survey, n_tr))
        sc = score(survey_all.labels, sres)
        res["survey_oof"] = {k: sc.get(k) for k in ("macro_f1", "macro_f1_4class", "ece", "accuracy")}
        res["survey_oof_per_class"] = {k: v["f1"] for k, v in sc["per_class"].items()}
        dev_scores = {}
        for s, z in dev_logits.items():
            r = model.predict(dev.texts, np.hstack([dev_emb, scale * z]).astype(np.float32))
            d = score(dev.labels if hasattr(dev, "labels") else [LABELS[i] for i in dev.y], r)
            dev_scores[s] = {"macro_f1": d["macro_f1"], "ece": d["ece"],
                                      "f1": [d["per_class"][l]["f1"] for l in LABELS]}
        if seed_runs:
            dev_scores["mean_of_seeds"] = round(float(np.mean([dev_scores[n]["macro_f1"] for n in seed_runs])), 2)
            zmean = np.mean([dev_logits[n] for n in seed_runs], axis=0)
            r = model.predict(dev.texts, np.hstack([dev_emb, scale * zmean]).astype(np.float32))
            d = score([LABELS[i] for i in dev.y], r)
            dev_scores["ensemble_of_seeds"] = {"macro_f1": d["macro_f1"], "ece": d["ece"]}
        res["dev"] = dev_scores
        # 2021 holdout: stacker without the 2021 round; 2021 features from fold 0 (never saw 2021)
        m_hold = fit(years != "2021")
        held = survey_all.extra["year"].to_numpy() == "2021"
        target = subset(survey_all, held)
        t_sub = ~target.extra["nonanswer"].to_numpy()
        for key, logits in (("survey_holdout_2021", oof), ("survey_holdout_2021_replica", replica)):
            if logits is None:
                continue
            x = np.zeros((len(target), feats.shape[1]), np.float32)
            x[t_sub] = np.hstack([emb, scale * logits]).astype(np.float32)[n_tr:][years == "2021"]
            r = m_hold.predict(target.texts, x, nonanswer=~t_sub)
            hc = score(target.labels, r)
            res[key] = {k: hc.get(k) for k in ("macro_f1", "macro_f1_4class", "ece", "accuracy")}
        stacks[f"scale{scale}"] = res
        if args.save:
            # the saved comment model reads [embedding, scale * logits of the encoder beside it]
            model.extra_dim_, model.finetuned_scale_ = oof.shape[1], float(scale)
            from datetime import datetime, timezone

            model.save(args.save / f"scale{scale}", {
                "features": f"[frozen e5 embedding ({dim}), {scale} * fine-tune logits ({args.config}, {args.variant})]",
                "finetune": {"config": args.config, "variant": args.variant, "folds": args.folds},
                "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "encoder": getattr(enc_name, "name", str(enc_name)),
                "trained_on": {"norec_sentence_3class_train": n_tr, "survey_comments": len(survey),
                               "survey_weight": args.survey_weight},
                "tuned_on": "cross-fitted folds (dev only scores)",
                "scores": {"norec_sentence_dev": res["dev"], "survey_oof": res["survey_oof"],
                           "survey_holdout_2021": res["survey_holdout_2021"],
                           **({"survey_holdout_2021_replica": res["survey_holdout_2021_replica"],
                               "holdout_run": args.holdout_run} if replica is not None else {}),
                           "stack_cv_norec_train_macro_f1": res["stack_cv_norec_train_macro_f1"]},
                "command": "python -m training.sentiment_ft.stack " + " ".join(argv or __import__("sys").argv[1:]),
            })
        print(json.dumps({f"stack scale {scale}": res}), flush=True)
    report["stack"] = stacks
    if args.out:
        args.out.write_text(json.dumps(report, indent=1))
    return report


if __name__ == "__main__":
    main()
