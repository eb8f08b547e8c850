"""`fritekst correct`: the analyst's codes for some comments become corrections the model learns from.

The same record the app writes (a move in `edits.json`, keyed by the comment's redacted text) plus
the comment's vector (`nlp.themes.corrections`), so `tag` also moves the comments that resemble it.
A label names a theme by codebook id, by id (`3` or `T3`) or by its label (case ignored); with
several codes (`a|b`) the first is the comment's primary theme (what the head learns) and the
others are recorded as codes added to it, as the app records them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nlp.analyze import AnalyzeOptions, prepare
from nlp.errors import InputError
from nlp.io import Survey
from nlp.runs.model_store import SavedModel
from nlp.themes.corrections import Corrections
from nlp.themes.edits import Edits, text_id
from nlp.themes.lookup import theme_lookup
from nlp.themes.model import ThemeModel


@dataclass
class Corrected:
    edits: Edits
    corrections: Corrections
    recorded: int   # comments whose theme was recorded
    skipped: int    # rows without a label, and non-answers


def correct(survey: Survey, label_column: str, saved: SavedModel, options: AnalyzeOptions) -> Corrected:
    model = saved.model
    if not isinstance(model, ThemeModel):
        raise InputError("corrections are not supported for themes fitted per question (--per-question) yet")
    names = theme_lookup(model.themes_, saved.edits)
    labels = survey.frame[label_column].fillna("").astype(str).tolist()
    rows, themes, extra, unknown = [], [], [], []
    for i, label in enumerate(labels):
        given = [c.strip() for c in label.split("|") if c.strip()]
        if not given:
            continue
        found = [names.get(c.casefold()) for c in given]
        missing = [c for c, t in zip(given, found) if t is None]
        if missing:
            unknown.append((survey.frame["id"].iloc[i], missing[0]))
            continue
        rows.append(i)
        themes.append(found[0])
        extra.append([t for t in dict.fromkeys(found[1:]) if t != found[0]])
    if unknown:
        shown = ", ".join(f"{rid} ({label!r})" for rid, label in unknown[:10])
        more = f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""
        raise InputError(f"{survey.source}: column '{label_column}' names no theme of the model in rows with id "
                         f"{shown}{more}; use a codebook id, a theme id (3 or T3) or a theme's label")
    prep = prepare(survey, options)
    substantive = ~np.asarray(prep.cleaned.is_nonanswer, dtype=bool)
    keep = [k for k, i in enumerate(rows) if substantive[i]]
    rows, extra = [rows[k] for k in keep], [extra[k] for k in keep]
    themes = np.asarray([themes[k] for k in keep], dtype=int)
    edits = Edits.from_dict(saved.edits.to_dict())
    for i, theme, others in zip(rows, themes, extra):  # as the app records a move, and codes added to it
        key = text_id(prep.safe_text[i])
        edits.moves[key] = int(theme)
        edits.removed.pop(key, None)
        if others:
            edits.added[key] = others
        else:
            edits.added.pop(key, None)
    previous = getattr(model, "corrections_", None) or Corrections(np.zeros((0, model.dim), np.float32),
                                                                  np.zeros(0, int))
    corrections = previous.add(prep.embeddings[rows], themes).fit(model.coef_, model.intercept_, model.topic_ids_)
    return Corrected(edits, corrections, len(rows), len(labels) - len(rows))
