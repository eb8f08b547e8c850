"""Non-answer precision/recall and written-variety accuracy against the sample gold file.

    .venv/bin/python benchmarks/eval_clean.py [--data data] [--errors]

Reads the survey and its gold file through nlp.io (so the reader is exercised too), runs
nlp.clean.clean on the answers and compares ``is_nonanswer`` with ``tema == "ikke_svar"`` and
``variety`` with ``målform``. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from nlp.clean import clean  # noqa: E402
from nlp.io import load_survey, read_table  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default="data", help="folder with the sample and its gold file")
    parser.add_argument("--errors", action="store_true", help="list every disagreement on stderr")
    args = parser.parse_args(argv)
    data = Path(args.data)

    survey = load_survey(data / "kommuneundersokelse_2019_2021.csv", "Svar", id_column="Svar-ID")
    gold = read_table(data / "kommuneundersokelse_2019_2021_fasit.csv")
    if gold["Svar-ID"].tolist() != survey.frame["id"].tolist():
        raise SystemExit("gold file ids do not match the survey rows")
    result = clean(survey.frame["text"].tolist())

    truth = (gold["tema"] == "ikke_svar").tolist()
    pred = result.is_nonanswer
    tp = sum(p and t for p, t in zip(pred, truth))
    fp = sum(p and not t for p, t in zip(pred, truth))
    fn = sum(t and not p for p, t in zip(pred, truth))
    varieties = gold["målform"].tolist()
    confusion = Counter(zip(varieties, result.variety))
    correct = sum(g == p for g, p in zip(varieties, result.variety))

    report = {
        "rows": len(truth),
        "nonanswer": {
            "gold": sum(truth),
            "predicted": sum(pred),
            "precision": round(tp / (tp + fp), 4) if tp + fp else None,
            "recall": round(tp / (tp + fn), 4) if tp + fn else None,
        },
        "variety": {
            "accuracy": round(correct / len(varieties), 4),
            "confusion_gold_pred": {f"{g}->{p}": n for (g, p), n in sorted(confusion.items())},
        },
        "duplicates_flagged": sum(result.is_duplicate),
    }
    json.dump(report, sys.stdout, ensure_ascii=False)
    sys.stdout.write("\n")
    if args.errors:
        for text, p, t in zip(survey.frame["text"], pred, truth):
            if p != t:
                print(("FP " if p else "FN ") + repr(text), file=sys.stderr)
        for text, p, g in zip(survey.frame["text"], result.variety, varieties):
            if p != g:
                print(f"variety gold={g} pred={p} {text!r}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
