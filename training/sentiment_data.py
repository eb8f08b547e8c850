"""Training data for the sentiment classifier: NoReC_sentence, NorSentLex and labelled survey comments.

Read only by training and benchmark scripts (never by `nlp/`), from `--data` (default
`../shared/data`) and the repository's gold file of the sample survey.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from nlp.clean import is_nonanswer, normalize
from nlp.sentiment.model import LABELS4
from nlp.sentiment.features import Lexicon, detokenize

DEFAULT_DATA = Path("../shared/data")
DEFAULT_SURVEY = Path("data/kommuneundersokelse_2019_2021_fasit.csv")
_NOREC_LABELS = {"Positive": "positive", "Negative": "negative", "Neutral": "neutral"}


@dataclass
class Labelled:
    """Texts (as they are embedded), labels in LABELS4, CV groups and the source of each row."""

    texts: list[str]
    labels: list[str]
    groups: list[str]
    source: str
    extra: pd.DataFrame | None = None  # survey rows: year, variety, non-answer flag

    def __len__(self) -> int:
        return len(self.texts)


def load_norec_sentence(data: Path, split: str) -> Labelled:
    """NoReC_sentence 3-class; texts detokenised; groups are review ids (sent_id prefix)."""
    path = Path(data) / "norec_sentence" / "3class" / f"{split}.json"
    rows = json.loads(path.read_text(encoding="utf-8"))
    return Labelled(
        texts=[detokenize(r["text"]) for r in rows],
        labels=[_NOREC_LABELS[r["label"]] for r in rows],
        groups=["norec:" + r["sent_id"].split("-")[0] for r in rows],
        source=f"norec_sentence/3class/{split}.json",
    )


def load_lexicon(data: Path) -> Lexicon:
    """NorSentLex full-form lists (+ regular Nynorsk variants)."""
    folder = Path(data) / "norsentlex" / "Fullform"

    def words(name: str) -> list[str]:
        return (folder / f"Fullform_{name}_lexicon.txt").read_text(encoding="utf-8").split()

    return Lexicon.build(words("Positive"), words("Negative"))


def load_survey_gold(path: Path) -> Labelled:
    """Gold-labelled survey comments; all rows, with year, variety and a non-answer flag."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    for col in ("Svar-ID", "Svar", "sentiment"):
        if col not in df.columns:
            raise SystemExit(f"{path}: missing column {col!r}")
    bad = sorted(set(df["sentiment"]) - set(LABELS4))
    if bad:
        raise SystemExit(f"{path}: unknown sentiment labels {bad}")
    texts = [detokenize(normalize(t)) for t in df["Svar"]]
    extra = pd.DataFrame({
        "id": df["Svar-ID"],
        "year": ["20" + i[2:4] if i.startswith("KU") else "" for i in df["Svar-ID"]],
        "variety": df.get("målform", pd.Series([""] * len(df))),
        "nonanswer": [is_nonanswer(t) or tema == "ikke_svar"
                      for t, tema in zip(texts, df.get("tema", pd.Series([""] * len(df))))],
    })
    return Labelled(
        texts=texts, labels=list(df["sentiment"]),
        groups=["survey:" + t.casefold() for t in texts],  # exact copies stay in one fold
        source=str(path), extra=extra,
    )


def subset(d: Labelled, mask: np.ndarray) -> Labelled:
    idx = np.flatnonzero(mask)
    return Labelled(
        texts=[d.texts[i] for i in idx], labels=[d.labels[i] for i in idx],
        groups=[d.groups[i] for i in idx], source=d.source,
        extra=None if d.extra is None else d.extra.iloc[idx].reset_index(drop=True),
    )
