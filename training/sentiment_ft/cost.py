"""Run-time cost of the fine-tuned sentiment encoder inside `analyze` (issue 19, "Done when" 3).

    python -m training.sentiment_ft.cost [--model NAME_OR_FOLDER | --ft FOLDER] [--data ../shared/data] [--n 10000]

Without --ft: `analyze` as it runs with `--sentiment-model` MODEL (default: the default model), its
outputs written as `fritekst analyze` writes them; with a fine-tuned encoder the "Sentiment" stage
includes that encoder's pass, and its share is the stage over the whole run.
With --ft (before a model ships):
A cold `analyze` (fresh cache) of N NoReC dev sentences written as a survey (the file
`benchmarks/bench_speed.py` uses), timed per stage through the progress callback, then in the same
process the fine-tuned encoder (`FineTunedLogits`, loaded from FOLDER) on the same cleaned
substantive texts. The fine-tuned model's sentiment stage = today's stage (the linear comment model,
clause model and mixed detector: the stacker costs the same) + the encoder; its share of analyze =
that / (analyze + encoder). Both parts run under the same load, so the ratio holds on a busy machine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ft", type=Path, help="folder with sentiment_ft.safetensors / .json, run after analyze")
    ap.add_argument("--model", help="analyze's --sentiment-model (e.g. sentiment_finetuned)")
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--n", type=int, default=10_000)
    args = ap.parse_args(argv)
    root = Path(__file__).resolve().parents[2]
    sys.path.insert(0, str(root / "benchmarks"))
    from bench_speed import GROUPS, write_norec, write_sample_head  # noqa: E402
    from norec_sample import norec_sentences  # noqa: E402

    with tempfile.TemporaryDirectory(prefix="sft_cost_") as tmp_name:
        tmp = Path(tmp_name)
        os.environ["FRITEKST_CACHE"] = str(tmp / "cache")  # cold: nothing embedded yet
        path = tmp / "norec.csv"
        write_norec(norec_sentences(args.data, args.n), write_sample_head(10, tmp / "head.csv"), path)
        from nlp.analyze import AnalyzeOptions, analyze
        from nlp.io import load_survey

        marks: list[tuple[str, float]] = []

        def progress(stage, done, total):
            if not marks or marks[-1][0] != stage:
                marks.append((stage, time.perf_counter()))

        t0 = time.perf_counter()
        survey = load_survey(path, "Svar", id_column="Svar-ID", group_columns=GROUPS)
        result = analyze(survey, AnalyzeOptions(sentiment_model=args.model), progress)
        from nlp.runs.store import write_analysis

        progress("Writing the outputs", 0, 1)  # what `fritekst analyze` does next
        write_analysis(result, tmp / "out", survey.group_columns)
        t_end = time.perf_counter()
        stages: dict[str, float] = {}
        for (name, start), nxt in zip(marks, marks[1:] + [("end", t_end)]):
            stages[name] = stages.get(name, 0.0) + nxt[1] - start
        analyze_s = t_end - t0

        from nlp.clean import clean
        from nlp.sentiment.finetuned import FineTunedLogits

        cleaned = clean(survey.frame["text"].tolist())
        texts = [t for t, na in zip(cleaned.text, cleaned.is_nonanswer) if not na]
        t1 = t2 = t3 = time.perf_counter()
        if args.ft:
            ft = FineTunedLogits(args.ft)
            t2 = time.perf_counter()
            ft.encode(texts)
            t3 = time.perf_counter()
    sentiment = stages.get("Sentiment", 0.0)
    encoder_s = t3 - t1
    out = {
        "comments": len(result.comments) if hasattr(result, "comments") else args.n,
        "substantive": len(texts), "analyze_s": round(analyze_s, 1),
        "stages_s": {k: round(v, 1) for k, v in stages.items()},
        "sentiment_model": args.model or "default", "sentiment_stage_s": round(sentiment, 1), "sentiment_share": round(sentiment / analyze_s, 3),
        "load_average": os.getloadavg(),
    }
    if args.ft:
        out.update({"ft_load_s": round(t2 - t1, 1), "ft_logits_s": round(t3 - t2, 1),
                    "ft_texts_per_s": round(len(texts) / (t3 - t2), 1), "ft_precision": ft.precision,
                    "share_with_ft": round((sentiment + encoder_s) / (analyze_s + encoder_s), 3)})
    print(json.dumps(out), flush=True)
    return out


if __name__ == "__main__":
    main()
