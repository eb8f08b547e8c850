"""The rows a fine-tune sees: NoReC_sentence train + dev and the substantive labelled survey comments,
with deterministic cross-fitting folds (fold 0 holds every survey comment of the holdout year, so
its model is also the one that scores the 2021 holdout)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from training.sentiment_data import DEFAULT_SURVEY, load_norec_sentence, load_survey_gold, subset

LABEL_ID = {"positive": 0, "negative": 1, "neutral": 2, "mixed": 3}


@dataclass
class Rows:
    texts: list[str]
    y: np.ndarray          # 0..2, 3 = mixed (not trained on)
    source: np.ndarray     # "norec" | "survey"
    groups: np.ndarray
    year: np.ndarray       # survey year, "" for NoReC


def _stable(s: str) -> int:
    return int(hashlib.sha1(s.encode()).hexdigest()[:8], 16)


def load(data: Path, survey_path: Path = DEFAULT_SURVEY):
    train = load_norec_sentence(data, "train")
    dev = load_norec_sentence(data, "dev")
    survey_all = load_survey_gold(survey_path)
    substantive = ~survey_all.extra["nonanswer"].to_numpy()
    survey = subset(survey_all, substantive)
    rows = Rows(
        texts=list(train.texts) + list(survey.texts),
        y=np.array([LABEL_ID[l] for l in train.labels + survey.labels]),
        source=np.array(["norec"] * len(train) + ["survey"] * len(survey)),
        groups=np.array(list(train.groups) + list(survey.groups)),
        year=np.array([""] * len(train) + list(survey.extra["year"])),
    )
    dev_rows = Rows(texts=list(dev.texts), y=np.array([LABEL_ID[l] for l in dev.labels]),
                    source=np.array(["norec"] * len(dev)), groups=np.array(dev.groups),
                    year=np.array([""] * len(dev)))
    return rows, dev_rows, dict(train=train, dev=dev, survey_all=survey_all, substantive=substantive, survey=survey)


def folds(rows: Rows, k: int = 3, holdout_year: str = "2021") -> np.ndarray:
    """Fold id per row: NoReC reviews spread by a hash of the review id; survey comments of
    `holdout_year` all in fold 0, the other survey comments spread over folds 1..k-1 by text."""
    out = np.zeros(len(rows.texts), np.int64)
    for i, (src, g, yr) in enumerate(zip(rows.source, rows.groups, rows.year)):
        if src == "norec":
            out[i] = _stable(g) % k
        elif yr == holdout_year:
            out[i] = 0
        else:
            out[i] = 1 + _stable(g) % (k - 1)
    return out
