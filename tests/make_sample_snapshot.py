"""Write the sample's reference outputs that `test_end_to_end.test_sample_outputs_match_snapshot` compares with.

Regenerate only when a change is *meant* to change what the sample gives (a new model, a new rule),
and say so in the commit:

    .venv/bin/python tests/make_sample_snapshot.py

It runs the same `fritekst analyze` as the end-to-end test's `run` fixture.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
SNAPSHOT = HERE / "data" / "sample_snapshot.csv"
SNAPSHOT_META = HERE / "data" / "sample_snapshot.json"
SAMPLE = HERE.parent / "data" / "kommuneundersokelse_2019_2021.csv"
GROUPS = ["Rolle", "Fylke", "År", "Spørsmål"]
ARGS = ["--text-column", "Svar", "--id-column", "Svar-ID", "--group-columns", *GROUPS, "--quiet"]
#: The per-comment columns compared; floats are rounded to 3 decimals.
COLUMNS = ["id", "text", "is_nonanswer", "is_duplicate", "variety", "topic_id", "topic_label", "topic_score",
           "sentiment", "sentiment_score", "redacted"]


def snapshot_frame(run: Path) -> pd.DataFrame:
    comments = pd.read_parquet(run / "comments.parquet")[COLUMNS]
    for col in ("topic_score", "sentiment_score"):
        comments[col] = comments[col].astype(float).round(3)
    return comments.reset_index(drop=True)


def snapshot_meta(run: Path) -> dict:
    meta = json.loads((run / "model" / "metadata.json").read_text(encoding="utf-8"))
    topics = pd.read_csv(run / "topics.csv")
    # the last bits of a bf16 vector can depend on the CPU and its thread count: exact only on the same
    return {"encoder_engine": meta["encoder_engine"], "pipeline": meta["pipeline"], "cpus": os.cpu_count(),
            "topics": topics.iloc[:, :3].astype(str).values.tolist()}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        subprocess.run([sys.executable, "-m", "nlp.cli", "analyze", str(SAMPLE), *ARGS, "--out", str(out)],
                       check=True)
        snapshot_frame(out).to_csv(SNAPSHOT, index=False)
        SNAPSHOT_META.write_text(json.dumps(snapshot_meta(out), ensure_ascii=False, indent=1) + "\n",
                                 encoding="utf-8")
    print(f"wrote {SNAPSHOT} and {SNAPSHOT_META}")


if __name__ == "__main__":
    main()
