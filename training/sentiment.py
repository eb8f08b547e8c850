"""Train the sentiment classifier and write it with its scores to `models/sentiment`.

    OMP_NUM_THREADS=1 nice -n 10 .venv/bin/python -m training.sentiment \
        --data ../shared/data --out models/sentiment

Trains on NoReC_sentence 3-class train (tuned on dev, which it never trains on) plus the labelled
comments of the sample survey (`data/kommuneundersokelse_2019_2021_fasit.csv`, non-answers left
out). Reported survey scores are never in-sample: `survey_oof` is out-of-fold over text groups,
`survey_holdout_2021` comes from a separate model trained without the 2021 round. Embeddings are
computed once and cached (`nlp.embed.encoders.EmbeddingCache`), so a rerun takes a few minutes.

`--finetune` runs the fine-tuned encoder's recipe instead (issue 19; `python -m training.sentiment_ft`,
whose options follow): `python -m training.sentiment --finetune --data ../shared/data ...`.
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from nlp.embed.encoders import EmbeddingCache, embed, get_encoder
from nlp.eval.sentiment import score
from nlp.sentiment.model import LABELS, LIBRARIES, MIXED, SentimentModel, SentimentResult
from nlp.versions import library_versions
from training.sentiment_data import (
    DEFAULT_DATA, DEFAULT_SURVEY, Labelled, load_lexicon, load_norec_sentence, load_survey_gold, subset,
)


def _embed(texts, encoder) -> np.ndarray:
    return embed(texts, encoder, EmbeddingCache.default())


def fit_model(params: dict, norec: Labelled, norec_emb: np.ndarray, survey: Labelled | None,
              survey_emb: np.ndarray | None, survey_weight: float, lexicon) -> SentimentModel:
    """Fit on NoReC_sentence train plus (optionally) the substantive labelled survey comments."""
    texts, labels, groups = list(norec.texts), list(norec.labels), list(norec.groups)
    emb = [norec_emb]
    comment_level = [False] * len(norec)
    weight = [1.0] * len(norec)
    if survey is not None and len(survey):
        texts += survey.texts
        labels += survey.labels
        groups += survey.groups
        emb.append(survey_emb)
        comment_level += [True] * len(survey)
        weight += [survey_weight] * len(survey)
    return SentimentModel(**params).fit(
        texts, np.vstack(emb), labels, lexicon, groups=groups, comment_level=comment_level, sample_weight=weight,
    )


def survey_oof(model: SentimentModel, survey: Labelled, n_norec: int) -> SentimentResult:
    """Out-of-fold predictions for the survey rows the model was fitted with."""
    proba = model.oof_proba_[n_norec:]
    labels = [LABELS[i] for i in proba.argmax(axis=1)]
    if model.mixed_oof_ is not None:
        rows, p_mixed = model.mixed_oof_
        for r, p in zip(rows, p_mixed):
            if p >= model.mixed_threshold_:
                labels[r - n_norec] = MIXED
    return SentimentResult(label=labels, score=proba[:, 0] - proba[:, 1], proba=proba)


def with_nonanswers(all_rows: Labelled, sub_mask: np.ndarray, sub_result: SentimentResult) -> SentimentResult:
    """Put substantive-row predictions back among all rows; non-answers are neutral by rule."""
    n = len(all_rows)
    proba = np.tile(np.array([0.0, 0.0, 1.0], np.float32), (n, 1))
    labels = ["neutral"] * n
    idx = np.flatnonzero(sub_mask)
    proba[idx] = sub_result.proba
    for k, i in enumerate(idx):
        labels[i] = sub_result.label[k]
    return SentimentResult(label=labels, score=proba[:, 0] - proba[:, 1], proba=proba)


def throughput(model: SentimentModel, texts: list[str], emb: np.ndarray, repeats: int = 3) -> float:
    """Comments per second of `predict` with embeddings given (best of `repeats`)."""
    best = np.inf
    for _ in range(repeats):
        t0 = time.perf_counter()
        model.predict(texts, emb)
        best = min(best, time.perf_counter() - t0)
    return round(len(texts) / best, 1)


def main(argv: list[str] | None = None) -> dict:
    argv = list(__import__("sys").argv[1:] if argv is None else argv)
    if "--finetune" in argv:  # issue 19: the fine-tuned encoder's recipe (training/sentiment_ft)
        import subprocess
        import sys

        # its own process: the recipe imports this module's survey helpers (no import circle)
        cmd = [sys.executable, "-m", "training.sentiment_ft", *[a for a in argv if a != "--finetune"]]
        raise SystemExit(subprocess.run(cmd).returncode)
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--finetune", action="store_true",
                    help="fine-tune e5-small instead (`python -m training.sentiment_ft`; its options follow)")
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--survey", type=Path, default=DEFAULT_SURVEY,
                    help="gold-labelled survey comments (CSV with Svar-ID, Svar, tema, sentiment)")
    ap.add_argument("--no-survey", action="store_true", help="train on NoReC_sentence only")
    ap.add_argument("--survey-weight", type=float, default=2.0, help="sample weight of a survey comment")
    ap.add_argument("--holdout-year", default="2021", help="also fit without this round and score it ('' to skip)")
    ap.add_argument("--out", type=Path, default=Path("models/sentiment"))
    ap.add_argument("--C", type=float, default=3.0)
    ap.add_argument("--lexicon-weight", type=float, default=0.2)
    ap.add_argument("--clause-C", type=float, default=3.0)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    params = {"C": args.C, "lexicon_weight": args.lexicon_weight, "clause_C": args.clause_C, "seed": args.seed}

    t_start = time.time()
    encoder = get_encoder()
    lexicon = load_lexicon(args.data)
    train = load_norec_sentence(args.data, "train")
    dev = load_norec_sentence(args.data, "dev")
    train_emb = _embed(train.texts, encoder)
    dev_emb = _embed(dev.texts, encoder)
    survey_all = None if args.no_survey else load_survey_gold(args.survey)
    scores: dict = {}
    survey = survey_emb = None
    if survey_all is not None:
        substantive = ~survey_all.extra["nonanswer"].to_numpy()
        survey = subset(survey_all, substantive)
        survey_emb = _embed(survey.texts, encoder)
        if args.holdout_year:
            years = survey.extra["year"].to_numpy()
            fit_rows = years != args.holdout_year
            held = survey_all.extra["year"].to_numpy() == args.holdout_year
            m_hold = fit_model(params, train, train_emb, subset(survey, fit_rows), survey_emb[fit_rows],
                               args.survey_weight, lexicon)
            target = subset(survey_all, held)
            t_emb = np.zeros((len(target), encoder.dim), np.float32)
            t_sub = ~target.extra["nonanswer"].to_numpy()
            t_emb[t_sub] = _embed([t for t, s in zip(target.texts, t_sub) if s], encoder)
            res = m_hold.predict(target.texts, t_emb, nonanswer=~t_sub)
            scores[f"survey_holdout_{args.holdout_year}"] = score(target.labels, res)
            print(f"holdout {args.holdout_year}:", json.dumps({k: scores[f'survey_holdout_{args.holdout_year}'][k]
                  for k in ('n', 'macro_f1', 'macro_f1_4class', 'accuracy')}), flush=True)

    model = fit_model(params, train, train_emb, survey, survey_emb, args.survey_weight, lexicon)
    dev_res = model.predict(dev.texts, dev_emb)
    scores["norec_sentence_dev"] = score(dev.labels, dev_res)
    if survey is not None:
        oof = with_nonanswers(survey_all, substantive, survey_oof(model, survey, len(train)))
        scores["survey_oof"] = score(survey_all.labels, oof)
    speed_texts = dev.texts + (survey.texts if survey is not None else [])
    speed_emb = np.vstack([dev_emb] + ([survey_emb] if survey is not None else []))
    scores["comments_per_second"] = throughput(model, speed_texts, speed_emb)

    metadata = {
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "encoder": encoder.name,
        "trained_on": {
            "norec_sentence_3class_train": len(train),
            "survey_comments": 0 if survey is None else len(survey),
            "survey_source": None if survey is None else args.survey.name,
            "survey_weight": args.survey_weight if survey is not None else None,
            "lexicon": f"NorSentLex full forms + Nynorsk variants ({len(lexicon.positive)} positive, "
                       f"{len(lexicon.negative)} negative)",
        },
        "tuned_on": "norec_sentence_3class_dev",
        "scores": scores,
        "temperature": model.temperature_, "clause_temperature": model.clause_temperature_,
        "mixed_threshold": model.mixed_threshold_,
        "versions": library_versions(LIBRARIES),
        "command": "python -m training.sentiment " + " ".join(argv),
    }
    model.save(args.out, metadata)
    size = sum(p.stat().st_size for p in args.out.iterdir() if p.is_file())
    summary = {
        "out": str(args.out), "size_mb": round(size / 2**20, 2), "seconds": round(time.time() - t_start),
        "dev_macro_f1": scores["norec_sentence_dev"]["macro_f1"], "dev_ece": scores["norec_sentence_dev"]["ece"],
        "survey_oof_macro_f1": scores.get("survey_oof", {}).get("macro_f1"),
        "survey_oof_macro_f1_4class": scores.get("survey_oof", {}).get("macro_f1_4class"),
        "comments_per_second": scores["comments_per_second"],
    }
    print(json.dumps(summary), flush=True)
    return summary


if __name__ == "__main__":
    main()
