"""Evaluate personal-data redaction on a labelled CSV (columns tekst, spans).

`spans` is a JSON list of [start, end, type] with type in PER, PHONE, EMAIL, FNR, ADDRESS and
offsets into `tekst`. A gold span counts as found when every letter and digit in it is inside some
redacted span (of any type: what matters is that the data does not leak); a redacted span is
correct when it overlaps a gold span. `false_positive_rows` counts rows without personal data in
which anything was redacted.
"""

from __future__ import annotations

import argparse
import csv
import json
import time
from collections import Counter
from pathlib import Path

from nlp.errors import InputError
from nlp.privacy.redactor import TYPES, Redactor


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", required=True, type=Path, help="CSV with columns tekst and spans")
    parser.add_argument("--no-ner", action="store_true", help="rules only, without the spaCy pipeline's names")
    parser.add_argument("--pipeline", default=None, help="spaCy pipeline name or folder (default: bundled)")
    parser.add_argument("--details", action="store_true", help="also list missed spans and false positives")


def load_gold(path: Path) -> list[tuple[str, list[tuple[int, int, str]]]]:
    """Read and validate the labelled file; errors name the row and the problem."""
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"tekst", "spans"} - set(reader.fieldnames or [])
        if missing:
            raise InputError(f"{path}: missing column(s) {', '.join(sorted(missing))}")
        rows = []
        for n, row in enumerate(reader, start=2):
            text = row["tekst"] or ""
            try:
                raw = json.loads(row["spans"] or "[]")
            except json.JSONDecodeError as exc:
                raise InputError(f"{path}: row {n}: spans is not valid JSON ({exc.msg})") from exc
            spans = []
            for item in raw:
                if not (isinstance(item, list) and len(item) == 3):
                    raise InputError(f"{path}: row {n}: each span must be [start, end, type], got {item!r}")
                start, end, kind = item
                if kind not in TYPES:
                    raise InputError(f"{path}: row {n}: unknown type {kind!r} (use {', '.join(TYPES)})")
                if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text)):
                    raise InputError(f"{path}: row {n}: span {item!r} is outside the text")
                spans.append((start, end, kind))
            rows.append((text, spans))
    if not rows:
        raise InputError(f"{path}: no rows")
    return rows


def _covered(text: str, start: int, end: int, pred) -> bool:
    return all(
        any(p.start <= i < p.end for p in pred) for i in range(start, end) if text[i].isalnum()
    )


def score(rows, predictions) -> dict:
    """Recall, precision, per-type recall and false-positive rows for predictions (tuples of Span)."""
    gold_total, gold_found = Counter(), Counter()
    pred_total, pred_ok = Counter(), Counter()
    fp_rows, lookalike_rows = [], 0
    misses, false_pos = [], []
    for n, ((text, gold), pred) in enumerate(zip(rows, predictions)):
        for start, end, kind in gold:
            gold_total[kind] += 1
            if _covered(text, start, end, pred):
                gold_found[kind] += 1
            else:
                misses.append({"row": n, "type": kind, "text": text[start:end]})
        for p in pred:
            pred_total[p.type] += 1
            if any(p.start < e and s < p.end for s, e, _ in gold):
                pred_ok[p.type] += 1
            else:
                false_pos.append({"row": n, "type": p.type, "text": text[p.start:p.end]})
        if not gold:
            lookalike_rows += 1
            if pred:
                fp_rows.append(n)
    n_gold, n_pred = sum(gold_total.values()), sum(pred_total.values())
    return {
        "recall": round(sum(gold_found.values()) / n_gold, 4) if n_gold else None,
        "precision": round(sum(pred_ok.values()) / n_pred, 4) if n_pred else None,
        "recall_per_type": {k: round(gold_found[k] / gold_total[k], 4) for k in TYPES if gold_total[k]},
        "precision_per_type": {k: round(pred_ok[k] / pred_total[k], 4) for k in TYPES if pred_total[k]},
        "false_positive_rows": len(fp_rows),
        "rows": len(rows),
        "rows_without_personal_data": lookalike_rows,
        "gold_spans": dict(gold_total),
        "redacted_spans": n_pred,
        "_misses": misses,
        "_false_positives": false_pos,
        "_false_positive_row_ids": fp_rows,
    }


def run(args: argparse.Namespace) -> dict:
    rows = load_gold(args.data)
    redactor = Redactor(use_ner=not args.no_ner)
    texts = [t for t, _ in rows]
    annotations = None
    t0 = time.perf_counter()
    if redactor.use_ner:
        from nlp.pipeline.spacy_pipeline import annotate, load_pipeline

        redactor.nlp = load_pipeline(args.pipeline)
        annotations = annotate(texts, nlp=redactor.nlp)
    t1 = time.perf_counter()
    predictions = [r.spans for r in redactor.redact_many(texts, annotations)]
    t2 = time.perf_counter()
    result = score(rows, predictions)
    details = {k[1:]: result.pop(k) for k in list(result) if k.startswith("_")}
    result["ner"] = redactor.use_ner
    result["seconds_redaction"] = round(t2 - t1, 3)
    if redactor.use_ner:
        result["seconds_pipeline"] = round(t1 - t0, 3)
    if args.details:
        result.update(details)
    return result
