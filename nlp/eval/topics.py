"""Fit themes on a labelled file and score them against the labels (NMI, ARI, outliers).

When the labels are codebook ids (several joined by `|`), the comments' codes are scored as
well: samples- and micro-F1 of the code sets, the accuracy of the primary code on one-code
comments, and codes per comment beside the gold's.
"""

from __future__ import annotations

import time

import numpy as np
from nlp.schema import CODES, OUTLIER, TOPIC_ID


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
    scores = score_themes(result.comments, gold, args.nonanswer_label)
    if options.codebook is not None and CODES in result.comments:
        ids = {t.id for t in options.codebook.themes}
        if any(set(split_codes(g)) & ids for g in gold):
            keep = np.array([g != args.nonanswer_label for g in gold], dtype=bool)
            scores |= score_codes(result.comments[CODES].to_numpy()[keep], gold[keep])
    return scores | {"seconds": round(time.perf_counter() - start, 2)}


def split_codes(cell: str) -> list[str]:
    return [c.strip() for c in str(cell).split("|") if c.strip() and c.strip().casefold() != "nan"]


def score_codes(predicted, gold) -> dict:
    """Code sets against gold code sets (both `|`-joined, primary code first in `predicted`).

    A comment with no gold code and no predicted code scores F1 = 1 (it was rightly left uncoded).
    """
    f1, tp, n_pred, n_gold, single_hits, singles = [], 0, 0, 0, 0, 0
    for p_cell, g_cell in zip(predicted, gold):
        p, g = split_codes(p_cell), set(split_codes(g_cell))
        hit = len(set(p) & g)
        tp, n_pred, n_gold = tp + hit, n_pred + len(set(p)), n_gold + len(g)
        f1.append(1.0 if not p and not g else 2 * hit / (len(set(p)) + len(g)))
        if len(g) == 1:
            singles += 1
            single_hits += bool(p) and p[0] in g
    micro = 2 * tp / max(n_pred + n_gold, 1)
    return {
        "codes_f1_samples": round(float(np.mean(f1)), 4) if f1 else 0.0,
        "codes_f1_micro": round(micro, 4),
        "single_code_accuracy": round(single_hits / max(singles, 1), 4),
        "codes_per_comment": round(n_pred / max(len(f1), 1), 4),
        "gold_codes_per_comment": round(n_gold / max(len(f1), 1), 4),
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
