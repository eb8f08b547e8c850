"""Themes fitted per open question (`--per-question`): one ThemeModel each, theme ids unique across them.

A wide survey's questions can be about different things ("what works?", "what should change?"),
and an analyst may want each question's own themes. Question k's theme ids start at k x 1000, so
ids never collide and edits, drivers and exports need no change.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Sequence

import numpy as np

from nlp.schema import OUTLIER
from nlp.themes.model import Theme, ThemeModel

ID_STEP = 1000
QUESTIONS_FILE = "questions.json"


def shift_ids(model: ThemeModel, offset: int) -> ThemeModel:
    """Move a fitted model's theme ids by ``offset`` (in place)."""
    model.topic_ids_ = np.asarray(model.topic_ids_, dtype=int) + offset
    model.themes_ = [replace(t, id=t.id + offset) for t in model.themes_]
    labels = getattr(model, "fit_labels_", None)
    if labels is not None:
        model.fit_labels_ = np.where(labels >= 0, labels + offset, labels)
    return model


class QuestionThemeModels:
    """Where analyze and tag use a ThemeModel: `transform` (given each row's question), `themes_`, save, load."""

    def __init__(self, models: dict[str, ThemeModel]) -> None:
        self.models = models

    @property
    def themes_(self) -> list[Theme]:
        return [t for m in self.models.values() for t in m.themes_]

    @property
    def dim(self) -> int:
        return next(iter(self.models.values())).dim

    def transform(self, embeddings: np.ndarray, questions: Sequence[str] | None = None) -> tuple[np.ndarray, np.ndarray]:
        if questions is None:
            raise ValueError("per-question themes need each comment's question")
        questions = np.asarray(questions, dtype=object)
        unknown = sorted(set(questions) - set(self.models))
        if unknown:
            raise ValueError(f"the model has no themes for question {unknown[0]!r} (it was fitted on: "
                             f"{', '.join(repr(q) for q in self.models)})")
        ids = np.full(len(embeddings), OUTLIER, dtype=int)
        scores = np.zeros(len(embeddings), dtype=np.float32)
        for question, model in self.models.items():
            rows = np.flatnonzero(questions == question)
            if len(rows):
                ids[rows], scores[rows] = model.transform(embeddings[rows])
        return ids, scores

    def transform_codes(self, embeddings: np.ndarray, questions: Sequence[str]) -> list[list[int]]:
        questions = np.asarray(questions, dtype=object)
        out: list[list[int]] = [[] for _ in range(len(embeddings))]
        for question, model in self.models.items():
            rows = np.flatnonzero(questions == question)
            for i, codes in zip(rows, model.transform_codes(embeddings[rows]) if len(rows) else []):
                out[i] = codes
        return out

    def save(self, folder: str | Path) -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        entries = []
        for k, (question, model) in enumerate(self.models.items(), start=1):
            model.save(folder / f"q{k}")
            entries.append({"question": question, "folder": f"q{k}"})
        (folder / QUESTIONS_FILE).write_text(json.dumps({"questions": entries}, ensure_ascii=False, indent=2) + "\n",
                                             encoding="utf-8")

    @classmethod
    def load(cls, folder: str | Path) -> "QuestionThemeModels":
        """ValueError names what does not fit, as ThemeModel.load does."""
        folder = Path(folder)
        try:
            doc = json.loads((folder / QUESTIONS_FILE).read_text(encoding="utf-8"))
            entries = [(str(e["question"]), str(e["folder"])) for e in doc["questions"]]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{QUESTIONS_FILE}: {type(exc).__name__}: {exc}") from None
        models = {}
        for question, sub in entries:
            if Path(sub).name != sub or sub in (".", ".."):
                raise ValueError(f"{QUESTIONS_FILE}: folder {sub!r} is not a plain name")
            try:
                models[question] = ThemeModel.load(folder / sub)
            except ValueError as exc:
                raise ValueError(f"{sub}/{exc}") from None
        return cls(models)


def load_theme_model(folder: str | Path) -> ThemeModel | QuestionThemeModels:
    """A saved theme model folder, fitted on all questions or per question."""
    folder = Path(folder)
    return QuestionThemeModels.load(folder) if (folder / QUESTIONS_FILE).exists() else ThemeModel.load(folder)
