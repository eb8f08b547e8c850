"""Score the sentiment classifier on labelled comments (JSON list, CSV or XLSX).

    fritekst eval sentiment --data FILE [--text-column C] [--label-column C] [--model DIR]

Labels may be English or Norwegian in any case (positive/positiv, negative/negativ,
neutral/nøytral, mixed/blandet). Texts go through the analyzer's own steps: normalisation,
non-answer detection (non-answers are neutral without the model), then one embedding per comment.
Corpus-tokenised text ("bra , men dyrt .") is detokenised first so it reads like a typed comment.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Sequence

import numpy as np

from nlp.errors import InputError
from nlp.sentiment.calibration import expected_calibration_error
from nlp.sentiment.model import LABELS, LABELS4, MIXED, SentimentModel, SentimentResult

#: Accepted spellings (casefolded, stripped) -> canonical label.
LABEL_ALIASES = {
    "positive": "positive", "positiv": "positive", "pos": "positive",
    "negative": "negative", "negativ": "negative", "neg": "negative",
    "neutral": "neutral", "nøytral": "neutral", "noytral": "neutral", "nøytralt": "neutral",
    "mixed": "mixed", "blandet": "mixed", "blanda": "mixed", "blanding": "mixed",
}


def normalize_label(value: object) -> str | None:
    """Canonical label for an English or Norwegian spelling in any case; None if unknown."""
    return LABEL_ALIASES.get(str(value).strip().casefold())


def map_labels(values: Sequence[object], source: str) -> list[str]:
    """Canonical labels, or an InputError naming the unknown values and their rows."""
    out: list[str] = []
    bad: dict[str, list[int]] = {}
    for i, v in enumerate(values):
        lab = normalize_label(v)
        if lab is None:
            bad.setdefault(str(v), []).append(i + 1)
        else:
            out.append(lab)
    if bad:
        shown = "; ".join(f"{v!r} (rows {', '.join(map(str, rows[:5]))}{', ...' if len(rows) > 5 else ''})"
                          for v, rows in list(bad.items())[:5])
        raise InputError(f"{source}: unknown sentiment labels: {shown}. "
                         "Use positive/negative/neutral/mixed or positiv/negativ/nøytral/blandet")
    return out


def read_labelled(path: str | Path, text_column: str = "text", label_column: str = "label",
                  sheet: str | None = None) -> tuple[list[str], list[str]]:
    """Texts and canonical labels from a JSON list of objects or a CSV/XLSX table."""
    path = Path(path)
    source = path.name
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    if path.suffix.lower() == ".json":
        try:
            rows = json.loads(path.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"{source}: not valid UTF-8 JSON ({exc})") from exc
        if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
            raise InputError(f"{source}: expected a JSON list of objects with '{text_column}' and '{label_column}'")
        for key in (text_column, label_column):
            missing = [i + 1 for i, r in enumerate(rows) if key not in r]
            if missing:
                raise InputError(f"{source}: objects {', '.join(map(str, missing[:10]))} have no '{key}'")
        texts = ["" if r[text_column] is None else str(r[text_column]) for r in rows]
        raw = [r[label_column] for r in rows]
    else:
        from nlp.io import read_table, resolve_column

        df = read_table(path, sheet=sheet)
        tcol = resolve_column(df, text_column, source)
        lcol = resolve_column(df, label_column, source)
        texts = df[tcol].tolist()
        raw = df[lcol].tolist()
    if not texts:
        raise InputError(f"{source}: no rows")
    return texts, map_labels(raw, source)


def score(gold: Sequence[str], result: SentimentResult) -> dict:
    """Metrics for predictions against canonical gold labels.

    `macro_f1` is the 3-class macro-F1 on rows whose gold label is not mixed, predicting the most
    probable of the three classes; `macro_f1_4class` (only when mixed labels are present) scores
    the four-way labels on all rows. `per_class` and `confusion` follow the four-way labels when
    mixed labels are present, the 3-class prediction otherwise.
    """
    from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

    gold = list(gold)
    pred3 = [LABELS[i] for i in result.proba.argmax(axis=1)]
    has_mixed = MIXED in gold
    keep = [i for i, g in enumerate(gold) if g != MIXED]
    g3 = [gold[i] for i in keep]
    p3 = [pred3[i] for i in keep]
    out: dict = {"n": len(gold), "n_3class": len(keep)}
    out["macro_f1"] = round(100 * f1_score(g3, p3, labels=list(LABELS), average="macro", zero_division=0), 2)
    out["accuracy"] = round(100 * accuracy_score(g3, p3), 2)
    y3 = np.array([LABELS.index(g) for g in g3])
    out["ece"] = round(expected_calibration_error(result.proba[keep], y3), 4) if keep else None
    labels = list(LABELS4) if has_mixed else list(LABELS)
    g, p = (gold, list(result.label)) if has_mixed else (g3, p3)
    if has_mixed:
        out["macro_f1_4class"] = round(100 * f1_score(g, p, labels=labels, average="macro", zero_division=0), 2)
        out["accuracy_4class"] = round(100 * accuracy_score(g, p), 2)
    prec, rec, f1, sup = precision_recall_fscore_support(g, p, labels=labels, zero_division=0)
    out["per_class"] = {
        lab: {"precision": round(100 * pr, 2), "recall": round(100 * rc, 2), "f1": round(100 * f, 2), "support": int(s)}
        for lab, pr, rc, f, s in zip(labels, prec, rec, f1, sup)
    }
    cm = confusion_matrix(g, p, labels=labels)
    out["confusion"] = {"labels": labels, "matrix": cm.tolist(), "rows": "gold", "columns": "predicted"}
    return out


def prepare(texts: Sequence[str]) -> tuple[list[str], list[bool]]:
    """The analyzer's cleaning (normalise, flag non-answers) plus detokenisation of corpus text."""
    from nlp.clean import is_nonanswer, normalize
    from nlp.sentiment.features import detokenize

    cleaned = [detokenize(normalize(t)) for t in texts]
    return cleaned, [is_nonanswer(t) for t in cleaned]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, help="JSON list of {text, label} objects, or a CSV/XLSX file")
    parser.add_argument("--text-column", default="text", help="column or key with the comment (default: text)")
    parser.add_argument("--label-column", default="label", help="column or key with the label (default: label)")
    parser.add_argument("--sheet", default=None, help="sheet name for an XLSX file (default: the first)")
    parser.add_argument("--model", default=None, help="sentiment model: a folder or a bundled name (default: "
                                                      "sentiment_finetuned; sentiment is the frozen-embedding one)")
    parser.add_argument("--encoder", default=None, help="embedding encoder (default: the product's, e5-small)")


def run(args: argparse.Namespace) -> dict:
    from nlp.embed.encoders import EmbeddingCache, embed, get_encoder

    raw, gold = read_labelled(args.data, args.text_column, args.label_column, args.sheet)
    model = SentimentModel.load(args.model)
    texts, nonanswer = prepare(raw)
    encoder = get_encoder(args.encoder)
    emb = np.zeros((len(texts), encoder.dim), np.float32)
    sub = [i for i, skip in enumerate(nonanswer) if not skip]
    if sub:
        emb[sub] = embed([texts[i] for i in sub], encoder, EmbeddingCache.default())
    t0 = time.perf_counter()
    result = model.predict(texts, emb, nonanswer=nonanswer)
    seconds = time.perf_counter() - t0
    out = score(gold, result)
    out["n_nonanswer"] = int(sum(nonanswer))
    out["comments_per_second"] = round(len(texts) / max(seconds, 1e-9), 1)
    out["model"] = {k: model.metadata_.get(k) for k in ("trained_on", "created") if k in model.metadata_}
    return out
