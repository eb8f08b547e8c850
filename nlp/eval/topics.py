"""Fit themes on a labelled file and score them against the labels (NMI, ARI, outliers)."""

from __future__ import annotations

import time

import numpy as np
from nlp.schema import TOPIC_ID, OUTLIER


def add_arguments(p) -> None:
    p.add_argument("--data", required=True, help="labelled survey file (CSV, XLSX, Parquet)")
    p.add_argument("--text-column", required=True)
    p.add_argument("--label-column", required=True, help="the gold theme of each comment")
    p.add_argument("--nonanswer-label", help="gold label that marks non-answers")
    p.add_argument("--codebook", help="YAML codebook to seed the themes")
    p.add_argument("--seed", type=int, default=42)


def run(args) -> dict:
    from nlp.analyze import AnalyzeOptions, analyze
    from nlp.themes.codebook import load_codebook
    from nlp.io import load_survey, read_table, resolve_column

    start = time.perf_counter()
    survey = load_survey(args.data, args.text_column)
    raw = read_table(args.data)
    gold = raw[resolve_column(raw, args.label_column, survey.source)].astype(str).str.strip().to_numpy()
    options = AnalyzeOptions(codebook=load_codebook(args.codebook) if args.codebook else None, seed=args.seed)
    result = analyze(survey, options)
    return score_themes(result.comments, gold, args.nonanswer_label) | {
        "seconds": round(time.perf_counter() - start, 2)
    }


def score_themes(comments, gold: np.ndarray, nonanswer_label: str | None) -> dict:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    pred = comments[TOPIC_ID].to_numpy()
    is_na = comments["is_nonanswer"].to_numpy(dtype=bool)
    sub = ~is_na
    out = {
        "n": int(len(pred)),
        "nmi": round(float(normalized_mutual_info_score(gold, pred)), 4),
        "ari": round(float(adjusted_rand_score(gold, pred)), 4),
        "n_topics": int(len(set(pred[pred >= 0]))),
        "outlier_share": round(float((pred[sub] == OUTLIER).mean()) if sub.any() else 0.0, 4),
    }
    if nonanswer_label is not None:
        gold_na = gold == nonanswer_label
        tp = int((gold_na & is_na).sum())
        out["nonanswer_precision"] = round(tp / max(int(is_na.sum()), 1), 4)
        out["nonanswer_recall"] = round(tp / max(int(gold_na.sum()), 1), 4)
        theme_rows = ~gold_na & sub
        out["nmi_substantive"] = round(float(normalized_mutual_info_score(gold[theme_rows], pred[theme_rows])), 4)
    return out
