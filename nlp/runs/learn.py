"""The app's "Lær av rettingene": the analyst's moves in a run teach its model, as `fritekst correct` does.

Every comment of the run that the analyst moved to a theme becomes a correction (its vector, from
the embedding cache, and the theme), the assignment head is refitted on them
(`nlp.themes.corrections`), and the result is saved as the model's `corrections.safetensors`,
so `fritekst tag` also moves the comments of a later round that resemble them. The run itself
keeps showing the analyst's edits exactly; only the model learns. Corrections from `fritekst
correct` are kept (a comment corrected again takes its new theme).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from nlp.errors import InputError
from nlp.schema import OUTLIER
from nlp.themes.edits import Edits, text_id


def moved_comments(comments: pd.DataFrame, edits: Edits) -> tuple[list[str], np.ndarray]:
    """Distinct texts of the run that a move gives a theme, and that theme (merges followed)."""
    texts, themes = [], []
    for text in dict.fromkeys(comments.loc[~comments["is_nonanswer"].astype(bool), "text"].astype(str)):
        theme = edits.moves.get(text_id(text))
        if theme is not None and theme != OUTLIER:
            texts.append(text)
            themes.append(edits.target(int(theme)))
    return texts, np.asarray(themes, dtype=int)


def learn_from_edits(folder: str | Path, comments: pd.DataFrame, edits: Edits, root: str | Path | None = None) -> int:
    """Refit the run's model on the analyst's moves and save the corrections; returns how many.

    InputError when there is nothing to learn or the model cannot learn (themes per question)."""
    from nlp.atomic import atomic_file
    from nlp.embed.encoders import EmbeddingCache, embed, get_encoder
    from nlp.runs.app_runs import confine, runs_dir
    from nlp.runs.model_store import load_model
    from nlp.themes.corrections import FILE, Corrections
    from nlp.themes.model import ThemeModel

    model_folder = Path(folder) / "model"
    root = Path(root) if root is not None else runs_dir()
    for path in (Path(folder), model_folder, model_folder / FILE):
        confine(path, root)
    saved = load_model(model_folder)
    model = saved.model
    if not isinstance(model, ThemeModel):
        raise InputError("corrections are not supported for themes fitted per question (--per-question) yet")
    texts, themes = moved_comments(comments, edits)
    if not texts:
        raise InputError("no comments were moved to a theme: nothing to learn from")
    encoder = get_encoder(saved.metadata.get("encoder_spec"))
    vectors = embed(texts, encoder, EmbeddingCache.default())
    previous = getattr(model, "corrections_", None) or Corrections(np.zeros((0, model.dim), np.float32),
                                                                  np.zeros(0, int))
    corrections = previous.add(vectors, themes).fit(model.coef_, model.intercept_, model.topic_ids_)
    with atomic_file(model_folder / FILE) as tmp:
        corrections.save_to(tmp)
    return len(texts)
